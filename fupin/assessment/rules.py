"""The reasons of the assessment, in numbers (docs/domain.md §3.3: every result says *why*).

The messages are module constants so tests assert them, and so the SQL of
:mod:`fupin.assessment.services` renders exactly the same text (:func:`sql_format` turns a
template into a SQL string expression). So the reasons are stored in Chinese, and
:func:`reason_display` shows a stored reason in the reader's language. Numbers of yuan read like ``2,610`` (whole) or
``2,610.50``; percentages with two decimals (``3.40%``); thresholds without trailing zeros
(``3%``).
"""

from __future__ import annotations

import functools
import re
from decimal import Decimal

from django.utils.translation import gettext, gettext_noop

# Households (人脱贫). 两不愁 (food and clothing) is judged by the income: it holds when the
# per-capita net income is above the line, so it fails with the income reason only.
MSG_INCOME_BELOW = gettext_noop("人均纯收入 {income} 元 < {line} 元")
MSG_INCOME_NOT_ABOVE = gettext_noop("人均纯收入 {income} 元，未高于 {line} 元")
MSG_NO_INCOME = gettext_noop("缺少 {year} 年收入数据")
MSG_NO_LINE = gettext_noop("缺少 {year} 年贫困线（{standard}）")
MSG_EDUCATION = gettext_noop("适龄儿童 {count} 人未在校")
MSG_MEDICAL = gettext_noop("{count} 人未参加基本医疗保险")
MSG_HOUSING = gettext_noop("住房为危房")
MSG_WATER = gettext_noop("饮水不安全")

# Villages (贫困村出列) and counties (贫困县摘帽).
MSG_VILLAGE_INCIDENCE = gettext_noop("贫困发生率 {incidence}% ≥ {limit}%")
MSG_NO_POPULATION = gettext_noop("缺少农村人口数据")
MSG_COUNTY_INCIDENCE = gettext_noop("综合贫困发生率 {incidence}% ≥ {limit}%")
MSG_MISSED = gettext_noop("漏评率 {rate}% ≥ {limit}%")
MSG_WRONG_EXIT = gettext_noop("错退率 {rate}% ≥ {limit}%")
MSG_APPROVAL = gettext_noop("群众认可度 {rate}% ≤ {limit}%")
MSG_NO_CHECK = gettext_noop("缺少抽查评估数据")

# Monitoring (防止返贫监测).
MSG_UNSTABLE = gettext_noop(
    "人均纯收入 {income} 元 < 监测线 {threshold} 元（贫困线 {line} 元 × {ratio}）"
)
MSG_SUDDEN = gettext_noop("人均纯收入由 {previous} 元降至 {income} 元，降幅 {share}%")
# The risk events that, with an income under the monitoring line, flag an unstable household.
MSG_RISK_DROP = gettext_noop("人均纯收入较上年下降 {share}%")
MSG_RISK_HEALTH = gettext_noop("{count} 人患大病或残疾")
MSG_CLEARED = gettext_noop("{year} 年人均纯收入 {income} 元 > 贫困线 {line} 元，且三保障达标")


REASONS = (
    MSG_INCOME_BELOW,
    MSG_INCOME_NOT_ABOVE,
    MSG_NO_INCOME,
    MSG_NO_LINE,
    MSG_EDUCATION,
    MSG_MEDICAL,
    MSG_HOUSING,
    MSG_WATER,
    MSG_VILLAGE_INCIDENCE,
    MSG_NO_POPULATION,
    MSG_COUNTY_INCIDENCE,
    MSG_MISSED,
    MSG_WRONG_EXIT,
    MSG_APPROVAL,
    MSG_NO_CHECK,
    MSG_UNSTABLE,
    MSG_SUDDEN,
    MSG_RISK_DROP,
    MSG_RISK_HEALTH,
    MSG_CLEARED,
)


