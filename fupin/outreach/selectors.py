"""Reads of the outreach ledgers, already scoped: the lists of the pages and the exports, and
the figures of an area and year (the API and the pages), each one grouped query over the
ledger's rows."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, Q, QuerySet, Sum

from fupin.assistance.models import Cadre, Link
from fupin.core.clock import as_of

from .models import LiaisonVisit, PolicyDocument, PolicyLecture, StudyTrip, TownshipSubsidy

# The field each ledger's year filter reads.
YEAR_FIELDS = {
    "lectures": "date__year",
    "trips": "start_date__year",
    "visits": "date__year",
    "subsidies": "year",
    "documents": "date__year",
}
ORDERING = {
    "lectures": ("-date", "area_id"),
    "trips": ("-start_date", "area_id"),
    "visits": ("-date", "area_id"),
    "subsidies": ("area_id", "cadre__name"),
    "documents": ("-date", "title"),
}
RELATED = {
    "lectures": ("area",),
    "trips": ("area",),
    "visits": ("area", "cadre"),
    "subsidies": ("area", "cadre"),
    "documents": ("area",),
}
MODELS = {
    "lectures": PolicyLecture,
    "trips": StudyTrip,
    "visits": LiaisonVisit,
    "subsidies": TownshipSubsidy,
    "documents": PolicyDocument,
}


def default_subsidy_year() -> int:
    """A year's subsidy is known once the year has ended."""
    return as_of().year - 1


def records(user, kind: str, code: str | None, year: int | None) -> QuerySet:
    """The ledger's rows within ``code`` the user may see (of ``year`` when given)."""
    model: Any = MODELS[kind]
    if kind == "documents":
        # Published documents: every signed-in user reads them all.
        rows = model.objects.all() if user.is_authenticated else model.objects.none()
    else:
        rows = model.objects.accessible_to(user)
        if code:
            rows = rows.within(code)
    if year is not None:
        rows = rows.filter(**{YEAR_FIELDS[kind]: year})
    rows = rows.select_related(*RELATED[kind]).order_by(*ORDERING[kind])
    return rows.prefetch_related("cadres") if kind == "trips" else rows


@dataclasses.dataclass
class Outreach:
    lectures: int
    lecture_audience: int
    study_trip_persons: int
    liaison_visits: int
    problems_solved: int


@dataclasses.dataclass
class Subsidies:
    cadres: int
    average_increase_yuan: Decimal


def outreach_figures(user, code: str, year: int) -> Outreach:
    """The area's lectures and their audience, study-trip persons, liaison visits and the
    problems they solved in ``year`` (one aggregate query per ledger)."""
    lectures = (
        PolicyLecture.objects.accessible_to(user)
        .within(code)
        .filter(date__year=year)
        .aggregate(n=Count("pk"), audience=Sum("audience"))
    )
    trips = (
        StudyTrip.objects.accessible_to(user)
        .within(code)
        .filter(start_date__year=year)
        .aggregate(persons=Sum("persons"))
    )
    visits = (
        LiaisonVisit.objects.accessible_to(user)
        .within(code)
        .filter(date__year=year)
        .aggregate(n=Count("pk"), solved=Sum("problems_solved"))
    )
    return Outreach(
        lectures=lectures["n"],
        lecture_audience=lectures["audience"] or 0,
        study_trip_persons=trips["persons"] or 0,
        liaison_visits=visits["n"],
        problems_solved=visits["solved"] or 0,
    )


def subsidy_figures(user, code: str, year: int) -> Subsidies:
    """The cadres paid the township work subsidy in ``year`` and their average (yuan)."""
    row = (
        TownshipSubsidy.objects.accessible_to(user)
        .within(code)
        .filter(year=year)
        .aggregate(n=Count("cadre_id", distinct=True), average=Avg("amount"))
    )
    average = Decimal(row["average"] or 0).quantize(Decimal("0.01"))
    return Subsidies(cadres=row["n"], average_increase_yuan=average)


def visits_by_cadre(user, code: str, year: int):
    """Per leader: visits and problems raised and solved in ``year`` (one grouped query)."""
    return (
        LiaisonVisit.objects.accessible_to(user)
        .within(code)
        .filter(date__year=year)
        .values("cadre_id", "cadre__name")
        .annotate(
            visits=Count("pk"),
            raised=Sum("problems_raised"),
            solved=Sum("problems_solved"),
            linked=Count("pk", filter=Q(link__isnull=False)),
        )
        .order_by("-visits", "cadre__name")
    )


CHOICES = 300


def cadre_choices(user, kind: str, code: str) -> list[tuple[int, str]]:
    """The cadres a form offers (the first few hundred, by name): for a visit the leaders
    holding a 两联一包 link in the area, for a subsidy the township cadres of the area."""
    cadres = Cadre.objects.accessible_to(user)
    if kind == "visits":
        linked = Link.objects.within(code).filter(cadre__isnull=False).values("cadre_id")
        cadres = cadres.filter(pk__in=linked)
    else:
        cadres = cadres.within(code).filter(post=Cadre.Post.TOWNSHIP_CADRE)
    return list(cadres.order_by("name", "pk").values_list("pk", "name")[:CHOICES])
