"""Department lists on hand-built files: normalised IDs match, unknown ones are reported, a
dismissed flag stays dismissed, a confirmed death closes the member, wrong roles are refused."""

from __future__ import annotations

import csv
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from fupin.core.audit import AuditEvent
from fupin.core.idnumber import make_id_number
from fupin.identification.models import Case
from fupin.quality import comparison, queries, services
from fupin.quality.models import DepartmentList, Flag, ListKind
from fupin.registry.models import Household, Member
from tests.factories import CHANGFA, HADANALA, LEAGUE, ZHALAITE, make_household, make_user

pytestmark = pytest.mark.django_db

# A row of each kind that breaks its rule, and the reason's start.
BREAKS = {
    ListKind.DEATHS: ({"死亡日期": "2016-05-03"}, "2016-05-03 死亡（民政部门死亡名单 2017-03）"),
    ListKind.VEHICLES: (
        {"车辆类型": "小型轿车", "号牌号码": "蒙K12345"},
        "名下车辆：小型轿车 蒙K12345（公安交管部门车辆登记名单 2017-03）",
    ),
    ListKind.PROPERTY: (
        {"房屋面积": "80", "房屋用途": "商业"},
        "名下房产：商业 80 平方米（住建部门房产登记名单 2017-03）",
    ),
    ListKind.BUSINESS: (
        {"企业名称": "某某牧业有限公司", "注册资本": "50"},
        "某某牧业有限公司，注册资本 50 万元（市场监管部门工商登记名单 2017-03）",
    ),
    ListKind.PAYROLL: (
        {"单位": "某某镇中心校", "月工资": "3200"},
        "在某某镇中心校领取财政工资，月工资 3200 元（财政部门财政供养人员名单 2017-03）",
    ),
}
LIST_DATE = datetime.date(2017, 3, 31)


def write_list(tmp_path, kind, rows, name="list.csv"):
    columns = comparison.list_columns(kind)
    path = tmp_path / name
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([row.get(c, "") for c in columns])
    return path


def fifteen(id18: str) -> str:
    """The first-generation form of an ID number born in the 1900s."""
    return id18[:6] + id18[8:17]


def run(actor, path, kind, scope=ZHALAITE):
    return services.list_import(
        actor=actor, path=path, kind=kind, scope_code=scope, list_date=LIST_DATE
    )


@pytest.fixture
def office():
    return make_user("county_office", ZHALAITE)


@pytest.fixture
def team():
    return make_user("village_team", CHANGFA)


def person_row(member: Member, id_number: str, kind: str) -> dict:
    return {"证件号码": id_number, "姓名": member.name, **BREAKS[kind][0]}


def x_member() -> Member:
    """A member whose ID number ends in X (the check digit), registered in 长发村."""
    household = make_household(CHANGFA, members=1)
    member = household.members.get()
    for sequence in range(1, 999):
        number = make_id_number("152223", datetime.date(1968, 8, 8), sequence, "M")
        if number.endswith("X") and not Member.objects.filter(id_number=number).exists():
            member.id_number = number
            member.save()
            return member
    raise AssertionError("no X check digit found")


@pytest.mark.parametrize("kind", ListKind.values)
def test_fifteen_digits_and_lowercase_x_match(tmp_path, office, kind):
    household = make_household(CHANGFA, members=2)
    first = household.members.order_by("pk").first()
    second = x_member()
    rows = [
        person_row(first, fifteen(first.id_number), kind),
        person_row(second, " " + second.id_number.lower().replace("1", "１", 1), kind),
    ]
    result, department_list = run(office, write_list(tmp_path, kind, rows), kind)
    assert result.ok, result.messages()
    assert result.counts == {"rows": 2, "matched": 2, "unmatched": 0, "flags_created": 2}
    flags = Flag.objects.filter(list_row__department_list=department_list)
    assert sorted(f.member_id for f in flags) == sorted([first.pk, second.pk])
    flag = flags.get(member=first)
    assert flag.rule_code == comparison.RULE_CODES[kind]
    assert flag.rule_version == 1
    assert flag.reason == BREAKS[kind][1]
    assert flag.kind == Flag.Kind.COMPARISON and flag.status == Flag.Status.OPEN
    assert flag.village_id == CHANGFA and not flag.weak_match


