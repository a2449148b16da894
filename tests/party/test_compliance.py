"""三会一课 compliance: the selector, the page and the API agree with a count made here."""

from __future__ import annotations

import datetime

import pytest

from fupin.party.models import MeetingRequirement, PartyMeeting, PartyOrganization
from fupin.party.selectors import meeting_compliance, parse_month, parse_quarter
from tests.factories import CHANGFA, HADANALA, YINDEER, make_user

from .helpers import make_branch, make_meeting, make_org

D = datetime.date
Q2 = parse_quarter("2017-Q2")
MONTHS = [(D(2017, m, 1), D(2017, m, 28)) for m in (4, 5, 6)]


@pytest.fixture
def league(db):
    """长发村's branch with known gaps in 2017-Q2, its township's committee, a branch of
    哈达那拉 (other county) with none held at all."""
    committee = make_org(YINDEER, "committee", name="音德尔镇党委")
    branch, groups, people = make_branch(CHANGFA)
    branch.parent = committee
    branch.save()
    for day in (D(2017, 4, 10), D(2017, 5, 9), D(2017, 6, 8)):
        make_meeting(committee, "committee_meeting", day)
    # Branch: committee meetings in April and June (May missing), no members' meeting,
    # a lesson in May.
    make_meeting(branch, "committee_meeting", D(2017, 4, 3))
    make_meeting(branch, "committee_meeting", D(2017, 6, 3), absent=[(people[1], "illness")])
    make_meeting(branch, "lesson", D(2017, 5, 20), absent=[(people[4], "work_away")])
    # Group 1 every month; group 2 only in April. A March meeting is outside the quarter.
    for day in (D(2017, 4, 5), D(2017, 5, 5), D(2017, 6, 5)):
        make_meeting(groups[0], "group_meeting", day)
    make_meeting(groups[1], "group_meeting", D(2017, 4, 6))
    make_meeting(
        branch, "members_meeting", D(2017, 3, 30), absent=[(people[5], "leave")]
    )  # Q1: not this quarter's
    # A branch founded in June: only June is due. An inactive one: nothing.
    make_org(CHANGFA, "branch", name="长发村新支部", founded_on=D(2017, 6, 1))
    make_org(CHANGFA, "branch", name="撤销支部", active=False)
    other = make_org(HADANALA, "branch", name="哈达那拉党支部")
    return {
        "committee": committee,
        "branch": branch,
        "groups": groups,
        "people": people,
        "other": other,
    }


def independent_missing(code: str, months: list[tuple[D, D]]) -> dict[int, int]:
    """Count, org by org, the required (kind, period) with no meeting — plain ORM, by hand."""
    quarter = (months[0][0], months[-1][1])
    needed = {
        "committee": [("committee_meeting", m) for m in months],
        "branch": [("committee_meeting", m) for m in months]
        + [("members_meeting", quarter), ("lesson", quarter)],
        "group": [("group_meeting", m) for m in months],
    }
    out = {}
    for org in PartyOrganization.objects.filter(area__code__startswith=code, active=True):
        n = 0
        for kind, (first, last) in needed[org.kind]:
            if org.founded_on and org.founded_on > first:
                continue
            held = PartyMeeting.objects.filter(
                organization=org, kind=kind, held_on__gte=first, held_on__lte=last
            ).exists()
            n += not held
        if n:
            out[org.pk] = n
    return out


def test_late_organisations_agree_with_an_independent_count(league):
    admin = make_user("league_hq", "1522")
    result = meeting_compliance(admin, "152223", Q2)
    mine = {item.organization.pk: len(item.missing) for item in result.late}
    assert mine == independent_missing("152223", MONTHS)
    branch, groups = league["branch"], league["groups"]
    late = {item.organization.pk: item.missing for item in result.late}
    assert {(p.kind, p.label) for p in late[branch.pk]} == {
        ("committee_meeting", "2017-05"),
        ("members_meeting", "2017-04～06"),
    }
    assert [p.label for p in late[groups[1].pk]] == ["2017-05", "2017-06"]
    new = PartyOrganization.objects.get(name="长发村新支部")
    # Founded in June: the quarter that began before it is not due, June is.
    assert [(p.kind, p.label) for p in late[new.pk]] == [("committee_meeting", "2017-06")]
    # 4 active orgs in 扎赉特旗 (committee, branch, 2 groups) + the new branch.
    assert result.organizations == 5
    assert len(result.late) == 3
    assert result.missed_meetings == 2 + 2 + 1


