"""Writes of leaders, links and incomes; each checks the user's right at the areas again.

Who may write: the roles that keep Party records (``EDIT_PARTY``: organisation department,
league HQ, township officers, village teams) and the county poverty offices, which run the
industry-driving work (产业带贫) the links record. A leader is written at the member's area; a
link or an income needs the right at the household's village too, so a village team cannot
attach another village's households.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from fupin.accounts.models import User
from fupin.core.audit import (
    LEADER_CREATED,
    LEADER_INCOME_RECORDED,
    LEADER_LINK_CREATED,
    LEADER_LINK_ENDED,
    audit,
    fen,
)
from fupin.core.clock import FIRST_YEAR, as_of
from fupin.party.models import PartyMember
from fupin.registry.models import Household, IncomeRecord

from .models import EntrepreneurLeader, LeaderIncome, LeaderLink
from .permissions import can_edit


def _require(user: User, *codes: str) -> None:
    if not all(can_edit(user, code) for code in codes):
        raise PermissionDenied(_("您没有在该区划记录致富带头人信息的权限。"))


@transaction.atomic
def leader_create(
    *,
    user: User,
    area_code: str,
    member: PartyMember,
    business_name: str,
    kind: str,
    industry: str,
    since: datetime.date | None = None,
    note: str = "",
) -> EntrepreneurLeader:
    """Make ``member`` (an active Party member of the area ``area_code``) a leader."""
    _require(user, area_code)
    if not member.area_id.startswith(area_code) or member.status != PartyMember.Status.ACTIVE:
        raise ValidationError({"party_member": _("党员：所选党员不是本区划的在册党员。")})
    if EntrepreneurLeader.objects.filter(party_member=member).exists():
        raise ValidationError({"party_member": _("党员：该党员已登记为致富带头人。")})
    if since and since > as_of():
        raise ValidationError({"since": _("带头创业时间不能晚于今天。")})
    leader = EntrepreneurLeader(
        party_member=member,
        area_id=member.area_id,
        business_name=business_name,
        kind=kind,
        industry=industry,
        since=since,
        note=note,
    )
    leader.full_clean()
    leader.save()
    audit(user, LEADER_CREATED, leader.pk, member=member.pk, area=member.area_id)
    return leader


def find_household(user: User, leader: EntrepreneurLeader, number: str) -> Household:
    """The household with 户编号 ``number`` the user may see, in the leader's county."""
    household = Household.objects.accessible_to(user).filter(number=(number or "").strip()).first()
    if household is None:
        raise ValidationError({"household": _("户编号：未找到该贫困户，或不在您的权限范围内。")})
    if household.village_id[:6] != leader.area_id[:6]:
        raise ValidationError({"household": _("户编号：该户不在带头人所在的旗县市，不能关联。")})
    return household


@transaction.atomic
def link_create(
    *,
    user: User,
    leader: EntrepreneurLeader,
    household: Household,
    kind: str,
    since: datetime.date,
) -> LeaderLink:
    """Link a household to the leader from ``since``; refused while an open or overlapping
    link of the same pair exists."""
    _require(user, leader.area_id, household.village_id)
    if household.village_id[:6] != leader.area_id[:6]:
        raise ValidationError({"household": _("户编号：该户不在带头人所在的旗县市，不能关联。")})
    if since > as_of():
        raise ValidationError({"since": _("带动开始日期不能晚于今天。")})
    if kind not in LeaderLink.Kind.values:
        raise ValidationError({"kind": _("带动方式无效。")})
    overlapping = (
        LeaderLink.objects.select_for_update()
        .filter(leader=leader, household=household)
        .filter(Q(until__isnull=True) | Q(until__gte=since))
        .first()
    )
    if overlapping is not None:
        raise ValidationError(
            {
                "household": _("户编号：该户已由该带头人带动（自 %(since)s 起），不能重复关联。")
                % {"since": overlapping.since.isoformat()}
            }
        )
    link = LeaderLink.objects.create(
        leader=leader, household=household, village_id=household.village_id, kind=kind, since=since
    )
    audit(
        user,
        LEADER_LINK_CREATED,
        link.pk,
        leader=leader.pk,
        household=household.pk,
        kind=kind,
        since=since.isoformat(),
    )
    return link


@transaction.atomic
def link_end(*, user: User, link: LeaderLink, until: datetime.date) -> LeaderLink:
    _require(user, link.village_id)
    if until < link.since:
        raise ValidationError({"until": _("带动结束日期不能早于开始日期（%s）。") % link.since})
    if until > as_of():
        raise ValidationError({"until": _("带动结束日期不能晚于今天。")})
    link.until = until
    link.save(update_fields=["until"])
    audit(user, LEADER_LINK_ENDED, link.pk, household=link.household_id, until=until.isoformat())
    return link


def income_cap(household_id: int, year: int) -> Decimal | None:
    """The household's wage plus business income of ``year`` in the registry (None: no row)."""
    row = (
        IncomeRecord.objects.filter(household_id=household_id, year=year)
        .values_list("wage_income", "business_income")
        .first()
    )
    return None if row is None else row[0] + row[1]


@transaction.atomic
def income_record(*, user: User, link: LeaderLink, year: int, amount: Decimal) -> LeaderIncome:
    """Record (or correct) what the household earned through the leader in ``year``."""
    _require(user, link.village_id)
    if not FIRST_YEAR <= year <= as_of().year:
        raise ValidationError(
            {"year": _("年度应在 %(a)s–%(b)s 之间。") % {"a": FIRST_YEAR, "b": as_of().year}}
        )
    if not link.active_in(year):
        raise ValidationError({"year": _("年度：该年该户不在带动期内。")})
    if amount < 0:
        raise ValidationError({"amount": _("带动增收不能为负数。")})
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError({"amount": _("带动增收最多保留两位小数（单位：元）。")})
    # Everything the household got through leaders that year stays within its wage and
    # business income of record: the leader income is a part of it, not an addition.
    cap = income_cap(link.household_id, year)
    others = sum(
        LeaderIncome.objects.filter(link__household_id=link.household_id, year=year)
        .exclude(link=link)
        .values_list("amount", flat=True),
        Decimal(0),
    )
    if cap is not None and amount + others > cap:
        raise ValidationError(
            {
                "amount": _(
                    "带动增收：该户 %(year)s 年经带头人的收入合计（%(total)s 元）超过其工资性收入与"
                    "生产经营性收入之和（%(cap)s 元）。"
                )
                % {"year": year, "total": amount + others, "cap": cap}
            }
        )
    before = (
        LeaderIncome.objects.filter(link=link, year=year).values_list("amount", flat=True).first()
    )
    income, _created = LeaderIncome.objects.update_or_create(
        link=link, year=year, defaults={"amount": amount, "village_id": link.village_id}
    )
    audit(
        user,
        LEADER_INCOME_RECORDED,
        income.pk,
        link=link.pk,
        year=year,
        amount_fen=[None if before is None else fen(before), fen(amount)],
    )
    return income
