"""Cadres for the assistance tests."""

from __future__ import annotations

import datetime
import itertools

from fupin.assistance.models import Cadre

_seq = itertools.count(1)


def make_cadre(area: str, *, post=Cadre.Post.DEPARTMENT_CADRE, **fields) -> Cadre:
    n = next(_seq)
    return Cadre.objects.create(
        name=fields.pop("name", f"干部{n}"),
        area_id=area,
        unit=fields.pop("unit", "扎赉特旗农牧局"),
        post=post,
        phone=fields.pop("phone", f"1390000{n:04d}"),
        **fields,
    )


START = datetime.date(2017, 1, 1)
