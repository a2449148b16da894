"""The 井-shaped command structure: leading group, headquarters, two verticals, two horizontals (docs/domain.md §3.8).

Seed: 以脱贫攻坚领导小组和指挥部为统领，以帮扶部门单位和驻村工作队为“两纵”，以旗乡两级党委和
推进督查组为“两横”，构建“井”字型组织架构.

A :class:`CommandUnit` is one box of the chart (a leading group, a county Party committee, a
village work team …), placed at an area (its scope) and under a parent unit; a
:class:`CommandMember` is a person in it, a :class:`fupin.assistance.models.Cadre` where there
is one, else a name. The structure is recorded once (in the admin) and drawn by
``/command/`` from :func:`fupin.command.selectors.command_structure`.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fupin.areas.scope import ScopedManager


class Kind(models.TextChoices):
    LEADING_GROUP = "leading_group", _("领导小组")
    HEADQUARTERS = "headquarters", _("指挥部")
    VERTICAL_DEPARTMENT = "vertical_department", _("帮扶部门单位")
    VERTICAL_WORK_TEAM = "vertical_work_team", _("驻村工作队")
    HORIZONTAL_PARTY_COMMITTEE = "horizontal_party_committee", _("旗乡两级党委")
    HORIZONTAL_SUPERVISION = "horizontal_supervision", _("推进督查组")


# 统领 (the top), 两纵 (the verticals), 两横 (the horizontals).
TOP = (Kind.LEADING_GROUP, Kind.HEADQUARTERS)
VERTICALS = (Kind.VERTICAL_DEPARTMENT, Kind.VERTICAL_WORK_TEAM)
HORIZONTALS = (Kind.HORIZONTAL_PARTY_COMMITTEE, Kind.HORIZONTAL_SUPERVISION)


class CommandUnit(models.Model):
    """One unit of the command structure."""

    scope_field = "area_id"

    kind = models.CharField(_("类别"), max_length=30, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=100)
    area = models.ForeignKey(
        "areas.Area", verbose_name=_("所在区划"), on_delete=models.PROTECT, related_name="+"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级单元"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
    )
    leader = models.ForeignKey(
        "assistance.Cadre",
        verbose_name=_("负责人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="command_units",
    )
    # A leader with no cadre record (e.g. a league leader not kept as a cadre).
    leader_name = models.CharField(_("负责人姓名"), max_length=50, blank=True)
    note = models.TextField(_("说明"), blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("作战体系单元")
        verbose_name_plural = _("作战体系单元")
        ordering = ["area_id", "kind", "order", "pk"]
        indexes = [models.Index(fields=["area", "kind"], name="commandunit_area_kind_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.name}"

    @property
    def leader_display(self) -> str:
        return self.leader.name if self.leader_id else self.leader_name

    def clean(self):
        if self.parent_id and self.area_id and not self.area_id.startswith(self.parent.area_id):
            raise ValidationError({"parent": _("上级单元应在本单元所在区划或其上级区划。")})


class CommandMember(models.Model):
    """A person in a command unit: a cadre record where there is one, else a name."""

    scope_field = "area_id"

    unit = models.ForeignKey(
        CommandUnit, verbose_name=_("单元"), on_delete=models.CASCADE, related_name="members"
    )
    # Copied from the unit so that scope filters without a join.
    area = models.ForeignKey(
        "areas.Area", verbose_name=_("所在区划"), on_delete=models.PROTECT, related_name="+"
    )
    cadre = models.ForeignKey(
        "assistance.Cadre",
        verbose_name=_("干部"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="command_memberships",
    )
    name = models.CharField(_("姓名"), max_length=50, blank=True)
    role = models.CharField(_("职务"), max_length=50, blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("作战体系成员")
        verbose_name_plural = _("作战体系成员")
        ordering = ["unit_id", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(cadre__isnull=False) | ~Q(name=""), name="commandmember_who"
            )
        ]

    def __str__(self):
        return f"{self.display_name} · {self.role}"

    @property
    def display_name(self) -> str:
        return self.cadre.name if self.cadre_id else self.name

    def clean(self):
        if not self.cadre_id and not self.name:
            raise ValidationError({"name": _("请选择干部或填写姓名。")})
