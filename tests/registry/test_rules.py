"""The cleaning rules as pure functions (also used by the member edit form)."""

import datetime
from decimal import Decimal

from fupin.core.idnumber import make_id_number
from fupin.registry import codes, rules

AS_OF = datetime.date(2017, 6, 30)


def _reasons(problems):
    return [p.reason for p in problems]


def test_problem_names_field_and_reason():
    problem = rules.Problem(rules.COL_LABOUR, "x")
    assert str(problem) == "劳动技能：x"
    assert (
        rules.record_message(12, "152223100234001", "张三", problem)
        == "第12行（户编号 152223100234001，姓名 张三）：劳动技能：x"
    )


def test_labour_required_for_working_age_only():
    for birth, required in [
        (datetime.date(2001, 6, 30), True),  # 16 on the as-of day
        (datetime.date(2001, 7, 1), False),  # 15
        (datetime.date(1952, 6, 30), True),  # 65
        (datetime.date(1951, 6, 29), False),  # 66
    ]:
        problems = rules.check_member(
            {"birth_date": birth, "labour": "", "school_status": "none"}, as_of=AS_OF
        )
        assert (rules.COL_LABOUR in [p.field for p in problems]) is required, birth


def test_school_status_required_for_ages_6_to_23():
    age = lambda birth: rules.check_member(  # noqa: E731
        {"birth_date": birth, "labour": "ordinary", "school_status": ""}, as_of=AS_OF
    )
    assert _reasons(age(datetime.date(2011, 6, 30))) == [rules.MSG_SCHOOL_REQUIRED % {"age": 6}]
    assert age(datetime.date(2011, 7, 1)) == []
    assert _reasons(age(datetime.date(1994, 6, 30))) == [rules.MSG_SCHOOL_REQUIRED % {"age": 23}]
    assert age(datetime.date(1993, 6, 29)) == []


def test_member_birth_date_from_the_id_number():
    number = make_id_number("152223", datetime.date(1990, 1, 1), 3, "M")
    problems = rules.check_member({"id_number": number, "labour": ""}, as_of=AS_OF)
    assert _reasons(problems) == [rules.MSG_LABOUR_REQUIRED % {"age": 27}]
    bad = number[:17] + ("0" if number[17] != "0" else "1")
    assert [p.field for p in rules.check_member({"id_number": bad}, as_of=AS_OF)] == ["证件号码"]


def test_migrant_months():
    assert rules.check_member({"migrant_months": 12}, as_of=AS_OF) == []
    assert _reasons(rules.check_member({"migrant_months": 13}, as_of=AS_OF)) == [
        rules.MSG_MIGRANT_RANGE % {"value": 13}
    ]


HEAD = {"relation": codes.Relation.HEAD, "school_status": "none", "health": "healthy"}


def _household(**fields):
    base = {
        "main_cause": codes.Cause.CAPITAL,
        "other_causes": [],
        "status": codes.Status.POOR,
        "identified_year": 2014,
        "exit_year": None,
    }
    return {**base, **fields}


def _check(household, members=(HEAD,), year=2017):
    return _reasons(rules.check_household(household, members, data_year=year, as_of=AS_OF))


def test_cause_rules_need_the_member_they_name():
    assert _check(_household(main_cause="education")) == [rules.MSG_CAUSE_STUDENT]
    assert _check(_household(other_causes=["illness"])) == [rules.MSG_CAUSE_ILL]
    assert _check(_household(other_causes=["disability"])) == [rules.MSG_CAUSE_DISABLED]
    student = {**HEAD, "relation": "son", "school_status": "grade7"}
    ill = {**HEAD, "relation": "spouse", "health": "serious"}
    disabled = {**HEAD, "relation": "father", "health": "disabled"}
    causes = {"main_cause": "education", "other_causes": ["illness", "disability"]}
    assert _check(_household(**causes), [HEAD, student, ill, disabled]) == []
    field = rules.check_household(
        _household(other_causes=["illness"]), [HEAD], data_year=2017, as_of=AS_OF
    )[0].field
    assert field == rules.COL_OTHER_CAUSES


