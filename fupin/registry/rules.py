"""The registry's cleaning rules (national 建档立卡 data rules, docs/domain.md §3.2), as pure functions.

The spreadsheet import (:mod:`fupin.registry.importing`) and the member edit form both call
these functions, so a record is judged the same way wherever it is typed. They work on plain
mappings holding *stored values* (codes, not labels; ints, dates, Decimals) and return a list
of :class:`Problem` — the field (the column header of the import format) and the reason.
They never query the database: whatever needs the database (scope, another household's
members) is looked up by the caller, set-based, and passed in.

The reasons are module constants; tests assert them. The caller prefixes the record
(:func:`record_message`), e.g.
``第12行（户编号 1522231002340001，姓名 张三）：证件号码：证件号码校验位错误（应为“5”，实为“3”）``.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from fupin.core import cells
from fupin.core.cells import Problem
from fupin.core.idnumber import IdInfo, IdNumberError, parse_id_number

from . import codes

# -- The columns of the import format (the field names every message uses) ----------------
COL_VILLAGE = "行政区划代码"
COL_NUMBER = "户编号"
COL_NAME = "姓名"
COL_ID = "证件号码"
COL_RELATION = "与户主关系"
COL_ETHNICITY = "民族"
COL_EDUCATION = "文化程度"
COL_SCHOOL = "在校生状况"
COL_HEALTH = "健康状况"
COL_LABOUR = "劳动技能"
COL_MIGRANT = "务工时间（月）"
COL_INSURANCE = "是否参加基本医疗保险"
COL_ATTRIBUTE = "贫困户属性"
COL_MAIN_CAUSE = "主要致贫原因"
COL_OTHER_CAUSES = "其他致贫原因"
COL_HOUSING = "是否危房户"
COL_WATER = "是否饮水安全"
COL_IDENTIFIED = "识别年度"
COL_STATUS = "脱贫状态"
COL_EXIT_YEAR = "脱贫年度"
COL_PHONE = "联系电话"
# Optional: the member's name in Mongolian script (fupin.core.mongolian checks it).
COL_NAME_MN = "蒙古文姓名"

COL_YEAR = "年度"
COL_WAGE = "工资性收入"
COL_BUSINESS = "生产经营性收入"
COL_PROPERTY = "财产性收入"
COL_TRANSFER = "转移性收入"
COL_COSTS = "生产经营性支出"
# Not a column: the derived figure the income rule is about.
COL_PER_CAPITA = "人均纯收入"

MEMBER_COLUMNS = (
    COL_VILLAGE,
    COL_NUMBER,
    COL_NAME,
    COL_ID,
    COL_RELATION,
    COL_ETHNICITY,
    COL_EDUCATION,
    COL_SCHOOL,
    COL_HEALTH,
    COL_LABOUR,
    COL_MIGRANT,
    COL_INSURANCE,
    COL_ATTRIBUTE,
    COL_MAIN_CAUSE,
    COL_OTHER_CAUSES,
    COL_HOUSING,
    COL_WATER,
    COL_IDENTIFIED,
    COL_STATUS,
    COL_EXIT_YEAR,
    COL_PHONE,
)
# Household fields repeated on every member row; they must agree between a household's rows.
HOUSEHOLD_COLUMNS = (
    COL_VILLAGE,
    COL_ATTRIBUTE,
    COL_MAIN_CAUSE,
    COL_OTHER_CAUSES,
    COL_HOUSING,
    COL_WATER,
    COL_IDENTIFIED,
    COL_STATUS,
    COL_EXIT_YEAR,
    COL_PHONE,
)
INCOME_COLUMNS = (
    COL_NUMBER,
    COL_YEAR,
    COL_WAGE,
    COL_BUSINESS,
    COL_PROPERTY,
    COL_TRANSFER,
    COL_COSTS,
)
INCOME_AMOUNT_COLUMNS = {
    COL_WAGE: "wage_income",
    COL_BUSINESS: "business_income",
    COL_PROPERTY: "property_income",
    COL_TRANSFER: "transfer_income",
    COL_COSTS: "business_costs",
}
# Coded columns and their code lists (贫困户属性 also accepts the 脱贫 variants).
CODED_COLUMNS: dict[str, type] = {
    COL_RELATION: codes.Relation,
    COL_ETHNICITY: codes.Ethnicity,
    COL_EDUCATION: codes.Education,
    COL_SCHOOL: codes.SchoolStatus,
    COL_HEALTH: codes.Health,
    COL_LABOUR: codes.Labour,
    COL_ATTRIBUTE: codes.Attribute,
    COL_MAIN_CAUSE: codes.Cause,
    COL_OTHER_CAUSES: codes.Cause,
    COL_STATUS: codes.Status,
}
YES_NO_COLUMNS = (COL_INSURANCE, COL_HOUSING, COL_WATER)
# Separators accepted between several causes in 其他致贫原因.
CAUSE_SEPARATORS = "、,，;；"

FIRST_IDENTIFIED_YEAR = 2013
MIGRANT_MONTHS = (0, 12)
PER_CAPITA_INCOME_MAX = Decimal("100000")

# -- Reasons (the field is named by the caller) --------------------------------------------
MSG_RECORD = _("第%(row)s行（户编号 %(number)s，姓名 %(name)s）：%(problem)s")
MSG_INCOME_RECORD = _("第%(row)s行（户编号 %(number)s，年度 %(year)s）：%(problem)s")

# The reasons of single cells are the sheet kit's (the same in every importer).
MSG_REQUIRED = cells.MSG_REQUIRED
MSG_TOO_LONG = cells.MSG_TOO_LONG
MSG_LABEL = cells.MSG_CHOICE
MSG_INTEGER = cells.MSG_INTEGER
MSG_AMOUNT = cells.MSG_AMOUNT
MSG_MIGRANT_RANGE = _("务工时间应为0至12之间的整数（实为“%(value)s”）")
MSG_LABOUR_REQUIRED = _("%(age)s岁（16至65岁）应填写劳动技能")
MSG_SCHOOL_REQUIRED = _("%(age)s岁（6至23岁）应填写在校生状况")
MSG_CAUSE_STUDENT = _("致贫原因含“因学”，但本户没有在校生（在校生状况为“非在校生”以外的成员）")
MSG_CAUSE_ILL = _("致贫原因含“因病”，但本户没有健康状况为“长期慢性病”或“患有大病”的成员")
MSG_CAUSE_DISABLED = _("致贫原因含“因残”，但本户没有健康状况为“残疾”的成员")
MSG_NO_HEAD = _("本户没有户主（应恰有1名与户主关系为“户主”的成员）")
MSG_MANY_HEADS = _("本户有%(count)s名户主（应恰有1名）")
MSG_IDENTIFIED_YEAR = _("识别年度应在2013至%(max_year)s之间（实为“%(value)s”）")
MSG_EXIT_YEAR_REQUIRED = _("脱贫状态为“%(status)s”，应填写脱贫年度")
MSG_EXIT_YEAR_BEFORE = _("脱贫年度%(exit_year)s早于识别年度%(identified_year)s")
MSG_EXIT_YEAR_AFTER = _("脱贫年度%(exit_year)s晚于数据年度%(year)s")
MSG_ATTRIBUTE_STATUS = _("“%(label)s”是脱贫户属性，但脱贫状态为“%(status)s”")
MSG_INCOME_YEAR = _("年度应在2013至%(max_year)s之间（实为“%(value)s”）")
MSG_INCOME_RANGE = _(
    "人均纯收入%(value)s元不在0（不含）至100000元之间"
    "（（工资性+生产经营性+财产性+转移性收入−生产经营性支出）÷%(members)s人）"
)
MSG_INCOME_NO_MEMBERS = _("本户家庭人口为0，无法计算人均纯收入")
MSG_ID_DUPLICATE = _("证件号码“%(id_number)s”在文件中重复（第%(rows)s行）")
MSG_ID_OTHER_HOUSEHOLD = _("证件号码“%(id_number)s”已在户编号 %(other)s 中登记（一人只能在一户）")
# Outside the user's scope only the county is named: the household itself is not theirs to see.
MSG_ID_OTHER_AREA = _(
    "证件号码“%(id_number)s”已在%(county)s的一户中登记，该户不在您的权限范围内（一人只能在一户），"
    "请与该地核实"
)
MSG_HOUSEHOLD_DISAGREES = _(
    "与本户第%(first_row)s行不一致（本行为“%(value)s”，第%(first_row)s行为“%(expected)s”）"
)
MSG_VILLAGE_UNKNOWN = _("“%(code)s”不是已有的嘎查村级行政区划代码")
MSG_VILLAGE_OUT_OF_SCOPE = _("“%(code)s”不在您的导入范围（%(scope)s）内")
MSG_HOUSEHOLD_OUT_OF_SCOPE = _("户编号 %(number)s 已登记在您的导入范围以外的嘎查村")
MSG_INCOME_HOUSEHOLD_UNKNOWN = _("户编号 %(number)s 不存在或不在您的导入范围内")
MSG_INCOME_DUPLICATE = _("户编号 %(number)s 的%(year)s年度收入在文件中重复（第%(rows)s行）")


# -- The household number (户编号) ----------------------------------------------------------
# One format everywhere (docs/import-format.md, "户编号"): the village's 12-digit code and a
# 4-digit serial within the village, 16 digits. The import, the demo and a registered case
# all write it so; the number then tells its village (and county) at sight.
NUMBER_SERIAL_DIGITS = 4
NUMBER_LENGTH = 12 + NUMBER_SERIAL_DIGITS
MSG_NUMBER_FORMAT = _(
    "户编号“%(number)s”应为16位数字：嘎查村行政区划代码（12位）加4位户序号，如 %(example)s"
)
MSG_NUMBER_VILLAGE = _("户编号“%(number)s”的前12位应为本户的行政区划代码 %(village)s")


def household_number(village: str, serial: int) -> str:
    """Return the household number of the ``serial``-th household of ``village``."""
    return f"{village}{serial:0{NUMBER_SERIAL_DIGITS}d}"


def check_household_number(number: str, village: str) -> list[Problem]:
    """Check a household number's format and that it starts with its village's code."""
    if len(number) != NUMBER_LENGTH or not number.isascii() or not number.isdigit():
        example = household_number(village if len(village) == 12 else "152223100234", 1)
        return [Problem(COL_NUMBER, MSG_NUMBER_FORMAT % {"number": number, "example": example})]
    if village and not number.startswith(village):
        return [Problem(COL_NUMBER, MSG_NUMBER_VILLAGE % {"number": number, "village": village})]
    return []


def record_message(row: int, number: str, name: str, problem: Problem | str) -> str:
    """Return the full message naming the record (row, household number, name)."""
    return MSG_RECORD % {
        "row": row,
        "number": number or "—",
        "name": name or "—",
        "problem": problem,
    }


def income_record_message(row: int, number: str, year: str, problem: Problem | str) -> str:
    return MSG_INCOME_RECORD % {
        "row": row,
        "number": number or "—",
        "year": year or "—",
        "problem": problem,
    }


def age_on(birth_date: datetime.date, day: datetime.date) -> int:
    years = day.year - birth_date.year
    if (day.month, day.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


def allowed_labels(choices) -> str:
    """Return the accepted labels of a code list, for a message (long lists are referred)."""
    labels = list(codes.label_to_value(choices))
    if choices is codes.Attribute:
        labels += [str(label) for label in codes.EXITED_ATTRIBUTE_LABELS.values()]
    if len(labels) > 20:
        return gettext("见模板中的“代码表”")
    return "、".join(labels)


# -- Members ------------------------------------------------------------------------------


def check_id_number(value, *, today: datetime.date) -> tuple[IdInfo | None, list[Problem]]:
    """Check a GB 11643 ID number; return what it tells (or None) and the problems."""
    try:
        return parse_id_number(value, today=today), []
    except IdNumberError as error:
        return None, [Problem(COL_ID, str(error))]


def check_member(member: Mapping, *, as_of: datetime.date) -> list[Problem]:
    """Check one member's own fields.

    ``member`` holds ``birth_date`` (or ``id_number`` to derive it), ``school_status``,
    ``labour`` (stored values, "" when blank) and ``migrant_months`` (an int, or None when it
    was not a valid integer — the caller reported that already).
    """
    problems: list[Problem] = []
    birth = member.get("birth_date")
    if "birth_date" not in member and member.get("id_number"):
        info, id_problems = check_id_number(member["id_number"], today=as_of)
        problems += id_problems
        birth = info.birth_date if info else None
    if birth is not None:
        age = age_on(birth, as_of)
        low, high = codes.WORKING_AGE
        if low <= age <= high and not member.get("labour"):
            problems.append(Problem(COL_LABOUR, MSG_LABOUR_REQUIRED % {"age": age}))
        low, high = codes.SCHOOL_AGE
        if low <= age <= high and not member.get("school_status"):
            problems.append(Problem(COL_SCHOOL, MSG_SCHOOL_REQUIRED % {"age": age}))
    months = member.get("migrant_months")
    if months is not None and not MIGRANT_MONTHS[0] <= months <= MIGRANT_MONTHS[1]:
        problems.append(Problem(COL_MIGRANT, MSG_MIGRANT_RANGE % {"value": months}))
    return problems


def check_person_in_one_household(
    id_number: str,
    household_number: str,
    registered_in: str | None,
    *,
    visible: bool = True,
    county: str = "",
) -> list[Problem]:
    """A person is in one household only: ``registered_in`` is where the ID already is.

    ``visible`` tells whether that household is in the user's scope; if not, only its
    ``county`` is named.
    """
    if registered_in is None or registered_in == household_number:
        return []
    if visible:
        message = MSG_ID_OTHER_HOUSEHOLD % {"id_number": id_number, "other": registered_in}
    else:
        message = MSG_ID_OTHER_AREA % {"id_number": id_number, "county": county}
    return [Problem(COL_ID, message)]


def county_names(codes_) -> dict[str, str]:
    """Return {6-digit county code: name} for the counties of ``codes_`` (one query)."""
    from fupin.areas.models import Area

    counties = {code[:6] for code in codes_}
    return dict(Area.objects.filter(code__in=counties).values_list("code", "name"))


def duplicate_id_problem(id_number: str, rows: Iterable[int]) -> Problem:
    return Problem(
        COL_ID, MSG_ID_DUPLICATE % {"id_number": id_number, "rows": "、".join(map(str, rows))}
    )


# -- Households ---------------------------------------------------------------------------


def check_household(
    household: Mapping, members: Iterable[Mapping], *, data_year: int, as_of: datetime.date
) -> list[Problem]:
    """Check a household against its members.

    ``household`` holds ``main_cause``, ``other_causes`` (list), ``status``,
    ``identified_year`` and ``exit_year`` (ints or None) and optionally
    ``attribute_label`` / ``attribute_exited`` (whether the label was a 脱贫 variant).
    ``members`` hold ``relation``, ``school_status`` and ``health``.
    """
    members = list(members)
    problems: list[Problem] = []
    heads = sum(1 for m in members if m.get("relation") == codes.Relation.HEAD)
    if heads == 0:
        problems.append(Problem(COL_RELATION, MSG_NO_HEAD))
    elif heads > 1:
        problems.append(Problem(COL_RELATION, MSG_MANY_HEADS % {"count": heads}))

    main = household.get("main_cause")
    others = list(household.get("other_causes") or ())
    causes = {main, *others}
    for cause, needs, message in (
        (codes.Cause.EDUCATION, _is_student, MSG_CAUSE_STUDENT),
        (codes.Cause.ILLNESS, _is_ill, MSG_CAUSE_ILL),
        (codes.Cause.DISABILITY, _is_disabled, MSG_CAUSE_DISABLED),
    ):
        if cause in causes and not any(needs(m) for m in members):
            field = COL_MAIN_CAUSE if main == cause else COL_OTHER_CAUSES
            problems.append(Problem(field, message))

    identified = household.get("identified_year")
    max_year = as_of.year
    if identified is not None and not FIRST_IDENTIFIED_YEAR <= identified <= max_year:
        problems.append(
            Problem(
                COL_IDENTIFIED, MSG_IDENTIFIED_YEAR % {"max_year": max_year, "value": identified}
            )
        )
    status = household.get("status")
    exit_year = household.get("exit_year")
    if status in codes.EXITED_STATUSES and exit_year is None:
        problems.append(
            Problem(COL_EXIT_YEAR, MSG_EXIT_YEAR_REQUIRED % {"status": _status_label(status)})
        )
    if exit_year is not None:
        if identified is not None and exit_year < identified:
            problems.append(
                Problem(
                    COL_EXIT_YEAR,
                    MSG_EXIT_YEAR_BEFORE % {"exit_year": exit_year, "identified_year": identified},
                )
            )
        if exit_year > data_year:
            problems.append(
                Problem(
                    COL_EXIT_YEAR, MSG_EXIT_YEAR_AFTER % {"exit_year": exit_year, "year": data_year}
                )
            )
    if household.get("attribute_exited") and status and status not in codes.EXITED_STATUSES:
        problems.append(
            Problem(
                COL_ATTRIBUTE,
                MSG_ATTRIBUTE_STATUS
                % {"label": household.get("attribute_label", ""), "status": _status_label(status)},
            )
        )
    return problems


def _is_student(member: Mapping) -> bool:
    school = member.get("school_status")
    return bool(school) and school != codes.SchoolStatus.NONE


def _is_ill(member: Mapping) -> bool:
    return member.get("health") in codes.ILL_HEALTH


def _is_disabled(member: Mapping) -> bool:
    return member.get("health") == codes.Health.DISABLED


def _status_label(status: str) -> str:
    return codes.value_to_label(codes.Status).get(status, status)


def check_village(
    code: str, *, is_village: bool, may_import: Callable[[str], bool], scope: str
) -> list[Problem]:
    """The village code must be an existing village-level area inside the importer's scope."""
    if not is_village:
        return [Problem(COL_VILLAGE, MSG_VILLAGE_UNKNOWN % {"code": code})]
    if not may_import(code):
        return [Problem(COL_VILLAGE, MSG_VILLAGE_OUT_OF_SCOPE % {"code": code, "scope": scope})]
    return []


