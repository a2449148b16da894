"""The outreach ledgers (docs/outreach.md): policy lectures, study trips, leaders' visits to
their liaison points, the township work subsidy, and the policy document library.

Each ledger row keeps the code of the area it belongs to (``area``), which is its scope: a
lecture where it was held, a trip by the area that organised it, a visit at the township or
village visited, a subsidy at the cadre's area. The figures of an area (``fupin.outreach.
selectors``) are sums over these rows, never typed in.

A liaison visit is a leader's (:class:`fupin.assistance.models.Cadre`) visit to a township or
village, with the 两联一包 link (:class:`fupin.assistance.models.Link`) it serves when the
leader holds one there. Policy documents are published documents: every signed-in user reads
them; writing one needs the right at the issuing area.
"""

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from fupin.areas.scope import ScopedManager

DEMO_SUMMARY_MARK = "演示用摘要，非原文"


class PolicyLecture(models.Model):
    """政策宣讲: one lecture on the Party's policies, held in an area on a day."""

    scope_field = "area_id"

    area = models.ForeignKey(
        "areas.Area", verbose_name=_("宣讲区划"), on_delete=models.PROTECT, related_name="+"
    )
    date = models.DateField(_("宣讲日期"))
    place = models.CharField(_("宣讲地点"), max_length=100)
    speaker = models.CharField(_("宣讲人"), max_length=50)
    topic = models.CharField(_("宣讲主题"), max_length=100)
    audience = models.PositiveIntegerField(_("听众人数"))
    note = models.CharField(_("备注"), max_length=200, blank=True)

    objects = ScopedManager()
    history = HistoricalRecords(cascade_delete_history=False)

    class Meta:
        verbose_name = _("政策宣讲")
        verbose_name_plural = _("政策宣讲")
        constraints = [
            models.UniqueConstraint(
                fields=["area", "date", "topic"], name="lecture_area_date_topic_uniq"
            )
        ]
        indexes = [models.Index(fields=["area", "date"], name="lecture_area_date_idx")]

    def __str__(self):
        return f"{self.date} {self.topic}"


class StudyTrip(models.Model):
    """外出学习: a group of cadres and villagers sent to learn elsewhere; ``persons`` counts
    the person-trips, and the cadres who went may be linked by name."""

    scope_field = "area_id"

    area = models.ForeignKey(
        "areas.Area", verbose_name=_("组织区划"), on_delete=models.PROTECT, related_name="+"
    )
    start_date = models.DateField(_("出发日期"))
    end_date = models.DateField(_("返回日期"))
    destination = models.CharField(_("学习地点"), max_length=100)
    topic = models.CharField(_("学习内容"), max_length=100)
    persons = models.PositiveIntegerField(_("人数"), validators=[MinValueValidator(1)])
    cadres = models.ManyToManyField(
        "assistance.Cadre", verbose_name=_("带队干部"), blank=True, related_name="+"
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)

    objects = ScopedManager()
    history = HistoricalRecords(cascade_delete_history=False)

    class Meta:
        verbose_name = _("外出学习")
        verbose_name_plural = _("外出学习")
        constraints = [
            models.UniqueConstraint(
                fields=["area", "start_date", "destination"], name="trip_area_start_dest_uniq"
            )
        ]
        indexes = [models.Index(fields=["area", "start_date"], name="trip_area_start_idx")]

    def __str__(self):
        return f"{self.start_date} {self.destination}"


class LiaisonVisit(models.Model):
    """联系点调研指导: a leader's visit to a township or village (never a household)."""

    scope_field = "area_id"

    cadre = models.ForeignKey(
        "assistance.Cadre", verbose_name=_("领导干部"), on_delete=models.PROTECT, related_name="+"
    )
    link = models.ForeignKey(
        "assistance.Link",
        verbose_name=_("联系点"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    area = models.ForeignKey(
        "areas.Area", verbose_name=_("调研区划"), on_delete=models.PROTECT, related_name="+"
    )
    date = models.DateField(_("调研日期"))
    problems_raised = models.PositiveIntegerField(_("发现问题（项）"), default=0)
    problems_solved = models.PositiveIntegerField(_("解决问题（项）"), default=0)
    note = models.CharField(_("问题及解决情况"), max_length=300, blank=True)

    objects = ScopedManager()
    history = HistoricalRecords(cascade_delete_history=False)

    class Meta:
        verbose_name = _("联系点调研指导")
        verbose_name_plural = _("联系点调研指导")
        indexes = [
            models.Index(fields=["area", "date"], name="liaison_area_date_idx"),
            models.Index(fields=["cadre", "date"], name="liaison_cadre_date_idx"),
        ]

    def __str__(self):
        return f"{self.date} {self.cadre_id} → {self.area_id}"


class TownshipSubsidy(models.Model):
    """乡镇工作补贴: what one front-line cadre received in a year (yuan)."""

    scope_field = "area_id"

    cadre = models.ForeignKey(
        "assistance.Cadre", verbose_name=_("干部"), on_delete=models.PROTECT, related_name="+"
    )
    area = models.ForeignKey(
        "areas.Area", verbose_name=_("所在区划"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    amount = models.DecimalField(
        _("补贴金额（元）"), max_digits=10, decimal_places=2, validators=[MinValueValidator(0)]
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)

    objects = ScopedManager()
    history = HistoricalRecords(cascade_delete_history=False)

    class Meta:
        verbose_name = _("乡镇工作补贴")
        verbose_name_plural = _("乡镇工作补贴")
        constraints = [
            models.UniqueConstraint(fields=["cadre", "year"], name="subsidy_cadre_year_uniq")
        ]
        indexes = [models.Index(fields=["area", "year"], name="subsidy_area_year_idx")]

    def __str__(self):
        return f"{self.cadre_id} {self.year}: {self.amount}"


class PolicyDocument(models.Model):
    """政策文件: an issued document, with what it grounds (measure types, safety-net
    policies, rule sets). ``summary`` written for the demo says so (:data:`DEMO_SUMMARY_MARK`)."""

    # Published documents: read by every signed-in user; the area is where it was issued,
    # and decides who may edit it (fupin.outreach.permissions).
    scope_exempt = "published documents, read by all; the area decides who edits"
    scope_field = "area_id"

    area = models.ForeignKey(
        "areas.Area", verbose_name=_("发文区划"), on_delete=models.PROTECT, related_name="+"
    )
    issuer = models.CharField(_("发文机关"), max_length=100)
    doc_number = models.CharField(_("文号"), max_length=50, blank=True)
    date = models.DateField(_("发文日期"), null=True, blank=True)
    title = models.CharField(_("标题"), max_length=200)
    summary = models.TextField(_("摘要"), blank=True)
    full_text = models.TextField(_("全文"), blank=True)
    pdf = models.FileField(_("PDF 文件"), upload_to="policy-documents/", blank=True)
    measure_types = models.JSONField(_("依据的帮扶措施类型"), default=list, blank=True)
    safetynet_policies = models.JSONField(_("依据的保障政策"), default=list, blank=True)
    rule_sets = models.ManyToManyField(
        "assessment.RuleSet", verbose_name=_("依据的规则版本"), blank=True, related_name="+"
    )

    objects = ScopedManager()
    history = HistoricalRecords(cascade_delete_history=False)

    class Meta:
        verbose_name = _("政策文件")
        verbose_name_plural = _("政策文件")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "title"], name="document_issuer_title_uniq")
        ]

    def __str__(self):
        return self.title
