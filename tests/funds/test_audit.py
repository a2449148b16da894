"""A money movement leaves exactly one audit event, amounts in fen; a refused one leaves none."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fupin.core import audit
from fupin.core.models import AuditEvent
from fupin.funds import services
from tests.factories import LEAGUE, make_user

D = datetime.date(2017, 3, 1)


def test_an_allocation_leaves_one_event_with_the_amount_in_fen(office, fund, project):
    before = AuditEvent.objects.count()
    row = services.allocation_create(
        actor=office, fund=fund, project=project, amount="600000.01", date=D
    )
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.get(action=audit.ALLOCATION_CREATED)
    assert event.user == office and event.target == str(row.pk)
    assert event.detail["amount_fen"] == 60000001
    assert event.detail["remainder_fen"] == [100000000, 39999999]


def test_a_refused_allocation_leaves_no_event(office, fund, project):
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError):
        services.allocation_create(
            actor=office, fund=fund, project=project, amount="1000000.01", date=D
        )
    with pytest.raises(PermissionDenied):
        services.allocation_create(
            actor=make_user("county_office", "152201"),
            fund=fund,
            project=project,
            amount="1",
            date=D,
        )
    assert AuditEvent.objects.count() == before


def test_recording_and_transferring_a_fund_are_audited(db):
    hq = make_user("league_hq", LEAGUE)
    fund = services.fund_record(
        actor=hq,
        name="帮扶资金",
        source="department",
        level="region",
        area=LEAGUE,
        amount="100.50",
        received_on=D,
    )
    assert AuditEvent.objects.get(action=audit.FUND_RECORDED).detail["amount_fen"] == 10050
    services.fund_transfer(actor=hq, parent=fund, area="152223", amount="0.50", date=D)
    event = AuditEvent.objects.get(action=audit.FUND_TRANSFERRED)
    assert event.detail["amount_fen"] == 50 and event.detail["parent"] == fund.pk
