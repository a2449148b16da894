"""The helpers of the national layout (fupin.areas.partitioning) and the county key that the
scoped queries carry, on any database (tests/scale/test_partition_keys.py runs the layout
itself on PostgreSQL)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fupin.areas import partitioning
from fupin.areas.partitioning import (
    DEFAULT,
    PARTITIONED_TABLES,
    county_bounds,
    partition_county,
    partition_name,
    partitions_ddl,
)
from fupin.areas.scope import prefix_upper_bound
from fupin.registry import selectors
from fupin.registry.models import Member, StatusRecord
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


def test_the_partitioned_tables_carry_the_key():
    from django.apps import apps

    tables = {m._meta.db_table: m for m in apps.get_models()}
    for table in PARTITIONED_TABLES:
        model = tables[table]
        assert model.scope_field == partitioning.KEY, table
        assert model._meta.get_field(partitioning.KEY).column == partitioning.KEY


@pytest.mark.django_db
def test_a_households_rows_are_read_with_its_village():
    household = make_household("152223100234")
    members = selectors.household_members(household)
    sql = str(members.query)
    assert '"registry_member"."village_id" = 152223100234' in sql, sql
    assert list(members) == list(Member.objects.filter(household=household).order_by("pk"))
    with CaptureQueriesContext(connection) as captured:
        years = selectors.household_years(household)
    assert [row["year"] for row in years] == [2016]
    assert len(captured.captured_queries) == 2
    for query in captured.captured_queries:
        assert "village_id" in query["sql"] and "152223100234" in query["sql"], query["sql"]


@pytest.mark.django_db
def test_co_located_joins_on_the_village():
    sql = str(StatusRecord.objects.co_located("household").query)
    assert '"registry_household"."village_id" = ("registry_statusrecord"."village_id")' in sql
