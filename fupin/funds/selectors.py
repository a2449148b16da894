"""Reads of funds and projects, already scoped; the figures of the pages, the API and the demo.

Definitions for an area A and a year Y (all sums in the database, Decimal to the fen):

* **received** — funds held within A that came from outside A (a receipt, or a transfer from
  a fund held above A), dated in Y. A transfer between two areas inside A is internal: it is
  counted once, where the money first entered A.
* **transferred** — transfers made inside A (a fund of A passed down to a lower area of A).
* **allocated** — allocations to projects from funds held within A, dated in Y.
* **paid** — dividends of year Y paid by projects, in proportion to the part of the project's
  allocations that came from A's funds, per source (fen rounding by largest remainder, so the
  sources add up to the total).
* **balance** — received up to the end of Y minus allocated up to the end of Y (what A still
  holds unallocated). Without a year: all years.

A project *holds* the sum of its allocations; its dividends over all years stay within it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal

from django.db.models import Count, DecimalField, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from fupin.areas.scope import prefix_upper_bound
from fupin.core.figures import serialized

from .models import (
    ZERO,
    Allocation,
    BenefitModel,
    Dividend,
    Fund,
    HouseholdShare,
    Project,
    ProjectType,
    Source,
    VillageShare,
)

FEN = Decimal("0.01")
MONEY_FIELD = DecimalField(max_digits=14, decimal_places=2)
# SQLite sums decimals as binary floats: an overrun is at least one fen, so comparing with
# half a fen of slack is exact on both databases.
SLACK = Value(Decimal("0.005"), output_field=MONEY_FIELD)
KEYS = ("received", "transferred", "allocated", "paid", "balance")


def _money(value) -> Decimal:
    return Decimal(value or 0).quantize(FEN)


def _sum_of(model, link: str, *, filters: Q | None = None):
    """Subquery: the sum of ``model.amount`` over the rows whose ``link`` is the outer row."""
    qs = model.objects.filter(**{link: OuterRef("pk")})
    if filters is not None:
        qs = qs.filter(filters)
    qs = qs.order_by().values(link).annotate(s=Sum("amount")).values("s")
    return Coalesce(Subquery(qs, output_field=MONEY_FIELD), Value(ZERO), output_field=MONEY_FIELD)


def _count_of(model, link: str):
    """Subquery: how many ``model`` rows point at the outer row (a join + GROUP BY would
    run the other subqueries once per joined row)."""
    qs = model.objects.filter(**{link: OuterRef("pk")}).order_by().values(link)
    qs = qs.annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(qs), Value(0))


def _outside(field: str, code: str) -> Q:
    return Q(**{f"{field}__lt": code}) | Q(**{f"{field}__gte": prefix_upper_bound(code)})


def _year_q(field: str, year: int | None, *, upto: bool = False) -> Q:
    if year is None:
        return Q()
    return Q(**{f"{field}__year__lte" if upto else f"{field}__year": year})


def received_q(code: str) -> Q:
    return Q(parent__isnull=True) | _outside("parent__area_id", code)


def area_funds(user, code: str, year: int | None = None) -> dict:
    """Return the figures of area ``code`` for ``year``: totals and one row per source."""
    funds = Fund.objects.accessible_to(user).within(code)
    allocations = Allocation.objects.accessible_to(user).within(code, field="fund__area_id")
    rows = {s: dict.fromkeys(KEYS, ZERO) for s in Source.values}

    def by_source(qs, key):
        for r in qs.values("source" if qs.model is Fund else "fund__source").annotate(
            s=Sum("amount")
        ):
            source = r.get("source") or r.get("fund__source")
            rows[source][key] += _money(r["s"])

    received = funds.filter(received_q(code))
    by_source(received.filter(_year_q("received_on", year)), "received")
    by_source(
        funds.filter(parent__isnull=False)
        .exclude(received_q(code))
        .filter(_year_q("received_on", year)),
        "transferred",
    )
    by_source(allocations.filter(_year_q("allocated_on", year)), "allocated")
    cumulative: defaultdict[str, Decimal] = defaultdict(lambda: ZERO)
    for r in (
        received.filter(_year_q("received_on", year, upto=True))
        .values("source")
        .annotate(s=Sum("amount"))
    ):
        cumulative[r["source"]] += _money(r["s"])
    for r in (
        allocations.filter(_year_q("allocated_on", year, upto=True))
        .values("fund__source")
        .annotate(s=Sum("amount"))
    ):
        cumulative[r["fund__source"]] -= _money(r["s"])
    for source, value in cumulative.items():
        rows[source]["balance"] = value
    for source, value in _paid_by_source(user, code, year).items():
        rows[source]["paid"] = value
    labels = dict(Source.choices)
    by = [
        {"source": s, "label": str(labels[s]), **rows[s]}
        for s in Source.values
        if any(rows[s][k] for k in KEYS)
    ]
    total = {k: sum((rows[s][k] for s in rows), ZERO) for k in KEYS}
    return {"year": year, "total": total, "by_source": by}


def _yuan(help_text) -> dict:
    return serialized(help_text, max_digits=16, decimal_places=2)


@dataclass(frozen=True)
class Money:
    """The five amounts of :func:`area_funds`, in yuan."""

    received_yuan: Decimal = field(metadata=_yuan(_("到位资金（元）：来自本区划以外的资金")))
    transferred_yuan: Decimal = field(metadata=_yuan(_("区划内下拨（元）")))
    allocated_yuan: Decimal = field(metadata=_yuan(_("下达项目（元）")))
    paid_yuan: Decimal = field(metadata=_yuan(_("项目分红发放（元），按资金来源比例分摊")))
    balance_yuan: Decimal = field(metadata=_yuan(_("结余（元）：截至年末累计到位减累计下达")))


@dataclass(frozen=True)
class FundSource(Money):
    """The amounts of one source of funds."""

    source: str = field(metadata=serialized(_("资金来源代码")))
    label: str = field(metadata=serialized(_("资金来源")))


@dataclass(frozen=True)
class AreaFunds(Money):
    """:func:`area_funds` of an area as the API gives it: totals, then one row per source."""

    code: str = field(metadata=serialized(_("区划代码")))
    year: int | None = field(metadata=serialized(_("年度（空：全部年度）")))
    by_source: list[FundSource] = field(metadata=serialized(_("各资金来源")))


def _amounts(row: dict) -> dict[str, Decimal]:
    return {f"{k}_yuan": row[k] for k in KEYS}


def area_money(user, code: str, year: int | None = None) -> AreaFunds:
    """:func:`area_funds` as one typed structure."""
    data = area_funds(user, code, year)
    return AreaFunds(
        **_amounts(data["total"]),
        code=code,
        year=year,
        by_source=[
            FundSource(**_amounts(r), source=r["source"], label=r["label"])
            for r in data["by_source"]
        ],
    )


def _paid_by_source(user, code: str, year: int | None) -> dict[str, Decimal]:
    """Dividends of the year, attributed to the sources of A's funds in each project."""
    dividends = Dividend.objects.accessible_to(user)
    if year is not None:
        dividends = dividends.filter(year=year)
    paid = dict(
        dividends.values("project_id").annotate(s=Sum("amount")).values_list("project_id", "s")
    )
    if not paid:
        return {}
    totals = dict(
        Allocation.objects.filter(project_id__in=paid)
        .values("project_id")
        .annotate(s=Sum("amount"))
        .values_list("project_id", "s")
    )
    parts: defaultdict[int, dict[str, Decimal]] = defaultdict(dict)
    for project_id, source, s in (
        Allocation.objects.accessible_to(user)
        .within(code, field="fund__area_id")
        .filter(project_id__in=paid)
        .values("project_id", "fund__source")
        .annotate(s=Sum("amount"))
        .values_list("project_id", "fund__source", "s")
    ):
        parts[project_id][source] = s
    out: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for project_id, by in parts.items():
        total = totals.get(project_id) or ZERO
        if not total:
            continue
        amount = _money(paid[project_id])
        target = (amount * sum(by.values()) / total).quantize(FEN)
        exact = {s: amount * v / total for s, v in by.items()}
        floor = {s: e.quantize(FEN, rounding=ROUND_DOWN) for s, e in exact.items()}
        left = int((target - sum(floor.values())) / FEN)
        for s in sorted(exact, key=lambda s: (floor[s] - exact[s], s))[: max(left, 0)]:
            floor[s] += FEN
        for s, v in floor.items():
            out[s] += v
    return dict(out)


