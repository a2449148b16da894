"""The reasons of the assessment, in numbers (docs/domain.md §3.3: every result says *why*).

The messages are module constants so tests assert them, and so the SQL of
:mod:`fupin.assessment.services` renders exactly the same text (:func:`sql_format` turns a
template into a SQL string expression). Numbers of yuan read like ``2,610`` (whole) or
``2,610.50``; percentages with two decimals (``3.40%``); thresholds without trailing zeros
(``3%``).
"""

from __future__ import annotations

import re
from decimal import Decimal

# Households (人脱贫). 两不愁 (food and clothing) is judged by the income: it holds when the
# per-capita net income is above the line, so it fails with the income reason only.
MSG_INCOME_BELOW = "人均纯收入 {income} 元 < {line} 元"
MSG_INCOME_NOT_ABOVE = "人均纯收入 {income} 元，未高于 {line} 元"
MSG_NO_INCOME = "缺少 {year} 年收入数据"
MSG_NO_LINE = "缺少 {year} 年贫困线（{standard}）"
MSG_EDUCATION = "适龄儿童 {count} 人未在校"
MSG_MEDICAL = "{count} 人未参加基本医疗保险"
MSG_HOUSING = "住房为危房"
MSG_WATER = "饮水不安全"

# Villages (贫困村出列) and counties (贫困县摘帽).
MSG_VILLAGE_INCIDENCE = "贫困发生率 {incidence}% ≥ {limit}%"
MSG_NO_POPULATION = "缺少农村人口数据"
MSG_COUNTY_INCIDENCE = "综合贫困发生率 {incidence}% ≥ {limit}%"
MSG_MISSED = "漏评率 {rate}% ≥ {limit}%"
MSG_WRONG_EXIT = "错退率 {rate}% ≥ {limit}%"
MSG_APPROVAL = "群众认可度 {rate}% ≤ {limit}%"
MSG_NO_CHECK = "缺少抽查评估数据"

# Monitoring (防止返贫监测).
MSG_UNSTABLE = "人均纯收入 {income} 元 < 监测线 {threshold} 元（贫困线 {line} 元 × {ratio}）"
MSG_SUDDEN = "人均纯收入由 {previous} 元降至 {income} 元，降幅 {share}%"
MSG_CLEARED = "{year} 年人均纯收入 {income} 元 > 贫困线 {line} 元，且三保障达标"


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
