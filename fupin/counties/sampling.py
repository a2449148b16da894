"""The third-party assessment's stratified random sample (docs/counties.md, "The sample").

Strata, in the order the draw consumes its random stream (so one seed gives one sample):

1. villages — for each township of the county (by code), ``villages_per_township`` of its
   participating villages with registered households (of all its villages when none has);
2. households — in each sampled village (by code), ``poor_per_village`` poor households
   (未脱贫, 返贫) and ``exited_per_village`` exited households (exit year up to the round's),
   each drawn from the registry's households sorted by 户编号;
3. non-registered households — the registry keeps no non-poor household, so each sampled
   village gets ``non_registered_per_village`` rows with its address and no registry link:
   the assessors note the name of the household they visit.

The registry is read with two queries (the villages with households, then the households
of the sampled villages); the rows are returned unsaved.
"""

from __future__ import annotations

import random
from collections import defaultdict

from fupin.areas.models import Area, Level
from fupin.registry import codes
from fupin.registry.models import Household

from .models import DEFAULT_DESIGN, SampledHousehold

Stratum = SampledHousehold.Stratum


def design_of(design: dict | None) -> dict:
    out = dict(DEFAULT_DESIGN)
    out.update({k: int(v) for k, v in (design or {}).items() if k in DEFAULT_DESIGN})
    return out


def sampled_villages(
    rng: random.Random, county: str, per_township: int, registered: set[str]
) -> list[Area]:
    """``per_township`` villages of each township, drawn among its villages with registered
    households (all its villages when it has none)."""
    villages = (
        Area.objects.within(county)
        .filter(level=Level.VILLAGE, participates=True)
        .select_related("parent")
        .order_by("code")
    )
    by_township: dict[str, list[Area]] = defaultdict(list)
    for village in villages:
        by_township[village.parent_id].append(village)
    chosen: list[Area] = []
    for township in sorted(by_township):
        candidates = [v for v in by_township[township] if v.code in registered]
        candidates = candidates or by_township[township]
        picked = rng.sample(candidates, min(per_township, len(candidates)))
        chosen.extend(sorted(picked, key=lambda a: a.code))
    return chosen


def draw(round_, *, seed: int, design: dict) -> list[SampledHousehold]:
    """The round's sample, unsaved, in the order of the draw."""
    rng = random.Random(seed)
    design = design_of(design)
    registered = set(
        Household.objects.within(round_.county_id)
        .filter(identified_year__lte=round_.year)
        .values_list("village_id", flat=True)
        .distinct()
    )
    villages = sampled_villages(rng, round_.county_id, design["villages_per_township"], registered)
    poor: dict[str, list[int]] = defaultdict(list)
    exited: dict[str, list[int]] = defaultdict(list)
    rows = (
        Household.objects.filter(
            village_id__in=[v.code for v in villages], identified_year__lte=round_.year
        )
        .order_by("village_id", "number")
        .values_list("pk", "village_id", "status", "exit_year")
    )
    for pk, village, status, exit_year in rows:
        if status in codes.POOR_STATUSES:
            poor[village].append(pk)
        elif status in codes.EXITED_STATUSES and exit_year and exit_year <= round_.year:
            exited[village].append(pk)
    out: list[SampledHousehold] = []

    def add(village: Area, stratum: str, **fields) -> None:
        out.append(
            SampledHousehold(
                round=round_,
                village=village,
                stratum=stratum,
                position=len(out) + 1,
                **fields,
            )
        )

    for village in villages:
        for stratum, pool, size in (
            (Stratum.POOR, poor[village.code], design["poor_per_village"]),
            (Stratum.EXITED, exited[village.code], design["exited_per_village"]),
        ):
            for pk in rng.sample(pool, min(size, len(pool))):
                add(village, stratum, household_id=pk)
        address = f"{village.parent.name}{village.name}" if village.parent else village.name
        for _i in range(design["non_registered_per_village"]):
            add(village, Stratum.NON_REGISTERED, address=address)
    return out
