"""The demo's logins: one user per role and scope, named ``<role>-<area code>``, and ``admin``.

All share one password (``--password`` or a random one the command prints); it is hashed
once, since the hasher is deliberately slow and every user gets the same one.

Every cadre of the demo also gets a login (:func:`demo_cadre_logins`): its mobile number, the
same password's hash written as is (docs/demo.md says why only a demo may do that), and the
flag to change it at the first sign-in. ``pairing_cadre-152223100234`` is one of 长发村's
cadres, with its households, and is spared the flag so the demo opens at once.
"""

from __future__ import annotations

import dataclasses

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission
from django.db import transaction
from django.db.models import Count

from fupin.accounts.models import Role, RoleAssignment, User
from fupin.areas.models import Area
from fupin.assistance.accounts import CadreAccounts, cadre_accounts_create
from fupin.assistance.models import Cadre, Pairing
from fupin.assistance.selectors import active_q

ADMIN = "admin"
LEAGUE = "1522"
COUNTIES = ("152201", "152202", "152221", "152222", "152223", "152224")
YINDEER = "152223100"  # 音德尔镇, 扎赉特旗
CHANGFA = "152223100234"  # 长发村委会
PAIRING_LOGIN = f"{Role.PAIRING_CADRE}-{CHANGFA}"


@dataclasses.dataclass(frozen=True)
class DemoUser:
    role: str
    area: str
    full_name: str

    @property
    def username(self) -> str:
        return f"{self.role}-{self.area}"


COUNTY_OFFICERS = ("李建华", "包金山", "白乌云", "王志刚", "张丽华", "刘海军")
COUNTY_SUPERVISORS = ("赵立新", "韩斯琴", "孙春梅", "吴巴特尔", "陈晓东", "高艳玲")
DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser(Role.LEAGUE_HQ, LEAGUE, "胡日查"),
    DemoUser(Role.SUPERVISOR, LEAGUE, "高敏娜"),
    DemoUser(Role.ORGANIZATION, LEAGUE, "乌日娜"),
    *(
        DemoUser(Role.COUNTY_OFFICE, code, name)
        for code, name in zip(COUNTIES, COUNTY_OFFICERS, strict=True)
    ),
    *(
        DemoUser(Role.SUPERVISOR, code, name)
        for code, name in zip(COUNTIES, COUNTY_SUPERVISORS, strict=True)
    ),
    DemoUser(Role.TOWNSHIP_OFFICER, YINDEER, "于德明"),
    # The article's first secretary of 长发村.
    DemoUser(Role.VILLAGE_TEAM, CHANGFA, "郑亚辉"),
    DemoUser(Role.PAIRING_CADRE, CHANGFA, "姜春林"),
    DemoUser(Role.DEPARTMENT, CHANGFA, "扎赉特旗农牧业局 马国华"),
)
DEMO_USERNAMES = (ADMIN, *(u.username for u in DEMO_USERS))


@dataclasses.dataclass(frozen=True)
class Login:
    username: str
    full_name: str
    role: str  # Chinese label
    scope: str  # area name and code


@transaction.atomic
def demo_users_create(*, password: str) -> list[User]:
    """Create (or update in place) the demo users with ``password`` and their role scopes."""
    hashed = make_password(password)
    existing = {u.username: u for u in User.objects.filter(username__in=DEMO_USERNAMES)}
    wanted = [(ADMIN, "系统管理员", True)] + [(u.username, u.full_name, False) for u in DEMO_USERS]
    fresh, stale = [], []
    for username, full_name, superuser in wanted:
        user = existing.get(username) or User(username=username)
        user.full_name = full_name
        user.password = hashed
        user.is_superuser = user.is_staff = superuser
        user.is_active = True
        (stale if user.pk else fresh).append(user)
    User.objects.bulk_create(fresh)
    User.objects.bulk_update(
        stale, ["full_name", "password", "is_superuser", "is_staff", "is_active"]
    )
    users = {u.username: u for u in User.objects.filter(username__in=DEMO_USERNAMES)}
    RoleAssignment.objects.filter(user__in=users.values()).delete()
    RoleAssignment.objects.bulk_create(
        [RoleAssignment(user=users[u.username], role=u.role, area_id=u.area) for u in DEMO_USERS]
    )
    _grant_admin_pages(users)
    return list(users.values())


