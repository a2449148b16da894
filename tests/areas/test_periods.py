"""Closed periods: who closes and reopens, what a close covers, and the writes it locks."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fupin.areas import periods
from fupin.areas.models import PeriodClose, PeriodCorrection
from fupin.assistance.models import Cadre
from fupin.core.models import AuditEvent
from fupin.fieldwork import services as fieldwork
from fupin.party import services as party
from fupin.party.models import PartyMeeting
from tests.factories import CHANGFA, HADANALA, make_user
from tests.party.helpers import make_org

pytestmark = pytest.mark.django_db
D = datetime.date
COUNTY = CHANGFA[:6]
Kind = periods.Kind


@pytest.fixture(autouse=True)
def _wide_backdating(settings):
    # Closed periods on their own: records months back are backdated here, so the backdating
    # window (tests/fieldwork/test_backdating.py) is opened wide; each still gives its reason,
    # and a correction's reason serves as its backdating reason too.
    settings.FUPIN_BACKDATE_DAYS = {"visit": 3650, "check_in": 3650, "meeting": 3650}


def test_periods_of_a_day_and_their_bounds():
    day = D(2017, 5, 30)
    assert periods.period_of(Kind.FIELDWORK_MONTH, day) == "2017-05"
    assert periods.period_of(Kind.PARTY_QUARTER, day) == "2017-Q2"
    assert periods.period_of(Kind.ASSESSMENT_YEAR, day) == "2017"
    assert periods.period_bounds(Kind.PARTY_QUARTER, "2017-Q2") == (D(2017, 4, 1), D(2017, 6, 30))
    assert periods.period_bounds(Kind.FIELDWORK_MONTH, "2016-02") == (D(2016, 2, 1), D(2016, 2, 29))
    for bad in ("2017-13", "2017-5", "17-05", ""):
        with pytest.raises(ValidationError):
            periods.period_bounds(Kind.FIELDWORK_MONTH, bad)


def test_who_may_close():
    office = make_user("county_office", COUNTY)
    hq = make_user("league_hq", "1522")
    with pytest.raises(PermissionDenied):
        periods.period_close(
            actor=office, kind=Kind.FIELDWORK_MONTH, area="152201", period="2017-05"
        )
    with pytest.raises(PermissionDenied):
        periods.period_close(actor=office, kind=Kind.FIELDWORK_MONTH, area="1522", period="2017-05")
    village = make_user("village_team", CHANGFA)
    with pytest.raises(PermissionDenied):
        periods.period_close(
            actor=village, kind=Kind.FIELDWORK_MONTH, area=COUNTY, period="2017-05"
        )
    with pytest.raises(ValidationError):
        periods.period_close(actor=hq, kind=Kind.FIELDWORK_MONTH, area=CHANGFA, period="2017-05")
    with pytest.raises(ValidationError):  # not begun on the as-of date
        periods.period_close(actor=hq, kind=Kind.FIELDWORK_MONTH, area=COUNTY, period="2017-07")
    assert not PeriodClose.objects.exists() and not AuditEvent.objects.exists()
    periods.period_close(actor=office, kind=Kind.FIELDWORK_MONTH, area=COUNTY, period="2017-05")
    with pytest.raises(ValidationError):
        periods.period_close(actor=hq, kind=Kind.FIELDWORK_MONTH, area=COUNTY, period="2017-05")
    periods.period_close(actor=hq, kind=Kind.FIELDWORK_MONTH, area="152201", period="2017-05")
    periods.period_close(actor=hq, kind=Kind.ASSESSMENT_YEAR, area="1522", period="2016")
    assert AuditEvent.objects.filter(action=periods.PERIOD_CLOSED).count() == 3


def test_a_league_close_covers_its_counties_and_not_other_periods():
    hq = make_user("league_hq", "1522")
    periods.period_close(actor=hq, kind=Kind.FIELDWORK_MONTH, area="1522", period="2017-05")
    assert periods.close_covering(Kind.FIELDWORK_MONTH, CHANGFA, D(2017, 5, 1)) is not None
    assert periods.close_covering(Kind.FIELDWORK_MONTH, HADANALA, D(2017, 5, 31)) is not None
    assert periods.close_covering(Kind.FIELDWORK_MONTH, CHANGFA, D(2017, 6, 1)) is None
    assert periods.close_covering(Kind.PARTY_QUARTER, CHANGFA, D(2017, 5, 1)) is None
    assert periods.close_covering(Kind.FIELDWORK_MONTH, "1521", D(2017, 5, 1)) is None


def test_a_check_in_and_a_review_meeting_in_a_closed_month():
    user = make_user("village_team", CHANGFA)
    office = make_user("county_office", COUNTY)
    periods.period_close(actor=office, kind=Kind.FIELDWORK_MONTH, area=COUNTY, period="2017-05")
    cadre = Cadre.objects.create(name="驻村", area_id=CHANGFA, unit="单位", post="work_team")
    with pytest.raises(ValidationError):
        fieldwork.check_in_record(
            user=user, cadre=cadre, village_code=CHANGFA, day=D(2017, 5, 3), backdate_reason="补录"
        )
    with pytest.raises(ValidationError):
        fieldwork.review_meeting_record(
            user=user,
            area_code=CHANGFA,
            level="village",
            held_on=D(2017, 5, 10),
            backdate_reason="补录",
        )
    check_in = fieldwork.check_in_record(
        user=user, cadre=cadre, village_code=CHANGFA, day=D(2017, 5, 3), correction_reason="补打卡"
    )
    meeting = fieldwork.review_meeting_record(
        user=user,
        area_code=CHANGFA,
        level="village",
        held_on=D(2017, 5, 10),
        correction_reason="会议记录补录",
    )
    # June is open: nothing to correct.
    fieldwork.check_in_record(
        user=user, cadre=cadre, village_code=CHANGFA, day=D(2017, 6, 3), backdate_reason="补录"
    )
    rows = set(PeriodCorrection.objects.values_list("record", "record_id", "reason"))
    assert rows == {
        ("fieldwork.checkin", str(check_in.pk), "补打卡"),
        ("fieldwork.reviewmeeting", str(meeting.pk), "会议记录补录"),
    }
    assert AuditEvent.objects.filter(action=periods.PERIOD_CORRECTED).count() == 2


def test_a_party_meeting_in_a_closed_quarter():
    hq = make_user("league_hq", "1522")
    user = make_user("village_team", CHANGFA)
    org = make_org(CHANGFA)
    periods.period_close(actor=hq, kind=Kind.PARTY_QUARTER, area=COUNTY, period="2017-Q1")
    record = dict(user=user, organization=org, kind="members_meeting", topic="学习")
    with pytest.raises(ValidationError) as refused:
        party.meeting_record(**record, held_on=D(2017, 3, 20), backdate_reason="补录")
    assert refused.value.code == "period_closed"
    assert not PartyMeeting.objects.exists()
    meeting = party.meeting_record(**record, held_on=D(2017, 3, 20), correction_reason="纸质记录")
    assert PeriodCorrection.objects.get().record_id == str(meeting.pk)
    party.meeting_record(**record, held_on=D(2017, 4, 20), backdate_reason="补录")
    assert PartyMeeting.objects.count() == 2 and PeriodCorrection.objects.count() == 1


def test_the_refusal_is_translated(client):
    from django.utils import translation

    hq = make_user("league_hq", "1522")
    periods.period_close(actor=hq, kind=Kind.FIELDWORK_MONTH, area=COUNTY, period="2017-05")
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        periods.period_check(Kind.FIELDWORK_MONTH, CHANGFA, D(2017, 5, 2))
    assert "closed" in refused.value.messages[0]


def test_a_closed_year_of_assessment_is_run_again_only_as_a_correction(client):
    from fupin.assessment.services import assessment_run

    office = make_user("county_office", COUNTY)
    client.force_login(office)
    url = f"/assessment/?area={COUNTY}&year=2016"
    assert 'id="period-close-form"' in client.get(url).content.decode()
    client.post(url, {"period_action": "close", "note": "县级评估已完成"})
    close = PeriodClose.objects.get(kind=Kind.ASSESSMENT_YEAR, area_id=COUNTY, period="2016")
    page = client.get(url).content.decode()
    assert "2016 已关账" in page and 'name="correction_reason"' in page
    for code in (COUNTY, CHANGFA, "1522", ""):
        with pytest.raises(ValidationError):
            assessment_run(year=2016, code=code)
    assessment_run(year=2016, code="152201")
    assessment_run(year=2017, code=COUNTY)
    client.post(url, {"correction_reason": "收入数据更正后重评"})
    correction = PeriodCorrection.objects.get()
    assert correction.close == close and correction.record == "assessment.run"
    assert correction.record_id == f"2016:{COUNTY}" and correction.corrected_by == office
