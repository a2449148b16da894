"""The demo's Party-member entrepreneurship leaders and the households they drive.

docs/domain.md §3.6: 932 Party-member entrepreneurship leaders driving 7,486 poor households. At a
scale the figures are :func:`scaled_leaders` (the demo test uses the same helper). The
leaders are active members of village branches who are not cadres, spread round-robin over
the demo villages (长发村 first). Each drives households that were poor at the end of 2014 and
are still poor, relapsed or exited in 2015–2017: of its own village first (its village team
sees them), then of its township, then of its county. The exact count of distinct households
is split over the leaders by their kind (a cooperative drives more than a large household).

Some households are also linked to a second leader of the township (counted once), and some
had a link with another leader that ended in 2015 (not active in 2016 or 2017). Every link
started by mid-2016, so the figures hold for 2016 and 2017 alike.

Incomes for 2015 and 2016 are a share of the household's wage (务工就业) or business (产业带动)
income of record that year; the shares of one household's links on the same part add up to at most 90 %, so
the leader income never exceeds the registry's wage plus business income, which it does not
change (the exits are calibrated on it).
"""

from __future__ import annotations

import dataclasses
import datetime
import random
from collections import defaultdict
from decimal import ROUND_DOWN, Decimal

from django.db.models import Q

from fupin.areas.models import Area
from fupin.leaders.models import EntrepreneurLeader, LeaderIncome, LeaderLink
from fupin.party.models import PartyMember, PartyOrganization
from fupin.registry import codes
from fupin.registry.models import Household, IncomeRecord

LEAGUE = "1522"
CHANGFA = "152223100234"
LEADERS = 932  # docs/domain.md §3.6
HOUSEHOLDS = 7_486
BATCH = 2000
INCOME_YEARS = (2015, 2016)
Kind = EntrepreneurLeader.Kind
KINDS = (  # kind, weight, households driven (relative), name suffix
    (Kind.COOPERATIVE, 0.45, 10, "专业合作社"),
    (Kind.LARGE_HOUSEHOLD, 0.22, 4, "种养大户"),
    (Kind.FAMILY_FARM, 0.15, 5, "家庭农牧场"),
    (Kind.COMPANY, 0.12, 16, "有限公司"),
    (Kind.OTHER, 0.06, 3, "扶贫车间"),
)
INDUSTRIES = (
    ("肉牛养殖", 0.3),
    ("肉羊养殖", 0.2),
    ("设施农业", 0.15),
    ("杂粮加工", 0.1),
    ("饲草种植", 0.08),
    ("乡村旅游", 0.07),
    ("生猪养殖", 0.05),
    ("民族手工艺", 0.03),
    ("农村电商", 0.02),
)
MODELS = (LeaderIncome, LeaderLink, EntrepreneurLeader)


def scaled_leaders(scale: float) -> dict[str, int]:
    """The demo's leader figures at ``scale`` (1.0: docs/domain.md §3.6)."""
    return {"leaders": round(LEADERS * scale), "households": round(HOUSEHOLDS * scale)}


@dataclasses.dataclass
class LeadersResult:
    leaders: int = 0
    households: int = 0
    links: int = 0
    incomes: int = 0
    income_2016: Decimal = Decimal("0.00")


def demo_leaders_reset() -> None:
    """Delete what :func:`demo_leaders` wrote (raw deletes, children and history first)."""
    for model in MODELS:
        history = model.history.model
        history._base_manager.all()._raw_delete(history._base_manager.db)
        qs = model._base_manager.all()
        qs._raw_delete(qs.db)


def _day(rng, first: datetime.date, last: datetime.date) -> datetime.date:
    return first + datetime.timedelta(days=rng.randrange((last - first).days + 1))


def _candidates() -> dict[str, list[int]]:
    """Village → active, non-cadre members of the village's branch (in pk order)."""
    out: dict[str, list[int]] = defaultdict(list)
    rows = (
        PartyMember.objects.within(LEAGUE)
        .filter(
            organization__kind=PartyOrganization.Kind.BRANCH,
            status=PartyMember.Status.ACTIVE,
            is_cadre=False,
            cadre__isnull=True,
        )
        .order_by("pk")
        .values_list("pk", "area_id")
    )
    for pk, village in rows:
        out[village].append(pk)
    return out


