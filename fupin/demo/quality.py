"""The demo's department lists: realistic errors in about 1.5 % of households, revealed by
lists from other departments (docs/data-quality.md).

About one household in 67 (drawn from the seed) has a member on a list: mostly a civil affairs deaths
list, then a vehicles list (cars and lorries; some farm vehicles that break no rule) and a few
public salaries. Each list also carries persons who are not in the registry (reported as
unmatched), and some rows written as departments write them: 15-digit IDs, a lowercase x.
Nothing in the registry changes: the rows are about existing members, written and matched by
the import's own write (:func:`fupin.quality.services.list_import`'s), so the flags come from
the matching. Rows are inserted in bulk; the matching is one statement per rule.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import random

from fupin.core.clock import as_of
from fupin.core.idnumber import make_id_number
from fupin.quality import comparison, services
from fupin.quality.models import LIST_NAMES, DepartmentList, Flag, ListKind, ListRow
from fupin.registry.models import Household, Member

LEAGUE = "1522"
EVERY = 67  # one household in EVERY has a member on a list
LISTS = (
    # kind, source, list date, share of the picked members
    (ListKind.DEATHS, "民政部门", datetime.date(2017, 3, 31), 0.55),
    (ListKind.VEHICLES, "公安交管部门", datetime.date(2017, 4, 30), 0.35),
    (ListKind.PAYROLL, "财政部门", datetime.date(2017, 5, 31), 0.10),
)
CARS = ("小型轿车", "小型越野客车", "中型货车", "小型普通客车")
FARM = ("拖拉机", "三轮汽车", "摩托车")
EMPLOYERS = ("中心校", "卫生院", "林业站", "农牧业服务中心")


@dataclasses.dataclass
class QualityResult:
    lists: int = 0
    rows: int = 0
    flags: int = 0


def demo_quality_reset() -> None:
    for qs in (
        Flag.history.model._base_manager.filter(kind=Flag.Kind.COMPARISON),
        Flag._base_manager.filter(kind=Flag.Kind.COMPARISON),
        ListRow._base_manager.all(),
        DepartmentList._base_manager.all(),
    ):
        qs._raw_delete(qs.db)


def _row(kind: str, number: int, id_raw: str, normalized: str, name: str, birth, **values):
    v = {
        "death_date": None,
        "vehicle_type": "",
        "plate": "",
        "floor_area": None,
        "house_use": "",
        "company": "",
        "capital": None,
        "employer": "",
        "monthly_wage": None,
        **values,
    }
    detail, identifying = comparison.describe(kind, v)
    return {
        "row": number,
        "id_number": id_raw,
        "id_normalized": normalized,
        "name": name,
        "birth_date": birth,
        "county_code": normalized[:6],
        **v,
        "detail": detail,
        "match_key": comparison.match_key(kind, normalized, *identifying),
    }


def _as_written(rng: random.Random, number: str) -> str:
    """An ID number as a department may write it: 15 digits (born in the 1900s), a
    lowercase x, or as registered."""
    if rng.random() < 0.1 and number[6:8] == "19":
        return number[:6] + number[8:17]
    if number.endswith("X") and rng.random() < 0.5:
        return number[:17] + "x"
    return number


def demo_quality(*, seed: int, progress=None) -> QualityResult:
    rng = random.Random(seed * 7919 + 19)
    # Drawn by household number: the ids of a rebuilt demo are new ones (SQLite never reuses
    # an id), its numbers are the same.
    numbers = Household.objects.order_by("number").values_list("id", flat=True)
    picked = [pk for pk in numbers.iterator() if rng.random() < 1 / EVERY]
    members = list(
        Member.objects.filter(household_id__in=picked)
        .order_by("household__number", "id_number")
        .values_list("household_id", "id_number", "name", "birth_date", "village_id")
    )
    one: dict[int, tuple] = {}
    for household, *person in members:
        if household not in one or rng.random() < 0.3:
            one[household] = tuple(person)
    people = [one[h] for h in picked if h in one]
    rng.shuffle(people)
    result = QualityResult()
    today = as_of()
    start = 0
    for i, (kind, source, list_date, share) in enumerate(LISTS):
        count = len(people) - start if i == len(LISTS) - 1 else round(len(people) * share)
        chosen, start = people[start : start + count], start + count
        rows = []
        for number, (id_number, name, birth, _village) in enumerate(chosen, start=2):
            written = _as_written(rng, id_number)
            if kind == ListKind.DEATHS:
                died = list_date - datetime.timedelta(days=rng.randint(20, 300))
                values = {"death_date": died}
            elif kind == ListKind.VEHICLES:
                plate = f"蒙K{rng.randint(10000, 99999)}"
                values = {"vehicle_type": rng.choice(FARM if rng.random() < 0.3 else CARS)}
                values["plate"] = plate
            else:
                values = {"employer": f"某镇{rng.choice(EMPLOYERS)}", "monthly_wage": None}
            rows.append(_row(kind, number, written, id_number, name, birth, **values))
        # Persons of the department's own records who are not in the registry.
        for extra in range(max(1, len(chosen) // 8)):
            birth = datetime.date(1950 + rng.randint(0, 40), rng.randint(1, 12), rng.randint(1, 28))
            number = make_id_number("152223", birth, 900 + extra, "M")
            values = (
                {"death_date": list_date - datetime.timedelta(days=40)}
                if kind == ListKind.DEATHS
                else {"vehicle_type": CARS[0], "plate": f"蒙K{extra:05d}"}
                if kind == ListKind.VEHICLES
                else {"employer": "某镇中心校"}
            )
            rows.append(_row(kind, len(rows) + 2, number, number, "非建档人员", birth, **values))
        digest = hashlib.sha256(f"demo-{seed}-{kind}".encode()).hexdigest()
        department_list, counts = services.write_list(
            actor=None,
            kind=kind,
            scope_code=LEAGUE,
            source=source,
            list_date=list_date,
            file_name=f"{source}{LIST_NAMES[kind]}{list_date:%Y%m}.xlsx",
            digest=digest,
            rows=rows,
            today=today,
        )
        result.lists += 1
        result.rows += len(rows)
        result.flags += counts["flags_created"]
    if progress:
        progress(f"部门比对名单：{result.lists} 份，{result.rows} 行，疑点 {result.flags} 个")
    return result
