"""The cells of an imported sheet, parsed: one parser per kind of cell, each with its message.

Every importer reads its cells through these parsers, so a blank required cell, a bad date or
an amount with three decimals earns the same reason whatever the format. A parser takes the
cell's text (already stripped, "" when blank) and returns the value, or raises
:class:`CellError` whose ``reason`` names what is wrong (the caller names the row and the
column, see :func:`row_message`). A blank cell is refused with :data:`MSG_REQUIRED` unless the
parser is given ``required=False``, when it yields ``blank``.

Amounts are yuan as :class:`~decimal.Decimal` quantized to the fen (never a float, so
``0.1 + 0.2`` yuan stays 0.30); the models store them so.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext_lazy as _

from . import idnumber

MSG_ROW = _("第%(row)s行“%(column)s”：%(reason)s")
MSG_PROBLEM = _("%(field)s：%(reason)s")
MSG_REQUIRED = _("不能为空")
MSG_CHOICE = _("“%(value)s”不是有效选项（可选：%(allowed)s）")
MSG_INTEGER = _("“%(value)s”应为整数")
MSG_TOO_LONG = _("最长%(max_length)s个字符（现为%(length)s个）")
MSG_DATE = _("“%(value)s”不是有效日期（应为 YYYY-MM-DD）")
MSG_DATE_FUTURE = _("日期不能晚于 %(today)s")
MSG_YEAR = _("“%(value)s”不是有效年度（应为四位数字）")
MSG_YEAR_FUTURE = _("年度不能晚于%(year)s年")
MSG_YEAR_PAST = _("年度不能早于%(year)s年")
MSG_AMOUNT = _("“%(value)s”不是有效金额（应为不小于 0、最多两位小数的数字）")
MSG_AMOUNT_POSITIVE = _("“%(value)s”不是有效金额（应为大于 0 的数字，最多两位小数）")

# The sheets' yes/no labels (file format, like the column headers).
YES_NO = {"是": True, "否": False}
FEN = Decimal("0.01")
MAX_AMOUNT = Decimal("1e12")


class CellError(ValueError):
    """A cell that does not parse; ``reason`` says why (a lazy or a plain string)."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason

    def __str__(self) -> str:
        return str(self.reason)


@dataclasses.dataclass(frozen=True)
class Problem:
    """One thing wrong with a row: the field (the column header) and the reason."""

    field: str
    reason: Any

    def __str__(self) -> str:
        return MSG_PROBLEM % {"field": self.field, "reason": self.reason}


def row_message(row: int, problem: Problem) -> str:
    """The message of a bad cell: its row, its column and the reason."""
    return MSG_ROW % {"row": row, "column": problem.field, "reason": problem.reason}


def _blank(required: bool, blank):
    if required:
        raise CellError(MSG_REQUIRED)
    return blank


def required(text: str) -> str:
    """A cell that must not be blank, as its text."""
    if not text:
        raise CellError(MSG_REQUIRED)
    return text


def text(value: str, *, max_length: int, required: bool = False) -> str:
    """Free text of at most ``max_length`` characters."""
    if not value:
        return _blank(required, "")
    if len(value) > max_length:
        raise CellError(MSG_TOO_LONG % {"max_length": max_length, "length": len(value)})
    return value


def choice(value: str, labels: Mapping[str, Any], *, allowed=None, required=True, blank=None):
    """One of ``labels`` (label → stored value); ``allowed`` is how the message lists them
    (default: every label)."""
    if not value:
        return _blank(required, blank)
    try:
        return labels[value]
    except KeyError:
        shown = "、".join(labels) if allowed is None else allowed
        raise CellError(MSG_CHOICE % {"value": value, "allowed": shown}) from None


def yes_no(value: str, *, required: bool = True, blank=None) -> bool | None:
    """是 or 否."""
    return choice(value, YES_NO, required=required, blank=blank)


def integer(value: str, *, required: bool = True, blank=None) -> int | None:
    """A whole number (``3`` or ``3.0``, as a spreadsheet may store it)."""
    if not value:
        return _blank(required, blank)
    try:
        number = Decimal(value)
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or number != number.to_integral_value():
        raise CellError(MSG_INTEGER % {"value": value})
    return int(number)


def year(value: str, *, first: int | None = None, last: int | None = None, required=True):
    """A four-digit year, from ``first`` to ``last`` when given."""
    if not value:
        return _blank(required, None)
    try:
        number = Decimal(value)
    except InvalidOperation:
        number = None
    if (
        number is None
        or not number.is_finite()
        or number != number.to_integral_value()
        or not 1000 <= number <= 9999
    ):
        raise CellError(MSG_YEAR % {"value": value})
    result = int(number)
    if last is not None and result > last:
        raise CellError(MSG_YEAR_FUTURE % {"year": last})
    if first is not None and result < first:
        raise CellError(MSG_YEAR_PAST % {"year": first})
    return result


def date(value: str, *, latest: datetime.date | None = None, required=True, blank=None):
    """A day as YYYY-MM-DD (also YYYY/MM/DD and YYYY.MM.DD), not after ``latest``."""
    if not value:
        return _blank(required, blank)
    try:
        day = datetime.date.fromisoformat(value.replace("/", "-").replace(".", "-")[:10])
    except ValueError:
        raise CellError(MSG_DATE % {"value": value}) from None
    if latest is not None and day > latest:
        raise CellError(MSG_DATE_FUTURE % {"today": latest.isoformat()})
    return day


def amount(
    value: str,
    *,
    positive: bool = False,
    maximum: Decimal = MAX_AMOUNT,
    required: bool = True,
    blank=None,
) -> Decimal | None:
    """An amount of yuan with at most two decimals (thousands separators allowed), ≥ 0 or,
    with ``positive``, > 0, below ``maximum``; a Decimal to the fen."""
    if not value:
        return _blank(required, blank)
    message = MSG_AMOUNT_POSITIVE if positive else MSG_AMOUNT
    try:
        number = Decimal(value.replace(",", ""))
    except InvalidOperation:
        raise CellError(message % {"value": value}) from None
    if (
        not number.is_finite()
        or number < 0
        or (positive and number == 0)
        or number >= maximum
        or number != number.quantize(FEN)
    ):
        raise CellError(message % {"value": value})
    return number.quantize(FEN)


def id_number(value: str, *, today: datetime.date, required: bool = True):
    """A citizen ID number (GB 11643, checked by :mod:`fupin.core.idnumber`), as its
    :class:`~fupin.core.idnumber.IdInfo`."""
    if not value:
        return _blank(required, None)
    try:
        return idnumber.parse_id_number(value, today=today)
    except idnumber.IdNumberError as error:
        raise CellError(error.args[0]) from None


class Cells:
    """One row's cells (column → text) and the problems found while parsing them."""

    def __init__(self, row: Mapping[str, str]):
        self.row = row
        self.problems: list[Problem] = []

    def __call__(self, column: str, parser: Callable, *args, **kwargs):
        """Parse the cell of ``column`` with ``parser``; ``None`` (and a problem) if it fails."""
        try:
            return parser(self.row[column], *args, **kwargs)
        except CellError as error:
            self.problems.append(Problem(column, error.reason))
            return None

    def add(self, column: str, reason) -> None:
        self.problems.append(Problem(column, reason))

    def messages(self, row: int) -> list[str]:
        return [row_message(row, p) for p in self.problems]
