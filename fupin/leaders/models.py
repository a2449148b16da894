"""Party-member entrepreneurship leaders (致富带头人, docs/domain.md §3.6–3.7) and the households they drive.

A leader is a Party member (:class:`fupin.party.models.PartyMember`, one leader record per
member) who runs a cooperative, a company, a family farm or a large holding. A
:class:`LeaderLink` ties one registered household to the leader — employed (务工就业) or driven
(产业带动: orders, trusteeship, technical service) — from ``since`` to ``until``; a household may
be linked to several leaders and is then counted once. :class:`LeaderIncome` is what the
household earned through the leader in a year. It is informational: the registry's
:class:`~fupin.registry.models.IncomeRecord` stays the household's income of record, and the
amount cannot exceed that year's wage plus business income there.
"""

import datetime

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from fupin.areas.scope import ScopedManager


class EntrepreneurLeader(models.Model):
    scope_field = "area_id"

    class Kind(models.TextChoices):
        COOPERATIVE = "cooperative", _("专业合作社")
        COMPANY = "company", _("企业")
        FAMILY_FARM = "family_farm", _("家庭农牧场")
        LARGE_HOUSEHOLD = "large_household", _("种养大户")
        OTHER = "other", _("其他")

    party_member = models.OneToOneField(
        "party.PartyMember",
        verbose_name=_("党员"),
        on_delete=models.PROTECT,
        related_name="leader",
    )
    # The member's area when the record was made (a village), copied so scope needs no join.
    area = models.ForeignKey(
        "areas.Area", verbose_name=_("所在区划"), on_delete=models.PROTECT, related_name="+"
    )
    business_name = models.CharField(_("经营主体名称"), max_length=100)
    kind = models.CharField(_("经营主体类别"), max_length=16, choices=Kind.choices)
    industry = models.CharField(_("主导产业"), max_length=50)
    since = models.DateField(_("带头创业时间"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=300, blank=True)

    objects = ScopedManager()
    history = HistoricalRecords(cascade_delete_history=False)

    class Meta:
        verbose_name = _("致富带头人")
        verbose_name_plural = _("致富带头人")
        indexes = [models.Index(fields=["area"], name="leader_area_idx")]

    def __str__(self):
        return f"{self.business_name}（{self.party_member_id}）"


class LeaderLink(models.Model):
    """One household employed or driven by one leader over a period (``until`` open: ongoing)."""

    scope_field = "village_id"

    class Kind(models.TextChoices):
        EMPLOY = "employ", _("务工就业")
        DRIVE = "drive", _("产业带动（订单、托管、技术服务）")

    leader = models.ForeignKey(
        EntrepreneurLeader,
        verbose_name=_("致富带头人"),
        on_delete=models.CASCADE,
        related_name="links",
    )
    household = models.ForeignKey(
        "registry.Household",
        verbose_name=_("贫困户"),
        on_delete=models.CASCADE,
        related_name="leader_links",
    )
    # The household's village: a link is seen where the household is.
    village = models.ForeignKey(
        "areas.Area", verbose_name=_("所在村"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("带动方式"), max_length=8, choices=Kind.choices)
    since = models.DateField(_("带动开始日期"))
    until = models.DateField(_("带动结束日期"), null=True, blank=True)

    objects = ScopedManager()
    history = HistoricalRecords(cascade_delete_history=False)

    class Meta:
        verbose_name = _("带动关系")
        verbose_name_plural = _("带动关系")
        indexes = [
            models.Index(fields=["village", "since"], name="leaderlink_village_idx"),
            models.Index(fields=["leader", "household"], name="leaderlink_leader_hh_idx"),
        ]

    def __str__(self):
        return f"{self.leader_id} → {self.household_id}"

    def active_in(self, year: int) -> bool:
        return self.since <= datetime.date(year, 12, 31) and (
            self.until is None or self.until >= datetime.date(year, 1, 1)
        )


class LeaderIncome(models.Model):
    """What the household earned through the leader in ``year`` (wages or business income)."""

    scope_field = "village_id"

    link = models.ForeignKey(
        LeaderLink, verbose_name=_("带动关系"), on_delete=models.CASCADE, related_name="incomes"
    )
    village = models.ForeignKey(
        "areas.Area", verbose_name=_("所在村"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    amount = models.DecimalField(
        _("带动增收（元）"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )

    objects = ScopedManager()
    history = HistoricalRecords(cascade_delete_history=False)

    class Meta:
        verbose_name = _("带动增收")
        verbose_name_plural = _("带动增收")
        constraints = [
            models.UniqueConstraint(fields=["link", "year"], name="leaderincome_link_year_uniq")
        ]
        indexes = [models.Index(fields=["village", "year"], name="leaderincome_village_idx")]

    def __str__(self):
        return f"{self.link_id} {self.year}: {self.amount}"
