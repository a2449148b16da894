"""Reads of the comparison: the lists a user may see, a list's unmatched rows, the flags."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.db.models.functions import Substr

from fupin.core.sheets import write_workbook
from fupin.registry.models import Member

from . import comparison
from .models import DepartmentList, Flag, ListRow

UNMATCHED_LIMIT = 500


def lists(user) -> QuerySet[DepartmentList]:
    return DepartmentList.objects.accessible_to(user).select_related("imported_by")


def unmatched_rows(department_list: DepartmentList) -> QuerySet[ListRow]:
    """The list's rows naming nobody of the registry within the list's area (reported in the
    import's summary; they raise nothing)."""
    members = Member.objects.within(department_list.scope_code)
    by_id = members.filter(id_number=OuterRef("id_normalized"))
    by_person = members.annotate(county=Substr("village_id", 1, 6)).filter(
        name=OuterRef("name"), birth_date=OuterRef("birth_date"), county=OuterRef("county_code")
    )
    return (
        ListRow.objects.filter(department_list=department_list)
        .exclude(id_normalized="")
        .exclude(Exists(by_id))
        .union(
            ListRow.objects.filter(department_list=department_list, id_normalized="").exclude(
                Exists(by_person)
            )
        )
        .order_by("row")
    )


def unmatched_workbook(department_list: DepartmentList) -> bytes:
    """The unmatched rows as the list wrote them (row number first), as an .xlsx."""
    columns = comparison.list_columns(department_list.kind)
    fields = {
        comparison.COL_ID: "id_number",
        comparison.COL_NAME: "name",
        comparison.COL_BIRTH: "birth_date",
        comparison.COL_COUNTY: "county_code",
        comparison.COL_DEATH: "death_date",
        comparison.COL_VEHICLE: "vehicle_type",
        comparison.COL_PLATE: "plate",
        comparison.COL_AREA: "floor_area",
        comparison.COL_USE: "house_use",
        comparison.COL_COMPANY: "company",
        comparison.COL_CAPITAL: "capital",
        comparison.COL_EMPLOYER: "employer",
        comparison.COL_WAGE: "monthly_wage",
    }
    rows = [["行号", *columns]]
    for row in unmatched_rows(department_list).iterator():
        values = [getattr(row, fields[c]) for c in columns]
        rows.append([row.row, *("" if v is None else v for v in values)])
    return write_workbook(rows, title="未比中")


def flags(user, code: str = "", status: str = Flag.Status.OPEN) -> QuerySet[Flag]:
    """The flags of area ``code`` in the user's scope (``status`` "": every one)."""
    # The household's own bounds, not only the join on the village: PostgreSQL then reads the
    # county's partitions only, whatever join it picks (docs/scale.md).
    found = (
        Flag.objects.accessible_to(user)
        .within(code)
        .co_located("household")
        .accessible_to(user, "household__village_id")
        .within(code, "household__village_id")
    )
    if status:
        found = found.filter(status=status)
    # The member is a nullable key: a join would be an outer one, which cannot carry the
    # partition key (docs/scale.md); a second query within the same area can.
    members = Member.objects.accessible_to(user).within(code)
    return found.select_related(
        "household", "village", "list_row__department_list"
    ).prefetch_related(Prefetch("member", queryset=members))