def test_exactly_one_head():
    assert _check(_household(), [{**HEAD, "relation": "son"}]) == [rules.MSG_NO_HEAD]
    assert _check(_household(), [HEAD, HEAD]) == [rules.MSG_MANY_HEADS % {"count": 2}]


def test_years():
    assert _check(_household(identified_year=2012)) == [
        rules.MSG_IDENTIFIED_YEAR % {"max_year": 2017, "value": 2012}
    ]
    assert _check(_household(identified_year=2018)) == [
        rules.MSG_IDENTIFIED_YEAR % {"max_year": 2017, "value": 2018}
    ]
    assert _check(_household(status="exited")) == [
        rules.MSG_EXIT_YEAR_REQUIRED % {"status": "已脱贫"}
    ]
    assert _check(_household(status="exited_no_policy", exit_year=2016)) == []
    assert _check(_household(status="exited", exit_year=2013)) == [
        rules.MSG_EXIT_YEAR_BEFORE % {"exit_year": 2013, "identified_year": 2014}
    ]
    assert _check(_household(status="exited", exit_year=2017), year=2016) == [
        rules.MSG_EXIT_YEAR_AFTER % {"exit_year": 2017, "year": 2016}
    ]


def test_exited_attribute_label_needs_an_exited_status():
    household = _household(attribute_label="一般脱贫户", attribute_exited=True)
    assert _check(household) == [
        rules.MSG_ATTRIBUTE_STATUS % {"label": "一般脱贫户", "status": "未脱贫"}
    ]
    assert _check({**household, "status": "exited", "exit_year": 2016}) == []


def _income(**amounts):
    base = dict.fromkeys(rules.INCOME_AMOUNT_COLUMNS.values(), Decimal(0))
    return {**base, "year": 2016, **{k: Decimal(v) for k, v in amounts.items()}}


def test_per_capita_income_range():
    assert rules.per_capita_net_income(
        _income(wage_income=9000, business_costs=1000), 3
    ) == Decimal("2666.67")
    assert rules.check_income(_income(wage_income=1), 1, as_of=AS_OF) == []
    assert rules.check_income(_income(wage_income=100000), 1, as_of=AS_OF) == []
    for income, members in [(_income(), 2), (_income(wage_income="100000.01"), 1)]:
        problems = rules.check_income(income, members, as_of=AS_OF)
        assert [p.field for p in problems] == [rules.COL_PER_CAPITA]
        assert "不在0（不含）至100000元之间" in problems[0].reason
    assert _reasons(rules.check_income(_income(wage_income=10), 0, as_of=AS_OF)) == [
        rules.MSG_INCOME_NO_MEMBERS
    ]
    assert rules.check_income(_income(), None, as_of=AS_OF) == []  # unknown household


def test_person_in_one_household():
    assert rules.check_person_in_one_household("X", "A", None) == []
    assert rules.check_person_in_one_household("X", "A", "A") == []
    assert _reasons(rules.check_person_in_one_household("X", "A", "B")) == [
        rules.MSG_ID_OTHER_HOUSEHOLD % {"id_number": "X", "other": "B"}
    ]


def test_village_rule():
    allowed = lambda code: code.startswith("152223")  # noqa: E731
    assert rules.check_village("152223100234", is_village=True, may_import=allowed, scope="s") == []
    assert _reasons(
        rules.check_village("152201101200", is_village=True, may_import=allowed, scope="152223")
    ) == [rules.MSG_VILLAGE_OUT_OF_SCOPE % {"code": "152201101200", "scope": "152223"}]
    assert _reasons(
        rules.check_village("1522", is_village=False, may_import=allowed, scope="")
    ) == [rules.MSG_VILLAGE_UNKNOWN % {"code": "1522"}]
