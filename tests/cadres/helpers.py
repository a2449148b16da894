"""Hand-built cadres and posts for the roster tests."""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal

from fupin.assistance.models import Cadre
from fupin.cadres.models import CadrePost

_seq = itertools.count(1)


def make_cadre(area: str, *, birth=None, education="bachelor", before=None, **extra) -> Cadre:
    n = next(_seq)
    return Cadre.objects.create(
        name=extra.pop("name", f"干部{n}"),
        area_id=area,
        unit=extra.pop("unit", "单位"),
        post=extra.pop("post", Cadre.Post.TOWNSHIP_CADRE),
        birth_date=birth,
        education=education,
        grassroots_years_before=None if before is None else Decimal(str(before)),
        **extra,
    )


def make_post(cadre, kind, area, start, end=None, **extra) -> CadrePost:
    return CadrePost.objects.create(
        cadre=cadre, kind=kind, area_id=area, start_date=start, end_date=end, **extra
    )


def born(age: int, on: datetime.date) -> datetime.date:
    """A birth date at which the person turns ``age`` exactly on ``on``."""
    return on.replace(year=on.year - age)
