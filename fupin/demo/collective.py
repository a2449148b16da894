"""The demo's village collective income 2014–2017 and the households sharing it.

The seed's figures for 2016 (the last full year before the article) are reached by
construction, then counted back by :mod:`fupin.collective.selectors`:

* **villages with stable income**: the demo villages (every participating village of the league
  at full scale; at a smaller scale, those holding registry households) are put in one random
  order; the last :func:`scaled_collective_targets` ``["stable_2016"]`` of them get an income
  of at least the 2016 threshold — at full scale 856 of 900, which the selector's share shows
  as 95.11 % (95.1 %);
* **total**: the weak villages get 3,000 yuan up to just under the threshold, the stable ones the
  threshold plus a share of the rest (largest remainder), so the 2016 lines sum to exactly
  1.19亿元 × scale;
* **清零递增**: the first 46 % of the order had no income in 2014, 22 % in 2015, a few in 2016
  and fewer in 2017 (the year to date); earlier years' incomes are fractions of the next year's,
  so most stable villages are growing;
* **households sharing**: exactly 5.45万 × scale registry households (identified by 2016, in a
  village with 2016 income) get a 2016 distribution — 35 % of the village's income split evenly
  among them; about half as many shared in 2015.

Rows are written in bulk (:class:`fupin.demo.rows.Rows`); the reset deletes them
with raw deletes. The thresholds (reference data of a migration) are left as they are.
"""

from __future__ import annotations

import dataclasses
import datetime
import random
import types
from collections import defaultdict
from decimal import ROUND_DOWN, Decimal

from fupin.areas.models import Area, Level
from fupin.collective.models import CollectiveDistribution, CollectiveIncome, Source
from fupin.collective.selectors import thresholds
from fupin.registry.models import Household

from .cases import _first_pk, _Rows
from .generator import AS_OF, DemoCalibrationError, allocate, history_moment

LEAGUE = "1522"
REASON = "演示数据：集体经济收入入账"
YEARS = (2014, 2015, 2016, 2017)
# The seed's figures for 2016 (docs/domain.md §3.7).
STABLE_SHARE_2016 = Decimal("95.1")  # percent of the villages
TOTAL_2016_YUAN = 119_000_000  # 1.19亿元
HOUSEHOLDS_SHARING_2016 = 54_500  # 5.45万户
# Demo assumptions (shape only).
ZERO_SHARE = {2014: 0.46, 2015: 0.22}
ZERO_2016_OF_UNSTABLE = 0.4
SHARING_2015_OF_2016 = 0.55
STABLE_NOT_GROWING = 0.08  # of the villages stable in 2016
DISTRIBUTED_SHARE = Decimal("0.35")
SOURCE_WEIGHTS = (
    (Source.RESOURCE, 34),
    (Source.LEASING, 18),
    (Source.DIVIDEND, 20),
    (Source.BUSINESS, 10),
    (Source.SERVICE, 6),
    (Source.SUBSIDY, 9),
    (Source.OTHER, 3),
)
NOTES = {
    Source.RESOURCE: "草牧场、机动地发包",
    Source.LEASING: "棚圈、厂房出租",
    Source.DIVIDEND: "肉牛基地入股分红",
    Source.BUSINESS: "合作社经营收益",
    Source.SERVICE: "农机作业服务",
    Source.SUBSIDY: "清零递增专项扶持",
    Source.OTHER: "",
}


@dataclasses.dataclass
class CollectiveResult:
    villages: int = 0
    lines: int = 0
    distributions: int = 0
    targets: dict = dataclasses.field(default_factory=dict)


def stable_count(villages: int, share: Decimal = STABLE_SHARE_2016) -> int:
    """The count of villages whose share of ``villages`` is nearest ``share`` (ties: more)."""
    if not villages:
        return 0
    return min(
        range(villages + 1),
        key=lambda s: (abs(Decimal(s * 100) / villages - share), -s),
    )


def scaled_collective_targets(scale: float, villages: int) -> dict[str, int]:
    """The 2016 targets at ``scale`` for ``villages`` demo villages (the test uses them too)."""
    return {
        "villages": villages,
        "stable_2016": stable_count(villages),
        "total_2016_yuan": round(TOTAL_2016_YUAN * scale),
        "households_sharing_2016": round(HOUSEHOLDS_SHARING_2016 * scale),
    }


def demo_villages(scale: float) -> list[str]:
    """Every participating village of the league at full scale; else those with households."""
    villages = Area.objects.within(LEAGUE).filter(level=Level.VILLAGE, participates=True)
    if scale < 1:
        villages = villages.filter(
            code__in=Household.objects.within(LEAGUE).values("village_id").distinct()
        )
    return sorted(villages.values_list("code", flat=True))


def demo_collective_reset() -> None:
    """Delete what :func:`demo_collective` wrote (raw deletes, history included)."""
    for model in (CollectiveDistribution, CollectiveIncome):
        for qs in (model.history.model._base_manager.all(), model._base_manager.all()):
            qs._raw_delete(qs.db)


def _yuan(value) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"))


