"""The village exit rule (贫困村出列; docs/villages.md): one village, one year, each reason.

A village exits when its poverty incidence is below the rule's limit (3 % in the west), its
collective income of the year is at or above the threshold (the rule's own amount, or the
collective economy's stable-income threshold of the year when the rule leaves it empty), and
every infrastructure condition the rule requires holds in the year's
:class:`~fupin.villages.models.VillageConditions`. The result lists every condition with its
value and threshold, so a page says why, not only whether.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from django.db.models import Max, Sum
from django.utils.translation import gettext_lazy as _

from fupin.areas.models import RuralPopulation
from fupin.areas.selectors import incidence as compute_incidence
from fupin.collective.models import CollectiveIncome
from fupin.collective.selectors import threshold_for
from fupin.registry.codes import POOR_STATUSES
from fupin.registry.models import StatusRecord

from .models import CONDITIONS, VillageConditions, VillageExitRules

MSG_INCIDENCE = _("贫困发生率")
MSG_COLLECTIVE = _("集体经济收入")
MSG_NO_POPULATION = _("缺少农村人口数据")
MSG_NO_THRESHOLD = _("缺少集体经济稳定收入标准")
MSG_NO_CONDITIONS = _("缺少当年出列条件记录")
MSG_YES = _("是")
MSG_NO = _("否")


@dataclasses.dataclass(frozen=True)
class Check:
    """One condition: its name, label, value and threshold as shown, and whether it holds."""

    name: str
    label: str
    value: str
    threshold: str
    ok: bool

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "label": str(self.label),
            "value": str(self.value),
            "threshold": str(self.threshold),
            "ok": self.ok,
        }


@dataclasses.dataclass(frozen=True)
class Result:
    village: str
    year: int
    version: int
    checks: tuple[Check, ...]

    @property
    def passes(self) -> bool:
        return all(check.ok for check in self.checks)

    @property
    def failed(self) -> list[Check]:
        return [check for check in self.checks if not check.ok]

    def as_dict(self) -> dict:
        return {
            "village": self.village,
            "year": self.year,
            "version": self.version,
            "passes": self.passes,
            "checks": [check.as_dict() for check in self.checks],
        }


def _limit(value: Decimal) -> str:
    text = f"{Decimal(value):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def poor_persons(village: str, year: int) -> int:
    """The village's persons in poor households at the end of ``year``."""
    rows = StatusRecord.objects.filter(village_id=village, year=year, status__in=POOR_STATUSES)
    return rows.aggregate(n=Sum("members_count"))["n"] or 0


def rural_population(village: str, year: int) -> int:
    """The village's rural population of the latest year up to ``year`` (0 when unknown)."""
    rows = RuralPopulation.objects.filter(village_id=village, year__lte=year)
    latest = rows.aggregate(y=Max("year"))["y"]
    if latest is None:
        return 0
    return rows.filter(year=latest).values_list("population", flat=True).first() or 0


def collective_income(village: str, year: int) -> Decimal:
    """The village's collective income of ``year``, read from the collective economy's lines."""
    total = CollectiveIncome.objects.filter(village_id=village, year=year).aggregate(
        t=Sum("amount")
    )["t"]
    return Decimal(total or 0).quantize(Decimal("0.01"))


def evaluate(village: str, year: int, rules: VillageExitRules | None = None) -> Result:
    """Evaluate the exit criteria for ``village`` (a code) in ``year``."""
    rules = rules or VillageExitRules.current()
    checks = []
    rate = compute_incidence(poor_persons(village, year), rural_population(village, year))
    checks.append(
        Check(
            "incidence",
            MSG_INCIDENCE,
            f"{rate:.2f}%" if rate is not None else str(MSG_NO_POPULATION),
            f"< {_limit(rules.incidence_max)}%",
            rate is not None and rate < rules.incidence_max,
        )
    )
    income = collective_income(village, year)
    threshold = rules.collective_income_min
    if threshold is None:
        threshold = threshold_for(year)
    checks.append(
        Check(
            "collective_income",
            MSG_COLLECTIVE,
            f"{income:,.2f}",
            f"≥ {threshold:,.2f}" if threshold is not None else str(MSG_NO_THRESHOLD),
            threshold is not None and income >= threshold,
        )
    )
    conditions = VillageConditions.objects.filter(village_id=village, year=year).first()
    for name, label in CONDITIONS:
        if not getattr(rules, name):
            continue
        held = conditions is not None and getattr(conditions, name)
        shown = MSG_NO_CONDITIONS if conditions is None else (MSG_YES if held else MSG_NO)
        value = str(shown)
        checks.append(Check(name, label, value, str(MSG_YES), bool(held)))
    return Result(village=village, year=year, version=rules.version, checks=tuple(checks))
