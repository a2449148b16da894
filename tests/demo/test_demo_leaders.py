"""The demo's entrepreneurship leaders at a small scale: the seed's 932 leaders driving 7,486
households (scaled by the demo's own helper) come out of the page's selector; every link
stays in the leader's county; no household gets more through leaders than its wage and
business income of record."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import Sum

from fupin.areas.models import Area
from fupin.demo.leaders import scaled_leaders
from fupin.leaders.models import EntrepreneurLeader, LeaderIncome, LeaderLink
from fupin.leaders.selectors import leader_figures
from fupin.registry import codes
from fupin.registry.models import IncomeRecord
from tests.demo.snapshots import SCALE, snapshot_part

CHANGFA = "152223100234"


@snapshot_part("leaders")
def _snapshot():
    return {
        "leaders": list(
            EntrepreneurLeader.objects.order_by("pk").values_list(
                "party_member__name", "area_id", "business_name", "kind", "since"
            )
        ),
        "links": list(
            LeaderLink.objects.order_by("pk").values_list(
                "leader__business_name", "household__number", "kind", "since", "until"
            )
        ),
        "incomes": list(
            LeaderIncome.objects.order_by("pk").values_list(
                "link__household__number", "year", "amount"
            )
        ),
    }


def test_the_seed_figures_through_the_page_selector(demo, admin):
    target = scaled_leaders(SCALE)
    assert target == {"leaders": round(932 * SCALE), "households": round(7486 * SCALE)}
    league = Area.objects.get(pk="1522")
    for year in (2016, 2017):
        total = leader_figures(admin, league, year).total
        assert (total.leaders, total.households) == (target["leaders"], target["households"])
    result = leader_figures(admin, league, 2016)
    assert sum(f.households for _c, f in result.rows) == target["households"]
    assert (
        result.total.income
        == LeaderIncome.objects.filter(year=2016).aggregate(s=Sum("amount"))["s"]
        > 0
    )
    assert demo.leaders.households == target["households"]
    # The page shows the same numbers.
    from django.test import Client

    client = Client()
    client.force_login(admin)
    page = client.get("/leaders/?area=1522&year=2016").content.decode()
    assert f'data-figure="households">{target["households"]}<' in page
    assert f'data-figure="leaders">{target["leaders"]}<' in page
    leader = EntrepreneurLeader.objects.filter(area_id=CHANGFA).first()
    page = client.get(f"/leaders/{leader.pk}/").content.decode()
    assert leader.business_name in page
    assert all(link.household.number in page for link in leader.links.all())


def test_leaders_are_non_cadre_members_and_links_stay_in_the_county(demo, db):
    leaders = EntrepreneurLeader.objects.select_related("party_member")
    assert all(not x.party_member.is_cadre and x.area_id == x.party_member.area_id for x in leaders)
    assert leaders.filter(area_id=CHANGFA).exists()
    # A leader drives households of the own village first: 长发村's team sees them.
    from fupin.accounts.models import User

    team = User.objects.get(username="village_team-152223100234")
    assert leader_figures(team, Area.objects.get(pk=CHANGFA), 2016).total.households > 0
    links = LeaderLink.objects.select_related("leader", "household")
    for link in links:
        assert link.village_id == link.household.village_id
        assert link.village_id[:6] == link.leader.area_id[:6]
        assert link.leader.since <= link.since and (link.until is None or link.until.year == 2015)
        assert (
            link.household.status in codes.POOR_STATUSES or (link.household.exit_year or 0) >= 2015
        )
    # Some households have two leaders, some an ended link; both are counted once.
    per_household = defaultdict(int)
    for link in links:
        per_household[link.household_id] += 1
    assert any(n > 1 for n in per_household.values())
    assert links.filter(until__isnull=False).exists()


def test_leader_income_stays_within_the_registry_income(demo, db):
    through = defaultdict(Decimal)
    for household, year, amount in LeaderIncome.objects.values_list(
        "link__household_id", "year", "amount"
    ):
        through[(household, year)] += amount
    records = {
        (r.household_id, r.year): r.wage_income + r.business_income
        for r in IncomeRecord.objects.filter(household_id__in={h for h, _y in through})
    }
    assert through and all(amount <= records[key] for key, amount in through.items())
    assert {y for _h, y in through} == {2015, 2016}
