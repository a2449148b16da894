"""Reads of the registry, already scoped: the household list (page, export and API use the
same :func:`household_list`), fetching one household or member, and its history."""

from __future__ import annotations

import dataclasses
import datetime
from typing import cast

from django.db.models import Exists, F, OuterRef, Q, TextField
from django.db.models.functions import Cast, Substr
from django.http import Http404
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from fupin.accounts.actors import actor_label
from fupin.areas.scope import prefix_upper_bound
from fupin.core.viewers import Viewer

from . import codes
from .models import Household, IncomeRecord, Member, StatusRecord

NOT_FOUND = _("该户不存在或不在您的权限范围内")
# A search matching more persons than this is too broad to list; the first ones are shown.
SEARCH_LIMIT = 2000
MEMBER_NOT_FOUND = _("该成员不存在或不在您的权限范围内")

ORDERINGS = {
    "number": ("village_id", "number"),
    "-number": ("-village_id", "-number"),
    "head": ("head_name", "pk"),
    "-head": ("-head_name", "pk"),
    "size": ("members_count", "pk"),
    "-size": ("-members_count", "pk"),
    "identified": ("identified_year", "pk"),
    "-identified": ("-identified_year", "pk"),
}


@dataclasses.dataclass(frozen=True)
class HouseholdFilter:
    area: str = ""
    year: int | None = None
    status: str = ""
    attribute: str = ""
    cause: str = ""
    main_cause: str = ""
    q: str = ""
    order: str = "number"


def _status_q(status: str) -> Q:
    """The status filter on a year's status rows; the year's events as the rollups count them."""
    if status == codes.IN_POVERTY:
        return Q(status__in=codes.POOR_STATUSES)
    identified = Q(household__identified_year=F("year"))
    if status == codes.IDENTIFIED_IN_YEAR:
        return identified
    if status == codes.EXITED_IN_YEAR:
        was_poor = StatusRecord.objects.filter(
            household_id=OuterRef("household_id"),
            year=OuterRef("year") - 1,
            status__in=codes.POOR_STATUSES,
        )
        # Q | Exists is a Q (the stubs type it as the wider Combinable).
        return cast(Q, Q(status__in=codes.EXITED_STATUSES) & (identified | Exists(was_poor)))
    return Q(status=status)


def _current_status_q(status: str) -> Q:
    """The status filter on households (no year chosen): a year's events do not apply."""
    if status == codes.IN_POVERTY:
        return Q(status__in=codes.POOR_STATUSES)
    if status in (codes.IDENTIFIED_IN_YEAR, codes.EXITED_IN_YEAR):
        return Q()
    return Q(status=status)


def household_list(user: Viewer, filters: HouseholdFilter, *, for_count: bool = False):
    """Return the households the user may see that match ``filters``, ordered.

    The year filter is written two ways with the same meaning, because SQLite plans them
    differently: for a page, ``EXISTS`` lets it walk the (village, number) index and stop
    after one page; for the count, ``IN (subquery)`` reads one covering index once.
    """
    qs = Household.objects.accessible_to(user)
    if filters.area:
        qs = qs.within(filters.area)
    if filters.year:
        rows = StatusRecord.objects.filter(year=filters.year)
        if filters.status:
            rows = rows.filter(_status_q(filters.status))
        if for_count:
            rows = rows.accessible_to(user)
            if filters.area:
                rows = rows.within(filters.area)
            qs = qs.filter(pk__in=rows.values("household_id"))
        else:
            qs = qs.filter(Exists(rows.filter(household_id=OuterRef("pk"))))
    elif filters.status:
        qs = qs.filter(_current_status_q(filters.status))
    if filters.attribute:
        qs = qs.filter(attribute=filters.attribute)
    if filters.cause:
        # JSON text match: works on SQLite (no JSON containment) and PostgreSQL alike.
        qs = qs.alias(other_text=Cast("other_causes", TextField())).filter(
            Q(main_cause=filters.cause) | Q(other_text__contains=f'"{filters.cause}"')
        )
    if filters.main_cause:
        # The war map's cause counts are by main cause only: its links use this filter.
        qs = qs.filter(main_cause=filters.main_cause)
    if filters.q:
        qs = qs.filter(search_q(user, filters.q.strip()))
    if for_count:
        return qs
    return qs.select_related("village").order_by(*ORDERINGS.get(filters.order, ORDERINGS["number"]))


def household_count(user: Viewer, filters: HouseholdFilter) -> int:
    return household_list(user, filters, for_count=True).count()


def registry_prefixes(digits: int) -> list[str]:
    """Return the distinct area codes of ``digits`` length that hold households (unscoped:
    callers pass it through a scope; used to keep dropdowns of superusers short)."""
    return list(
        Household.objects.annotate(prefix=Substr("village_id", 1, digits))
        .values_list("prefix", flat=True)
        .distinct()
    )