def funds_in(user, code: str, year: int | None = None):
    """Funds held within ``code`` (optionally received in ``year``), with their remainders."""
    qs = Fund.objects.accessible_to(user).within(code).select_related("area", "parent__area")
    if year is not None:
        qs = qs.filter(received_on__year=year)
    return (
        qs.annotate(
            transferred=_sum_of(Fund, "parent"),
            allocated=_sum_of(Allocation, "fund"),
        )
        .annotate(remainder=F("amount") - F("transferred") - F("allocated"))
        .order_by("-received_on", "pk")
    )


def projects_in(user, code: str):
    """Projects within ``code`` with what they hold, share out and pay, and the remainders."""
    return (
        Project.objects.accessible_to(user)
        .within(code)
        .select_related("area")
        .annotate(
            held=_sum_of(Allocation, "project"),
            village_shared=_sum_of(VillageShare, "project"),
            household_shared=_sum_of(HouseholdShare, "project"),
            dividends_paid=_sum_of(Dividend, "project"),
            households=_count_of(HouseholdShare, "project"),
        )
        .annotate(
            remainder=F("held") - F("village_shared"),
            dividend_remainder=F("held") - F("dividends_paid"),
        )
        .order_by("area_id", "name", "pk")
    )


def project_detail(user, project: Project) -> dict:
    """Everything of the project page: allocations, village and household shares, dividends."""
    allocations = (
        Allocation.objects.accessible_to(user)
        .filter(project=project)
        .select_related("fund", "fund__area")
        .order_by("allocated_on", "pk")
    )
    villages = (
        VillageShare.objects.accessible_to(user)
        .filter(project=project)
        .select_related("village")
        .annotate(household_shared=_sum_of(HouseholdShare, "village_share"))
        .annotate(remainder=F("amount") - F("household_shared"))
        .order_by("village_id")
    )
    households = (
        HouseholdShare.objects.accessible_to(user)
        .filter(project=project)
        .select_related("household", "village")
        .annotate(dividends_paid=_sum_of(Dividend, "share"))
        .order_by("village_id", "household__number")
    )
    models = (
        HouseholdShare.objects.accessible_to(user)
        .filter(project=project)
        .values("benefit_model")
        .annotate(n=Count("pk"), s=Sum("amount"))
        .order_by("benefit_model")
    )
    labels = dict(BenefitModel.choices)
    dividends = (
        Dividend.objects.accessible_to(user)
        .filter(project=project)
        .values("year")
        .annotate(n=Count("pk"), s=Sum("amount"))
        .order_by("year")
    )
    figures = projects_in(user, project.area_id).filter(pk=project.pk).first()
    return {
        "figures": figures,
        "allocations": allocations,
        "villages": villages,
        "households": households,
        "models": [
            {"model": m["benefit_model"], "label": labels[m["benefit_model"]], **m} for m in models
        ],
        "dividends": list(dividends),
        "progress": project.progress.order_by("reported_on", "pk"),
    }


