"""The war map's own rollups: what :class:`fupin.registry.models.YearFact` does not hold.

* :class:`CauseFact` — poor households and persons of a village-year by main cause of poverty;
* :class:`PlanFact` — households and persons of a village by planned and actual exit year;
* :class:`RollupStamp` — when the rollups were last refreshed (the page's "数据截至").

All three are rewritten by :mod:`fupin.warmap.rollups` inside the registry's writing
transactions (a hook of :func:`fupin.registry.rollups.refresh`) and by ``fupin rollup``.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from fupin.areas.scope import ScopedManager
from fupin.registry import codes
from fupin.registry.models import rollup_village


class CauseFact(models.Model):
    scope_field = "village_id"

    village = rollup_village()
    year = models.PositiveSmallIntegerField(_("年度"))
    cause = models.CharField(_("主要致贫原因"), max_length=12, choices=codes.Cause.choices)
    households = models.PositiveIntegerField(_("户数"), default=0)
    persons = models.PositiveIntegerField(_("人数"), default=0)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("致贫原因汇总")
        verbose_name_plural = _("致贫原因汇总")
        constraints = [
            models.UniqueConstraint(
                fields=["village", "year", "cause"], name="causefact_village_year_cause"
            )
        ]
        indexes = [models.Index(fields=["year", "village"], name="causefact_year_village_idx")]

    def __str__(self):
        return f"{self.village_id} {self.year} {self.cause}"


class PlanFact(models.Model):
    """Households of a village with the same planned exit year, exit year and poor flag."""

    scope_field = "village_id"

    village = rollup_village()
    planned_exit_year = models.PositiveSmallIntegerField(_("计划脱贫年度"), null=True)
    exit_year = models.PositiveSmallIntegerField(_("脱贫年度"), null=True)
    # Status now 未脱贫 or 返贫: these are the persons the plan still has to take out.
    poor = models.BooleanField(_("当前贫困"))
    households = models.PositiveIntegerField(_("户数"), default=0)
    persons = models.PositiveIntegerField(_("人数"), default=0)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("脱贫计划汇总")
        verbose_name_plural = _("脱贫计划汇总")
        indexes = [models.Index(fields=["village"], name="planfact_village_idx")]

    def __str__(self):
        return f"{self.village_id} {self.planned_exit_year} {self.exit_year}"


class RollupStamp(models.Model):
    name = models.CharField(max_length=20, primary_key=True)
    refreshed_at = models.DateTimeField(_("刷新时间"))

    class Meta:
        verbose_name = _("汇总刷新时间")
        verbose_name_plural = _("汇总刷新时间")

    def __str__(self):
        return f"{self.name} {self.refreshed_at}"
