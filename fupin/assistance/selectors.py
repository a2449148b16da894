"""Reads of 两联一包 coverage and 一户一法 checks: set-based, scoped, one query per list.

Every function takes the user and an area code; the rows are limited to the area *and* the
user's scope (callers first pass the code through :func:`fupin.areas.selectors.access_area`).

Definitions (docs/assistance.md):

* a link or pairing is **active** on a date when ``start_date <= date`` and its ``end_date`` is
  empty or not before the date;
* **villages without a link**: village-level areas that take part in poverty work
  (``Area.participates``) and are rural (村/嘎查委员会) with no active 部门包联嘎查村 link;
* **households without a cadre**: registered households still poor (未脱贫 or 返贫) with no
  active pairing — exited households no longer need a paired cadre;
* **cadres over the cap**: active cadres with more active pairings than the cap of their post
  (:class:`~fupin.assistance.models.PairingCap`, default 5);
* **cadres registered poor**: active cadres whose ID number is that of a member of a registered
  household that is still poor (未脱贫 or 返贫).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Substr
from django.utils.translation import gettext_lazy as _

from fupin.areas.models import Area
from fupin.core.clock import as_of
from fupin.core.figures import serialized
from fupin.registry import codes
from fupin.registry.models import Household, Member

from .models import (
    DEFAULT_CAP,
    INCOME_TYPES,
    PATH_TYPES,
    Cadre,
    Link,
    Measure,
    MeasureType,
    Pairing,
    PairingCap,
)

ABLE_LABOUR = (codes.Labour.ORDINARY, codes.Labour.SKILLED)
ADULT_AGES = (16, 65)

# Suggested measures by poverty cause (data; the plan form offers them first).
SUGGESTED_MEASURES: dict[str, tuple[str, ...]] = {
    codes.Cause.ILLNESS: (MeasureType.HEALTH, MeasureType.SOCIAL_SECURITY),
    codes.Cause.DISABILITY: (
        MeasureType.SOCIAL_SECURITY,
        MeasureType.HEALTH,
        MeasureType.ASSET_INCOME,
    ),
    codes.Cause.EDUCATION: (MeasureType.EDUCATION, MeasureType.FINANCE),
    codes.Cause.DISASTER: (MeasureType.HOUSING, MeasureType.RELOCATION, MeasureType.ECOLOGY),
    codes.Cause.LAND: (MeasureType.EMPLOYMENT, MeasureType.ASSET_INCOME, MeasureType.RELOCATION),
    codes.Cause.WATER: (MeasureType.RELOCATION, MeasureType.INDUSTRY),
    codes.Cause.SKILLS: (MeasureType.EMPLOYMENT, MeasureType.INDUSTRY),
    codes.Cause.LABOUR: (
        MeasureType.PUBLIC_POST,
        MeasureType.ASSET_INCOME,
        MeasureType.SOCIAL_SECURITY,
    ),
    codes.Cause.CAPITAL: (MeasureType.FINANCE, MeasureType.INDUSTRY),
    codes.Cause.TRANSPORT: (MeasureType.RELOCATION, MeasureType.INDUSTRY),
    codes.Cause.MOTIVATION: (MeasureType.EMPLOYMENT, MeasureType.PUBLIC_POST),
    codes.Cause.OTHER: (MeasureType.INDUSTRY,),
}


def suggested_measures(household) -> list[str]:
    """Return the measure types suggested by the household's causes (main cause first)."""
    out: list[str] = []
    for cause in [household.main_cause, *(household.other_causes or [])]:
        for measure in SUGGESTED_MEASURES.get(cause, ()):
            if measure not in out:
                out.append(measure)
    return out


def active_q(on: datetime.date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}start_date__lte": on}) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": on})
    )


def cap_expression():
    """The cap of a cadre's post as an SQL expression (the table is a handful of rows)."""
    caps = dict(PairingCap.objects.values_list("post", "cap"))
    if not caps:
        return Value(DEFAULT_CAP)
    return Case(
        *[When(post=post, then=Value(cap)) for post, cap in caps.items()],
        default=Value(DEFAULT_CAP),
        output_field=IntegerField(),
    )


def cap_for(post: str) -> int:
    return PairingCap.objects.filter(post=post).values_list("cap", flat=True).first() or (
        DEFAULT_CAP
    )


def villages_without_link(user, code: str, on: datetime.date | None = None):
    on = on or as_of()
    linked = Link.objects.filter(
        active_q(on), kind=Link.Kind.DEPARTMENT_VILLAGE, area_id=OuterRef("code")
    )
    villages = Area.objects.annotate(suffix=Substr("code", 10, 3)).filter(
        level="village", participates=True, suffix__gte="200"
    )
    return villages.accessible_to(user).within(code).filter(~Exists(linked)).order_by("code")


def households_without_cadre(user, code: str, on: datetime.date | None = None):
    on = on or as_of()
    paired = Pairing.objects.filter(active_q(on), household_id=OuterRef("pk"))
    households = Household.objects.filter(status__in=codes.POOR_STATUSES)
    return (
        households.accessible_to(user)
        .within(code)
        .filter(~Exists(paired))
        .select_related("village")
        .order_by("village_id", "number")
    )


