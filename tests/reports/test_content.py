"""The figures, ranks and flags of a report against counts made here from the records."""

import datetime
from decimal import Decimal

import pytest

from fupin.areas.models import Area
from fupin.assistance.models import Pairing
from fupin.duties.models import Task
from fupin.fieldwork.models import Concern, ReviewMeeting, Visit
from fupin.party.models import PartyMeeting
from fupin.reports.content import ReportError, build
from tests.factories import YINDEER, make_user

from .conftest import VILLAGES, A, B, C

D = datetime.date
REF = D(2017, 6, 30)
WEEK = (D(2017, 6, 24), REF)  # the week ending on the reference day (fieldwork's rule)


def _ranks(values: dict, higher_better: bool) -> dict:
    """1 = best, ties share, next skips — written again here, independently."""
    present = {k: v for k, v in values.items() if v is not None}
    out = {}
    for code, v in present.items():
        better = [w for w in present.values() if (w > v if higher_better else w < v)]
        out[code] = len(better) + 1
    return out


def _independent(indicators: dict) -> dict:
    """{code: composite rank} from {key: ({code: value}, higher_better)}."""
    per = {key: _ranks(values, high) for key, (values, high) in indicators.items()}
    composite = {}
    for code in VILLAGES:
        own = [per[k][code] for k in per if code in per[k]]
        composite[code] = Decimal(sum(own)) / len(own)
    return _ranks(composite, higher_better=False), composite


def _visited_share(code):
    pairings = list(Pairing.objects.filter(village_id=code))
    visited = sum(
        1
        for p in pairings
        if Visit.objects.filter(
            cadre=p.cadre, household=p.household, visited_on__range=WEEK
        ).exists()
    )
    return (Decimal(visited * 100) / len(pairings)).quantize(Decimal("0.01"))


def _overdue_concerns(code):
    return Concern.objects.filter(
        village_id=code, state__in=("raised", "assigned", "in_progress"), deadline__lt=REF
    ).count()


@pytest.mark.django_db
def test_weekly_ranks_villages_by_field_work(township):
    league = make_user("league_hq", "1522")
    c = build(league, Area.objects.get(pk=YINDEER), "weekly", REF)
    assert c["title"] == "音德尔镇2017年第26周周报告"
    assert c["period"]["to_date"] is True  # the week ends on 2 July
    units = {u["code"]: u for u in c["units"]}
    assert set(units) == set(VILLAGES)
    share = {code: _visited_share(code) for code in VILLAGES}
    overdue = {code: _overdue_concerns(code) for code in VILLAGES}
    for code in VILLAGES:
        assert Decimal(units[code]["values"]["visited_share"]) == share[code]
        assert units[code]["values"]["concerns_overdue"] == overdue[code]
        assert units[code]["values"]["pairings"] == 2
    expected, composite = _independent(
        {"visited_share": (share, True), "concerns_overdue": (overdue, False)}
    )
    assert {code: units[code]["rank"] for code in VILLAGES} == expected == {A: 1, B: 2, C: 3}
    assert Decimal(units[C]["composite"]) == composite[C]
    assert [u["code"] for u in c["units"]] == [A, B, C]
    assert [units[x]["flag"] for x in (A, B, C)] == ["green", "yellow", "red"]
    assert any("超期未办诉求 1" in r for r in units[C]["reasons"])
    assert any("后三分之一" in r for r in units[C]["reasons"])
    # Owners: the village's department link, its first secretary.
    assert units[C]["owners"] == {"leader": "包联单位C", "first_secretary": "书记C"}
    # The weekly lists: who has not visited whom, the overdue concern with its owner.
    behind = {(r["cadre"], r["household"]) for r in c["pairings_behind"]["rows"]}
    assert behind == {("干部B1", "户主B1"), ("干部C0", "户主C0"), ("干部C1", "户主C1")}
    assert [(r["owner"], r["deadline"]) for r in c["concerns"]["rows"]] == [("书记C", "2017-06-10")]
    # A figure opens the records it counts.
    assert units[C]["links"]["concerns_overdue"] == f"/compliance/?area={C}&month=2017-06"


