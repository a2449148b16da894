"""Party organisations, members, 三会一课 and the political life archive (docs/domain.md §3.6).

Every row carries the area code of its organisation (``area_id``) so scope is a code range.
Attendance is recorded *by exception*: a meeting stores its absentees
(:class:`MeetingAbsence`); the attendees are the organisation's members on that day minus
them (:mod:`fupin.party.selectors`), which keeps two years of league-wide meetings small.
The required frequencies are data (:class:`MeetingRequirement`), seeded by a migration.
"""

from django.conf import settings
from django.core.validators import FileExtensionValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from fupin.areas.scope import ScopedManager

ATTACHMENT_EXTENSIONS = ("pdf", "jpg", "jpeg", "png", "docx")
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024


class PartyOrganization(models.Model):
    """党委 / 党总支 / 党支部 / 党小组; a group's parent is its branch, a branch's its committee."""

    scope_field = "area_id"

    class Kind(models.TextChoices):
        COMMITTEE = "committee", _("党委")
        GENERAL_BRANCH = "general_branch", _("党总支")
        BRANCH = "branch", _("党支部")
        GROUP = "group", _("党小组")

    kind = models.CharField(_("组织类别"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("组织名称"), max_length=100)
    area = models.ForeignKey(
        "areas.Area", verbose_name=_("所在区划"), on_delete=models.PROTECT, related_name="+"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级组织"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    secretary = models.ForeignKey(
        "PartyMember",
        verbose_name=_("书记（组长）"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    founded_on = models.DateField(_("成立日期"), null=True, blank=True)
    active = models.BooleanField(_("存续"), default=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("党组织")
        verbose_name_plural = _("党组织")
        indexes = [models.Index(fields=["area", "kind"], name="partyorg_area_kind_idx")]

    def __str__(self):
        return self.name

    @property
    def is_group(self) -> bool:
        return self.kind == self.Kind.GROUP


class PartyMember(models.Model):
    scope_field = "area_id"

    class Sex(models.TextChoices):
        MALE = "M", _("男")
        FEMALE = "F", _("女")

    class Post(models.TextChoices):
        SECRETARY = "secretary", _("书记")
        DEPUTY = "deputy", _("副书记")
        COMMITTEE = "committee", _("委员")
        MEMBER = "member", _("党员")

    class Status(models.TextChoices):
        ACTIVE = "active", _("在册")
        TRANSFERRED_OUT = "transferred_out", _("已转出")
        DECEASED = "deceased", _("已去世")

    name = models.CharField(_("姓名"), max_length=50)
    sex = models.CharField(_("性别"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    id_number = models.CharField(_("身份证号"), max_length=18, blank=True, db_index=True)
    organization = models.ForeignKey(
        PartyOrganization,
        verbose_name=_("所在党组织"),
        on_delete=models.PROTECT,
        related_name="members",
    )
    group = models.ForeignKey(
        PartyOrganization,
        verbose_name=_("党小组"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="group_members",
    )
    # The organisation's area, copied so scope filters without a join.
    area = models.ForeignKey(
        "areas.Area", verbose_name=_("所在区划"), on_delete=models.PROTECT, related_name="+"
    )
    joined_on = models.DateField(_("入党日期"), null=True, blank=True)
    # When the member came into the present organisation (入党 or the last transfer in):
    # the meetings held since then are the member's.
    org_since = models.DateField(_("转入本组织日期"), null=True, blank=True)
    left_on = models.DateField(_("转出或去世日期"), null=True, blank=True)
    post = models.CharField(_("党内职务"), max_length=12, choices=Post.choices, default=Post.MEMBER)
    is_cadre = models.BooleanField(_("是否帮扶干部"), default=False)
    cadre = models.ForeignKey(
        "assistance.Cadre",
        verbose_name=_("帮扶干部记录"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="party_members",
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.ACTIVE
    )

    objects = ScopedManager()

    class Meta:
        verbose_name = _("党员")
        verbose_name_plural = _("党员")
        indexes = [
            models.Index(fields=["area", "status"], name="partymember_area_idx"),
            models.Index(fields=["organization", "status"], name="partymember_org_idx"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        from django.core.exceptions import ValidationError

        from fupin.core.idnumber import IdNumberError, parse_id_number

        errors = {}
        if self.id_number:
            try:
                parse_id_number(self.id_number)
            except IdNumberError as error:
                errors["id_number"] = _("身份证号无效：%s") % error
        if self.organization_id and self.area_id != self.organization.area_id:
            errors["area"] = _("所在区划应与所在党组织的区划一致。")
        if self.group_id and self.group.parent_id != self.organization_id:
            errors["group"] = _("党小组应属于所在党组织。")
        if errors:
            raise ValidationError(errors)


class MemberTransfer(models.Model):
    """组织关系转接: the member leaves ``from_organization`` on ``date``.

    ``to_organization`` is empty when the member leaves the league's records (转出至外地)."""

    scope_field = "area_id"

    member = models.ForeignKey(
        PartyMember, verbose_name=_("党员"), on_delete=models.CASCADE, related_name="transfers"
    )
    from_organization = models.ForeignKey(
        PartyOrganization, verbose_name=_("转出组织"), on_delete=models.PROTECT, related_name="+"
    )
    to_organization = models.ForeignKey(
        PartyOrganization,
        verbose_name=_("转入组织"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The area of the organisation left: the transfer shows in its records.
    area = models.ForeignKey(
        "areas.Area", verbose_name=_("转出区划"), on_delete=models.PROTECT, related_name="+"
    )
    date = models.DateField(_("转接日期"))
    reason = models.CharField(_("转接原因"), max_length=200, blank=True)
    destination = models.CharField(_("转往（外地）"), max_length=100, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("组织关系转接")
        verbose_name_plural = _("组织关系转接")

    def __str__(self):
        return f"{self.member_id} {self.date}"


class MeetingKind(models.TextChoices):
    COMMITTEE_MEETING = "committee_meeting", _("支部委员会")
    MEMBERS_MEETING = "members_meeting", _("党员大会")
    GROUP_MEETING = "group_meeting", _("党小组会")
    LESSON = "lesson", _("党课")


class MeetingRequirement(models.Model):
    """How often a kind of meeting is due, for which kinds of organisation (editable data).

    Periods are calendar-aligned blocks of ``every_months`` months from January (1 = monthly,
    3 = quarterly), so ``every_months`` should divide 12."""

    kind = models.CharField(_("会议类别"), max_length=20, choices=MeetingKind.choices, unique=True)
    organization_kinds = models.JSONField(_("适用组织类别"), default=list)
    every_months = models.PositiveSmallIntegerField(_("每几个月至少一次"), default=1)

    class Meta:
        verbose_name = _("三会一课要求")
        verbose_name_plural = _("三会一课要求")

    def __str__(self):
        return f"{self.get_kind_display()}: {self.every_months}"


BRANCH_KINDS = ["committee", "general_branch", "branch"]
# The seeded frequencies (migration 0002): used as they are when the table is empty.
DEFAULT_REQUIREMENTS = (
    (MeetingKind.COMMITTEE_MEETING, BRANCH_KINDS, 1),
    (MeetingKind.MEMBERS_MEETING, ["general_branch", "branch"], 3),
    (MeetingKind.GROUP_MEETING, ["group"], 1),
    (MeetingKind.LESSON, ["general_branch", "branch"], 3),
)


def requirements() -> list[MeetingRequirement]:
    rows = list(MeetingRequirement.objects.all())
    return rows or [
        MeetingRequirement(kind=k, organization_kinds=o, every_months=n)
        for k, o, n in DEFAULT_REQUIREMENTS
    ]


class PartyMeeting(models.Model):
    scope_field = "area_id"

    organization = models.ForeignKey(
        PartyOrganization,
        verbose_name=_("党组织"),
        on_delete=models.PROTECT,
        related_name="meetings",
    )
    area = models.ForeignKey(
        "areas.Area", verbose_name=_("所在区划"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("会议类别"), max_length=20, choices=MeetingKind.choices)
    held_on = models.DateField(_("召开日期"))
    topic = models.CharField(_("主题"), max_length=200)
    minutes = models.TextField(_("会议记录"), blank=True)
    attachment = models.FileField(
        _("附件"),
        upload_to="party/meetings/%Y/",
        blank=True,
        validators=[FileExtensionValidator(ATTACHMENT_EXTENSIONS)],
    )
    attendee_count = models.PositiveIntegerField(_("实到人数"), default=0)
    # Dated before the day it was recorded (补录): allowed within a window, with a reason
    # (fupin.core.dates).
    backdated = models.BooleanField(_("补录"), default=False)
    backdate_reason = models.CharField(_("补录原因"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedManager()

    class Meta:
        verbose_name = _("三会一课")
        verbose_name_plural = _("三会一课")
        indexes = [
            models.Index(fields=["area", "held_on"], name="partymeeting_area_day_idx"),
            models.Index(fields=["organization", "kind", "held_on"], name="partymeeting_org_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.held_on}"

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.organization_id and self.area_id != self.organization.area_id:
            raise ValidationError({"area": _("所在区划应与党组织的区划一致。")})


class MeetingAbsence(models.Model):
    scope_field = "area_id"

    class Reason(models.TextChoices):
        ILLNESS = "illness", _("因病")
        WORK_AWAY = "work_away", _("外出务工")
        LEAVE = "leave", _("请假")
        OTHER = "other", _("其他")

    meeting = models.ForeignKey(
        PartyMeeting, verbose_name=_("会议"), on_delete=models.CASCADE, related_name="absences"
    )
    member = models.ForeignKey(
        PartyMember, verbose_name=_("党员"), on_delete=models.CASCADE, related_name="absences"
    )
    area = models.ForeignKey(
        "areas.Area", verbose_name=_("所在区划"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("缺席原因"), max_length=12, choices=Reason.choices)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("缺席记录")
        verbose_name_plural = _("缺席记录")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "member"], name="absence_meeting_member_uniq"
            )
        ]
        indexes = [models.Index(fields=["member"], name="absence_member_idx")]

    def __str__(self):
        return f"{self.member_id} {self.get_reason_display()}"


class ArchiveEntry(models.Model):
    """One line of the political life archive: a democratic appraisal, commitment, recognition."""

    scope_field = "area_id"

    class Kind(models.TextChoices):
        APPRAISAL = "appraisal", _("民主评议")
        COMMITMENT = "commitment", _("承诺践诺")
        RECOGNITION = "recognition", _("表彰")

    class Result(models.TextChoices):
        EXCELLENT = "excellent", _("优秀")
        QUALIFIED = "qualified", _("合格")
        BASIC = "basic", _("基本合格")
        UNQUALIFIED = "unqualified", _("不合格")

    member = models.ForeignKey(
        PartyMember, verbose_name=_("党员"), on_delete=models.CASCADE, related_name="archive"
    )
    area = models.ForeignKey(
        "areas.Area", verbose_name=_("所在区划"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("类别"), max_length=12, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(_("年度"))
    date = models.DateField(_("日期"), null=True, blank=True)
    text = models.CharField(_("内容"), max_length=300, blank=True)
    result = models.CharField(_("评议结果"), max_length=12, choices=Result.choices, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("政治生活档案")
        verbose_name_plural = _("政治生活档案")
        indexes = [models.Index(fields=["member", "year"], name="archive_member_year_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.year}"
