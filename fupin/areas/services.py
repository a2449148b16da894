"""Writes of areas: loading division files (NBS format ``code,name,level,parent_code``)."""

from __future__ import annotations

import csv
import dataclasses
import gzip
import io
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

from django.db import connection, transaction
from django.utils.translation import gettext_lazy as _

from fupin.core import mongolian

from .models import LEVEL_DIGITS, Area, Level, is_rural_code

HINGGAN_DIVISIONS = Path(__file__).with_name("data") / "hinggan-2023.csv"
HEADER = ["code", "name", "level", "parent_code"]
# An optional fifth column: the name in Mongolian script (fupin.core.mongolian checks it).
NAME_MN = "name_mn"
BATCH = 5000

MSG_HEADER = _("文件表头应为 %(expected)s，实为 %(actual)s")
MSG_CODE = _("第%(row)s行：字段“code”：区划代码“%(code)s”应为2、4、6、9或12位数字")
MSG_LEVEL = _(
    "第%(row)s行：字段“level”：级别“%(level)s”与%(digits)s位代码不符（应为“%(expected)s”）"
)
MSG_NAME = _("第%(row)s行：字段“name”：名称为空")
MSG_PARENT = _("第%(row)s行：字段“parent_code”：上级代码“%(parent)s”不是代码“%(code)s”的前缀")
MSG_PARENT_MISSING = _(
    "第%(row)s行：字段“parent_code”：上级区划“%(parent)s”不在文件中，也不在数据库中"
)
MSG_DUPLICATE = _("第%(row)s行：字段“code”：区划代码“%(code)s”在文件中重复")
MSG_NAME_MN = _("第%(row)s行：字段“name_mn”：%(reason)s")


class AreaFileError(ValueError):
    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors[:20]))
        self.errors = errors


@dataclasses.dataclass
class LoadResult:
    rows: int
    created: int
    updated: int


def _open_text(path: Path) -> io.TextIOBase:
    if path.suffix == ".gz":
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8-sig", newline="")
    return open(path, encoding="utf-8-sig", newline="")


def read_division_file(
    path: Path, *, within: str | None = None
) -> list[tuple[str, str, str, str | None]]:
    """Read and check a division file; raise :class:`AreaFileError` listing every bad row.

    Each row is ``(code, name, level, parent)``, or with the optional ``name_mn`` column
    ``(code, name, level, parent, name_mn)`` (normalised Mongolian script).

    ``within`` (a code, e.g. ``"15"``) keeps only that area, the areas under it and its
    ancestors (their parents must exist), so one province can be loaded from the all-China
    file; every row of the file is still checked.
    """
    with _open_text(Path(path)) as handle:
        reader = csv.reader(handle)
        header = next(reader, [])
        headers = [h.strip() for h in header]
        with_mn = headers == [*HEADER, NAME_MN]
        if headers != HEADER and not with_mn:
            raise AreaFileError(
                [MSG_HEADER % {"expected": ",".join(HEADER), "actual": ",".join(header)}]
            )
        rows: list[tuple] = []
        errors = []
        seen: set[str] = set()
        digit_levels = {digits: level for level, digits in LEVEL_DIGITS.items()}
        for number, record in enumerate(reader, start=2):
            code, name, level, parent, name_mn = (list(record) + ["", "", "", "", ""])[:5]
            code, name, level, parent = code.strip(), name.strip(), level.strip(), parent.strip()
            extra: tuple[str, ...] = ()
            if with_mn:
                name_mn, reason = mongolian.check(name_mn)
                if reason:
                    errors.append(MSG_NAME_MN % {"row": number, "reason": reason})
                extra = (name_mn,)
            if not code.isdigit() or len(code) not in digit_levels:
                errors.append(MSG_CODE % {"row": number, "code": code})
                continue
            expected = digit_levels[len(code)]
            if level != expected:
                errors.append(
                    MSG_LEVEL
                    % {"row": number, "level": level, "digits": len(code), "expected": expected}
                )
            if not name:
                errors.append(MSG_NAME % {"row": number})
            if parent and not code.startswith(parent):
                errors.append(MSG_PARENT % {"row": number, "parent": parent, "code": code})
            if code in seen:
                errors.append(MSG_DUPLICATE % {"row": number, "code": code})
            seen.add(code)
            rows.append((code, name, level, parent or None, *extra, number))
    missing = {row[3] for row in rows if row[3] and row[3] not in seen}
    if missing:
        known = set(Area.objects.filter(code__in=missing).values_list("code", flat=True))
        for row in rows:
            row_parent, number = row[3], row[-1]
            if row_parent in missing and row_parent not in known:
                errors.append(MSG_PARENT_MISSING % {"row": number, "parent": row_parent})
    if errors:
        raise AreaFileError(errors)
    if within:
        return [row[:-1] for row in rows if row[0].startswith(within) or within.startswith(row[0])]
    return [row[:-1] for row in rows]