@pytest.mark.django_db
def test_dekad_bulletin_ranks_all_indicators_and_names_the_laggards(township):
    league = make_user("league_hq", "1522")
    c = build(league, Area.objects.get(pk=YINDEER), "dekad", REF)
    assert c["period"]["label"] == "2017年6月下旬" and c["period"]["to_date"] is False
    units = {u["code"]: u for u in c["units"]}
    # Independent counts of the dekad 21–30 June.
    reviews = {
        code: 0
        if ReviewMeeting.objects.filter(
            area_id=code, level="village", held_on__range=(D(2017, 6, 16), REF)
        ).exists()
        else 1
        for code in VILLAGES
    }
    held = set(PartyMeeting.objects.values_list("area_id", "kind"))
    # Due by 30 June inside the dekad: June's committee meeting, Q2's members' meeting and lesson.
    missed = {
        A: sum((A, k) not in held for k in ("committee_meeting", "members_meeting", "lesson")),
        B: 0,  # no branch
        C: 3,
    }
    tasks = {t.area_id: t for t in Task.objects.all()}
    duty = {code: Decimal(tasks[code].progress).quantize(Decimal("0.01")) for code in VILLAGES}
    overdue_tasks = {
        code: int(tasks[code].progress < 100 and tasks[code].deadline < REF) for code in VILLAGES
    }
    share = {code: _visited_share(code) for code in VILLAGES}
    concerns = {code: _overdue_concerns(code) for code in VILLAGES}
    for code in VILLAGES:
        v = units[code]["values"]
        assert v["reviews_missed"] == reviews[code]
        assert v["meetings_missed"] == missed[code]
        assert Decimal(v["duty_score"]) == duty[code]
        assert v["tasks_overdue"] == overdue_tasks[code]
        assert v["exit_progress"] is None  # nothing planned to exit in 2017 here
    expected, _composite = _independent(
        {
            "visited_share": (share, True),
            "concerns_overdue": (concerns, False),
            "reviews_missed": (reviews, False),
            "meetings_missed": (missed, False),
            "duty_score": (duty, True),
            "tasks_overdue": (overdue_tasks, False),
        }
    )
    assert {code: units[code]["rank"] for code in VILLAGES} == expected
    assert [lag["name"] for lag in c["laggards"]] == [units[C]["name"]]
    assert any("三会一课缺开次数 3" in r for r in units[C]["reasons"])


@pytest.mark.django_db
def test_monthly_dispatch_lists_what_is_behind_with_owners(township):
    league = make_user("league_hq", "1522")
    c = build(league, Area.objects.get(pk=YINDEER), "monthly", REF)
    d = c["dispatch"]
    assert [(r["what"][:10], r["owner"], r["deadline"]) for r in d["tasks"]["rows"]] == [
        ("清单任务：任务201", "书记C", "2017-06-15")
    ]
    assert d["tasks"]["rows"][0]["first_secretary"] == "书记C"
    assert d["tasks"]["rows"][0]["leader"] == "包联单位C"
    assert [r["unit"] for r in d["meetings"]["rows"]] == ["东方红村党支部"]
    assert d["concerns"]["total"] == 1
    # Residents under 20 days: every first secretary here (no check-ins at all).
    assert d["residents"]["total"] == 3
    assert {r["owner"] for r in d["residents"]["rows"]} == {"书记A", "书记B", "书记C"}


@pytest.mark.django_db
def test_league_report_ranks_counties_with_funds_and_township_leader_owner(township):
    league = make_user("league_hq", "1522")
    c = build(league, Area.objects.get(pk="1522"), "monthly", REF)
    assert c["unit_level"] == "county"
    assert len(c["units"]) == 6
    assert "allocation_rate" in [i["key"] for i in c["indicators"]]
    zhalaite = next(u for u in c["units"] if u["code"] == "152223")
    assert zhalaite["values"]["concerns_overdue"] == 1
    assert zhalaite["flag"] == "yellow"  # a county with a hard failure: at least yellow
    assert "超期未办诉求 1" in zhalaite["reasons"]
    county = build(league, Area.objects.get(pk="152223"), "weekly", REF)
    yin = next(u for u in county["units"] if u["code"] == YINDEER)
    assert yin["owners"]["leader"] == "联系领导甲"


@pytest.mark.django_db
def test_quarterly_compares_with_the_previous_quarter(township):
    league = make_user("league_hq", "1522")
    c = build(league, Area.objects.get(pk=YINDEER), "quarterly", REF)
    assert c["changes"]["label"] == "2017年第1季度"
    rows = {r["code"]: r for r in c["changes"]["rows"]}
    assert set(rows) == set(VILLAGES)
    assert all(r["rank"] is not None for r in rows.values())


@pytest.mark.django_db
def test_a_period_not_yet_begun_is_refused(township):
    league = make_user("league_hq", "1522")
    with pytest.raises(ReportError, match="尚未开始"):
        build(league, Area.objects.get(pk=YINDEER), "weekly", D(2017, 7, 3))


@pytest.mark.django_db
def test_queries_do_not_grow_with_the_units(township, django_assert_max_num_queries):
    """Grouped by code prefix: a county's 17 townships cost what a township's 3 villages do
    (money, a few queries per county, is only on the league's six counties)."""
    league = make_user("league_hq", "1522")
    for code in (YINDEER, "152223"):
        with django_assert_max_num_queries(45):
            build(league, Area.objects.get(pk=code), "monthly", REF)


@pytest.mark.django_db
def test_totals_add_up_from_the_units(township):
    league = make_user("league_hq", "1522")
    c = build(league, Area.objects.get(pk=YINDEER), "monthly", REF)
    assert c["totals"]["concerns_overdue"] == 1
    assert c["totals"]["meetings_missed"] == 3
    assert c["totals"]["visits"] == Visit.objects.filter(visited_on__month=6).count() == 3
    # Every week of June counts: the visits are all in its last week, so no pairing was
    # seen every week (the weekly report of that week has 3 of 6).
    assert c["totals"]["visited_share"] == "0.00"
