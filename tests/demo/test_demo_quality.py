"""The demo's department lists: about 1–2 % of households flagged, every flag from the matching."""

import pytest
from django.db.models import Sum

from fupin.quality.models import DepartmentList, Flag, ListKind
from fupin.registry.models import Household, Member
from tests.demo.snapshots import snapshot_part

pytestmark = pytest.mark.django_db


@snapshot_part("quality")
def _snapshot():
    # By the persons' ID numbers, not match_key: a duplicate's key holds the members' row ids,
    # which a rebuild renumbers.
    fields = ("kind", "rule_code", "household__number", "member__id_number")
    fields += ("other_member__id_number", "reason")
    return {"flags": list(Flag.objects.order_by(*fields).values_list(*fields))}


def test_the_lists_flag_one_to_two_percent_of_households(demo):
    kinds = set(DepartmentList.objects.values_list("kind", flat=True))
    assert kinds == {ListKind.DEATHS, ListKind.VEHICLES, ListKind.PAYROLL}
    flagged = Flag.objects.filter(kind=Flag.Kind.COMPARISON).values("household").distinct()
    share = flagged.count() / Household.objects.count()
    assert 0.01 <= share <= 0.02, share


def test_every_flag_comes_from_a_list_row_about_a_registered_member(demo):
    flags = Flag.objects.filter(kind=Flag.Kind.COMPARISON).select_related("list_row", "member")
    assert flags.count() == DepartmentList.objects.aggregate(n=Sum("flags_created"))["n"]
    for flag in flags:
        assert flag.list_row.id_normalized == flag.member.id_number
        assert flag.member.household_id == flag.household_id
        assert flag.reason.startswith(flag.list_row.detail)
    # Each list also names persons outside the registry: reported, never flagged.
    assert all(lst.unmatched >= 1 for lst in DepartmentList.objects.all())
    assert Member.objects.exists()
