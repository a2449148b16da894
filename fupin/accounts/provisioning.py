"""Logins made in bulk for the people of a roster (the cadres): one user per mobile number.

The caller (``fupin.assistance.accounts`` for the cadres) knows the people; this module knows
users. Each person's username is the person's mobile number, normalised to its 11 digits:

* a person whose number is not a mobile number gets no login, and is reported back;
* two people with the same number: the first (in the caller's order) gets the login, the
  other is reported (a login is one person's);
* an existing user with that username is linked, not duplicated: it keeps its password and
  gains the roles; unless the caller says it is already someone else's (``taken``), which is
  reported too.

New users are written with one ``bulk_create``, flagged ``must_change_password`` and given
either no usable password (an administrator issues one, :func:`initial_passwords`) or a hash
the caller made once (the demo only: docs/demo.md says why). The roles are one
``bulk_create`` too, and the whole batch is one audit event.
"""

from __future__ import annotations

import dataclasses
import re
import secrets
from collections.abc import Hashable, Iterable

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from fupin.core.audit import audit

from .models import RoleAssignment, User

ACCOUNTS_PROVISIONED = "accounts.accounts_provisioned"
PASSWORDS_ISSUED = "accounts.initial_passwords_issued"

# 11 digits: 1, then a network digit 3–9 (the mainland's mobile numbers).
MOBILE = re.compile(r"1[3-9]\d{9}")
# What people type around a number: spaces, dashes, brackets, a country prefix.
NOISE = re.compile(r"[\s\-－—()（）.]")

MSG_NO_MOBILE = _("“%(value)s”不是有效的11位手机号，未开通登录账号")
MSG_SHARED = _("手机号%(value)s与其他人员重复，未开通登录账号")
MSG_TAKEN = _("手机号%(value)s的账号已关联其他干部，未开通登录账号")


def normalize_mobile(value: str | None) -> str:
    """The 11-digit mobile number written in ``value``, or ``""`` when it holds none."""
    digits = NOISE.sub("", value or "")
    for prefix in ("+86", "0086", "86"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
            digits = digits[len(prefix) :]
            break
    return digits if MOBILE.fullmatch(digits) else ""


@dataclasses.dataclass(frozen=True)
class Person:
    """One person to give a login: ``key`` is the caller's (a cadre's pk); ``areas`` are
    the areas the role is held over."""

    key: Hashable
    phone: str
    full_name: str
    areas: tuple[str, ...]


@dataclasses.dataclass
class Refusal:
    key: Hashable
    field: str
    reason: str


@dataclasses.dataclass
class Provisioned:
    users: dict[Hashable, int] = dataclasses.field(default_factory=dict)  # key → user pk
    created: int = 0
    linked: int = 0
    refused: list[Refusal] = dataclasses.field(default_factory=list)


@transaction.atomic
def accounts_provision(
    *,
    actor: User | None,
    people: Iterable[Person],
    role: str,
    password_hash: str | None = None,
    taken: frozenset[int] | set[int] = frozenset(),
    target: str = "",
) -> Provisioned:
    """Create or link one user per person (see the module doc); return who got which user.

    ``taken``: user pks already linked to another person, which are not linked again.
    """
    result = Provisioned()
    wanted: dict[str, Person] = {}
    for person in people:
        mobile = normalize_mobile(person.phone)
        if not mobile:
            reason = MSG_NO_MOBILE % {"value": person.phone or "—"}
            result.refused.append(Refusal(person.key, "phone", str(reason)))
        elif mobile in wanted:
            result.refused.append(Refusal(person.key, "phone", str(MSG_SHARED % {"value": mobile})))
        else:
            wanted[mobile] = person
    existing = _user_pks(list(wanted))
    fresh = []
    for mobile, person in wanted.items():
        if mobile in existing:
            continue
        fresh.append(
            User(
                username=mobile,
                full_name=person.full_name[:50],
                phone=mobile,
                # No hash is computed for an unusable password: it is a marker, not a secret.
                password=password_hash or make_password(None),
                must_change_password=True,
            )
        )
    User.objects.bulk_create(fresh, batch_size=1000)
    result.created = len(fresh)
    made = _user_pks([u.username for u in fresh])
    for mobile, person in wanted.items():
        pk = existing.get(mobile)
        if pk is not None and pk in taken:
            result.refused.append(Refusal(person.key, "phone", str(MSG_TAKEN % {"value": mobile})))
            continue
        if pk is not None:
            result.linked += 1
        result.users[person.key] = pk if pk is not None else made[mobile]
    RoleAssignment.objects.bulk_create(
        [
            RoleAssignment(user_id=result.users[person.key], role=role, area_id=area)
            for person in wanted.values()
            if person.key in result.users
            for area in person.areas
        ],
        batch_size=1000,
        ignore_conflicts=True,
    )
    audit(
        actor,
        ACCOUNTS_PROVISIONED,
        target,
        role=role,
        created=result.created,
        linked=result.linked,
        refused=len(result.refused),
    )
    return result


def _user_pks(usernames: list[str], chunk: int = 500) -> dict[str, int]:
    """The pks of the users named, asked in chunks (a league's cadres are more names than
    SQLite takes in one query)."""
    found: dict[str, int] = {}
    for start in range(0, len(usernames), chunk):
        names = usernames[start : start + chunk]
        found.update(User.objects.filter(username__in=names).values_list("username", "pk"))
    return found


# Letters and digits that cannot be mistaken for one another when read off a slip of paper.
SLIP_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


@transaction.atomic
def initial_passwords(*, actor: User, users: Iterable[User]) -> list[tuple[User, str]]:
    """Give each user a new random password to hand over, and the flag to change it at the
    first sign-in; return the passwords (the only time they are known).

    Each is hashed on its own, as every real password is: this is for the selection an
    administrator hands out, not for a whole league at once.
    """
    issued = []
    for user in users:
        password = "".join(secrets.choice(SLIP_ALPHABET) for _n in range(10))
        user.set_password(password)
        user.must_change_password = True
        user.save(update_fields=["password", "must_change_password"])
        issued.append((user, password))
    audit(actor, PASSWORDS_ISSUED, "", users=[u.pk for u, _p in issued])
    return issued
