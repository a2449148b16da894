"""The import's machinery under the rows: the stage's household columns and the page cache
of the write."""

import pytest
from django.db import connection

from fupin.registry import bulk, importing
from fupin.registry.rules import HOUSEHOLD_COLUMNS


def _household(**values):
    raw = {column: f"cell {i}" for i, column in enumerate(HOUSEHOLD_COLUMNS)}
    parsed = {
        "village_id": "152223100234",
        "head_name": "张三",
        "members_count": 0,
        "attribute": "general",
        "main_cause": "illness",
        "other_causes": ["skills", "capital"],
        "dangerous_housing": True,
        "safe_water": None,
        "phone": "13900000000",
        "identified_year": 2014,
        "status": "poor",
        "exit_year": None,
        **values,
    }
    check = {f: parsed[f] for f in importing.CHECK_FIELDS}
    check.update(attribute_label=raw[importing.COL_ATTRIBUTE], attribute_exited=True)
    return importing._Household(
        number="1522231002340001", first_row=7, raw=raw, values=parsed, check=check
    )


@pytest.mark.parametrize(
    "values",
    [{}, {"other_causes": [], "dangerous_housing": False, "safe_water": True, "exit_year": 2016}],
)
def test_a_staged_household_reads_back_as_it_was_written(values):
    household = _household(**values)
    back = importing._household_from_stage(importing._household_to_stage(household))
    assert (back.number, back.first_row) == (household.number, household.first_row)
    assert back.raw == household.raw
    assert back.values == household.values
    assert back.check == household.check
    for field in ("dangerous_housing", "safe_water"):
        assert type(back.values[field]) is type(household.values[field])


@pytest.mark.django_db
def test_the_write_has_a_larger_page_cache_then_the_connections_own():
    if connection.vendor != "sqlite":
        pytest.skip("a SQLite connection's setting")
    connection.ensure_connection()

    def cache_size():
        return connection.connection.execute("PRAGMA cache_size").fetchone()[0]

    before = cache_size()
    with bulk.page_cache(512):
        assert cache_size() == -512 * 1024
    assert cache_size() == before
    with bulk.page_cache(1):  # smaller than the connection's: left as it is
        assert cache_size() == before


def test_two_imports_at_once_put_the_collector_back_when_the_last_one_ends():
    import gc

    from fupin.registry.importing import _few_collections

    before = gc.get_threshold()
    first, second = _few_collections(), _few_collections()
    first.__enter__()
    second.__enter__()
    # The first import ends while the second still runs: the collector stays as the imports
    # want it, and its frozen objects stay frozen.
    first.__exit__(None, None, None)
    assert gc.get_threshold()[0] >= 100_000 and gc.get_freeze_count() > 0
    second.__exit__(None, None, None)
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0
