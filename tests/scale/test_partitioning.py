"""The helpers of the national layout (fupin.areas.partitioning) and the county key that the
scoped queries carry, on any database (tests/scale/test_partition_keys.py runs the layout
itself on PostgreSQL)."""

import pytest

from fupin.areas import partitioning
from fupin.areas.partitioning import (
    DEFAULT,
    PARTITIONED_TABLES,
    county_bounds,
    partition_county,
    partition_name,
    partitions_ddl,
)
from fupin.areas.scope import CO_LOCATED_TABLES, prefix_upper_bound
from fupin.registry.models import Household, Member, StatusRecord
from tests.factories import make_household


def test_county_bounds_are_the_scope_range():
    assert county_bounds("152223") == ("152223", "152224")
    assert county_bounds("152229") == ("152229", "15222:")
    low, high = county_bounds("152223")
    assert (low, high) == ("152223", prefix_upper_bound("152223"))
    # Every village of the county and only those lie in [low, high).
    assert low <= "152223100234" < high
    assert low <= "152223999999" < high
    assert not (low <= "152222999999" < high)
    assert not (low <= "152224000000" < high)


@pytest.mark.parametrize("bad", ["1522", "1522231", "15222a", "", None, 152223])
def test_county_bounds_refuse_what_is_not_a_county(bad):
    with pytest.raises(ValueError):
        county_bounds(bad)


def test_partition_names_go_both_ways():
    assert partition_name("registry_member", "152223") == "registry_member_p152223"
    assert partition_name("registry_member", DEFAULT) == "registry_member_pdefault"
    assert partition_county("registry_member_p152223") == "152223"
    assert partition_county("registry_member_pdefault") == DEFAULT
    assert partition_county("registry_member") is None
    assert partition_county("registry_yearfact") is None
    assert partition_county("areas_area") is None


def test_partitions_ddl_one_per_county_and_a_default():
    ddl = partitions_ddl("registry_household", ["152224", "152223", "152223"])
    assert ddl == [
        'CREATE TABLE "registry_household_p152223" PARTITION OF "registry_household" '
        "FOR VALUES FROM ('152223') TO ('152224')",
        'CREATE TABLE "registry_household_p152224" PARTITION OF "registry_household" '
        "FOR VALUES FROM ('152224') TO ('152225')",
        'CREATE TABLE "registry_household_pdefault" PARTITION OF "registry_household" DEFAULT',
    ]


def test_the_scope_knows_the_partitioned_tables():
    assert set(PARTITIONED_TABLES) == CO_LOCATED_TABLES
    assert partitioning.KEY == "village_id"


@pytest.mark.django_db
def test_a_households_rows_are_read_with_its_village():
    household = make_household("152223100234")
    for manager in (household.members, household.statuses, household.incomes):
        sql = str(manager.all().query)
        assert "village_id" in sql and "152223100234" in sql, sql
    # The rows themselves are the same.
    assert list(household.members.order_by("pk")) == list(
        Member.objects.filter(household=household).order_by("pk")
    )
    assert household.members.count() == 3


@pytest.mark.django_db
def test_co_located_joins_on_the_village():
    sql = str(StatusRecord.objects.co_located("household").query)
    assert '"registry_household"."village_id" = ("registry_statusrecord"."village_id")' in sql
    assert Household.objects.co_located() is not None
