"""Users, roles and their area scopes (docs/domain.md §1). Scoping itself lives in fupin.areas.scope."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    LEAGUE_HQ = "league_hq", _("盟脱贫攻坚指挥部/扶贫办")
    COUNTY_OFFICE = "county_office", _("旗县市扶贫办")
    TOWNSHIP_OFFICER = "township_officer", _("苏木乡镇干部")
    VILLAGE_TEAM = "village_team", _("第一书记/驻村工作队/嘎查村两委")
    PAIRING_CADRE = "pairing_cadre", _("帮扶责任人")
    DEPARTMENT = "department", _("帮扶单位")
    SUPERVISOR = "supervisor", _("督查组")
    ORGANIZATION = "organization", _("组织部门")


# What each role may write is the table of fupin.accounts.actions; reads follow scope alone.


class User(AbstractUser):
    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    # Set on the accounts made for cadres (fupin.accounts.provisioning): the password they
    # were given is known to whoever handed it over, so it must be replaced before any work.
    must_change_password = models.BooleanField(_("须修改密码"), default=False)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self):
        return self.full_name or self.username

    def has_role_at(self, roles, code: str) -> bool:
        """Tell whether the user holds one of ``roles`` over an area that contains ``code``."""
        if self.is_superuser:
            return True
        return any(code.startswith(area) for role, area in self.assignments() if role in roles)

    def has_role_anywhere(self, roles) -> bool:
        return self.is_superuser or any(role in roles for role, _area in self.assignments())

    def assignments(self) -> list[tuple[str, str]]:
        """The user's ``(role, area code)`` pairs, read once per request (scope and roles)."""
        cached = getattr(self, "_fupin_assignments", None)
        if cached is None:
            cached = list(self.role_assignments.values_list("role", "area_id"))
            self._fupin_assignments = cached
        return cached


class RoleAssignment(models.Model):
    """A role held over an area; a user may hold several."""

    # The assignments define the scope (fupin.areas.scope.user_prefixes), so they are not
    # filtered by it; only the user administration reads them.
    scope_exempt = "defines the scope"

    user = models.ForeignKey(
        User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="role_assignments"
    )
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    area = models.ForeignKey(
        "areas.Area", verbose_name=_("范围"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("角色授权")
        verbose_name_plural = _("角色授权")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "area"], name="roleassignment_uniq")
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.area_id}"


class ApiToken(models.Model):
    """An API key of one device (the phone app, a script): it expires and can be revoked alone.

    Only a SHA-256 of the key is stored, so a copy of the database signs no one in; the key is
    shown once, when it is made. A token made from a signed-in page is bound to that session
    and revoked when the session logs out (:mod:`fupin.accounts.tokens`).
    """

    scope_exempt = "a user's own credentials, shown only to that user"

    user = models.ForeignKey(
        User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    device = models.CharField(_("设备名称"), max_length=60)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("密钥开头"), max_length=8, editable=False)
    session_key = models.CharField(max_length=40, blank=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    expires_at = models.DateTimeField(_("到期时间"))

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.user} · {self.device} · {self.prefix}…"


class PublicSubmission(models.Model):
    """One accepted submission of a public form (objection, concern): what the limits count.

    Only an HMAC of the address is kept (:func:`fupin.accounts.addresses.source_hash`), with
    the target village, so the limits can be keyed on both (:mod:`fupin.accounts.public_limits`).
    """

    scope_exempt = "an anonymous counter with no record in it"

    form = models.CharField(max_length=20)
    source = models.CharField(max_length=64)
    village_code = models.CharField(max_length=12)
    at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [
            models.Index(fields=["source", "at"], name="publicsub_source_at"),
            models.Index(fields=["village_code", "at"], name="publicsub_village_at"),
        ]

    def __str__(self):
        return f"{self.form} · {self.village_code} · {self.at:%Y-%m-%d %H:%M}"
