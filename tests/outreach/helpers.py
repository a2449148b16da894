"""Hand-built outreach data: cadres, a leader's link, and spreadsheets of rows."""

from __future__ import annotations

import datetime

import openpyxl

from fupin.assistance.models import Cadre, Link
from fupin.outreach.importing import COLUMNS
from tests.factories import CHANGFA, HADANALA, YINDEER

OTHER_TOWNSHIP = HADANALA[:9]


def cadre(name="王领导", area=YINDEER, post=Cadre.Post.COUNTY_LEADER, id_number=""):
    return Cadre.objects.create(
        name=name, area_id=area, unit="旗委", post=post, id_number=id_number
    )


def leader_link(who, area=YINDEER, start=datetime.date(2016, 1, 1)):
    return Link.objects.create(
        kind=Link.Kind.LEADER_TOWNSHIP, area_id=area, cadre=who, start_date=start
    )


def xlsx(tmp_path, kind, rows, name=None, header=None):
    path = tmp_path / (name or f"{kind}.xlsx")
    book = openpyxl.Workbook()
    book.active.append(header or COLUMNS[kind])
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


__all__ = ["CHANGFA", "HADANALA", "OTHER_TOWNSHIP", "YINDEER", "cadre", "leader_link", "xlsx"]
