"""Cases of 一申请两评议三公开 (docs/domain.md §3.1): identification, exit, relapse and monitoring.

A :class:`Case` moves through the steps of its kind (see :mod:`fupin.identification.workflow`);
each move is a :class:`CaseStep` (who, in which role, when, decision, reason, the step's own
record such as the meeting or the spot check). Notices (:class:`Notice`) list cases publicly
for a period; an :class:`Objection` filed in that period pauses its case until answered.
Cases of a county and year are gathered in an :class:`AdjustmentRound` (动态调整).
The registry's status per year is changed only by completed cases.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from fupin.areas.scope import ScopedManager
from fupin.core import clock

DEFAULT_NOTICE_DAYS = 7


class AdjustmentRound(models.Model):
    """A county's yearly adjustment round (动态调整): opened and closed by the county office."""

    scope_field = "county_id"

    county = models.ForeignKey(
        "areas.Area", verbose_name=_("旗县市"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    opened_on = models.DateField(_("开始日期"))
    opened_by = models.ForeignKey(
        "accounts.User", verbose_name=_("开启人"), on_delete=models.PROTECT, related_name="+"
    )
    closed_on = models.DateField(_("结束日期"), null=True, blank=True)
    closed_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("关闭人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = ScopedManager()

    class Meta:
        verbose_name = _("动态调整")
        verbose_name_plural = _("动态调整")
        constraints = [models.UniqueConstraint(fields=["county", "year"], name="round_county_year")]

    def __str__(self):
        return f"{self.county_id} {self.year}"

    @property
    def is_open(self) -> bool:
        return self.closed_on is None


class Case(models.Model):
    scope_field = "village_id"

    class Kind(models.TextChoices):
        IDENTIFICATION = "identification", _("贫困识别")
        EXIT = "exit", _("脱贫退出")
        RELAPSE = "relapse", _("返贫")
        MONITORING = "monitoring", _("防返贫监测")

    class Outcome(models.TextChoices):
        OPEN = "", _("办理中")
        COMPLETED = "completed", _("已办结")
        REJECTED = "rejected", _("不予通过")

    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    village = models.ForeignKey(
        "areas.Area", verbose_name=_("嘎查村"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    adjustment_round = models.ForeignKey(
        AdjustmentRound,
        verbose_name=_("动态调整"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    # Set from the start for exit/relapse/monitoring; set at registration for identification.
    household = models.ForeignKey(
        "registry.Household",
        verbose_name=_("贫困户"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    applicant_name = models.CharField(_("申请人（户主）"), max_length=50)
    # The household as applied for, in the registry import format's fields (members listed),
    # so that registration writes exactly what was reviewed and published.
    application = models.JSONField(_("申请内容"), default=dict, blank=True)
    scan = models.FileField(_("纸质申请扫描件"), upload_to="cases/%Y/", blank=True)
    state = models.CharField(_("环节"), max_length=24)
    paused = models.BooleanField(_("因异议暂停"), default=False)
    outcome = models.CharField(
        _("结果"), max_length=10, choices=Outcome.choices, default=Outcome.OPEN, blank=True
    )
    outcome_reason = models.TextField(_("结果说明"), blank=True)
    created_by = models.ForeignKey(
        "accounts.User", verbose_name=_("经办人"), on_delete=models.PROTECT, related_name="+"
    )
    created_on = models.DateField(_("申请日期"))
    closed_on = models.DateField(_("办结日期"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("识别退出案件")
        verbose_name_plural = _("识别退出案件")
        indexes = [
            models.Index(fields=["village", "year", "kind"], name="case_village_year_idx"),
            models.Index(fields=["state", "village"], name="case_state_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.applicant_name} ({self.year})"

    @property
    def is_open(self) -> bool:
        return self.outcome == self.Outcome.OPEN

    @property
    def state_label(self) -> str:
        from .workflow import label

        return label(self.kind, self.state)


class CaseStep(models.Model):
    """One move of a case: the step reached, by whom, when, with which decision and why."""

    scope_field = "village_id"

    class Decision(models.TextChoices):
        APPROVE = "approve", _("通过")
        REJECT = "reject", _("不通过")
        RETURN = "return", _("退回")
        PAUSE = "pause", _("暂停")
        RESUME = "resume", _("恢复")

    case = models.ForeignKey(
        Case, verbose_name=_("案件"), on_delete=models.CASCADE, related_name="steps"
    )
    village = models.ForeignKey(
        "areas.Area", verbose_name=_("嘎查村"), on_delete=models.PROTECT, related_name="+"
    )
    step = models.CharField(_("环节"), max_length=24)
    decision = models.CharField(_("决定"), max_length=10, choices=Decision.choices)
    reason = models.TextField(_("理由"), blank=True)
    acted_on = models.DateField(_("日期"))
    # Empty for the pause by a public objection (the filer has no account).
    actor = models.ForeignKey(
        "accounts.User",
        verbose_name=_("办理人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    role = models.CharField(_("角色"), max_length=20, blank=True)
    # The step's own record: the meeting (date, attendees, representatives, votes, minutes),
    # the spot check, the household's agreement ...
    record = models.JSONField(_("记录"), default=dict, blank=True)
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("办理环节")
        verbose_name_plural = _("办理环节")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.case_id} {self.step} {self.decision}"


class NoticePeriod(models.Model):
    """The notice duration of an area (the nearest area up the code prefixes applies)."""

    scope_field = "area_id"

    area = models.OneToOneField(
        "areas.Area", verbose_name=_("区划"), on_delete=models.CASCADE, primary_key=True
    )
    days = models.PositiveSmallIntegerField(_("公示天数"), default=DEFAULT_NOTICE_DAYS)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("公示期")
        verbose_name_plural = _("公示期")

    def __str__(self):
        return f"{self.area_id}: {self.days}"


class Notice(models.Model):
    """A public notice (公示, with a period for objections) or announcement (公告)."""

    scope_field = "area_id"

    class Kind(models.TextChoices):
        NOTICE = "notice", _("公示")
        ANNOUNCEMENT = "announcement", _("公告")

    class Level(models.TextChoices):
        VILLAGE = "village", _("村级公示")
        TOWNSHIP = "township", _("乡镇公示")
        COUNTY = "county", _("旗县公告")

    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    level = models.CharField(_("层级"), max_length=10, choices=Level.choices)
    case_kind = models.CharField(_("事项"), max_length=16, choices=Case.Kind.choices)
    area = models.ForeignKey(
        "areas.Area", verbose_name=_("发布单位区划"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("说明"), blank=True)
    published_on = models.DateField(_("发布日期"))
    ends_on = models.DateField(_("公示截止日期"), null=True, blank=True)
    contact = models.CharField(_("异议受理电话"), max_length=50, blank=True)
    cases = models.ManyToManyField(Case, verbose_name=_("案件"), related_name="notices")
    created_by = models.ForeignKey(
        "accounts.User", verbose_name=_("发布人"), on_delete=models.PROTECT, related_name="+"
    )

    objects = ScopedManager()

    class Meta:
        verbose_name = _("公示公告")
        verbose_name_plural = _("公示公告")
        ordering = ["-published_on", "-pk"]
        indexes = [models.Index(fields=["published_on", "area"], name="notice_published_idx")]

    def __str__(self):
        return self.title


class Objection(models.Model):
    """An objection filed by a villager during a notice period; it pauses its case."""

    scope_field = "village_id"

    class State(models.TextChoices):
        OPEN = "open", _("待处理")
        UPHELD = "upheld", _("异议成立")
        DISMISSED = "dismissed", _("异议不成立")

    notice = models.ForeignKey(
        Notice, verbose_name=_("公示"), on_delete=models.PROTECT, related_name="objections"
    )
    case = models.ForeignKey(
        Case, verbose_name=_("案件"), on_delete=models.PROTECT, related_name="objections"
    )
    village = models.ForeignKey(
        "areas.Area", verbose_name=_("嘎查村"), on_delete=models.PROTECT, related_name="+"
    )
    filer_name = models.CharField(_("反映人"), max_length=50)
    filer_contact = models.CharField(_("联系方式"), max_length=50)
    text = models.TextField(_("异议内容"), max_length=2000)
    filed_at = models.DateTimeField(_("提出时间"), default=clock.now)
    # A hash of the filer's address, for rate limiting without keeping the address itself.
    source = models.CharField(max_length=64, blank=True, db_index=True)
    state = models.CharField(
        _("处理状态"), max_length=10, choices=State.choices, default=State.OPEN
    )
    answer = models.TextField(_("处理答复"), blank=True)
    answered_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("答复人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answered_on = models.DateField(_("答复日期"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("异议")
        verbose_name_plural = _("异议")
        ordering = ["-filed_at"]

    def __str__(self):
        return f"{self.filer_name}: {self.text[:20]}"