# The admin pages a role works in: the league edits poverty lines and rule versions,
# supervisors enter their sample checks and surveys (both scoped in the admin itself).
ADMIN_PAGES = {
    Role.LEAGUE_HQ: ("povertyline", "ruleset"),
    Role.SUPERVISOR: ("countycheck",),
}


def _grant_admin_pages(users: dict) -> None:
    for spec in DEMO_USERS:
        models_ = ADMIN_PAGES.get(spec.role)
        if not models_:
            continue
        user = users[spec.username]
        user.is_staff = True
        user.save(update_fields=["is_staff"])
        user.user_permissions.set(
            Permission.objects.filter(
                content_type__app_label="assessment", content_type__model__in=models_
            )
        )


def demo_users_set_password(password: str) -> int:
    """Give every existing demo user and cadre login ``password``; return how many there are."""
    hashed = make_password(password)
    named = User.objects.filter(username__in=DEMO_USERNAMES).update(password=hashed)
    return named + _cadre_logins().update(password=hashed)


def demo_users_delete() -> None:
    User.objects.filter(username__in=DEMO_USERNAMES).delete()


def _cadre_logins():
    """The cadres' own logins (not the named demo users)."""
    return User.objects.filter(cadre__isnull=False).exclude(username__in=DEMO_USERNAMES)


def demo_cadre_logins(*, day) -> CadreAccounts:
    """Give every cadre without a login one, with the named demo users' password hash.

    The hash is copied, not computed: one PBKDF2 hash takes a large fraction of a second, and
    the league has 48,000 cadres. First ``pairing_cadre-152223100234`` becomes the login of
    the first 长发村 cadre paired with at least two households on ``day``.
    """
    named = User.objects.filter(username=PAIRING_LOGIN).first()
    if named is None:
        return CadreAccounts()
    Cadre.objects.filter(user=named).update(user=None)
    cadre = (
        Cadre.objects.filter(
            pk__in=Pairing.objects.filter(active_q(day), village_id=CHANGFA)
            .values("cadre_id")
            .annotate(n=Count("pk"))
            .filter(n__gte=2)
            .values("cadre_id"),
            user__isnull=True,
            active=True,
        )
        .order_by("pk")
        .first()
    )
    if cadre is not None:
        cadre.user = named
        cadre.save(update_fields=["user"])
        named.full_name, named.phone = cadre.name, cadre.phone
        named.save(update_fields=["full_name", "phone"])
    return cadre_accounts_create(actor=None, cadres=None, password_hash=named.password, day=day)


def demo_cadre_logins_delete() -> None:
    """Delete the cadres' logins (before their cadres are), with raw deletes: the ORM's
    cascade would load every user and ask each model pointing at users about each batch.

    The cadres keep pointing at the logins until the users are gone (the links are checked
    at the commit), so the logins stay one subquery; then the links are cleared.
    """
    from .services import _wipe  # the reset's own raw delete (services imports this module)

    linked = Cadre._base_manager.filter(user__isnull=False).values("user_id")
    logins = User._base_manager.filter(pk__in=linked).exclude(username__in=DEMO_USERNAMES)
    _wipe(User, logins, frozenset({Cadre}))
    Cadre._base_manager.filter(user__isnull=False).exclude(
        user_id__in=User._base_manager.values("pk")
    ).update(user=None)


def demo_logins() -> list[Login]:
    """Return the demo logins that exist, in the order of :data:`DEMO_USERS`."""
    found = {u.username: u for u in User.objects.filter(username__in=DEMO_USERNAMES)}
    names = dict(
        Area.objects.filter(code__in={u.area for u in DEMO_USERS}).values_list("code", "name")
    )
    logins = []
    if ADMIN in found:
        logins.append(Login(ADMIN, found[ADMIN].full_name, "超级管理员", "全部"))
    for spec in DEMO_USERS:
        user = found.get(spec.username)
        if user is None:
            continue
        logins.append(
            Login(
                spec.username,
                user.full_name,
                str(Role(spec.role).label),
                f"{names.get(spec.area, '')}（{spec.area}）",
            )
        )
    return logins
