"""A leaders' write leaves exactly one audit event (income in fen); a refused one leaves none."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from fupin.core import audit
from fupin.core.models import AuditEvent
from fupin.leaders import services
from tests.factories import CHANGFA, make_household, make_user
from tests.leaders.helpers import income, link, make_leader
from tests.party.helpers import make_member, make_org


@pytest.fixture
def row(db):
    leader = make_leader(make_member(make_org(CHANGFA)))
    return link(leader, make_household(CHANGFA, income=income("5000")))


def test_an_income_leaves_one_event_in_fen(row):
    services.income_record(user=make_user(), link=row, year=2016, amount=Decimal("1200.50"))
    event = AuditEvent.objects.get()
    assert event.action == audit.LEADER_INCOME_RECORDED
    assert event.detail["amount_fen"] == [None, 120050]


def test_a_refused_income_leaves_no_event(row):
    with pytest.raises(ValidationError):
        services.income_record(user=make_user(), link=row, year=2016, amount=Decimal("9000"))
    with pytest.raises(ValidationError):
        services.link_end(user=make_user(), link=row, until=datetime.date(2000, 1, 1))
    assert not AuditEvent.objects.exists()