def cadres_over_cap(user, code: str, on: datetime.date | None = None):
    on = on or as_of()
    counts = (
        Pairing.objects.filter(active_q(on), cadre_id=OuterRef("pk"))
        .order_by()
        .values("cadre_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    cadres = Cadre.objects.filter(active=True).annotate(
        paired=Subquery(counts, output_field=IntegerField()), cap=cap_expression()
    )
    return (
        cadres.accessible_to(user)
        .within(code)
        .filter(paired__gt=F("cap"))
        .order_by("area_id", "name", "pk")
    )


def cadres_registered_poor(user, code: str):
    poor = Member.objects.filter(
        id_number=OuterRef("id_number"), household__status__in=codes.POOR_STATUSES
    )
    cadres = Cadre.objects.filter(active=True).exclude(id_number="")
    return (
        cadres.accessible_to(user)
        .within(code)
        .filter(Exists(poor))
        .order_by("area_id", "name", "pk")
    )


@dataclass(frozen=True)
class CoverageCounts:
    """The four holes' counts of an area (the API serializes this very structure)."""

    villages_without_link: int = field(metadata=serialized(_("无部门包联的嘎查村数")))
    households_without_cadre: int = field(metadata=serialized(_("无结对帮扶责任人的贫困户数")))
    cadres_over_cap: int = field(metadata=serialized(_("结对户数超过上限的帮扶干部数")))
    cadres_registered_poor: int = field(
        metadata=serialized(_("本人为建档立卡贫困人口的帮扶干部数"))
    )


@dataclass(frozen=True)
class Coverage:
    """The four holes as querysets (the page lists them) and their counts."""

    villages_without_link: QuerySet
    households_without_cadre: QuerySet
    cadres_over_cap: QuerySet
    cadres_registered_poor: QuerySet
    counts: CoverageCounts


def coverage(user, code: str, on: datetime.date | None = None) -> Coverage:
    """Return the four holes of 走村不漏户,户户见干部 as querysets and counts."""
    on = on or as_of()
    lists = {
        "villages_without_link": villages_without_link(user, code, on),
        "households_without_cadre": households_without_cadre(user, code, on),
        "cadres_over_cap": cadres_over_cap(user, code, on),
        "cadres_registered_poor": cadres_registered_poor(user, code),
    }
    return Coverage(
        **lists, counts=CoverageCounts(**{name: qs.count() for name, qs in lists.items()})
    )


def plan_checks(user, code: str, year: int) -> dict:
    """户户有增收项目、人人有脱贫门路: households (still poor) without an income project this
    year, and able-bodied adults (普通/技能劳动力, 16–65 in the year) whose household has no
    就业/产业/公益岗位 measure this year. Querysets and counts."""
    income = Measure.objects.filter(
        plan__household_id=OuterRef("pk"), year=year, type__in=INCOME_TYPES
    )
    households = (
        Household.objects.filter(status__in=codes.POOR_STATUSES).accessible_to(user).within(code)
    )
    without_income = households.filter(~Exists(income)).order_by("village_id", "number")
    path = Measure.objects.filter(
        plan__household_id=OuterRef("household_id"), year=year, type__in=PATH_TYPES
    )
    young, old = ADULT_AGES
    # Age reached during the year: born in [year - 65, year - 16].
    members = (
        Member.objects.filter(
            household__status__in=codes.POOR_STATUSES,
            labour__in=ABLE_LABOUR,
            birth_date__gte=datetime.date(year - old, 1, 1),
            birth_date__lte=datetime.date(year - young, 12, 31),
        )
        .co_located("household")
        .accessible_to(user)
        .within(code)
    )
    without_path = (
        members.filter(~Exists(path)).select_related("household").order_by("village_id", "pk")
    )
    return {
        "households_without_income": without_income,
        "adults_without_path": without_path,
        "counts": {
            "households_without_income": without_income.count(),
            "adults_without_path": without_path.count(),
        },
    }


def pairing_columns(household_ids) -> tuple[list[str], dict[int, list[str]]]:
    """The 帮扶责任人 of each household today (name, phone, unit; several joined by 、), as
    columns of the registry's readable export (``register_readable_columns``)."""
    headers = ["帮扶责任人", "帮扶责任人联系电话", "帮扶责任人工作单位"]
    found: dict[int, list[list[str]]] = {}
    if household_ids:
        pairings = (
            Pairing.objects.filter(household_id__in=list(household_ids))
            .filter(active_q(as_of()))
            .order_by("household_id", "start_date", "pk")
            .values_list("household_id", "cadre__name", "cadre__phone", "cadre__unit")
        )
        for household_id, *cells in pairings:
            found.setdefault(household_id, []).append(cells)
    return headers, {
        household_id: ["、".join(c[i] for c in cadres if c[i]) for i in range(3)]
        for household_id, cadres in found.items()
    }
