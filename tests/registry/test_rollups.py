"""The rollups stay equal to a full rebuild after every kind of write."""

import pytest
from django.core.management import call_command

from fupin.registry import codes, rollups
from fupin.registry.models import StatusRecord, YearFact
from tests.factories import CHANGFA, HADANALA, make_household

pytestmark = pytest.mark.django_db


def _facts():
    return sorted(YearFact.objects.values_list("village_id", "year", *rollups.FIGURES))


def test_single_saves_keep_the_facts_equal_to_a_rebuild():
    a = make_household(CHANGFA, members=3, year=2015, identified_year=2015)
    b = make_household(HADANALA, members=2, year=2015)
    StatusRecord.objects.create(
        household=a, village_id=CHANGFA, year=2016, status=codes.Status.EXITED,
        attribute=a.attribute, members_count=3,
    )  # fmt: skip
    row = b.statuses.get()
    row.status = codes.Status.EXITED
    row.save()
    a.identified_year = 2014
    a.save()
    incremental = _facts()
    assert ("152223100234", 2016, 0, 0, 0, 0, 1, 3, 0, 0) in incremental
    call_command("rollup", verbosity=0)
    assert _facts() == incremental

    b.delete()
    incremental = _facts()
    rollups.refresh()
    assert _facts() == incremental
    assert not YearFact.objects.filter(village_id=HADANALA).exists()


def test_a_village_whose_households_exited_earlier_keeps_its_facts_of_zero():
    """Exits of households already exited count in no figure, but the village still has
    registered households that year (the yearly village assessment looks for its facts)."""
    household = make_household(HADANALA, members=2, year=2015)
    for year in (2016, 2017):
        StatusRecord.objects.create(
            household=household, village_id=HADANALA, year=year, status=codes.Status.EXITED,
            attribute=household.attribute, members_count=2,
        )  # fmt: skip
    zero = (HADANALA, 2017, 0, 0, 0, 0, 0, 0, 0, 0)
    incremental = _facts()
    assert zero in incremental
    assert (HADANALA, 2016, 0, 0, 0, 0, 1, 2, 0, 0) in incremental
    call_command("rollup", verbosity=0)
    assert _facts() == incremental


def test_an_import_refreshes_the_figures_of_its_villages(tmp_path):
    from fupin.accounts.models import User
    from fupin.registry.exporting import export_members
    from fupin.registry.importing import import_file
    from fupin.registry.models import Household
    from fupin.registry.stats import area_stats

    household = make_household(CHANGFA, members=3, year=2017)
    content, _type, _name = export_members(Household.objects.filter(pk=household.pk), "csv")
    root = User.objects.create_superuser("root", password="x" * 12)
    assert area_stats(root, CHANGFA, 2017).poor_persons == 3
    # The same household exported, then re-numbered: a second household of 3 persons.
    text = content.decode("utf-8-sig").replace(household.number, f"{CHANGFA}9999")
    for member in household.members.all():
        # Another hundred in the sequence digits: never one of the household's own numbers.
        other = str((int(member.id_number[14]) + 5) % 10)
        new_id = member.id_number[:14] + other + member.id_number[15:17]
        from fupin.core.idnumber import check_digit

        text = text.replace(member.id_number, new_id + check_digit(new_id))
    path = tmp_path / "more.csv"
    path.write_text(text, encoding="utf-8-sig")
    result = import_file(actor=None, path=path, year=2017)
    assert result.ok, result.errors
    incremental = _facts()
    assert area_stats(root, CHANGFA, 2017).poor_persons == 6
    rollups.refresh()
    assert _facts() == incremental


@pytest.mark.django_db(transaction=True)
def test_a_full_rebuild_reads_on_parallel_connections_and_sums_to_one_scan(monkeypatch):
    """``fupin rollup`` on SQLite (outside any transaction) reads the status rows in ranges
    on several connections at once; every rollup equals that of a single scan, also where
    one village, year and cause is split between ranges."""
    from django.db import connection, transaction

    from fupin.areas.services import areas_load_hinggan
    from fupin.warmap.models import CauseFact, PlanFact

    if connection.vendor != "sqlite":
        pytest.skip("the parallel read is for SQLite, which runs a query on one core")
    areas_load_hinggan()  # transactional tests start from an emptied database
    for n in range(6):  # one village and cause, ids on both sides of the splits
        household = make_household(CHANGFA, members=1 + n % 3, year=2015)
        if n % 2:
            StatusRecord.objects.create(
                household=household, village_id=CHANGFA, year=2016,
                status=codes.Status.EXITED, attribute=household.attribute,
                members_count=household.members_count,
            )  # fmt: skip
    make_household(HADANALA, members=4, year=2016)

    def everything():
        return (
            _facts(),
            sorted(CauseFact.objects.values_list("village_id", "year", "cause", "households", "persons")),
            sorted(PlanFact.objects.values_list("village_id", "planned_exit_year", "exit_year", "poor", "households", "persons")),
        )  # fmt: skip

    with transaction.atomic():  # inside a transaction: the single scan
        rollups.refresh()
        single = everything()
    tables = []
    parallel = rollups._read_in_parallel

    def recorded(sql, model, keys):
        tables.append(model._meta.db_table)
        return parallel(sql, model, keys)

    monkeypatch.setattr(rollups, "_read_in_parallel", recorded)
    monkeypatch.setattr(rollups, "REBUILD_RANGE_ROWS", 2)
    YearFact.objects.all().delete()
    call_command("rollup", verbosity=0)
    assert tables == ["registry_statusrecord"]
    assert everything() == single
    assert ("152223100234", 2016, 0, 0, 0, 0, 3, 6, 0, 0) in single[0]
    assert sum(row[-1] for row in single[2]) == 4 + sum(1 + n % 3 for n in range(6))
