"""Closed periods on the demo: May 2017 of 扎赉特旗 closed, a visit backfilled into it.

The figure is read before and after, never typed: a refused visit leaves it as it was, a
correction changes it and is shown beside it on the compliance page and its API.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from fupin.accounts.models import User
from fupin.areas import periods
from fupin.areas.models import PeriodClose, PeriodCorrection
from fupin.core.models import AuditEvent
from fupin.fieldwork import services
from fupin.fieldwork.models import Visit
from fupin.fieldwork.selectors import (
    compliance_counts,
    month_window,
    pairings_behind,
    period_window,
)

COUNTY = "152223"  # 扎赉特旗
MAY = "2017-05"
KIND = periods.Kind.FIELDWORK_MONTH


@pytest.fixture(autouse=True)
def _wide_backdating(settings):
    # Closed periods on their own: records months back are backdated here, so the backdating
    # window (tests/fieldwork/test_backdating.py) is opened wide; each still gives its reason,
    # and a correction's reason serves as its backdating reason too.
    settings.FUPIN_BACKDATE_DAYS = {"visit": 3650, "check_in": 3650, "meeting": 3650}


def user(name):
    return User.objects.get(username=name)


@pytest.fixture
def office(demo, db):
    return user(f"county_office-{COUNTY}")


@pytest.fixture
def hq(demo, db):
    return user("league_hq-1522")


def behind(admin):
    return compliance_counts(admin, COUNTY, MAY).pairings_behind


def a_pairing_behind(admin):
    """A pairing of the county behind in May's last week (29 May – 4 June) only: a visit in
    it moves the count (every week of the month counts, docs/fieldwork.md)."""
    earlier = pairings_behind(
        admin, COUNTY, period_window(datetime.date(2017, 5, 1), datetime.date(2017, 5, 28))
    )
    pairing = (
        pairings_behind(admin, COUNTY, month_window(MAY))
        .exclude(pk__in=earlier.values("pk"))
        .select_related("household")
        .first()
    )
    assert pairing is not None
    return pairing


def backfill(actor, pairing, **extra):
    return services.visit_log(
        user=actor,
        cadre=pairing.cadre,
        household=pairing.household,
        visited_on=datetime.date(2017, 5, 30),
        backdate_reason="补录",
        content="补录",
        **extra,
    )


def test_a_closed_month_refuses_a_backfilled_visit_and_keeps_its_figure(admin, office):
    periods.period_close(actor=office, kind=KIND, area=COUNTY, period=MAY, note="5月已上报")
    before = behind(admin)
    pairing = a_pairing_behind(admin)
    visits = Visit.objects.count()
    with pytest.raises(ValidationError) as refused:
        backfill(admin, pairing)
    assert refused.value.code == "period_closed"
    assert behind(admin) == before
    assert Visit.objects.count() == visits
    assert AuditEvent.objects.filter(action=periods.PERIOD_CLOSED, target__isnull=False).exists()


def test_a_correction_is_saved_flagged_and_shown_beside_the_figure(admin, office):
    periods.period_close(actor=office, kind=KIND, area=COUNTY, period=MAY)
    before = behind(admin)
    pairing = a_pairing_behind(admin)
    visit = backfill(admin, pairing, correction_reason="纸质走访记录漏录")
    assert behind(admin) == before - 1
    correction = PeriodCorrection.objects.get(record="fieldwork.visit", record_id=str(visit.pk))
    assert correction.reason == "纸质走访记录漏录" and correction.close.area_id == COUNTY
    event = AuditEvent.objects.get(action=periods.PERIOD_CORRECTED, target=str(correction.pk))
    assert event.detail["record_id"] == str(visit.pk) and event.user_id == admin.pk

    client = Client()
    client.force_login(office)
    page = client.get(f"/compliance/?area={COUNTY}&month={MAY}").content.decode()
    assert 'data-corrections="pairings_behind"' in page
    assert "含1条更正：纸质走访记录漏录" in page
    assert "2017-05 已关账" in page
    api = client.get(f"/api/areas/{COUNTY}/compliance/closes/?month={MAY}").json()
    assert api["closed"] is True and api["closed_areas"] == [COUNTY]
    assert [(c["figure"], c["reason"]) for c in api["corrections"]] == [
        ("pairings_behind", "纸质走访记录漏录")
    ]
    # The league's page shows the county's correction too; another month shows none.
    league = client.get(f"/api/areas/1522/compliance/closes/?month={MAY}")
    assert league.status_code == 404  # the county office does not see the league
    june = client.get(f"/api/areas/{COUNTY}/compliance/closes/?month=2017-06").json()
    assert june == {"month": "2017-06", "closed": False, "closed_areas": [], "corrections": []}


def test_league_hq_reopens_with_a_reason(admin, office, hq):
    close = periods.period_close(actor=office, kind=KIND, area=COUNTY, period=MAY)
    with pytest.raises(PermissionDenied):
        periods.period_reopen(actor=office, close=close, reason="重算")
    with pytest.raises(ValidationError):
        periods.period_reopen(actor=hq, close=close, reason=" ")
    periods.period_reopen(actor=hq, close=close, reason="县里上报有误，重新核对")
    close.refresh_from_db()
    assert close.reopened_by == hq and close.reopen_reason == "县里上报有误，重新核对"
    assert AuditEvent.objects.filter(action=periods.PERIOD_REOPENED, target=str(close.pk)).exists()
    # Reopened: the visit goes in without a correction, and the month may be closed again.
    before = behind(admin)
    backfill(admin, a_pairing_behind(admin))
    assert behind(admin) == before - 1
    assert not PeriodCorrection.objects.exists()
    periods.period_close(actor=office, kind=KIND, area=COUNTY, period=MAY)


def test_a_county_office_cannot_close_another_county(demo, db, office):
    with pytest.raises(PermissionDenied):
        periods.period_close(actor=office, kind=KIND, area="152201", period=MAY)
    with pytest.raises(PermissionDenied):
        periods.period_close(actor=office, kind=KIND, area="1522", period=MAY)
    assert not PeriodClose.objects.exists()
    client = Client()
    client.force_login(office)
    response = client.post("/compliance/?area=152201&month=2017-05", {"period_action": "close"})
    assert response.status_code == 404
    assert not PeriodClose.objects.exists()


def test_the_compliance_page_closes_and_reopens_by_role(demo, db, office, hq):
    client = Client()
    client.force_login(office)
    url = f"/compliance/?area={COUNTY}&month={MAY}"
    assert 'id="period-close-form"' in client.get(url).content.decode()
    assert client.post(url, {"period_action": "close", "note": "已上报"}).status_code == 302
    close = PeriodClose.objects.get(kind=KIND, area_id=COUNTY, period=MAY)
    page = client.get(url).content.decode()
    assert 'id="period-reopen"' not in page and "2017-05 已关账" in page
    assert (
        client.post(url, {"period_action": "reopen", "close": close.pk, "reason": "x"}).status_code
        == 403
    )
    village_team = Client()
    village_team.force_login(user("village_team-152223100234"))
    village_url = f"/compliance/?area=152223100234&month={MAY}"
    assert 'id="period-close-form"' not in village_team.get(village_url).content.decode()
    league = Client()
    league.force_login(hq)
    assert 'id="period-reopen"' in league.get(url).content.decode()
    league.post(url, {"period_action": "reopen", "close": close.pk, "reason": "重新核对"})
    close.refresh_from_db()
    assert close.reopened_at is not None


def test_the_visit_form_asks_for_a_correction_reason_in_a_closed_month(admin, office):
    periods.period_close(actor=office, kind=KIND, area=COUNTY, period=MAY)
    pairing = a_pairing_behind(admin)
    client = Client()
    # Visits are recorded by the village side (docs/security.md, "Who may write what").
    client.force_login(admin)
    # The form starts from the household (the search of 记录走访 picks it).
    url = f"/visits/new/?household={pairing.household_id}"
    form = client.get(url).content.decode()
    assert '"2017-05"' in form  # the closed months the form's script reads
    data = {
        "cadre": pairing.cadre_id,
        "household": pairing.household_id,
        "kind": "home",
        "visited_on": "2017-05-30",
        "backdate_reason": "补录",
        "category": "other",
    }
    refused = client.post(url, data)
    assert refused.status_code == 400
    assert "已关账" in refused.content.decode()
    visits = Visit.objects.count()
    assert client.post(url, {**data, "correction_reason": "漏录"}).status_code == 302
    assert Visit.objects.count() == visits + 1
    assert PeriodCorrection.objects.get().reason == "漏录"