def _batches(items: list, size: int) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@transaction.atomic
def areas_load(*, path: Path, progress=None, within: str | None = None) -> LoadResult:
    """Load (insert or update) every division of a file, all or nothing.

    One ``INSERT … ON CONFLICT (code) DO UPDATE`` per batch of rows: the whole of China
    (665,276 rows) loads in seconds. ``participates`` is set for new rows only (rural
    villages and every level above), so a deployment's own choice survives a reload.
    ``within`` loads only one area and what lies under it (see :func:`read_division_file`).
    A file with the ``name_mn`` column sets the Mongolian names; one without keeps them.
    """
    rows = read_division_file(path, within=within)
    with_mn = bool(rows) and len(rows[0]) == 5
    before = Area.objects.count()
    table = Area._meta.db_table
    sql = (
        f"INSERT INTO {table} (code, name, level, parent_id, participates, name_mn) "
        "VALUES (%s, %s, %s, %s, %s, %s) "
        "ON CONFLICT (code) DO UPDATE SET name = excluded.name, level = excluded.level, "
        "parent_id = excluded.parent_id" + (", name_mn = excluded.name_mn" if with_mn else "")
    )
    with connection.cursor() as cursor:
        for batch in _batches(rows, BATCH):
            cursor.executemany(
                sql,
                [
                    (
                        code,
                        name,
                        level,
                        parent,
                        level != Level.VILLAGE or is_rural_code(code),
                        rest[0] if rest else "",
                    )
                    for code, name, level, parent, *rest in batch
                ],
            )
            if progress:
                progress(len(batch))
    after = Area.objects.count()
    return LoadResult(rows=len(rows), created=after - before, updated=len(rows) - (after - before))


def areas_load_hinggan() -> LoadResult:
    return areas_load(path=HINGGAN_DIVISIONS)


# -- locations (``fupin areas locate FILE.csv``) ------------------------------------------------

LOCATION_HEADER = ["code", "lat", "lon"]
MSG_LOCATION_HEADER = _("文件表头应为 %(expected)s，实为 %(actual)s")
MSG_LOCATION_UNKNOWN = _("第%(row)s行：字段“code”：区划“%(code)s”不存在")
MSG_LOCATION_NUMBER = _(
    "第%(row)s行：字段“%(field)s”：“%(value)s”不是 %(low)s 至 %(high)s 之间的度数"
)


@dataclasses.dataclass
class LocateResult:
    rows: int


def _degrees(value: str, low: int, high: int) -> Decimal | None:
    try:
        number = Decimal(value.strip())
    except (InvalidOperation, AttributeError):
        return None
    if not number.is_finite() or not low <= number <= high:
        return None
    return number.quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)


def read_location_file(path: Path) -> list[tuple[str, Decimal, Decimal]]:
    """Read and check a location file (``code,lat,lon``, WGS-84 degrees); raise
    :class:`AreaFileError` listing every bad row with its field and reason."""
    with _open_text(Path(path)) as handle:
        reader = csv.reader(handle)
        header = next(reader, [])
        if [h.strip() for h in header] != LOCATION_HEADER:
            raise AreaFileError(
                [
                    MSG_LOCATION_HEADER
                    % {"expected": ",".join(LOCATION_HEADER), "actual": ",".join(header)}
                ]
            )
        rows: list[tuple[str, Decimal, Decimal, int]] = []
        errors: list[str] = []
        seen: set[str] = set()
        for number, record in enumerate(reader, start=2):
            code, lat, lon = ([c.strip() for c in record] + ["", "", ""])[:3]
            if not code.isdigit() or len(code) not in LEVEL_DIGITS.values():
                errors.append(MSG_CODE % {"row": number, "code": code})
                continue
            if code in seen:
                errors.append(MSG_DUPLICATE % {"row": number, "code": code})
            seen.add(code)
            point = []
            for field, value, bound in (("lat", lat, 90), ("lon", lon, 180)):
                degrees = _degrees(value, -bound, bound)
                if degrees is None:
                    errors.append(
                        MSG_LOCATION_NUMBER
                        % {
                            "row": number,
                            "field": field,
                            "value": value,
                            "low": -bound,
                            "high": bound,
                        }
                    )
                point.append(degrees)
            if point[0] is not None and point[1] is not None:
                rows.append((code, point[0], point[1], number))
    known = set(Area.objects.filter(code__in=[r[0] for r in rows]).values_list("code", flat=True))
    errors += [
        MSG_LOCATION_UNKNOWN % {"row": number, "code": code}
        for code, _lat, _lon, number in rows
        if code not in known
    ]
    if errors:
        raise AreaFileError(errors)
    return [row[:3] for row in rows]


def areas_set_locations(points: Iterable[tuple[str, Decimal, Decimal]]) -> int:
    """Write the locations of areas that exist (one UPDATE per batch of rows)."""
    table = Area._meta.db_table
    sql = f"UPDATE {table} SET lat = %s, lon = %s WHERE code = %s"
    count = 0
    with connection.cursor() as cursor:
        for batch in _batches(list(points), BATCH):
            cursor.executemany(sql, [(str(lat), str(lon), code) for code, lat, lon in batch])
            count += len(batch)
    return count


@transaction.atomic
def areas_locate(*, path: Path) -> LocateResult:
    """Load the locations of areas (the villages' for the check-in geofence), all or nothing."""
    rows = read_location_file(path)
    areas_set_locations(rows)
    return LocateResult(rows=len(rows))
