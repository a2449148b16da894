"""Leaders for tests: a hand-built set of leaders, links and incomes in 扎赉特旗 and beyond."""

from __future__ import annotations

import datetime
from decimal import Decimal

from fupin.leaders.models import EntrepreneurLeader, LeaderIncome, LeaderLink
from tests.factories import CHANGFA, HADANALA, SHUANGYUSHU, make_household
from tests.party.helpers import make_member, make_org

D = datetime.date
LEADER_SINCE = D(2012, 5, 1)
LINK_SINCE = D(2015, 3, 1)


def income(wage, business="0"):
    return {
        "year": 2016,
        "wage_income": Decimal(wage),
        "business_income": Decimal(business),
        "property_income": Decimal(0),
        "transfer_income": Decimal(0),
        "business_costs": Decimal(0),
    }


def make_leader(member, *, kind="cooperative", industry="肉牛养殖", since=LEADER_SINCE):
    return EntrepreneurLeader.objects.create(
        party_member=member,
        area_id=member.area_id,
        business_name=f"{member.name}{industry}合作社",
        kind=kind,
        industry=industry,
        since=since,
    )


def link(leader, household, kind="employ", since=LINK_SINCE, until=None, **amounts):
    row = LeaderLink.objects.create(
        leader=leader,
        household=household,
        village_id=household.village_id,
        kind=kind,
        since=since,
        until=until,
    )
    for year, amount in amounts.items():
        LeaderIncome.objects.create(
            link=row, village_id=household.village_id, year=int(year[1:]), amount=Decimal(amount)
        )
    return row


def build():
    """Two leaders in 扎赉特旗 (长发村, 双榆树嘎查), one in 乌兰浩特市 (哈达那拉嘎查).

    h1 (长发村, 3 persons) is linked to both 扎赉特旗 leaders; h3's link ended in 2015; h4's
    began in 2017; h5 is in 乌兰浩特市."""
    changfa = make_org(CHANGFA, name="长发村党支部")
    shuang = make_org(SHUANGYUSHU, name="双榆树党支部")
    hada = make_org(HADANALA, name="哈达那拉党支部")
    a = make_leader(make_member(changfa, name="王带头"), since=D(2010, 1, 1))
    b = make_leader(make_member(shuang, name="李带头"), kind="company", since=D(2016, 3, 1))
    c = make_leader(make_member(hada, name="赵带头"), kind="family_farm")
    h1 = make_household(CHANGFA, members=3, income=income("9000", "3000"))
    h2 = make_household(CHANGFA, members=2, income=income("2000", "8000"))
    h3 = make_household(SHUANGYUSHU, members=4, income=income("5000"))
    h4 = make_household(CHANGFA, members=5, income=income("5000"))
    h5 = make_household(HADANALA, members=1, income=income("4000"))
    links = {
        "a1": link(a, h1, "employ", D(2015, 3, 1), y2015="3000.00", y2016="4200.50"),
        "b1": link(b, h1, "drive", D(2016, 4, 1), y2016="1000.00"),
        "a2": link(a, h2, "drive", D(2016, 5, 1), y2016="2500.25"),
        "b3": link(b, h3, "employ", D(2014, 6, 1), D(2015, 12, 31), y2015="1800.00"),
        "a4": link(a, h4, "employ", D(2017, 2, 1)),
        "c5": link(c, h5, "employ", D(2015, 1, 1), y2015="500.00", y2016="700.00"),
    }
    return {
        "leaders": (a, b, c),
        "households": (h1, h2, h3, h4, h5),
        "links": links,
        "orgs": (changfa, shuang, hada),
    }
