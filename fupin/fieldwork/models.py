"""Field work (docs/domain.md §3.5): visits, residence check-ins, the 民情 loop, review meetings, cadences.

Every row carries its village code (``village_id``; the meeting its ``area_id``) so scope is a
code range, and :class:`~fupin.areas.scope.ScopedManager` is the only way views read them.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fupin.areas.scope import ScopedManager


class Flag:
    """The stable names of the flags a field record carries (docs/fieldwork.md "Flags").

    ``backdated`` is the record's own 补录 boolean; the others are evidence flags kept in the
    record's ``flags`` column as space-separated names, so a count of flagged records is one
    filter (``flags=""`` or not)."""

    BACKDATED = "backdated"
    FAR = "far"
    NO_LOCATION = "no_location"
    PHOTO_REUSED = "photo_reused"

    LABELS = {
        BACKDATED: _("补录"),
        FAR: _("距村过远"),
        NO_LOCATION: _("无位置"),
        PHOTO_REUSED: _("照片重复使用"),
    }


class FlaggedRecord(models.Model):
    """A visit's or check-in's client uuid and its flags (see :class:`Flag`)."""

    # Made by the phone (or another client) before the record reaches the server: the same
    # uuid sent again is the same record (docs/api.md, idempotent writes). Null for records
    # written before the API took writes, and for the pages' own forms.
    uuid = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    flags = models.CharField(_("标记"), max_length=80, blank=True, default="")

    class Meta:
        abstract = True

    @property
    def flag_list(self) -> list[str]:
        names = [Flag.BACKDATED] if getattr(self, "backdated", False) else []
        return names + [name for name in self.flags.split() if name]

    @property
    def flag_labels(self) -> list[str]:
        return [str(Flag.LABELS.get(name, name)) for name in self.flag_list]

    def add_flag(self, name: str) -> bool:
        """Add an evidence flag; return whether it was new."""
        names = self.flags.split()
        if name in names:
            return False
        self.flags = " ".join(sorted([*names, name]))
        return True


class Visit(FlaggedRecord):
    scope_field = "village_id"

    class Kind(models.TextChoices):
        HOME = "home", _("入户")
        PHONE = "phone", _("电话")
        WECHAT = "wechat", _("微信")
        GROUP = "group", _("集中")

    cadre = models.ForeignKey(
        "assistance.Cadre", verbose_name=_("帮扶干部"), on_delete=models.PROTECT, related_name="+"
    )
    household = models.ForeignKey(
        "registry.Household", verbose_name=_("贫困户"), on_delete=models.CASCADE, related_name="+"
    )
    village = models.ForeignKey(
        "areas.Area", verbose_name=_("嘎查村"), on_delete=models.PROTECT, related_name="+"
    )
    visited_on = models.DateField(_("走访日期"))
    kind = models.CharField(_("方式"), max_length=10, choices=Kind.choices, default=Kind.HOME)
    content = models.TextField(_("走访内容"), blank=True)
    # Dated before the day it was recorded (补录): allowed within a window, with a reason
    # (fupin.core.dates).
    backdated = models.BooleanField(_("补录"), default=False)
    backdate_reason = models.CharField(_("补录原因"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedManager()

    class Meta:
        verbose_name = _("走访")
        verbose_name_plural = _("走访")
        indexes = [
            models.Index(fields=["village", "visited_on"], name="visit_village_day_idx"),
            # The village last: the weekly-contact check (selectors.pairings_behind) reads the
            # index alone, without a row lookup per pairing and week.
            models.Index(
                fields=["cadre", "household", "visited_on", "village"],
                name="visit_pair_day_village_idx",
            ),
            # The month's flagged visits (the compliance page) are few among many.
            models.Index(
                fields=["visited_on"],
                condition=models.Q(backdated=True) | ~models.Q(flags=""),
                name="visit_flagged_day_idx",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.visited_on}"


class CheckIn(FlaggedRecord):
    scope_field = "village_id"

    cadre = models.ForeignKey(
        "assistance.Cadre", verbose_name=_("驻村干部"), on_delete=models.PROTECT, related_name="+"
    )
    village = models.ForeignKey(
        "areas.Area", verbose_name=_("嘎查村"), on_delete=models.PROTECT, related_name="+"
    )
    day = models.DateField(_("日期"))
    lat = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    lon = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    # Dated before the day it was recorded (补录): allowed within a window, with a reason
    # (fupin.core.dates).
    backdated = models.BooleanField(_("补录"), default=False)
    backdate_reason = models.CharField(_("补录原因"), max_length=200, blank=True)
    # Metres from the village's location (fupin.areas: Area.lat/lon); null when either point
    # is unknown.
    distance_m = models.PositiveIntegerField(_("距村距离（米）"), null=True, blank=True)
    # A check-in with an evidence flag counts toward the month's resident days only once a
    # township officer accepts it with a reason (services.check_in_accept).
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("认可人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    accepted_at = models.DateTimeField(_("认可时间"), null=True, blank=True)
    accept_reason = models.CharField(_("认可理由"), max_length=200, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("驻村打卡")
        verbose_name_plural = _("驻村打卡")
        constraints = [
            models.UniqueConstraint(fields=["cadre", "day"], name="checkin_cadre_day_uniq")
        ]
        indexes = [
            models.Index(fields=["village", "day"], name="checkin_village_day_idx"),
            # The month's flagged check-ins (the compliance page) are few among many.
            models.Index(
                fields=["day"], condition=~models.Q(flags=""), name="checkin_flagged_day_idx"
            ),
            # The residents' check-in days (fieldwork.selectors.residents_under): a cadre's
            # counted days of the month read from the index alone. The condition is
            # COUNTED_CHECK_IN below, spelled the same so SQLite matches it to the query's.
            models.Index(
                fields=["cadre", "day"],
                condition=models.Q(flags="") | models.Q(accepted_at__isnull=False),
                name="checkin_counted_day_idx",
            ),
        ]

    def __str__(self):
        return f"{self.cadre_id} {self.day}"

    @property
    def accepted(self) -> bool:
        return self.accepted_at is not None


# The check-ins that count toward the resident days: no evidence flag, or accepted.
COUNTED_CHECK_IN = Q(flags="") | Q(accepted_at__isnull=False)


class Level(models.TextChoices):
    VILLAGE = "village", _("嘎查村")
    TOWNSHIP = "township", _("苏木乡镇")
    COUNTY = "county", _("旗县市")


NEXT_LEVEL = {Level.VILLAGE: Level.TOWNSHIP, Level.TOWNSHIP: Level.COUNTY}


class FeedbackVia(models.TextChoices):
    HOUSEHOLD = "household", _("群众本人（公开页面）")
    PAPER = "paper", _("群众签字的反馈单")
    IN_PERSON = "in_person", _("走访时群众当面确认")


class Concern(models.Model):
    """民情: raised → assigned → in_progress → answered → closed (only on the household's yes)."""

    scope_field = "village_id"

    class State(models.TextChoices):
        RAISED = "raised", _("已反映")
        ASSIGNED = "assigned", _("已交办")
        IN_PROGRESS = "in_progress", _("办理中")
        ANSWERED = "answered", _("已答复")
        CLOSED = "closed", _("已办结")

    class Source(models.TextChoices):
        CADRE = "cadre", _("干部反映")
        VISIT = "visit", _("走访发现")
        HOUSEHOLD = "household", _("群众自报")

    class Category(models.TextChoices):
        INCOME = "income", _("产业就业")
        HOUSING = "housing", _("住房安全")
        HEALTH = "health", _("医疗")
        EDUCATION = "education", _("教育")
        WATER = "water", _("饮水")
        POLICY = "policy", _("政策落实")
        OTHER = "other", _("其他")

    OPEN_STATES = (State.RAISED, State.ASSIGNED, State.IN_PROGRESS)

    household = models.ForeignKey(
        "registry.Household",
        verbose_name=_("贫困户"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    village = models.ForeignKey(
        "areas.Area", verbose_name=_("嘎查村"), on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices)
    raised_by = models.ForeignKey(
        "assistance.Cadre",
        verbose_name=_("反映人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    visit = models.ForeignKey(
        Visit, null=True, blank=True, on_delete=models.SET_NULL, related_name="concerns"
    )
    raised_on = models.DateField(_("反映日期"))
    text = models.TextField(_("诉求内容"))
    category = models.CharField(_("类别"), max_length=12, choices=Category.choices)
    state = models.CharField(
        _("状态"), max_length=12, choices=State.choices, default=State.RAISED, db_index=True
    )
    level = models.CharField(_("办理层级"), max_length=10, choices=Level.choices, default="village")
    # The owner is a cadre as a record (who may have no login); see docs/fieldwork.md.
    owner = models.ForeignKey(
        "assistance.Cadre",
        verbose_name=_("责任人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    deadline = models.DateField(_("办理时限"), null=True, blank=True)
    beyond_power = models.BooleanField(_("超出本级权限"), default=False)
    answer = models.TextField(_("答复"), blank=True)
    satisfied = models.BooleanField(_("群众满意"), null=True, blank=True)
    feedback_on = models.DateField(_("反馈日期"), null=True, blank=True)
    # Whose word the satisfaction is (docs/security.md "Who may write what"): the household's
    # own at the public page, a signed paper the village team uploads, or the visiting cadre's
    # record made with the household present.
    feedback_via = models.CharField(
        _("反馈方式"), max_length=10, choices=FeedbackVia.choices, blank=True
    )
    feedback_paper = models.FileField(
        _("群众签字的反馈单"), upload_to="concerns/feedback/%Y/", blank=True
    )
    household_present = models.BooleanField(_("群众在场"), default=False)
    # Given to whoever files at the public form, so the household itself says whether the
    # answer satisfies it (the reply page), with no login.
    reply_token = models.CharField(max_length=32, blank=True, db_index=True)
    # Raised at the public form: the contact the household left, and a keyed hash of the
    # network address (rate limiting, as for objections to notices).
    filer_contact = models.CharField(_("联系方式"), max_length=50, blank=True)
    source_hash = models.CharField(max_length=64, blank=True, db_index=True)
    # The client's uuid (the phone app): the same uuid sent again is the same concern.
    uuid = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("民情诉求")
        verbose_name_plural = _("民情诉求")
        indexes = [
            models.Index(fields=["village", "state", "deadline"], name="concern_open_idx"),
        ]

    def __str__(self):
        return f"{self.get_category_display()} {self.raised_on}"


class Photo(models.Model):
    """A photo taken in the field, attached to a visit or a check-in by the record's uuid.

    The file's SHA-256 is recomputed on upload; the same bytes attached to a second record
    mark the photo ``duplicate`` and flag that record ``photo_reused``."""

    scope_field = "village_id"

    class Record(models.TextChoices):
        VISIT = "visit", _("走访")
        CHECK_IN = "checkin", _("驻村打卡")

    record_kind = models.CharField(_("记录类型"), max_length=10, choices=Record.choices)
    record_id = models.PositiveBigIntegerField(_("记录编号"))
    record_uuid = models.UUIDField(_("记录 uuid"))
    village = models.ForeignKey(
        "areas.Area", verbose_name=_("嘎查村"), on_delete=models.PROTECT, related_name="+"
    )
    file = models.FileField(_("照片"), upload_to="photos/%Y/%m/")
    sha256 = models.CharField(max_length=64, db_index=True)
    size = models.PositiveIntegerField(_("大小（字节）"))
    duplicate = models.BooleanField(_("重复使用"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("现场照片")
        verbose_name_plural = _("现场照片")
        constraints = [
            models.UniqueConstraint(fields=["record_uuid", "sha256"], name="photo_record_sha_uniq")
        ]
        indexes = [models.Index(fields=["record_kind", "record_id"], name="photo_record_idx")]

    def __str__(self):
        return f"{self.record_kind} {self.record_id} {self.sha256[:12]}"


class ConcernEvent(models.Model):
    scope_field = "village_id"

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="events")
    village = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    day = models.DateField(_("日期"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_state = models.CharField(max_length=12, blank=True)
    to_state = models.CharField(max_length=12)
    level = models.CharField(max_length=10, choices=Level.choices)
    note = models.TextField(blank=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.from_state} → {self.to_state}"


class ReviewMeeting(models.Model):
    """民情分析会 / 研判会 at a village (half-monthly), township (monthly), county (quarterly)."""

    scope_field = "area_id"

    area = models.ForeignKey(
        "areas.Area", verbose_name=_("区划"), on_delete=models.PROTECT, related_name="+"
    )
    level = models.CharField(_("层级"), max_length=10, choices=Level.choices)
    held_on = models.DateField(_("召开日期"))
    attendees = models.TextField(_("参会人员"), blank=True)
    minutes = models.TextField(_("会议纪要"), blank=True)
    # Dated before the day it was recorded (补录): allowed within a window, with a reason
    # (fupin.core.dates).
    backdated = models.BooleanField(_("补录"), default=False)
    backdate_reason = models.CharField(_("补录原因"), max_length=200, blank=True)
    concerns = models.ManyToManyField(Concern, blank=True, related_name="meetings")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedManager()

    class Meta:
        verbose_name = _("研判会")
        verbose_name_plural = _("研判会")
        indexes = [models.Index(fields=["level", "held_on", "area"], name="review_lvl_day_idx")]

    def __str__(self):
        return f"{self.get_level_display()} {self.held_on}"


class Cadence(models.Model):
    """Editable cadences (no area data): the defaults live in ``CADENCE_DEFAULTS``."""

    key = models.CharField(max_length=40, primary_key=True)
    value = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("工作频次")
        verbose_name_plural = _("工作频次")

    def __str__(self):
        return f"{self.key}={self.value}"


CADENCE_DEFAULTS = {
    "visit_days": 7,  # one contact per paired household per week
    "resident_days": 20,  # ≥ 20 days in the village per month
    "village_review_per_month": 2,  # half-monthly
    "township_review_months": 1,  # monthly
    "county_review_months": 3,  # quarterly
    "concern_days": 15,  # days to handle a concern, from its raising and from each escalation
}


def cadence(key: str) -> int:
    value = Cadence.objects.filter(key=key).values_list("value", flat=True).first()
    return value if value is not None else CADENCE_DEFAULTS[key]
