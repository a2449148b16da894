"""The stored registry re-checked at the system date: findings, counts per rule and area."""

import datetime

import pytest
from django.core.management import call_command

from fupin.core.audit import AuditEvent
from fupin.core.idnumber import check_digit
from fupin.quality import recheck
from fupin.quality.models import Flag
from fupin.quality.recheck_models import RecheckCount, RecheckRun
from fupin.registry import codes
from fupin.registry.models import IncomeRecord, Member
from tests.factories import CHANGFA, HADANALA, make_household

D = datetime.date
DAY = D(2017, 6, 30)


def _counts(run):
    return {
        (c.village_id, c.rule_code): (c.found, c.new) for c in RecheckCount.objects.filter(run=run)
    }


@pytest.mark.django_db
def test_a_child_turning_16_a_member_past_100_and_a_bad_income_are_found_once():
    household = make_household(CHANGFA, members=3)
    child = household.members.get(relation=codes.Relation.SON)
    # 16 on 2017-06-30, with no labour entry: the import let it in at 15.
    Member.objects.filter(pk=child.pk).update(birth_date=D(2001, 6, 30), labour="")
    old = household.members.get(relation=codes.Relation.SPOUSE)
    Member.objects.filter(pk=old.pk).update(birth_date=D(1915, 1, 1))
    IncomeRecord.objects.create(
        household=household, village_id=CHANGFA, year=2016, members_count=3,
        wage_income=0, business_income=0, property_income=0, transfer_income=0, business_costs=0,
    )  # fmt: skip
    other = make_household(HADANALA, members=2, main_cause=codes.Cause.ILLNESS)

    run = recheck.recheck_run(day=DAY, duplicates=False)

    assert _counts(run) == {
        (CHANGFA, recheck.R_LABOUR): (1, 1),
        (CHANGFA, recheck.R_OVER_100): (1, 1),
        (CHANGFA, recheck.R_INCOME): (1, 1),
        (HADANALA, recheck.R_CAUSE): (1, 1),
    }
    labour = Flag.objects.get(rule_code=recheck.R_LABOUR)
    assert labour.kind == Flag.Kind.RECHECK and labour.member_id == child.pk
    assert labour.match_key == f"m{child.pk}:2001-06-30"
    assert "劳动技能：16岁（16至65岁）应填写劳动技能" in labour.reason
    assert "102岁，已超过100岁" in Flag.objects.get(rule_code=recheck.R_OVER_100).reason
    cause = Flag.objects.get(rule_code=recheck.R_CAUSE)
    assert cause.household_id == other.pk and cause.member_id is None
    assert "因病" in cause.reason

    # The day before the child's birthday the rule did not hold.
    assert not Flag.objects.filter(rule_code=recheck.R_LABOUR, raised_on__lt=DAY).exists()
    # A second night finds the same, raises nothing new; a dismissed finding stays dismissed.
    Flag.objects.filter(rule_code=recheck.R_OVER_100).update(status=Flag.Status.DISMISSED)
    second = recheck.recheck_run(day=DAY + datetime.timedelta(days=1), duplicates=False)
    assert _counts(second)[(CHANGFA, recheck.R_LABOUR)] == (1, 0)
    assert second.findings == 4 and second.new_flags == 0
    assert Flag.objects.count() == 4
    assert Flag.objects.get(rule_code=recheck.R_OVER_100).status == Flag.Status.DISMISSED
    assert AuditEvent.objects.filter(action=recheck.AUDIT_RUN).count() == 2


@pytest.mark.django_db
def test_the_day_before_a_birthday_finds_nothing_and_the_area_narrows():
    household = make_household(CHANGFA, members=3)
    child = household.members.get(relation=codes.Relation.SON)
    Member.objects.filter(pk=child.pk).update(birth_date=D(2001, 7, 1), labour="")
    run = recheck.recheck_run(day=DAY, duplicates=False)
    assert run.findings == 0
    Member.objects.filter(pk=child.pk).update(birth_date=D(2001, 6, 30))
    assert recheck.recheck_run(day=DAY, code="152201", duplicates=False).findings == 0
    run = recheck.recheck_run(day=DAY, code="152223", duplicates=False)
    assert run.area_code == "152223" and run.findings == 1


@pytest.mark.django_db
def test_households_with_two_heads_and_exit_year_out_of_order():
    household = make_household(CHANGFA, members=2)
    household.members.update(relation=codes.Relation.HEAD)
    exited = make_household(CHANGFA, members=1, status=codes.Status.EXITED, exit_year=2013)
    run = recheck.recheck_run(day=DAY, duplicates=False)
    counts = _counts(run)
    assert counts[(CHANGFA, recheck.R_HEAD)] == (1, 1)
    assert counts[(CHANGFA, recheck.R_EXIT)] == (1, 1)
    assert Flag.objects.get(rule_code=recheck.R_EXIT).household_id == exited.pk
    assert "本户有2名户主" in Flag.objects.get(rule_code=recheck.R_HEAD).reason


@pytest.mark.django_db
def test_the_command_prints_counts_per_rule_and_checks_its_arguments(capsys):
    household = make_household(CHANGFA, members=3)
    Member.objects.filter(household=household, relation=codes.Relation.SPOUSE).update(
        birth_date=D(1910, 1, 1)
    )
    call_command("recheck", "--date", "2017-06-30", "--area", "152223")
    out = capsys.readouterr().out
    assert "recheck_over_100" in out and "1（新增 1）" in out
    assert RecheckRun.objects.get().day == DAY
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="不是有效日期"):
        call_command("recheck", "--date", "30.6.2017")
    with pytest.raises(CommandError, match="不存在"):
        call_command("recheck", "--area", "999999")


@pytest.mark.django_db
def test_the_id_candidates_are_exactly_the_numbers_the_checker_refuses():
    household = make_household(CHANGFA, members=4)
    good, bad_check, bad_birth, bad_province = household.members.order_by("pk")
    number = bad_check.id_number
    wrong = "0" if number[17] != "0" else "1"
    Member.objects.filter(pk=bad_check.pk).update(id_number=number[:17] + wrong)
    # A number whose date is not a real date (the stored birth date stays a real one).
    body = bad_birth.id_number[:10] + "0231" + bad_birth.id_number[14:17]
    Member.objects.filter(pk=bad_birth.pk).update(id_number=body + check_digit(body))
    body = "99" + bad_province.id_number[2:17]
    Member.objects.filter(pk=bad_province.pk).update(id_number=body + check_digit(body))
    found = set(recheck.id_candidates(Member.objects.all(), DAY).values_list("pk", flat=True))
    assert found == {bad_check.pk, bad_birth.pk, bad_province.pk}
    run = recheck.recheck_run(day=DAY, duplicates=False)
    assert _counts(run)[(CHANGFA, recheck.R_ID)] == (3, 3)
    reasons = list(
        Flag.objects.filter(rule_code=recheck.R_ID)
        .order_by("member_id")
        .values_list("reason", flat=True)
    )
    assert "证件号码校验位错误" in reasons[0]
    assert "不是有效日期" in reasons[1]
    assert "地区码“99" in reasons[2]
    assert good.pk not in found
