"""Importing a round's survey answers from a spreadsheet, all or nothing (docs/counties.md).

The file is the round's sample list as :func:`export_workbook` writes it: one row per sampled
household, keyed by 序号 (its place in the draw), with 户编号 (checked when given), 户主姓名 and
住址 (a non-registered household's, as the assessors found it), then the answers 应纳入建档立卡,
真实脱贫 and 满意 (是, 否 or empty) and 备注. Every row is checked before anything is written;
one bad row refuses the file, and the error workbook (fupin.core.sheets) names each row, column
and reason. Rows whose answers are unchanged are not written, so a second import of the same
file changes nothing.
"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from fupin.accounts.actions import Action, allowed
from fupin.core import cells
from fupin.core.cells import Cells
from fupin.core.sheets import ImportResult, sheet_rows, write_workbook

from . import services
from .models import AssessmentRound, SampledHousehold

COL_POSITION = "序号"
COL_VILLAGE = "嘎查村"
COL_STRATUM = "抽样类别"
COL_NUMBER = "户编号"
COL_NAME = "户主姓名"
COL_ADDRESS = "住址"
COL_SHOULD = "应纳入建档立卡"
COL_OUT = "真实脱贫"
COL_SATISFIED = "满意"
COL_NOTE = "备注"
COLUMNS = [
    COL_POSITION,
    COL_VILLAGE,
    COL_STRATUM,
    COL_NUMBER,
    COL_NAME,
    COL_ADDRESS,
    COL_SHOULD,
    COL_OUT,
    COL_SATISFIED,
    COL_NOTE,
]
REQUIRED = [COL_POSITION, COL_SHOULD, COL_OUT, COL_SATISFIED]
SHEET = "抽样户"

MSG_NOT_ALLOWED = _("您没有导入第三方评估调查结果的权限")
MSG_POSITION = _("序号“%(value)s”不在本次评估的样本中")
MSG_NUMBER = _("户编号“%(value)s”与该序号的抽样户（%(expected)s）不符")
MSG_DUPLICATE = _("与第%(first)s行重复（同一序号）")
MSG_ONLY_NON_REGISTERED = _("只有非建档立卡户填写此项")
MSG_ONLY_EXITED = _("只有已脱贫户填写此项")
MSG_NAME = _("非建档立卡户填写调查结果时须填写户主姓名")
MAX_NAME = 50
MAX_ADDRESS = 200
MAX_NOTE = 200


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("是" if value else "否")


def export_rows(round_: AssessmentRound):
    samples = (
        SampledHousehold.objects.filter(round=round_)
        .select_related("village", "household")
        .order_by("position")
    )
    labels = dict(SampledHousehold.Stratum.choices)
    for s in samples.iterator(chunk_size=2000):
        yield [
            s.position,
            s.village.name,
            str(labels[s.stratum]),
            s.household.number if s.household else "",
            s.household.head_name if s.household else s.name,
            s.address,
            _yes_no(s.should_register),
            _yes_no(s.truly_out),
            _yes_no(s.satisfied),
            s.note,
        ]


def export_workbook(round_: AssessmentRound) -> bytes:
    """The round's sample list in the import format: filled in, it imports back."""
    return write_workbook([COLUMNS, *export_rows(round_)], title=SHEET, bold_header=True)


def import_answers(path, *, actor, round_: AssessmentRound) -> ImportResult:
    """Check and (if every row is good) write the answers of ``path``; see the module doc."""
    if not allowed(actor, Action.THIRD_PARTY_ASSESS, round_.county_id):
        raise PermissionDenied(MSG_NOT_ALLOWED)
    result = ImportResult(filename=Path(path).name, year=round_.year, kind="third-party")
    rows = sheet_rows(path, result, key=COL_POSITION, columns=COLUMNS, required=REQUIRED)
    if rows is None:
        return result
    samples = {
        s.position: s
        for s in SampledHousehold.objects.filter(round=round_).select_related("household")
    }
    Stratum = SampledHousehold.Stratum
    seen: dict[int, int] = {}
    parsed: list[tuple[int, dict]] = []
    for number, r in rows:
        cell = Cells(r)
        position = cell(COL_POSITION, cells.integer)
        should = cell(COL_SHOULD, cells.yes_no, required=False)
        out = cell(COL_OUT, cells.yes_no, required=False)
        satisfied = cell(COL_SATISFIED, cells.yes_no, required=False)
        name = cell(COL_NAME, cells.text, max_length=MAX_NAME)
        address = cell(COL_ADDRESS, cells.text, max_length=MAX_ADDRESS)
        note = cell(COL_NOTE, cells.text, max_length=MAX_NOTE)
        sample = samples.get(position) if position is not None else None
        if position is not None and sample is None:
            cell.add(COL_POSITION, MSG_POSITION % {"value": r[COL_POSITION]})
        elif position is not None:
            first = seen.setdefault(position, number)
            if first != number:
                cell.add(COL_POSITION, MSG_DUPLICATE % {"first": first})
        if sample is not None:
            given = r[COL_NUMBER]
            expected = sample.household.number if sample.household else ""
            if given and given != expected:
                cell.add(COL_NUMBER, MSG_NUMBER % {"value": given, "expected": expected or "—"})
            if sample.stratum != Stratum.NON_REGISTERED and should is not None:
                cell.add(COL_SHOULD, MSG_ONLY_NON_REGISTERED)
            if sample.stratum != Stratum.EXITED and out is not None:
                cell.add(COL_OUT, MSG_ONLY_EXITED)
            answered = any(v is not None for v in (should, out, satisfied))
            if sample.stratum == Stratum.NON_REGISTERED and answered and not name:
                cell.add(COL_NAME, MSG_NAME)
        if cell.problems:
            result.refuse(number, cell.messages(number))
            continue
        values = {"should_register": should, "truly_out": out, "satisfied": satisfied}
        values["note"] = note or ""
        if sample.stratum == Stratum.NON_REGISTERED:
            values["name"] = name or ""
            values["address"] = address or sample.address
        if sample.answered_on is None and not any(v is not None for v in (should, out, satisfied)):
            continue  # a row not yet surveyed
        parsed.append((position, values))
    if result.errors:
        return result
    try:
        changed = services.answers_import(
            actor=actor, round_=round_, rows=parsed, filename=result.filename
        )
    except ValidationError as error:
        result.refuse(1, error.messages)
        return result
    result.counts = {"answered": changed}
    result.ok = True
    return result
