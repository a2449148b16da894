"""The war map's rollups (:mod:`fupin.warmap.models`), refreshed beside the registry's.

:func:`refresh` is registered as a hook of :func:`fupin.registry.rollups.refresh`, so it runs
in the same writing transaction for the same villages (signals, import, demo) and in
``fupin rollup``. Each statement is one ``INSERT … SELECT … GROUP BY`` (set-based); as a hook,
the causes are read from the registry refresh's staging table (one scan of the status rows
for both).

Causes: the registry keeps only a household's *current* main cause (no yearly history), so a
year's cause counts are that year's poor status rows grouped by the household's cause today.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, transaction

from fupin.core import clock
from fupin.registry import codes
from fupin.registry import rollups as registry_rollups
from fupin.registry.models import Household, StatusRecord

from .models import CauseFact, PlanFact, RollupStamp

CHUNK = 500
STAMP = "warmap"
_POOR = "('" + "','".join(codes.POOR_STATUSES) + "')"


def _cause_sql(where: str) -> str:
    return f"""
        INSERT INTO {CauseFact._meta.db_table} (village_id, year, cause, households, persons)
        SELECT s.village_id, s.year, h.main_cause, COUNT(*), SUM(s.members_count)
        FROM {StatusRecord._meta.db_table} s
        JOIN {Household._meta.db_table} h ON h.id = s.household_id
        WHERE s.status IN {_POOR} {where}
        GROUP BY s.village_id, s.year, h.main_cause
    """


def _cause_from_stage_sql(stage: str) -> str:
    """The same facts from the registry refresh's staging table (no second scan)."""
    return f"""
        INSERT INTO {CauseFact._meta.db_table} (village_id, year, cause, households, persons)
        SELECT village_id, year, cause, poor_households, poor_persons
        FROM {stage} WHERE poor_households > 0
    """


def _plan_sql(where: str) -> str:
    # Grouped by status first, in the order of the households' index on village, status and
    # the plan's columns (no sort), then the statuses summed into the poor flag.
    return f"""
        INSERT INTO {PlanFact._meta.db_table}
            (village_id, planned_exit_year, exit_year, poor, households, persons)
        SELECT village_id, planned_exit_year, exit_year, poor, SUM(households), SUM(persons)
        FROM (
            SELECT h.village_id, h.planned_exit_year, h.exit_year, (h.status IN {_POOR}) AS poor,
                COUNT(*) AS households, SUM(h.members_count) AS persons
            FROM {Household._meta.db_table} h
            WHERE 1 = 1 {where}
            GROUP BY h.village_id, h.status, h.planned_exit_year, h.exit_year
        ) by_status
        GROUP BY village_id, planned_exit_year, exit_year, poor
    """


@transaction.atomic
def refresh(villages: Iterable[str] | None = None) -> None:
    """Recompute the war map's facts of ``villages``, or of everything when ``None``."""
    # Called as the registry's hook, its staging table already holds these villages' poor
    # households and persons by cause; called alone (fupin/warmap/signals.py), scan.
    stage = registry_rollups.staged()
    with connection.cursor() as cursor:
        if villages is None:
            CauseFact.objects.all().delete()
            PlanFact.objects.all().delete()
            cursor.execute(_cause_from_stage_sql(stage) if stage else _cause_sql(""))
            cursor.execute(_plan_sql(""))
        else:
            villages = sorted(set(villages))
            for start in range(0, len(villages), CHUNK):
                chunk = villages[start : start + CHUNK]
                CauseFact.objects.filter(village_id__in=chunk).delete()
                PlanFact.objects.filter(village_id__in=chunk).delete()
                marks = ", ".join(["%s"] * len(chunk))
                if not stage:
                    cursor.execute(_cause_sql(f"AND s.village_id IN ({marks})"), chunk)
                cursor.execute(_plan_sql(f"AND h.village_id IN ({marks})"), chunk)
            if stage:
                cursor.execute(_cause_from_stage_sql(stage))
    RollupStamp.objects.update_or_create(name=STAMP, defaults={"refreshed_at": clock.now()})
