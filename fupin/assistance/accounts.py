"""A login for every cadre (docs/cadres.md, "Accounts"): the roster's side of
:mod:`fupin.accounts.provisioning`.

Each cadre without a login gets one user, named by its mobile number, holding the pairing
cadre's role (帮扶责任人, ``PAIRING_CADRE``): over each village where it is paired with a
household today, or over its own area when it is paired with none. That role records visits,
check-ins and concerns and reads, once narrowed (fupin.areas.scope), only the cadre's own
households and its village's figures; the office and village-team roles are given by hand.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.db import connection, transaction
from django.utils.translation import gettext_lazy as _

from fupin.accounts.actions import EDIT_CADRES, IMPORT_REGISTRY
from fupin.accounts.models import Role, User
from fupin.accounts.provisioning import Person, Refusal, accounts_provision
from fupin.core.clock import as_of

from .models import Cadre, Pairing
from .selectors import active_q

MSG_NOT_ALLOWED = _("您没有在该干部的结对嘎查村开通登录账号的权限")
# Who may give cadres their logins: those who keep the roster or import the pairings.
GRANTERS = EDIT_CADRES | IMPORT_REGISTRY


@dataclasses.dataclass
class CadreAccounts:
    created: int = 0
    linked: int = 0
    refused: list[Refusal] = dataclasses.field(default_factory=list)  # key: the cadre's pk


def role_areas(cadre_ids: list[int] | None, day: datetime.date) -> dict[int, set[str]]:
    """The villages where each cadre (None: every cadre) is paired with a household on ``day``."""
    pairings = Pairing.objects.filter(active_q(day))
    if cadre_ids is not None:
        pairings = pairings.filter(cadre_id__in=cadre_ids)
    areas: dict[int, set[str]] = defaultdict(set)
    for cadre_id, village in pairings.values_list("cadre_id", "village_id").distinct():
        areas[cadre_id].add(village)
    return areas


@transaction.atomic
def cadre_accounts_create(
    *,
    actor: User | None,
    cadres: Iterable[int] | None,
    password_hash: str | None = None,
    day: datetime.date | None = None,
) -> CadreAccounts:
    """Create or link the login of each cadre of ``cadres`` (pks; None: every cadre) that has
    none.

    ``actor`` None is the system itself (the demo). A cadre gets its login only if the actor
    keeps the roster or imports pairings over every area its role would be held in: the
    others are refused (reported back, nothing written for them).
    """
    day = day or as_of()
    wanted = None if cadres is None else list(cadres)
    unlinked = Cadre.objects.filter(user__isnull=True)
    if wanted is not None:
        unlinked = unlinked.filter(pk__in=wanted)
    rows = list(unlinked.order_by("pk").values_list("pk", "name", "phone", "area_id"))
    villages = role_areas(wanted, day)
    people = [
        Person(key=pk, phone=phone, full_name=name, areas=tuple(sorted(villages.get(pk) or {area})))
        for pk, name, phone, area in rows
    ]
    refused = []
    if actor is not None and not actor.is_superuser:
        allowed = [p for p in people if all(actor.has_role_at(GRANTERS, a) for a in p.areas)]
        refused = [
            Refusal(p.key, "phone", str(MSG_NOT_ALLOWED)) for p in people if p not in allowed
        ]
        people = allowed
    # Users already some cadre's login are not linked to a second one.
    taken = set(Cadre.objects.filter(user__isnull=False).values_list("user_id", flat=True))
    provisioned = accounts_provision(
        actor=actor,
        people=people,
        role=Role.PAIRING_CADRE,
        password_hash=password_hash,
        taken=taken,
        target="assistance.cadre",
    )
    _link(provisioned.users)
    return CadreAccounts(
        created=provisioned.created,
        linked=provisioned.linked,
        refused=refused + provisioned.refused,
    )


LINK_BATCH = 400


def _link(users: dict) -> None:
    """Set each cadre's login, a few hundred pairs a statement (``UPDATE … FROM (VALUES …)``,
    which SQLite and PostgreSQL both read). Neither ``bulk_update`` (a CASE of every row) nor a
    statement per row holds up for a league's cadres: inside a savepoint, as a demo rebuilt in
    a test is, SQLite spends a statement journal on each statement."""
    table = connection.ops.quote_name(Cadre._meta.db_table)
    column = connection.ops.quote_name(Cadre._meta.get_field("user").column)
    pairs = list(users.items())
    with connection.cursor() as cursor:
        for start in range(0, len(pairs), LINK_BATCH):
            chunk = pairs[start : start + LINK_BATCH]
            values = ", ".join(["(%s, %s)"] * len(chunk))
            cursor.execute(
                f"UPDATE {table} SET {column} = v.column2 FROM (VALUES {values}) AS v"  # noqa: S608
                f" WHERE {table}.id = v.column1",
                [value for pair in chunk for value in pair],
            )