def _households() -> dict[str, list[tuple[int, str, int]]]:
    """Township → (pk, village, persons) of households poor or exited in 2015–2017."""
    recent = Q(status__in=codes.POOR_STATUSES) | Q(
        status__in=codes.EXITED_STATUSES, exit_year__gte=2015
    )
    out: dict[str, list] = defaultdict(list)
    for pk, village, persons in (
        Household.objects.within(LEAGUE)
        .filter(recent)
        .order_by("pk")
        .values_list("pk", "village_id", "members_count")
    ):
        out[village[:9]].append((pk, village, persons))
    return out


def _money(value: Decimal) -> Decimal:
    # Whole ten yuan: what a wage book or an order settlement would record.
    return (value / 10).quantize(Decimal(1), rounding=ROUND_DOWN) * 10


def demo_leaders(*, seed: int, scale: float, progress=None) -> LeadersResult:
    from .generator import allocate

    say = progress or (lambda message: None)
    rng = random.Random(seed * 7_919 + 11)
    target = scaled_leaders(scale)
    result = LeadersResult()
    candidates = _candidates()
    pools = _households()
    for pool in pools.values():
        rng.shuffle(pool)
    villages = sorted(v for v in candidates if v[:9] in pools)
    rng.shuffle(villages)
    if CHANGFA in villages:
        villages.remove(CHANGFA)
        villages.insert(0, CHANGFA)
    names = dict(Area.objects.filter(code__in=villages).values_list("code", "name").iterator())

    # --- leaders: round-robin over the villages, the later members of each branch first
    # (the first ones are the branch's secretary and committee) --------------------------
    queues = {v: list(reversed(candidates[v])) for v in villages}
    chosen: list[tuple[int, str]] = []
    while len(chosen) < target["leaders"] and any(queues.values()):
        for village in villages:
            if queues[village] and len(chosen) < target["leaders"]:
                chosen.append((queues[village].pop(0), village))
    leaders = []
    weights = []
    for member, village in chosen:
        kind, _w, size, suffix = rng.choices(KINDS, [k[1] for k in KINDS])[0]
        industry = rng.choices([i for i, _ in INDUSTRIES], [w for _, w in INDUSTRIES])[0]
        place = names[village].removesuffix("委员会").removesuffix("委会")
        leaders.append(
            EntrepreneurLeader(
                party_member_id=member,
                area_id=village,
                business_name=f"{place}{industry}{suffix}",
                kind=kind,
                industry=industry,
                since=_day(rng, datetime.date(2008, 1, 1), datetime.date(2015, 6, 30)),
                note="",
            )
        )
        weights.append(size * rng.uniform(0.6, 1.4))
    leaders = EntrepreneurLeader.objects.bulk_create(leaders, batch_size=BATCH)
    result.leaders = len(leaders)

    # --- households: split the target over the leaders, capped by what their township
    # (then county) holds; taken from the township's pool first --------------------------
    by_township: dict[str, list[int]] = defaultdict(list)
    for index, leader in enumerate(leaders):
        by_township[leader.area_id[:9]].append(index)
    county_room: dict[str, int] = defaultdict(int)
    for township, pool in pools.items():
        county_room[township[:6]] += len(pool)
    by_county: dict[str, list[int]] = defaultdict(list)
    for index, leader in enumerate(leaders):
        by_county[leader.area_id[:6]].append(index)
    caps = [0] * len(leaders)
    for county, indexes in by_county.items():
        for index in indexes:
            caps[index] = county_room[county] // len(indexes)
    counts = allocate(target["households"], weights, caps) if leaders else []
    taken: set[int] = set()
    township_of_county: dict[str, list[str]] = defaultdict(list)
    for township in sorted(pools):
        township_of_county[township[:6]].append(township)
    # The leader's own village first (its village team sees them), then its township's.
    village_pools: dict[str, list] = defaultdict(list)
    for pool in pools.values():
        for item in pool:
            village_pools[item[1]].append(item)
    positions: dict[str, int] = defaultdict(int)

    def draw(key: str):
        pool = village_pools[key] if len(key) == 12 else pools[key]
        while positions[key] < len(pool):
            item = pool[positions[key]]
            positions[key] += 1
            if item[0] not in taken:
                taken.add(item[0])
                return item
        return None

    driven: list[list[tuple[int, str, int]]] = [[] for _ in leaders]
    for index, leader in enumerate(leaders):
        own = leader.area_id[:9]
        order = [leader.area_id, own] + [t for t in township_of_county[own[:6]] if t != own]
        for key in order:
            while len(driven[index]) < counts[index]:
                item = draw(key)
                if item is None:
                    break
                driven[index].append(item)
            if len(driven[index]) == counts[index]:
                break
    result.households = len(taken)

    # --- links: the main one, sometimes a second leader of the township, sometimes an
    # earlier link that ended in 2015 --------------------------------------------------------
    wages_business = {}
    ordered = sorted(taken)
    for start in range(0, len(ordered), 5000):
        for h, y, w, b in IncomeRecord.objects.filter(
            household_id__in=ordered[start : start + 5000], year__in=INCOME_YEARS
        ).values_list("household_id", "year", "wage_income", "business_income"):
            wages_business[(h, y)] = (w, b)
    links: list[LeaderLink] = []
    shares: list[tuple[float, ...]] = []  # per link: its share of the component per year
    for index, leader in enumerate(leaders):
        neighbours = [i for i in by_township[leader.area_id[:9]] if i != index]
        for pk, village, _persons in driven[index]:
            w15, b15 = wages_business.get((pk, 2015), (Decimal(0), Decimal(0)))
            # Most households earn more from their own farm or herd than from wages: a
            # leader employs some of them and drives the rest (orders, trusteeship).
            employ = w15 >= b15 or (w15 > 0 and rng.random() < 0.3)
            kind = LeaderLink.Kind.EMPLOY if employ else LeaderLink.Kind.DRIVE
            since = _day(
                rng, max(leader.since, datetime.date(2014, 6, 1)), datetime.date(2016, 6, 30)
            )
            links.append(
                LeaderLink(
                    leader_id=leader.pk,
                    household_id=pk,
                    village_id=village,
                    kind=kind,
                    since=since,
                    until=None,
                )
            )
            shares.append(rng.uniform(0.3, 0.6))
            roll = rng.random()
            if neighbours and roll < 0.08:
                other = leaders[rng.choice(neighbours)]
                links.append(
                    LeaderLink(
                        leader_id=other.pk,
                        household_id=pk,
                        village_id=village,
                        kind=LeaderLink.Kind.DRIVE,
                        since=max(
                            other.since,
                            _day(rng, datetime.date(2015, 3, 1), datetime.date(2016, 6, 30)),
                        ),
                        until=None,
                    )
                )
                shares.append(rng.uniform(0.1, 0.3))
            elif neighbours and roll < 0.12:
                other = leaders[rng.choice(neighbours)]
                began = max(
                    other.since, _day(rng, datetime.date(2014, 6, 1), datetime.date(2014, 12, 31))
                )
                ended = _day(
                    rng,
                    max(began + datetime.timedelta(days=30), datetime.date(2015, 4, 1)),
                    datetime.date(2015, 11, 30),
                )
                links.append(
                    LeaderLink(
                        leader_id=other.pk,
                        household_id=pk,
                        village_id=village,
                        kind=LeaderLink.Kind.EMPLOY,
                        since=began,
                        until=ended,
                    )
                )
                shares.append(rng.uniform(0.1, 0.3))
    links = LeaderLink.objects.bulk_create(links, batch_size=BATCH)
    result.links = len(links)

    incomes = []
    for link, share in zip(links, shares, strict=True):
        for year in INCOME_YEARS:
            if not link.active_in(year):
                continue
            wages, business = wages_business.get((link.household_id, year), (0, 0))
            base = wages if link.kind == LeaderLink.Kind.EMPLOY else business
            amount = _money(Decimal(base) * Decimal(str(round(share, 3))))
            if amount <= 0:
                continue
            incomes.append(
                LeaderIncome(link_id=link.pk, village_id=link.village_id, year=year, amount=amount)
            )
            if year == 2016:
                result.income_2016 += amount
    LeaderIncome.objects.bulk_create(incomes, batch_size=BATCH)
    result.incomes = len(incomes)
    say(
        f"党员致富带头人 {result.leaders} 名，带动贫困户 {result.households} 户"
        f"（带动关系 {result.links} 条，带动增收记录 {result.incomes} 条）"
    )
    return result
