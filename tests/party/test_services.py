"""A Party write leaves exactly one audit event; a refused one leaves none."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fupin.core import audit
from fupin.core.models import AuditEvent
from fupin.party import services
from fupin.party.models import ArchiveEntry, PartyMember
from tests.factories import CHANGFA, HADANALA, make_user
from tests.party.helpers import make_member, make_org


@pytest.fixture
def org(db):
    return make_org(CHANGFA)


def test_a_transfer_leaves_one_event(org):
    member = make_member(org)
    target = make_org(CHANGFA)
    services.member_transfer(
        user=make_user(), member=member, to_organization=target, date=datetime.date(2017, 1, 5)
    )
    event = AuditEvent.objects.get()
    assert event.action == audit.MEMBER_TRANSFERRED and event.target == str(member.pk)
    assert event.detail["organization"] == [org.pk, target.pk]


def test_a_refused_transfer_leaves_no_event(org):
    member = make_member(org)
    with pytest.raises(PermissionDenied):
        services.member_transfer(
            user=make_user(code=HADANALA),
            member=member,
            to_organization=None,
            date=datetime.date(2017, 1, 5),
        )
    with pytest.raises(ValidationError):
        services.member_transfer(
            user=make_user(), member=member, to_organization=org, date=datetime.date(2017, 1, 5)
        )
    assert not AuditEvent.objects.exists()
    assert PartyMember.objects.get(pk=member.pk).organization_id == org.pk


def test_an_archive_entry_is_a_service_with_its_event(org):
    member = make_member(org)
    entry = ArchiveEntry(kind=ArchiveEntry.Kind.COMMITMENT, year=2016, text="承诺")
    services.archive_entry_create(user=make_user(), member=member, entry=entry)
    assert AuditEvent.objects.get().action == audit.ARCHIVE_ENTRY_CREATED
    with pytest.raises(PermissionDenied):
        services.archive_entry_create(
            user=make_user(code=HADANALA),
            member=member,
            entry=ArchiveEntry(kind=ArchiveEntry.Kind.COMMITMENT, year=2016),
        )
    assert AuditEvent.objects.count() == 1 and member.archive.count() == 1
