"""Reads of poor villages, already scoped (docs/architecture.md rule 2)."""

from __future__ import annotations

import dataclasses

from .models import PoorVillageDesignation


@dataclasses.dataclass(frozen=True)
class PoorVillage:
    code: str
    name: str
    designated_year: int
    exit_year: int | None


@dataclasses.dataclass(frozen=True)
class PoorVillages:
    year: int
    designated: int
    exited: int
    remaining: int
    villages: list[PoorVillage]


def poor_villages(user, code: str, year: int) -> PoorVillages:
    """The poor villages of area ``code`` as the user's scope sees them at the end of ``year``:
    designated by then, exited by then, remaining, and the list (one query)."""
    rows = (
        PoorVillageDesignation.objects.accessible_to(user)
        .within(code)
        .filter(year__lte=year)
        .order_by("village_id")
        .values_list("village_id", "village__name", "year", "exit_year")
    )
    villages = [PoorVillage(*row) for row in rows]
    exited = sum(1 for v in villages if v.exit_year is not None and v.exit_year <= year)
    return PoorVillages(
        year=year,
        designated=len(villages),
        exited=exited,
        remaining=len(villages) - exited,
        villages=villages,
    )