# -- Income -------------------------------------------------------------------------------


def per_capita_net_income(income: Mapping, members_count: int) -> Decimal | None:
    """Return (sum of the 4 incomes − costs) ÷ members, to the fen; None without members."""
    if not members_count:
        return None
    total = (
        income["wage_income"]
        + income["business_income"]
        + income["property_income"]
        + income["transfer_income"]
        - income["business_costs"]
    )
    return (Decimal(total) / members_count).quantize(Decimal("0.01"))


def check_income(
    income: Mapping, members_count: int | None, *, as_of: datetime.date
) -> list[Problem]:
    """Check one household-year of income (amounts are Decimals, ``year`` an int).

    ``members_count`` (or an amount) is None when it is unknown; the income rule is then left
    out (the caller reports why it is unknown).
    """
    problems: list[Problem] = []
    year = income.get("year")
    if year is not None and not FIRST_IDENTIFIED_YEAR <= year <= as_of.year:
        problems.append(
            Problem(COL_YEAR, MSG_INCOME_YEAR % {"max_year": as_of.year, "value": year})
        )
    amounts = ("wage_income", "business_income", "property_income", "transfer_income")
    if members_count is None or any(income.get(k) is None for k in (*amounts, "business_costs")):
        return problems  # the household or an amount is unknown: reported elsewhere
    value = per_capita_net_income(income, members_count)
    if value is None:
        problems.append(Problem(COL_PER_CAPITA, MSG_INCOME_NO_MEMBERS))
    elif not Decimal(0) < value <= PER_CAPITA_INCOME_MAX:
        problems.append(
            Problem(COL_PER_CAPITA, MSG_INCOME_RANGE % {"value": value, "members": members_count})
        )
    return problems
