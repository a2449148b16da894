"""The demo's poor villages (贫困村): 602 designated in 2014, and their yearly exit conditions.

* **602** is the public figure (docs/domain.md §4); every other count comes from the demo's
  own records: the 602 are apportioned over the counties in proportion to each county's poor
  population of 2014 (the persons of the demo's households registered in 2014), by largest
  remainder (:func:`fupin.demo.generator.allocate`), at most a county's participating
  villages; inside a county the villages with the most registered poor persons of 2014 are
  designated first, ties in an order drawn from the demo's seed.
* **Conditions** (demo assumptions, shape only): each poor village's road, safe water,
  electricity, clinic, activity room and broadband for 2014–2016, each condition met by a
  growing share of the villages year by year, and kept once met.

No village has exited at the demo's date: the exits are taken through the exit procedure
(fupin.villages). The rows are written with ``bulk_create``; the reset deletes them raw.
"""

from __future__ import annotations

import dataclasses
import datetime
import random
from collections import defaultdict

from django.db.models import Sum

from fupin.areas.models import Area, Level
from fupin.registry.models import StatusRecord
from fupin.villages.models import (
    CONDITIONS,
    PoorVillageDesignation,
    VillageConditions,
    VillageExitCase,
    VillageExitStep,
)

from .generator import allocate

LEAGUE = "1522"
# The public figure (docs/domain.md §4): poor villages of the league.
POOR_VILLAGES = 602
DESIGNATION_YEAR = 2014
DESIGNATED_ON = datetime.date(2014, 10, 17)
SOURCE = "2014年建档立卡贫困村认定（演示数据，按各旗县市2014年建档立卡贫困人口分配）"
CONDITION_YEARS = (2014, 2015, 2016)
# Demo assumptions (shape only): the share of poor villages meeting each condition per year.
CONDITION_SHARES = {
    "road": (0.35, 0.55, 0.75),
    "safe_water": (0.45, 0.65, 0.85),
    "electricity": (0.85, 0.93, 0.98),
    "clinic": (0.40, 0.60, 0.80),
    "activity_room": (0.50, 0.70, 0.88),
    "broadband": (0.20, 0.40, 0.62),
}


@dataclasses.dataclass
class VillagesResult:
    designated: int = 0
    by_county: dict = dataclasses.field(default_factory=dict)
    conditions: int = 0


def demo_villages_reset() -> None:
    """Delete what :func:`demo_villages` wrote and any exit case taken since (history too)."""
    for model in (VillageExitStep, VillageExitCase, VillageConditions, PoorVillageDesignation):
        querysets = [model._base_manager.all()]
        if hasattr(model, "history"):
            querysets.insert(0, model.history.model._base_manager.all())
        for qs in querysets:
            qs._raw_delete(qs.db)


def county_poor_persons(year: int = DESIGNATION_YEAR) -> dict[str, int]:
    """Persons of the households registered in ``year``, per county (code prefix)."""
    out: dict[str, int] = defaultdict(int)
    rows = (
        StatusRecord.objects.within(LEAGUE)
        .filter(year=year)
        .values("village_id")
        .annotate(n=Sum("members_count"))
        .order_by()
    )
    for row in rows:
        out[row["village_id"][:6]] += row["n"] or 0
    return out


def demo_villages(*, seed: int, progress=None) -> VillagesResult:
    rng = random.Random(seed * 7907 + 16)
    villages = list(
        Area.objects.within(LEAGUE)
        .filter(level=Level.VILLAGE, participates=True)
        .order_by("code")
        .values_list("code", flat=True)
    )
    by_county: dict[str, list[str]] = defaultdict(list)
    for code in villages:
        by_county[code[:6]].append(code)
    counties = sorted(by_county)
    poor_by_village = dict(
        StatusRecord.objects.within(LEAGUE)
        .filter(year=DESIGNATION_YEAR)
        .values("village_id")
        .annotate(n=Sum("members_count"))
        .order_by()
        .values_list("village_id", "n")
    )
    poor_by_county = county_poor_persons()
    shares = allocate(
        POOR_VILLAGES,
        [poor_by_county.get(c, 0) for c in counties],
        caps=[len(by_county[c]) for c in counties],
    )
    chosen: list[str] = []
    result = VillagesResult()
    for county, share in zip(counties, shares, strict=True):
        tie = {code: rng.random() for code in by_county[county]}
        ranked = sorted(by_county[county], key=lambda c: (-(poor_by_village.get(c) or 0), tie[c]))
        chosen += ranked[:share]
        result.by_county[county] = share
    chosen.sort()
    PoorVillageDesignation.objects.bulk_create(
        PoorVillageDesignation(
            village_id=code, year=DESIGNATION_YEAR, designated_on=DESIGNATED_ON, source=SOURCE
        )
        for code in chosen
    )
    result.designated = len(chosen)
    # Each condition: villages in one seeded order, the first share of them meet it.
    rows = []
    orders = {name: rng.sample(chosen, len(chosen)) for name, _label in CONDITIONS}
    ranks = {name: {code: i for i, code in enumerate(order)} for name, order in orders.items()}
    for i, year in enumerate(CONDITION_YEARS):
        for code in chosen:
            values = {
                name: ranks[name][code] < round(CONDITION_SHARES[name][i] * len(chosen))
                for name, _label in CONDITIONS
            }
            rows.append(VillageConditions(village_id=code, year=year, **values))
    VillageConditions.objects.bulk_create(rows, batch_size=1000)
    result.conditions = len(rows)
    if progress:
        progress(f"贫困村：{result.designated} 个")
    return result