@functools.cache
def _reason_patterns() -> list[tuple[str, re.Pattern]]:
    patterns = []
    for template in REASONS:
        regex = "".join(
            f"(?P<{piece[1:-1]}>.+?)" if piece.startswith("{") else re.escape(piece)
            for piece in re.split(r"(\{\w+\})", template)
            if piece
        )
        patterns.append((template, re.compile(regex)))
    return patterns


def reason_display(reason: str) -> str:
    """Return a stored reason in the active language.

    The reason is matched against the message it was written from, and the translation of
    that message is filled with the same numbers. A reason no message explains (written by
    an older version) is returned as stored.
    """
    for template, pattern in _reason_patterns():
        match = pattern.fullmatch(reason)
        if match:
            return gettext(template).format(**match.groupdict())
    return reason


def fmt_yuan(value) -> str:
    """``2610`` → ``2,610``; ``2610.5`` → ``2,610.50``; negative amounts keep their sign."""
    value = Decimal(value).quantize(Decimal("0.01"))
    text = f"{abs(value):,.2f}"
    if text.endswith(".00"):
        text = text[:-3]
    return ("-" if value < 0 else "") + text


def fmt_percent(value) -> str:
    return f"{Decimal(value).quantize(Decimal('0.01')):.2f}"


def fmt_limit(value) -> str:
    """A threshold without trailing zeros: ``3.00`` → ``3``, ``1.50`` → ``1.5``."""
    text = f"{Decimal(value):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def income_reason(income, line) -> str:
    template = MSG_INCOME_BELOW if Decimal(income) < Decimal(line) else MSG_INCOME_NOT_ABOVE
    return template.format(income=fmt_yuan(income), line=fmt_yuan(line))


# --- SQL rendering -------------------------------------------------------------------------


def sql_literal(text: str) -> str:
    # '%' doubled: the SQL goes through the driver's parameter formatting (%s placeholders).
    return "'" + text.replace("'", "''").replace("%", "%%") + "'"


def sql_format(template: str, **expressions: str) -> str:
    """Return a SQL string expression rendering ``template`` with SQL ``expressions``."""
    parts = []
    for piece in re.split(r"(\{\w+\})", template):
        if not piece:
            continue
        if piece.startswith("{") and piece.endswith("}"):
            parts.append("(" + expressions[piece[1:-1]] + ")")
        else:
            parts.append(sql_literal(piece))
    return " || ".join(parts)


def sql_yuan(expr: str, vendor: str) -> str:
    """SQL of :func:`fmt_yuan` for a numeric expression already rounded to two decimals."""
    a = f"ABS({expr})"
    sign = f"CASE WHEN ({expr}) < 0 THEN '-' ELSE '' END"
    if vendor == "postgresql":
        whole = f"to_char(trunc({a}), 'FM999,999,999,990')"
        cents = f"(round({a} * 100)::bigint %% 100)"
        frac = f"CASE WHEN {cents} = 0 THEN '' ELSE '.' || lpad({cents}::text, 2, '0') END"
    else:
        whole = f"printf('%%,d', CAST({a} AS INTEGER))"
        cents = f"(CAST(ROUND({a} * 100) AS INTEGER) %% 100)"
        frac = f"CASE WHEN {cents} = 0 THEN '' ELSE printf('.%%02d', {cents}) END"
    return f"{sign} || {whole} || {frac}"


def sql_text(expr: str) -> str:
    return f"CAST({expr} AS TEXT)"


def sql_json_list(items: list[tuple[str, str]]) -> str:
    """A JSON array (as text) of the messages whose condition holds: ``[(cond, msg_sql)]``.

    The messages contain no quote or backslash, so they need no JSON escaping.
    """
    pieces = " || ".join(
        f"CASE WHEN {cond} THEN ',\"' || {msg} || '\"' ELSE '' END" for cond, msg in items
    )
    return f"'[' || SUBSTR({pieces}, 2) || ']'"


def value_labels(choices) -> list[tuple[str, str]]:
    """(value, Chinese label) pairs of a TextChoices class (labels as the messages use them)."""
    from django.utils import translation

    with translation.override("zh-hans"):
        return [(value, str(label)) for value, label in choices.choices]
