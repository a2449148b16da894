"""A member update leaves exactly one audit event with the changed fields; a refused one none."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fupin.core import audit
from fupin.core.models import AuditEvent
from fupin.registry import services
from tests.factories import HADANALA, make_household, make_user


@pytest.fixture
def member(db):
    return make_household().members.order_by("pk")[1]


def test_a_member_update_leaves_one_event_with_before_and_after(member):
    user = make_user()
    services.member_update(actor=user, member=member, data={"phone": "13800000000"}, reason="核实")
    event = AuditEvent.objects.get()
    assert event.action == audit.MEMBER_UPDATED and event.target == str(member.pk)
    assert event.user == user
    assert event.detail["changes"] == {"phone": ["", "13800000000"]}
    assert event.detail["reason"] == "核实"
    member.refresh_from_db()
    assert member.history.first().history_change_reason == "核实"


def test_a_refused_member_update_leaves_no_event(member):
    with pytest.raises(ValidationError):
        services.member_update(actor=make_user(), member=member, data={"id_number": "123"})
    with pytest.raises(PermissionDenied):
        services.member_update(
            actor=make_user(code=HADANALA), member=member, data={"phone": "13800000000"}
        )
    assert not AuditEvent.objects.exists()
