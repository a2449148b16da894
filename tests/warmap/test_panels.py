"""The funds and division panels on hand-built data: a transfer counted once at its holder, the
remainders to the fen, a county user's part only; a village's leader on its township."""

import datetime
from decimal import Decimal

import pytest

from fupin.accounts.models import Role
from fupin.areas.models import Area
from fupin.assistance.models import Cadre, Link
from fupin.funds.models import Allocation, Fund, Project, ProjectType, Source
from fupin.warmap import panels
from tests.factories import CHANGFA, LEAGUE, YINDEER, ZHALAITE, make_household, make_user

pytestmark = pytest.mark.django_db
D = datetime.date
SOURCE = Source.values[0]
BASE, TRAINING = ProjectType.values[0], ProjectType.values[3]


@pytest.fixture
def money():
    league_fund = Fund.objects.create(
        name="盟级资金",
        source=SOURCE,
        level="league",
        area_id=LEAGUE,
        amount=Decimal("1000000.00"),
        received_on=D(2017, 2, 1),
    )
    county_fund = Fund.objects.create(
        name="下拨扎赉特旗",
        source=SOURCE,
        level="league",
        area_id=ZHALAITE,
        amount=Decimal("400000.00"),
        received_on=D(2017, 3, 1),
        parent=league_fund,
    )
    base = Project.objects.create(name="基地", type=BASE, area_id=ZHALAITE)
    training = Project.objects.create(name="培训", type=TRAINING, area_id=ZHALAITE)
    Allocation.objects.create(
        fund=league_fund,
        project=training,
        area_id=ZHALAITE,
        amount=Decimal("100000.00"),
        allocated_on=D(2017, 4, 1),
    )
    Allocation.objects.create(
        fund=county_fund,
        project=base,
        area_id=ZHALAITE,
        amount=Decimal("300000.01"),
        allocated_on=D(2017, 4, 2),
    )


def test_funds_flow_counts_a_transfer_once_at_its_holder(money):
    data = panels.funds_flow(make_user(Role.LEAGUE_HQ, LEAGUE), Area.objects.get(code=LEAGUE), 2017)
    assert {(r["holder"], r["amount"]) for r in data["source_holder"]} == {
        (LEAGUE, Decimal("600000.00")),
        (ZHALAITE, Decimal("400000.00")),
    }
    assert {(r["holder"], r["type"], r["amount"]) for r in data["holder_type"]} == {
        (LEAGUE, TRAINING, Decimal("100000.00")),
        (ZHALAITE, BASE, Decimal("300000.01")),
    }
    remainders = {h["holder"]: h["remainder"] for h in data["holders"]}
    assert remainders == {LEAGUE: Decimal("500000.00"), ZHALAITE: Decimal("99999.99")}
    assert data["total"] == {
        "kept": Decimal("1000000.00"),
        "allocated": Decimal("400000.01"),
        "remainder": Decimal("599999.99"),
    }
    assert (
        panels.funds_flow(make_user(Role.LEAGUE_HQ, LEAGUE), Area.objects.get(code=LEAGUE), 2016)[
            "source_holder"
        ]
        == []
    )


def test_a_county_sees_only_the_money_it_holds(money):
    county = make_user(Role.COUNTY_OFFICE, ZHALAITE)
    data = panels.funds_flow(county, Area.objects.get(code=ZHALAITE), 2017)
    assert [(r["holder"], r["amount"]) for r in data["source_holder"]] == [
        (ZHALAITE, Decimal("400000.00"))
    ]
    assert data["total"]["remainder"] == Decimal("99999.99")


def test_funds_flow_ends_where_the_projects_are(money):
    """Project type → the unit one level down that holds the project (a county's own
    project stays under the county), in the table and in the Sankey."""
    from fupin.warmap import charts

    Project.objects.filter(name="基地").update(area_id=YINDEER)
    league = panels.funds_flow(
        make_user(Role.LEAGUE_HQ, LEAGUE), Area.objects.get(code=LEAGUE), 2017
    )
    assert {
        (r["type"], r["place"], r["place_name"], r["amount"]) for r in league["type_place"]
    } == {
        (TRAINING, ZHALAITE, "扎赉特旗", Decimal("100000.00")),
        (BASE, ZHALAITE, "扎赉特旗", Decimal("300000.01")),
    }
    links = {
        (link["source"], link["target"]): link["value"] for link in charts._sankey(league)["links"]
    }
    assert links[(f"t:{BASE}", f"p:{ZHALAITE}")] == panels.wan(Decimal("300000.01"))
    county = panels.funds_flow(
        make_user(Role.COUNTY_OFFICE, ZHALAITE), Area.objects.get(code=ZHALAITE), 2017
    )
    assert [(r["type"], r["place"], r["amount"]) for r in county["type_place"]] == [
        (BASE, YINDEER, Decimal("300000.01"))
    ]


def test_division_target_progress_and_links_of_a_village(db):
    for planned, exit_year in ((2017, 2017), (2017, None), (2018, None)):
        make_household(CHANGFA, members=3, planned_exit_year=planned, exit_year=exit_year)
    leader = Cadre.objects.create(
        name="旗长甲", area_id=ZHALAITE, unit="扎赉特旗人民政府", post=Cadre.Post.COUNTY_LEADER
    )
    Link.objects.create(
        kind=Link.Kind.LEADER_TOWNSHIP, area_id=YINDEER, cadre=leader, start_date=D(2016, 1, 1)
    )
    Link.objects.create(
        kind=Link.Kind.DEPARTMENT_VILLAGE,
        area_id=CHANGFA,
        department="扎赉特旗农牧业局",
        start_date=D(2016, 1, 1),
    )
    Link.objects.create(  # ended before 2017: not counted
        kind=Link.Kind.DEPARTMENT_VILLAGE,
        area_id=CHANGFA,
        department="旧单位",
        start_date=D(2015, 1, 1),
        end_date=D(2016, 6, 30),
    )
    user = make_user(Role.LEAGUE_HQ, LEAGUE)
    (row,) = panels.division(user, Area.objects.get(code=CHANGFA), 2017)["rows"]
    assert (row["target_households"], row["target_persons"]) == (2, 6)
    assert (row["exited_households"], row["exited_persons"]) == (1, 3)
    assert row["progress"] == Decimal("50.00")
    assert row["leaders"] == ["旗长甲"]
    assert row["departments"] == ["扎赉特旗农牧业局"]
    township = panels.division(user, Area.objects.get(code=YINDEER), 2017)
    (changfa,) = [r for r in township["rows"] if r["code"] == CHANGFA]
    assert changfa["departments_count"] == 1 and changfa["leaders_count"] == 0