@pytest.mark.parametrize("kind", ListKind.values)
def test_an_unknown_id_is_reported_and_matches_nothing(tmp_path, office, kind):
    make_household(CHANGFA, members=1)
    unknown = make_id_number("152223", datetime.date(1960, 1, 2), 77, "F")
    rows = [{"证件号码": unknown, "姓名": "无此人", **BREAKS[kind][0]}]
    result, department_list = run(office, write_list(tmp_path, kind, rows), kind)
    assert result.ok
    assert result.counts["unmatched"] == 1 and result.counts["flags_created"] == 0
    assert not Flag.objects.exists()
    assert [r.id_normalized for r in queries.unmatched_rows(department_list)] == [unknown]
    assert queries.unmatched_workbook(department_list)[:2] == b"PK"


@pytest.mark.parametrize("kind", ListKind.values)
def test_a_dismissed_flag_stays_dismissed_on_reimport(tmp_path, office, team, kind):
    household = make_household(CHANGFA, members=1)
    member = household.members.get()
    rows = [person_row(member, member.id_number, kind)]
    _result, _list = run(office, write_list(tmp_path, kind, rows), kind)
    flag = Flag.objects.get()
    evidence = SimpleUploadedFile("证明.jpg", b"\xff\xd8photo", content_type="image/jpeg")
    services.flag_dismiss(
        actor=team, flag=flag, reason="同名不同人，已核对户口本", evidence=evidence
    )
    # The same file: nothing new at all.
    again, _same = run(office, write_list(tmp_path, kind, rows), kind)
    assert again.ok and again.counts["flags_created"] == 0 and again.warnings
    # Another file with the same row (and one more): a new list, the row is not flagged again.
    other = make_household(CHANGFA, members=1).members.get()
    rows.append(person_row(other, other.id_number, kind))
    third, _third = run(office, write_list(tmp_path, kind, rows, "list2.csv"), kind)
    assert third.ok and third.counts["flags_created"] == 1
    assert DepartmentList.objects.count() == 2
    flag.refresh_from_db()
    assert flag.status == Flag.Status.DISMISSED
    assert flag.resolution_note == "同名不同人，已核对户口本" and flag.evidence
    assert Flag.objects.filter(member=member).count() == 1


def test_a_row_without_id_matches_weakly(tmp_path, office):
    household = make_household(CHANGFA, members=1)
    member = household.members.get()
    rows = [
        {
            "姓名": member.name,
            "出生日期": member.birth_date.isoformat(),
            "旗县代码": ZHALAITE,
            "死亡日期": "2017-01-09",
        }
    ]
    result, _list = run(office, write_list(tmp_path, ListKind.DEATHS, rows), ListKind.DEATHS)
    assert result.ok and result.counts["flags_created"] == 1
    flag = Flag.objects.get()
    assert flag.weak_match and flag.member_id == member.pk
    assert flag.reason.endswith(comparison.WEAK_NOTE)


def test_a_confirmed_death_closes_the_member_with_history(tmp_path, office, team):
    household = make_household(CHANGFA, members=3)
    member = household.members.order_by("pk").last()
    rows = [person_row(member, member.id_number, ListKind.DEATHS)]
    run(office, write_list(tmp_path, ListKind.DEATHS, rows), ListKind.DEATHS)
    flag = Flag.objects.get()
    services.flag_confirm(actor=team, flag=flag, note="入户核实，已火化")
    assert not Member.objects.filter(pk=member.pk).exists()
    last = Member.history.filter(id=member.pk).order_by("-history_id").first()
    assert last.history_type == "-" and last.history_user_id == team.pk
    assert "2016-05-03 死亡" in last.history_change_reason
    household.refresh_from_db()
    assert household.members_count == 2
    flag.refresh_from_db()
    assert flag.status == Flag.Status.CONFIRMED and flag.member_id is None
    assert flag.resolved_by_id == team.pk
    assert AuditEvent.objects.filter(action="registry.member_closed").exists()
    assert AuditEvent.objects.filter(action=services.FLAG_CONFIRMED).exists()