def _incomes(rng, order: list[str], targets: dict, limits: dict) -> dict[int, dict[str, int]]:
    """Income per year and village, whole yuan (see the module docstring)."""
    n = len(order)
    stable = targets["stable_2016"]
    threshold = int(limits[2016] or 0)
    unstable = n - stable
    zero = {
        2014: round(ZERO_SHARE[2014] * n),
        2015: round(ZERO_SHARE[2015] * n),
        2016: round(ZERO_2016_OF_UNSTABLE * unstable),
    }
    zero[2014] = max(zero[2014], zero[2015], zero[2016])
    zero[2015] = max(zero[2015], zero[2016])
    zero[2017] = round(zero[2016] * 0.35)
    weak_2016 = order[zero[2016] : unstable]
    stable_2016 = order[n - stable :]
    income = {year: dict.fromkeys(order, 0) for year in YEARS}
    for village in weak_2016:
        income[2016][village] = rng.randint(3_000, max(3_000, threshold - 1_000))
    rest = targets["total_2016_yuan"] - sum(income[2016].values()) - stable * threshold
    if rest < 0:
        raise DemoCalibrationError(f"2016 total too small for {stable} stable villages")
    weights = [rng.lognormvariate(0, 0.7) for _ in stable_2016]
    for village, extra in zip(stable_2016, allocate(rest, weights), strict=True):
        income[2016][village] = threshold + extra
    for position, village in enumerate(order):
        this = income[2016][village]
        for year in (2015, 2014):
            if position < zero[year]:
                this = 0
            elif this == 0:
                this = rng.randint(2_000, 30_000)
            elif year == 2015 and this >= threshold and rng.random() < STABLE_NOT_GROWING:
                this = round(this * rng.uniform(1.02, 1.15))  # stable, but less than 2015
            else:
                this = max(1_000, round(this * rng.uniform(0.45, 0.92)))
            income[year][village] = this
        if position < zero[2017]:
            income[2017][village] = 0
        elif income[2016][village] == 0:  # left zero in 2017
            income[2017][village] = rng.randint(2_000, 20_000)
        else:  # the first half of the year
            income[2017][village] = max(500, round(income[2016][village] * rng.uniform(0.3, 0.6)))
    return income


def _lines(rng, rows: _Rows, village: str, year: int, amount: int) -> None:
    if amount <= 0:
        return
    k = 1 if amount < 10_000 else rng.choice((1, 2, 2, 3, 3))
    sources: list[str] = []
    while len(sources) < k:
        source = rng.choices(
            [s for s, _w in SOURCE_WEIGHTS], weights=[w for _s, w in SOURCE_WEIGHTS]
        )[0]
        if source not in sources:
            sources.append(source)
    parts = allocate(amount, [rng.uniform(0.5, 2.0) for _ in sources])
    for source, part in zip(sources, parts, strict=True):
        if part > 0:
            rows.add(
                village_id=village,
                year=year,
                source=source,
                amount=_yuan(part),
                note=NOTES[source] if rng.random() < 0.5 else "",
            )


def _distributions(rng, rows: _Rows, year: int, count: int, households, income) -> None:
    """Give ``count`` households of villages with income this year an equal share each."""
    candidates = [
        (pk, village)
        for pk, village, identified in households
        if identified <= year and income[year].get(village, 0) > 0
    ]
    # Only at absurdly small scales are there fewer candidates than the target.
    chosen = sorted(rng.sample(candidates, min(count, len(candidates))))
    by_village = defaultdict(list)
    for pk, village in chosen:
        by_village[village].append(pk)
    for village in sorted(by_village):
        pks = by_village[village]
        pool = Decimal(income[year][village]) * DISTRIBUTED_SHARE
        each = (pool / len(pks)).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
        for pk in pks:
            rows.add(village_id=village, year=year, household_id=pk, amount=each)


def _history(rng, rows: list[dict]) -> None:
    """A ``+`` history row per income line, dated when the year's accounts were entered."""
    from .services import _HistoryRows  # services imports this module

    history = _HistoryRows(CollectiveIncome)
    for row in rows:
        year = row["year"]
        if year >= AS_OF.year:  # the year in progress: entered as it came in
            first, last = datetime.date(year, 3, 1), AS_OF
        else:
            first, last = datetime.date(year + 1, 1, 5), datetime.date(year + 1, 3, 31)
        moment = history_moment(rng, first, last)
        history.add(types.SimpleNamespace(**row), moment, REASON)
    history.write()


def demo_collective(*, seed: int, scale: float, progress=None) -> CollectiveResult:
    """Write the demo's collective income and distributions; return the counts."""
    say = progress or (lambda message: None)
    rng = random.Random(seed * 7_919 + 61)
    villages = demo_villages(scale)
    targets = scaled_collective_targets(scale, len(villages))
    order = list(villages)
    rng.shuffle(order)
    limits = thresholds(YEARS)
    while True:
        try:
            income = _incomes(rng, order, targets, limits)
            break
        except DemoCalibrationError:
            # Only at absurdly small scales: fewer stable villages than the share asks.
            if targets["stable_2016"] == 0:
                raise
            targets["stable_2016"] -= 1
    lines = _Rows(CollectiveIncome, _first_pk(CollectiveIncome))
    for year in YEARS:
        for village in villages:
            _lines(rng, lines, village, year, income[year][village])
    result = CollectiveResult(villages=len(villages), targets=targets)
    result.lines = lines.write()
    _history(rng, lines.rows)
    households = list(
        Household.objects.filter(village_id__in=villages)
        .order_by("pk")
        .values_list("pk", "village_id", "identified_year")
    )
    shares = _Rows(CollectiveDistribution)
    sharing = targets["households_sharing_2016"]
    _distributions(rng, shares, 2015, round(sharing * SHARING_2015_OF_2016), households, income)
    _distributions(rng, shares, 2016, sharing, households, income)
    result.distributions = shares.write()
    say(
        f"集体经济：{len(villages)} 个嘎查村，收入 {result.lines} 条，"
        f"收益分配 {result.distributions} 户次"
    )
    return result
