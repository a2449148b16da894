"""The compliance page as an .xlsx: one sheet of late organisations, one of absences."""

from __future__ import annotations

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from fupin.core.sheets import workbook_bytes


def compliance_xlsx(result, area) -> bytes:
    book = Workbook()
    late = book.active
    late.title = _("未按期开会")
    late.append([_("区划代码"), _("党组织"), _("组织类别"), _("会议类别"), _("应开期间")])
    for item in result.late:
        org = item.organization
        for period in item.missing:
            late.append(
                [org.area_id, org.name, org.get_kind_display(), period.kind_label, period.label]
            )
    absent = book.create_sheet(_("缺席党员"))
    absent.append(
        [
            _("区划代码"),
            _("党组织"),
            _("会议日期"),
            _("会议类别"),
            _("党员"),
            _("缺席原因"),
            _("说明"),
        ]
    )
    for a in result.absences:
        absent.append(
            [
                a.area_id,
                a.meeting.organization.name,
                a.meeting.held_on,
                a.meeting.get_kind_display(),
                a.member.name,
                a.get_reason_display(),
                a.note,
            ]
        )
    for sheet in (late, absent):
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.column_dimensions["B"].width = 28
    return workbook_bytes(book)