def test_a_confirmed_vehicle_opens_an_exit_case(tmp_path, office, team):
    household = make_household(CHANGFA, members=1)
    member = household.members.get()
    rows = [person_row(member, member.id_number, ListKind.VEHICLES)]
    run(office, write_list(tmp_path, ListKind.VEHICLES, rows), ListKind.VEHICLES)
    flag = services.flag_confirm(actor=team, flag=Flag.objects.get())
    case = Case.objects.get(household=household)
    assert case.kind == Case.Kind.EXIT and flag.case_id == case.pk
    assert Household.objects.filter(pk=household.pk).exists()


def test_a_farm_vehicle_breaks_no_rule(tmp_path, office):
    member = make_household(CHANGFA, members=1).members.get()
    rows = [{"证件号码": member.id_number, "姓名": member.name, "车辆类型": "拖拉机"}]
    result, _list = run(office, write_list(tmp_path, ListKind.VEHICLES, rows), ListKind.VEHICLES)
    assert result.counts == {"rows": 1, "matched": 1, "unmatched": 0, "flags_created": 0}


def test_a_bad_file_is_refused_whole(tmp_path, office):
    member = make_household(CHANGFA, members=1).members.get()
    rows = [
        {"证件号码": member.id_number, "姓名": member.name, "死亡日期": "2017-01-01"},
        {"证件号码": "152223123", "姓名": "甲", "死亡日期": "2017-13-01"},
        {"姓名": "乙", "死亡日期": "2017-01-01"},
    ]
    result, department_list = run(office, write_list(tmp_path, ListKind.DEATHS, rows), "deaths")
    assert not result.ok and department_list is None
    messages = result.messages()
    assert any(m.startswith("第3行“证件号码”：证件号码应为18位") for m in messages)
    assert any(m.startswith("第3行“死亡日期”") for m in messages)
    assert any(m.startswith("第4行“证件号码”：证件号码为空时须填写") for m in messages)
    assert not DepartmentList.objects.exists() and not Flag.objects.exists()


def test_wrong_roles_are_refused(tmp_path, office, team):
    member = make_household(CHANGFA, members=1).members.get()
    path = write_list(tmp_path, "deaths", [person_row(member, member.id_number, "deaths")])
    for actor, scope in ((team, CHANGFA), (office, HADANALA[:6]), (office, LEAGUE)):
        with pytest.raises(PermissionDenied):
            run(actor, path, "deaths", scope)
    run(office, path, "deaths")
    flag = Flag.objects.get()
    for actor in (office, make_user("village_team", HADANALA), make_user("league_hq", LEAGUE)):
        with pytest.raises(PermissionDenied):
            services.flag_confirm(actor=actor, flag=flag)
    with pytest.raises(ValidationError):
        services.flag_dismiss(actor=team, flag=flag, reason="", evidence=None)
    flag.refresh_from_db()
    assert flag.status == Flag.Status.OPEN


def test_the_scope_limits_the_matching(tmp_path):
    inside = make_household(CHANGFA, members=1).members.get()
    outside = make_household(HADANALA, members=1).members.get()
    rows = [person_row(m, m.id_number, "payroll") for m in (inside, outside)]
    office = make_user("county_office", ZHALAITE)
    result, _list = run(office, write_list(tmp_path, "payroll", rows), "payroll")
    assert result.counts == {"rows": 2, "matched": 1, "unmatched": 1, "flags_created": 1}


def test_a_new_rule_version_applies_to_the_next_import(tmp_path, office):
    from fupin.quality.models import ComparisonRuleSet

    member = make_household(CHANGFA, members=1).members.get()
    rows = [{"证件号码": member.id_number, "姓名": member.name, "车辆类型": "拖拉机"}]
    run(office, write_list(tmp_path, "vehicles", rows), "vehicles")
    assert not Flag.objects.exists()
    ComparisonRuleSet.objects.create(version=2, farm_vehicle_types=["摩托车"])
    rows[0]["号牌号码"] = "蒙K00001"
    run(office, write_list(tmp_path, "vehicles", rows, "v2.csv"), "vehicles")
    flag = Flag.objects.get()
    assert (flag.rule_code, flag.rule_version) == ("vehicle", 2)
