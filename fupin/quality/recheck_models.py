"""The runs of the stored records' re-check and what each found, per rule and village.

A :class:`RecheckRun` is one pass of :func:`fupin.quality.recheck.recheck_run` over an area at
a system date; its :class:`RecheckCount` rows say how many records each rule found in each
village (found again or new), so an area's figures are sums over a code range, like the
registry's rollups. The findings themselves are :class:`fupin.quality.models.Flag` rows.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from fupin.areas.scope import ScopedManager
from fupin.registry.models import rollup_village


class RecheckRun(models.Model):
    # A run covers an area (or the whole registry) and names no household: its counts are
    # the scoped part.
    scope_exempt = "the run's date and area only; its counts per village are scoped"

    day = models.DateField(_("复核日期"))
    area_code = models.CharField(_("复核范围"), max_length=12, blank=True)
    started_at = models.DateTimeField(_("开始时间"))
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    findings = models.PositiveIntegerField(_("发现问题数"), default=0)
    new_flags = models.PositiveIntegerField(_("新增疑点数"), default=0)

    class Meta:
        verbose_name = _("数据复核运行")
        verbose_name_plural = _("数据复核运行")
        ordering = ["-day", "-pk"]

    def __str__(self):
        return f"{self.day} {self.area_code or '*'}"


class RecheckCount(models.Model):
    scope_field = "village_id"

    run = models.ForeignKey(RecheckRun, on_delete=models.CASCADE, related_name="counts")
    village = rollup_village()
    rule_code = models.CharField(_("规则"), max_length=40)
    found = models.PositiveIntegerField(_("发现数"), default=0)
    new = models.PositiveIntegerField(_("新增数"), default=0)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("数据复核计数")
        verbose_name_plural = _("数据复核计数")
        constraints = [
            models.UniqueConstraint(
                fields=["run", "village", "rule_code"], name="recheck_count_once"
            )
        ]

    def __str__(self):
        return f"{self.run_id} {self.village_id} {self.rule_code} {self.found}"
