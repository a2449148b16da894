"""Village collective economy (docs/domain.md §3.7): income per village and year, 清零递增 status and
the households sharing it.

* :class:`CollectiveIncome` — one line of a village's collective income in a year, by source;
  a village has at most one line per source and year (the form and the import both set "the
  amount of this source in this year"), so re-importing a file changes nothing.
* :class:`CollectiveThreshold` — the amount from which a year's income counts as stable
  (data, edited in the admin by the league; seeded by a data migration). The threshold of a
  year is the row with the latest ``year`` not after it.
* :class:`CollectiveDistribution` — a household's share of its village's collective income in
  a year (分红/收益分配): the households sharing collective income.

The status of a village in a year is derived, never stored: see
:mod:`fupin.collective.selectors` and ``docs/collective.md``.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from fupin.areas.scope import ScopedManager

MONEY = {"max_digits": 14, "decimal_places": 2}


class Source(models.TextChoices):
    RESOURCE = "resource", _("资源发包")
    LEASING = "leasing", _("资产租赁")
    DIVIDEND = "dividend", _("入股分红")
    BUSINESS = "business", _("经营收入")
    SERVICE = "service", _("服务收入")
    SUBSIDY = "subsidy", _("上级补助")
    OTHER = "other", _("其他")


class CollectiveIncome(models.Model):
    scope_field = "village_id"

    village = models.ForeignKey(
        "areas.Area", verbose_name=_("嘎查村"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    source = models.CharField(_("收入来源"), max_length=12, choices=Source.choices)
    amount = models.DecimalField(_("金额（元）"), **MONEY)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    history = HistoricalRecords(cascade_delete_history=False)
    objects = ScopedManager()

    class Meta:
        verbose_name = _("集体经济收入")
        verbose_name_plural = _("集体经济收入")
        constraints = [
            models.UniqueConstraint(
                fields=["village", "year", "source"], name="collective_income_village_year_src"
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="collective_income_amount_gte_0"
            ),
        ]
        indexes = [models.Index(fields=["year", "village"], name="collective_income_year_idx")]
        ordering = ["village", "year", "source"]

    def __str__(self):
        return f"{self.village_id} {self.year} {self.get_source_display()} {self.amount}"


class CollectiveThreshold(models.Model):
    """From ``year`` on (until a later row), income of at least ``amount`` counts as stable."""

    year = models.PositiveSmallIntegerField(_("起始年度"), unique=True)
    amount = models.DecimalField(_("稳定收入标准（元）"), **MONEY)
    note = models.CharField(_("依据"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("集体经济稳定收入标准")
        verbose_name_plural = _("集体经济稳定收入标准")
        ordering = ["year"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="collective_threshold_amount_gt_0"
            )
        ]

    def __str__(self):
        return f"{self.year}: {self.amount}"


class CollectiveDistribution(models.Model):
    """A household's share of the village's collective income in a year."""

    scope_field = "village_id"

    village = models.ForeignKey(
        "areas.Area", verbose_name=_("嘎查村"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    household = models.ForeignKey(
        "registry.Household",
        verbose_name=_("户"),
        on_delete=models.CASCADE,
        related_name="collective_distributions",
        # The unique (household, year) index serves lookups by household.
        db_index=False,
    )
    amount = models.DecimalField(_("分配金额（元）"), **MONEY)

    history = HistoricalRecords(cascade_delete_history=False)
    objects = ScopedManager()

    class Meta:
        verbose_name = _("集体收益分配")
        verbose_name_plural = _("集体收益分配")
        constraints = [
            models.UniqueConstraint(
                fields=["household", "year"], name="collective_distribution_household_year"
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="collective_distribution_amount_gte_0"
            ),
        ]
        indexes = [models.Index(fields=["year", "village"], name="collective_distrib_year_idx")]
        ordering = ["village", "year"]

    def __str__(self):
        return f"{self.household_id} {self.year} {self.amount}"
