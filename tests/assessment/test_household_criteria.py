"""Household exit criteria (docs/domain.md §3.3): each failing with its exact reason and numbers."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command

from fupin.assessment import rules
from fupin.assessment.models import HouseholdAssessment, PovertyLine, RuleSet
from fupin.assessment.services import assessment_run
from fupin.registry import codes
from fupin.registry.models import Member
from tests.factories import CHANGFA, HADANALA, make_household

pytestmark = pytest.mark.django_db


def income(per_capita, members=3, year=2016):
    """An income row whose per-capita net income is ``per_capita``."""
    return {"year": year, "wage_income": Decimal(per_capita) * members}


def result(household, year=2016):
    return HouseholdAssessment.objects.get(household=household, year=year)


def test_default_lines_and_rule_set():
    lines = dict(
        PovertyLine.objects.filter(standard=codes.Standard.NATIONAL).values_list("year", "amount")
    )
    assert lines[2014] == Decimal("2800") and lines[2016] == Decimal("2952")
    assert lines[2020] == Decimal("4000")
    assert "2300" in PovertyLine.objects.get(year=2016, standard="national").source
    rule_set = RuleSet.current()
    assert rule_set.version == 1
    assert rule_set.village_incidence_max == Decimal("3")
    assert (rule_set.school_age_min, rule_set.school_age_max) == (6, 15)


def test_household_meeting_every_criterion_is_eligible():
    household = make_household(year=2015, income=income(3000))
    counts = assessment_run(year=2016)
    row = result(household)
    assert row.eligible and row.reasons == []
    assert row.net_income_per_capita == Decimal("3000.00")
    assert row.line_amount == Decimal("2952.00")
    assert all(
        [row.income_ok, row.food_clothing_ok, row.education_ok, row.medical_ok]
        + [row.housing_ok, row.water_ok]
    )
    assert counts["households"] == 1 and counts["households_eligible"] == 1


def test_income_below_the_line_names_both_numbers():
    household = make_household(year=2015, income=income(2610))
    assessment_run(year=2016)
    row = result(household)
    assert not row.eligible and not row.income_ok and not row.food_clothing_ok
    assert row.reasons == ["人均纯收入 2,610 元 < 2,952 元"]
    assert rules.MSG_INCOME_BELOW.format(income="2,610", line="2,952") == row.reasons[0]


def test_income_with_cents_and_at_the_line():
    below = make_household(year=2015, income={"year": 2016, "wage_income": Decimal("8000.50")})
    at = make_household(year=2015, income=income(2952))
    assessment_run(year=2016)
    assert result(below).reasons == ["人均纯收入 2,666.83 元 < 2,952 元"]
    assert result(at).reasons == ["人均纯收入 2,952 元，未高于 2,952 元"]


def test_missing_income():
    household = make_household(year=2015)
    assessment_run(year=2016)
    assert result(household).reasons == ["缺少 2016 年收入数据"]


def test_lines_per_standard():
    PovertyLine.objects.create(year=2016, standard="provincial", amount=Decimal("3200"))
    national = make_household(year=2015, income=income(3100))
    provincial = make_household(year=2015, income=income(3100), standard="provincial")
    municipal = make_household(year=2015, income=income(3100), standard="municipal")
    assessment_run(year=2016)
    assert result(national).eligible
    assert result(provincial).reasons == ["人均纯收入 3,100 元 < 3,200 元"]
    assert result(provincial).line.standard == "provincial"
    assert result(municipal).reasons == ["缺少 2016 年贫困线（市定标准）"]


def test_child_of_compulsory_age_out_of_school():
    household = make_household(year=2015, members=3, income=income(3000))
    child = household.members.order_by("pk").last()
    child.birth_date = datetime.date(2006, 7, 1)  # 10 at the end of 2016
    child.school_status = codes.SchoolStatus.NONE
    child.save()
    # 16 at the end of 2016: past compulsory age, not counted.
    older = household.members.order_by("pk")[1]
    older.birth_date = datetime.date(2000, 1, 1)
    older.school_status = ""
    older.save()
    assessment_run(year=2016)
    row = result(household)
    assert not row.education_ok and row.children_out_of_school == 1
    assert row.reasons == ["适龄儿童 1 人未在校"]
    child.school_status = codes.SchoolStatus.PRIMARY
    child.save()
    assessment_run(year=2016, overwrite=True)
    assert result(household).eligible


def test_uninsured_members_dangerous_housing_and_water():
    household = make_household(
        year=2015, income=income(2000), dangerous_housing=True, safe_water=False
    )
    Member.objects.filter(household=household).update(medical_insurance=False)
    assessment_run(year=2016)
    row = result(household)
    assert (row.medical_ok, row.housing_ok, row.water_ok) == (False, False, False)
    assert row.uninsured_members == 3
    assert row.reasons == [
        "人均纯收入 2,000 元 < 2,952 元",
        "3 人未参加基本医疗保险",
        "住房为危房",
        "饮水不安全",
    ]


def test_only_exit_candidates_are_assessed():
    poor = make_household(year=2015, income=income(3000))
    relapsed = make_household(year=2015, status=codes.Status.RELAPSED, income=income(3000))
    exited = make_household(year=2015, status=codes.Status.EXITED, income=income(3000))
    new = make_household(year=2016, identified_year=2016, income=income(3000))
    assessment_run(year=2016)
    assessed = set(HouseholdAssessment.objects.values_list("household_id", flat=True))
    assert assessed == {poor.pk, relapsed.pk, new.pk}
    assert exited.pk not in assessed


def test_rule_version_recorded_and_rerun_idempotent():
    a = make_household(year=2015, income=income(2610))
    make_household(HADANALA, year=2015, income=income(3000))

    def rows():
        return sorted(
            HouseholdAssessment.objects.values_list(
                "household_id",
                "village_id",
                "year",
                "rule_set__version",
                "line_id",
                "net_income_per_capita",
                "eligible",
                "reasons",
            )
        )

    assessment_run(year=2016)
    first = rows()
    assessment_run(year=2016, overwrite=True)
    assert rows() == first
    assert result(a).rule_set.version == 1
    new = RuleSet.objects.create(version=RuleSet.next_version(), school_age_max=16)
    assert RuleSet.current() == new
    assessment_run(year=2016, code=CHANGFA, overwrite=True)
    assert result(a).rule_set.version == 2
    # Outside the area the earlier results stay as they were.
    assert HouseholdAssessment.objects.get(village_id=HADANALA).rule_set.version == 1


def test_command_prints_counts(capsys):
    make_household(year=2015, income=income(3000))
    make_household(year=2015, income=income(100))
    call_command("assess", "--year", "2016", "--area", CHANGFA[:6])
    out = capsys.readouterr().out
    assert "贫困户 2 户，达标 1 户" in out
