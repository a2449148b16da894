"""Administrative divisions (行政区划): the NBS statistical codes are the spine of every record.

A code's prefixes are its ancestors (``1522`` → ``152223`` → ``152223100`` →
``152223100234``), so "everything under an area" is a code range, which every database can
answer from an index (see :mod:`fupin.areas.scope`).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from fupin.core import clock
from fupin.core.mongolian import MongolianTextField

from .scope import ScopedManager


class Level(models.TextChoices):
    PROVINCE = "province", _("省级")
    PREFECTURE = "prefecture", _("盟市")
    COUNTY = "county", _("旗县市")
    TOWNSHIP = "township", _("苏木乡镇")
    VILLAGE = "village", _("嘎查村")


LEVEL_DIGITS = {
    Level.PROVINCE: 2,
    Level.PREFECTURE: 4,
    Level.COUNTY: 6,
    Level.TOWNSHIP: 9,
    Level.VILLAGE: 12,
}
DIGITS_LEVEL = {digits: level for level, digits in LEVEL_DIGITS.items()}
CHILD_LEVEL = {
    Level.PROVINCE: Level.PREFECTURE,
    Level.PREFECTURE: Level.COUNTY,
    Level.COUNTY: Level.TOWNSHIP,
    Level.TOWNSHIP: Level.VILLAGE,
}


def is_rural_code(code: str) -> bool:
    """Tell whether a village-level code is a rural unit (村/嘎查委员会).

    The NBS urban-rural rule: the last three digits 001–199 are residents' committees
    (居委会, urban), 200–599 villagers' committees (村委会/嘎查, rural).
    """
    return len(code) == 12 and code[-3:] >= "200"


class Area(models.Model):
    scope_field = "code"

    code = models.CharField(_("区划代码"), max_length=12, primary_key=True)
    name = models.CharField(_("名称"), max_length=100)
    level = models.CharField(_("级别"), max_length=12, choices=Level.choices, db_index=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        db_constraint=False,
    )
    # Whether the unit takes part in poverty work: rural villages do, urban communities do not
    # by default (a deployment may change it).
    participates = models.BooleanField(_("参与扶贫"), default=True)
    # The village's location (WGS-84 degrees), loaded by ``fupin areas locate``: a check-in
    # far from it is flagged (fupin.fieldwork.services).
    lat = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    lon = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    # The name in Mongolian script (fupin.core.mongolian checks it), printed on bilingual notices.
    name_mn = MongolianTextField(_("蒙古文名称"), max_length=100, blank=True, default="")
    # Whether the area's public documents are bilingual (Mongolian and Chinese): unset means
    # inherited from the area above, then from FUPIN_BILINGUAL_AREAS (fupin.areas.selectors).
    bilingual = models.BooleanField(_("蒙汉双语公示"), null=True, blank=True, default=None)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]

    def __str__(self):
        return f"{self.name}（{self.code}）"

    @property
    def digits(self) -> int:
        return len(self.code)

    def ancestor_codes(self) -> list[str]:
        return [self.code[:n] for n in (2, 4, 6, 9) if n < len(self.code)]


class RuralPopulation(models.Model):
    """The rural population of a village in a year: the denominator of incidence (贫困发生率)."""

    scope_field = "village_id"

    village = models.ForeignKey(
        Area, verbose_name=_("嘎查村"), on_delete=models.CASCADE, related_name="rural_populations"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    population = models.PositiveIntegerField(_("农村人口"))

    objects = ScopedManager()

    class Meta:
        verbose_name = _("农村人口")
        verbose_name_plural = _("农村人口")
        constraints = [
            models.UniqueConstraint(fields=["village", "year"], name="ruralpop_village_year_uniq")
        ]
        indexes = [models.Index(fields=["year", "village"], name="ruralpop_year_village_idx")]

    def __str__(self):
        return f"{self.village_id} {self.year}: {self.population}"


class PeriodClose(models.Model):
    """A period closed for an area (a county or the league): its records are locked.

    Once a month's field-work compliance is reported, a quarter's 三会一课 reported or a year's
    assessment closed, a record dated inside the period and inside the area is written only as
    a correction with a reason (:class:`PeriodCorrection`), which the figures show beside the
    closed value. League HQ may reopen a close with a reason; the row stays, marked reopened,
    so the history of closes is kept. The rules are in :mod:`fupin.areas.periods`.
    """

    scope_field = "area_id"

    class Kind(models.TextChoices):
        FIELDWORK_MONTH = "fieldwork_month", _("帮扶工作月度合规")
        PARTY_QUARTER = "party_quarter", _("三会一课季度")
        ASSESSMENT_YEAR = "assessment_year", _("年度脱贫评估")

    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices)
    area = models.ForeignKey(
        Area, verbose_name=_("区划"), on_delete=models.PROTECT, related_name="+"
    )
    period = models.CharField(_("期间"), max_length=7)
    note = models.TextField(_("备注"), blank=True)
    closed_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("关账人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("关账时间"), default=clock.now)
    reopened_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("重新开放人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reopened_at = models.DateTimeField(_("重新开放时间"), null=True, blank=True)
    reopen_reason = models.TextField(_("重新开放原因"), blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("期间关账")
        verbose_name_plural = _("期间关账")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "area", "period"],
                condition=models.Q(reopened_at__isnull=True),
                name="periodclose_open_uniq",
            )
        ]
        indexes = [models.Index(fields=["kind", "period", "area"], name="periodclose_lookup_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.area_id} {self.period}"


class PeriodCorrection(models.Model):
    """A record written into a closed period: the reason, shown beside the closed figure.

    ``record`` names the record's model (``app_label.model``) and ``record_id`` its key, so the
    correction links any app's record without this low layer importing the app.
    """

    scope_field = "area_id"

    close = models.ForeignKey(
        PeriodClose, verbose_name=_("关账"), on_delete=models.PROTECT, related_name="corrections"
    )
    area = models.ForeignKey(
        Area, verbose_name=_("区划"), on_delete=models.PROTECT, related_name="+"
    )
    day = models.DateField(_("记录日期"))
    record = models.CharField(_("记录类型"), max_length=60)
    record_id = models.CharField(_("记录编号"), max_length=40)
    reason = models.TextField(_("更正原因"))
    corrected_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("更正人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    corrected_at = models.DateTimeField(_("更正时间"), default=clock.now)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("关账期间更正")
        verbose_name_plural = _("关账期间更正")
        ordering = ["corrected_at", "pk"]
        indexes = [models.Index(fields=["record", "record_id"], name="periodcorr_record_idx")]

    def __str__(self):
        return f"{self.close} · {self.record} {self.record_id}"
