"""Work teams: fewer than 3 members serving, or a term under 2 years, is warned about on
the roster, the team list and the team page (one selector)."""

from __future__ import annotations

import datetime

import pytest

from fupin.cadres import selectors
from fupin.cadres.models import WorkTeam
from tests.factories import CHANGFA, HADANALA, SHUANGYUSHU, make_user

from .helpers import make_cadre, make_post

pytestmark = pytest.mark.django_db

START = datetime.date(2016, 1, 1)
AS_OF = datetime.date(2017, 6, 30)


def _team(village, members, planned_end=datetime.date(2017, 12, 31), left=0):
    cadres = [make_cadre(village, post="work_team") for _ in range(members + left)]
    team = WorkTeam.objects.create(
        village_id=village,
        sending_unit="旗县财政局",
        leader=cadres[0],
        start_date=START,
        planned_end=planned_end,
    )
    for i, cadre in enumerate(cadres):
        end = datetime.date(2017, 3, 31) if i >= members else None
        make_post(
            cadre,
            "work_team",
            village,
            START,
            end,
            team=team,
            end_reason="transferred" if end else "",
        )
    return team


def test_term_rule_is_two_calendar_years():
    assert not selectors.term_too_short(START, datetime.date(2017, 12, 31))
    assert selectors.term_too_short(START, datetime.date(2017, 12, 30))
    assert not selectors.term_too_short(datetime.date(2016, 2, 29), datetime.date(2018, 2, 27))


def test_warnings_for_small_teams_and_short_terms():
    good = _team(CHANGFA, 3)
    small = _team(SHUANGYUSHU, 2, left=1)  # one member left: 2 serving
    brief = _team(HADANALA, 4, planned_end=datetime.date(2017, 9, 30))
    admin = make_user("league_hq", "1522")
    rows = {r.team.pk: r for r in selectors.work_team_warnings(admin, "1522", AS_OF)}
    assert good.pk not in rows
    assert rows[small.pk].members == 2
    assert rows[small.pk].warnings == ["在岗队员不足 3 人（2 人）"]
    assert rows[brief.pk].warnings == ["任期不足 2 年"]
    # Before the member left, the team had three.
    earlier = selectors.work_team_warnings(admin, "1522", datetime.date(2017, 3, 1))
    assert small.pk not in {r.team.pk for r in earlier}


def test_pages_show_the_warnings(client):
    small = _team(SHUANGYUSHU, 2, left=1)
    client.force_login(make_user("county_office", "152223"))
    roster = client.get("/cadres/?area=152223").content.decode()
    assert "在岗队员不足 3 人（2 人）" in roster
    team_page = client.get(f"/cadres/teams/{small.pk}/")
    assert "在岗队员不足 3 人（2 人）" in team_page.content.decode()
    listing = client.get("/cadres/teams/?area=152223&warn=1")
    assert [r.team.pk for r in listing.context["page"]] == [small.pk]


def test_a_team_outside_scope_is_404(client):
    team = _team(CHANGFA, 3)
    client.force_login(make_user("village_team", HADANALA))
    assert client.get(f"/cadres/teams/{team.pk}/").status_code == 404
