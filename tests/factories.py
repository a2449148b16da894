"""Factories for tests: real area codes, valid ID numbers, households with members."""

from __future__ import annotations

import datetime
import itertools

from fupin.accounts.models import Role, RoleAssignment, User
from fupin.core.idnumber import make_id_number
from fupin.registry import codes
from fupin.registry.models import Household, IncomeRecord, Member, StatusRecord

# Villages of the article (all rural, in the real division file).
CHANGFA = "152223100234"  # 长发村委会, 音德尔镇, 扎赉特旗
HADANALA = "152201101200"  # 哈达那拉嘎查, 葛根庙镇, 乌兰浩特市
SHUANGYUSHU = "152223104203"  # 双榆树嘎查委会, 扎赉特旗
YINDEER = "152223100"  # 音德尔镇
ZHALAITE = "152223"  # 扎赉特旗
LEAGUE = "1522"

_seq = itertools.count(1)


def make_user(role: str = Role.VILLAGE_TEAM, code: str = CHANGFA, *, username=None, **extra):
    username = username or f"{role}-{code}-{next(_seq)}"
    user = User.objects.create_user(username=username, password="pw-test-123", **extra)
    RoleAssignment.objects.create(user=user, role=role, area_id=code)
    return user


def id_number_for(village: str, *, birth=datetime.date(1970, 5, 1), sex="M") -> str:
    return make_id_number(village[:6], birth, next(_seq), sex)


def make_household(
    village: str = CHANGFA,
    *,
    members: int = 3,
    year: int = 2016,
    status: str = codes.Status.POOR,
    identified_year: int = 2014,
    head_name: str | None = None,
    number: str | None = None,
    income: dict | None = None,
    **fields,
) -> Household:
    """Create a household with ``members`` persons, a status row for ``year``, optional income."""
    n = next(_seq)
    head = head_name or f"户主{n}"
    household = Household.objects.create(
        number=number or f"{village}{n:05d}",
        village_id=village,
        head_name=head,
        members_count=members,
        attribute=fields.pop("attribute", codes.Attribute.GENERAL),
        main_cause=fields.pop("main_cause", codes.Cause.CAPITAL),
        identified_year=identified_year,
        status=status,
        **fields,
    )
    relations = [codes.Relation.HEAD, codes.Relation.SPOUSE] + [codes.Relation.SON] * 10
    for i in range(members):
        birth = datetime.date(1970 + 3 * i if i < 2 else 1995 + i, 3, 1 + i)
        Member.objects.create(
            household=household,
            village_id=village,
            name=head if i == 0 else f"成员{n}-{i}",
            id_number=id_number_for(village, birth=birth, sex="M" if i % 2 == 0 else "F"),
            sex="M" if i % 2 == 0 else "F",
            birth_date=birth,
            relation=relations[i],
            ethnicity=codes.Ethnicity.HAN,
            education=codes.Education.JUNIOR,
            school_status=codes.SchoolStatus.NONE,
            health=codes.Health.HEALTHY,
            labour=codes.Labour.ORDINARY,
        )
    StatusRecord.objects.create(
        household=household,
        village_id=village,
        year=year,
        status=status,
        attribute=household.attribute,
        members_count=members,
    )
    if income is not None:
        IncomeRecord.objects.create(
            household=household, village_id=village, members_count=members, **income
        )
    return household
