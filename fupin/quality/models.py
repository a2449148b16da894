"""The registry's precision: doubts about a registered household and their review (疑点; docs/data-quality.md).

A :class:`Flag` is one doubt about a household, raised by one producer:

* ``comparison`` — a row of another department's list (deaths, vehicles, property, business,
  payroll) matched a member and broke a comparison rule;
* ``duplicate`` — a member looks like the same person as ``other_member`` of another household,
  with a similarity ``score``;
* ``recheck`` — a stored record no longer passes a cleaning rule at the system date.

Every flag is a task for the village team, who confirm or dismiss it. ``match_key`` identifies
what raised the flag (a list row, a pair of members, a member and a rule), so that importing the
same list again or rerunning a finder never raises a dismissed doubt a second time.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from fupin.areas.scope import ScopedManager


class Flag(models.Model):
    class Kind(models.TextChoices):
        COMPARISON = "comparison", _("比对疑点")
        DUPLICATE = "duplicate", _("疑似重复人员")
        RECHECK = "recheck", _("数据复核")

    class Status(models.TextChoices):
        OPEN = "open", _("待核实")
        CONFIRMED = "confirmed", _("核实属实")
        DISMISSED = "dismissed", _("核实不属实")

    scope_field = "village_id"

    kind = models.CharField(_("疑点类别"), max_length=16, choices=Kind.choices)
    rule_code = models.CharField(_("规则"), max_length=40)
    rule_version = models.PositiveSmallIntegerField(_("规则版本"), null=True, blank=True)
    match_key = models.CharField(_("来源标识"), max_length=80)
    village = models.ForeignKey(
        "areas.Area", verbose_name=_("嘎查村"), on_delete=models.PROTECT, related_name="+"
    )
    household = models.ForeignKey(
        "registry.Household", verbose_name=_("贫困户"), on_delete=models.PROTECT, related_name="+"
    )
    member = models.ForeignKey(
        "registry.Member",
        verbose_name=_("家庭成员"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    other_member = models.ForeignKey(
        "registry.Member",
        verbose_name=_("疑似同一人"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    score = models.DecimalField(_("相似度"), max_digits=4, decimal_places=3, null=True, blank=True)
    reason = models.TextField(_("疑点说明"))
    year = models.PositiveSmallIntegerField(_("年度"))
    raised_on = models.DateField(_("发现日期"))
    status = models.CharField(
        _("核实结果"), max_length=12, choices=Status.choices, default=Status.OPEN
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("核实人"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    resolved_on = models.DateField(_("核实日期"), null=True, blank=True)
    resolution_note = models.TextField(_("核实说明"), blank=True)

    history = HistoricalRecords(cascade_delete_history=False)
    objects = ScopedManager()

    class Meta:
        verbose_name = _("疑点")
        verbose_name_plural = _("疑点")
        ordering = ["village", "household", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "rule_code", "match_key"], name="flag_once_per_source"
            )
        ]
        indexes = [models.Index(fields=["village", "status"], name="flag_village_status_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.rule_code} {self.household_id}"


from .recheck_models import RecheckCount, RecheckRun  # noqa: E402,F401