def households_in_base_construction(user, code: str) -> int:
    """Households with a share in an industry-base project (产业基地建设)."""
    return (
        HouseholdShare.objects.accessible_to(user)
        .within(code)
        .filter(project__type=ProjectType.INDUSTRY_BASE)
        .values("household_id")
        .distinct()
        .count()
    )


def summary(user, code: str, year: int | None = None) -> dict:
    """The county / league summary: the money figures, the chain totals, beneficiaries by
    model, households in base construction, projects by type, and any broken limit."""
    shares = HouseholdShare.objects.accessible_to(user).within(code)
    by_model = {
        r["benefit_model"]: r
        for r in shares.values("benefit_model").annotate(
            households=Count("household_id", distinct=True), s=Sum("amount")
        )
    }
    labels = dict(BenefitModel.choices)
    type_labels = dict(ProjectType.choices)
    projects = (
        Project.objects.accessible_to(user)
        .within(code)
        .values("type")
        .annotate(n=Count("pk"))
        .order_by("type")
    )
    return {
        "funds": area_funds(user, code, year),
        "chain": reconcile(user, code),
        "by_model": [
            {
                "model": m,
                "label": labels[m],
                "households": by_model.get(m, {}).get("households", 0),
                "amount": _money(by_model.get(m, {}).get("s")),
            }
            for m in BenefitModel.values
        ],
        "base_households": households_in_base_construction(user, code),
        "projects_by_type": [
            {"type": p["type"], "label": type_labels[p["type"]], "n": p["n"]} for p in projects
        ],
    }


def reconcile(user, code: str) -> dict:
    """Fund → project → village → household for an area: the totals at each level and every
    row whose children exceed it (empty lists when the sums add up)."""
    funds = Fund.objects.accessible_to(user).within(code)
    projects = Project.objects.accessible_to(user).within(code)
    village_shares = VillageShare.objects.accessible_to(user).within(code)
    household_shares = HouseholdShare.objects.accessible_to(user).within(code)
    allocations = Allocation.objects.accessible_to(user).within(code, field="fund__area_id")
    dividends = Dividend.objects.accessible_to(user).within(code)

    def total(qs):
        return _money(qs.aggregate(s=Sum("amount"))["s"])

    over_funds = list(
        funds.annotate(transferred=_sum_of(Fund, "parent"), allocated=_sum_of(Allocation, "fund"))
        .filter(amount__lt=F("transferred") + F("allocated") - SLACK)
        .values_list("pk", flat=True)
    )
    over_projects = list(
        projects.annotate(
            held=_sum_of(Allocation, "project"),
            shared=_sum_of(VillageShare, "project"),
            paid=_sum_of(Dividend, "project"),
        )
        .filter(Q(held__lt=F("shared") - SLACK) | Q(held__lt=F("paid") - SLACK))
        .values_list("pk", flat=True)
    )
    over_villages = list(
        village_shares.annotate(shared=_sum_of(HouseholdShare, "village_share"))
        .filter(amount__lt=F("shared") - SLACK)
        .values_list("pk", flat=True)
    )
    return {
        "received": total(funds.filter(received_q(code))),
        "allocated": total(allocations),
        "village_shared": total(village_shares),
        "household_shared": total(household_shares),
        "dividends": total(dividends),
        "over_funds": over_funds,
        "over_projects": over_projects,
        "over_village_shares": over_villages,
    }