def test_absences_of_the_period_with_reasons(league):
    result = meeting_compliance(make_user("village_team", CHANGFA), CHANGFA, Q2)
    got = sorted((a.member.name, a.reason, a.meeting.held_on) for a in result.absences)
    people = league["people"]
    assert got == sorted(
        [(people[1].name, "illness", D(2017, 6, 3)), (people[4].name, "work_away", D(2017, 5, 20))]
    )


def test_only_periods_ended_by_the_as_of_day_are_due(league, settings):
    settings.FUPIN_AS_OF = "2017-05-15"
    admin = make_user("league_hq", "1522")
    result = meeting_compliance(admin, CHANGFA, Q2)
    # Only April has ended: group 2 held April, the branch held April → nobody is late.
    assert result.late == []
    result = meeting_compliance(admin, CHANGFA, parse_quarter("2017-Q3"))
    assert result.missed_meetings == 0


def test_a_month_and_an_edited_requirement(league):
    admin = make_user("league_hq", "1522")
    may = meeting_compliance(admin, CHANGFA, parse_month("2017-05"))
    assert {item.organization.name for item in may.late} == {
        "长发村党支部",
        "长发村党支部第2党小组",
    }
    # Quarterly periods are due in the month that ends them only.
    june = meeting_compliance(admin, CHANGFA, parse_month("2017-06"))
    branch_missing = next(i for i in june.late if i.organization.name == "长发村党支部").missing
    assert [p.kind for p in branch_missing] == ["members_meeting"]
    # The frequencies are data: group meetings every quarter instead of monthly.
    MeetingRequirement.objects.filter(kind="group_meeting").update(every_months=3)
    result = meeting_compliance(admin, CHANGFA, Q2)
    assert all(not i.organization.is_group for i in result.late)


def test_scope_a_user_of_another_village_sees_nothing(league):
    user = make_user("village_team", HADANALA)
    result = meeting_compliance(user, "1522", Q2)
    assert result.organizations == 1  # only 哈达那拉's own branch
    assert [i.organization.name for i in result.late] == ["哈达那拉党支部"]
    assert result.absences == []


def test_api_numbers(league, client):
    client.force_login(make_user("county_office", "152223"))
    data = client.get("/api/areas/152223/meeting-compliance/?quarter=2017-Q2").json()
    assert (data["organizations"], data["late"], data["absences"]) == (5, 3, 2)
    assert data["missed_meetings"] == sum(independent_missing("152223", MONTHS).values())
    assert data["quarter"] == "2017-Q2"
    assert client.get("/api/areas/152223/meeting-compliance/?quarter=2017-Q9").status_code == 400
    assert client.get(f"/api/areas/{HADANALA}/meeting-compliance/").status_code == 404


def test_page_and_export(league, client):
    from io import BytesIO

    from openpyxl import load_workbook

    client.force_login(make_user("township_officer", YINDEER))
    page = client.get(f"/party/compliance/?area={CHANGFA}&quarter=2017-Q2")
    html = page.content.decode()
    assert page.status_code == 200
    assert "长发村党支部第2党小组" in html and league["people"][4].name in html
    assert 'data-stat="late">3<' in html.replace(" ", "")
    export = client.get(f"/party/compliance/export/?area={CHANGFA}&quarter=2017-Q2")
    book = load_workbook(BytesIO(export.content))
    late_rows = list(book.worksheets[0].iter_rows(min_row=2, values_only=True))
    assert len(late_rows) == 5  # one row per missing (organisation, kind, period)
    assert len(list(book.worksheets[1].iter_rows(min_row=2))) == 2


def test_page_drills_down_by_area(league, client):
    client.force_login(make_user("county_office", "152223"))
    page = client.get("/party/compliance/?area=152223&quarter=2017-Q2")
    rows = page.context["children"]
    assert [(c.code, n, late, missed, absent) for c, n, late, missed, absent in rows] == [
        (YINDEER, 5, 3, 5, 2)
    ]
    assert f"?area={YINDEER}&amp;quarter=2017-Q2" in page.content.decode()
    month = client.get("/party/compliance/?area=152223&month=2017-05")
    assert month.context["quarter"] == "" and "month=2017-05" in month.context["export"]