def search_q(user: Viewer, text: str) -> Q:
    """Match a household by household number, a member's ID number, or a member's name.

    Digits search household numbers (any part) and ID numbers (by prefix, a range on the unique
    index); anything
    else searches names (any part) inside the user's scope. Matching members are read once,
    so the count and the page do not scan the members twice.
    """
    text = text.upper()
    # The page and its count ask the same question in one request: answer it once.
    cache = user.__dict__.setdefault("_fupin_search", {})
    if text not in cache:
        cache[text] = _search_q(user, text)
    return cache[text]


def _search_q(user: Viewer, text: str) -> Q:
    members = Member.objects.accessible_to(user)
    if text.rstrip("X").isdigit():
        upper = prefix_upper_bound(text)
        by_id = members.filter(id_number__gte=text, id_number__lt=upper)
        ids = list(by_id.values_list("household_id", flat=True)[:SEARCH_LIMIT])
        # Cadres type the tail of a household number as often as its head: any part matches.
        return Q(number__contains=text) | Q(pk__in=ids)
    # The head is a member too, so the members' names cover the head's.
    by_name = members.filter(name__contains=text).values_list("household_id", flat=True)
    return Q(pk__in=list(by_name[:SEARCH_LIMIT]))


def access_household(user: Viewer, pk) -> Household:
    """Return a household the user may see; missing and forbidden are the same 404."""
    household = (
        Household.objects.accessible_to(user).select_related("village").filter(pk=pk).first()
    )
    if household is None:
        raise Http404(NOT_FOUND)
    return household


def access_member(user: Viewer, pk) -> Member:
    member = Member.objects.accessible_to(user).select_related("household").filter(pk=pk).first()
    if member is None:
        raise Http404(MEMBER_NOT_FOUND)
    return member


def household_members(household: Household):
    """The household's members in order, read with its village (the partition key)."""
    return household.members.filter(village_id=household.village_id).order_by("pk")


def household_years(household: Household) -> list[dict]:
    """Return, per year, the household's status row and income row side by side."""
    # With the household's village: the partition key of the national layout (docs/scale.md).
    statuses = {s.year: s for s in household.statuses.filter(village_id=household.village_id)}
    incomes = {i.year: i for i in household.incomes.filter(village_id=household.village_id)}
    rows = []
    for year in sorted(set(statuses) | set(incomes)):
        status, income = statuses.get(year), incomes.get(year)
        # A year has a status row, an income row or both.
        persons = status.members_count if status else income.members_count if income else 0
        rows.append({"year": year, "status": status, "income": income, "persons": persons})
    return rows


@dataclasses.dataclass
class Change:
    field: str
    old: str
    new: str


@dataclasses.dataclass
class HistoryEntry:
    when: datetime.datetime
    who: str
    what: str  # e.g. "成员 张三" or "2016年收入"
    kind: str  # "+", "~", "-"
    reason: str
    changes: list[Change]


HISTORY_MODELS = (
    (Household, _("户信息")),
    (Member, _("成员")),
    (IncomeRecord, _("收入")),
    (StatusRecord, _("年度状态")),
)


def _display(record, field) -> str:
    value = getattr(record, field.attname, None)
    if value is None or value == "":
        return ""
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return gettext("是") if value else gettext("否")
    if isinstance(value, list):
        labels = dict(codes.Cause.choices)
        return "、".join(str(labels.get(v, v)) for v in value)
    return str(value)


def household_history(household: Household, limit: int = 500) -> list[HistoryEntry]:
    """Return every recorded change to the household, its members, incomes and statuses,
    newest first, each with who, when, the reason and the fields before and after."""
    entries: list[HistoryEntry] = []
    for model, label in HISTORY_MODELS:
        history = model.history.model.objects.select_related("history_user")
        if model is Household:
            history = history.filter(id=household.pk)
        else:
            history = history.filter(household_id=household.pk)
        records = list(history.order_by("id", "history_date", "history_id")[:limit])
        previous: dict = {}
        tracked = [f for f in model.history.model._meta.fields if f.name in _tracked(model)]
        for record in records:
            before = previous.get(record.id)
            changes = []
            for field in tracked:
                new = _display(record, field)
                old = _display(before, field) if before is not None else ""
                if before is None and record.history_type == "+":
                    if new:
                        changes.append(Change(str(field.verbose_name), "", new))
                elif old != new:
                    changes.append(Change(str(field.verbose_name), old, new))
            previous[record.id] = record
            if record.history_type == "~" and not changes:
                continue
            entries.append(
                HistoryEntry(
                    when=record.history_date,
                    who=actor_label(record.history_user),
                    what=_what(model, label, record),
                    kind=record.history_type,
                    reason=record.history_change_reason or "",
                    changes=changes,
                )
            )
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries


def _tracked(model) -> set[str]:
    skip = {"id", "household", "village", "updated_at", "created_at"}
    return {f.name for f in model._meta.concrete_fields if f.name not in skip}


def _what(model, label, record) -> str:
    if model is Member:
        return gettext("%(label)s %(name)s") % {"label": label, "name": record.name}
    if model in (IncomeRecord, StatusRecord):
        return gettext("%(year)s年%(label)s") % {"year": record.year, "label": label}
    return str(label)
