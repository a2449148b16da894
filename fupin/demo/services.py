"""Writes of the demo: the generated registry into the database, set-based, in one transaction.

:func:`demo_build` is what ``fupin demo`` runs: it loads the Hinggan divisions if they are
missing, draws the registry (:mod:`fupin.demo.generator`), writes households, members,
yearly status and income rows and the villages' rural population with ``bulk_create``, gives
every created row its history (the ``+`` row, and for households the ``~`` rows of each exit,
relapse and plan, dated when they happened), creates the demo users and sets the as-of date
to 30 June 2017. :func:`demo_reset` removes the registry again (docs/architecture.md rule 3: no query
per row on either path).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import random
from collections.abc import Callable
from decimal import Decimal
from functools import partial
from typing import Any

from django.apps import apps
from django.db import connection, transaction
from django.db.models import ProtectedError
from simple_history.models import HistoricalChanges

from fupin.areas.models import Area, Level, RuralPopulation
from fupin.areas.services import areas_load_hinggan
from fupin.core.clock import set_as_of
from fupin.registry import codes, rollups
from fupin.registry.models import Household, IncomeRecord, Member, StatusRecord
from fupin.schedule import services as schedule

from . import assistance as demo_assistance
from . import cadres as demo_cadres
from . import cases as demo_cases
from . import collective as demo_collective
from . import counties as demo_counties
from . import duties as demo_duties
from . import funds as demo_funds
from . import leaders as demo_leaders
from . import names
from . import outreach as demo_outreach
from . import party as demo_party
from . import quality as demo_quality
from . import quality_dupes as demo_quality_dupes
from . import review as demo_review
from . import safetynet as demo_safetynet
from . import users as demo_users
from . import villages as demo_villages
from .generator import (
    AS_OF,
    POPULATION_YEARS,
    YEARS,
    DemoData,
    HouseholdSpec,
    generate,
    history_moment,
)
from .locations import demo_locations

LEAGUE = "1522"
BATCH = 2000
REASON_CREATED = "演示数据建档"
REASON_EXIT = "年度脱贫退出"
REASON_RELAPSE = "返贫"
REASON_NO_POLICY = "脱贫户不再享受政策"
REASON_PLAN = "制定脱贫计划"
REGISTRY_MODELS = (StatusRecord, IncomeRecord, Member, Household)
# Where the demo writes Mongolian-script names (names.MONGOL_SCRIPT): Horqin Right Front and
# Middle Banners, whose notices are bilingual by default (FUPIN_BILINGUAL_AREAS).
MONGOLIAN_NAME_COUNTIES = ("152221", "152222")

MSG_NOT_EMPTY = "贫困户数据已存在（{count} 户）：加 --reset 清空后重建，或加 --if-empty 跳过。"


@dataclasses.dataclass
class BuildResult:
    households: int
    members: int
    status_rows: int
    income_rows: int
    history_rows: int
    villages: int
    targets: dict
    cases: object = None  # fupin.demo.cases.CasesResult
    assistance: object = None  # fupin.demo.assistance.AssistanceResult
    cadres: object = None  # fupin.demo.cadres
    party: object = None  # fupin.demo.party
    duties: object = None  # fupin.demo.duties
    funds: object = None  # fupin.demo.funds
    collective: object = None  # fupin.demo.collective
    safetynet: object = None  # fupin.demo.safetynet
    leaders: object = None  # fupin.demo.leaders
    poor_villages: object = None  # fupin.demo.villages
    counties: object = None  # fupin.demo.counties
    outreach: object = None  # fupin.demo.outreach
    archive_queued: int = 0  # report slots left to the scheduler's workers


ARCHIVE_FIRST = datetime.date(2017, 1, 2)


def ensure_areas() -> bool:
    """Load the Hinggan divisions when the league is not in the area table; tell if loaded."""
    if Area.objects.within(LEAGUE).exists():
        return False
    areas_load_hinggan()
    return True


def rural_villages() -> list[str]:
    """Return the codes of the league's villages that take part in poverty work."""
    return list(
        Area.objects.within(LEAGUE)
        .filter(level=Level.VILLAGE, participates=True)
        .order_by("code")
        .values_list("code", flat=True)
    )


def registry_count() -> int:
    return Household.objects.count()


# --- reset -----------------------------------------------------------------------------------
def _wipe(model, queryset, seen: frozenset) -> None:
    """Delete ``queryset`` and, first, every row of another model that points at it.

    Raw deletes: the ORM's cascade would load each row and write a ``-`` history row for
    it (simple_history's post_delete), a query per row over a few hundred thousand rows.
    Nullable ``SET_NULL`` links are cleared instead of deleted.
    """
    for field in model._meta.get_fields(include_hidden=True):
        if not (field.auto_created and not field.concrete) or field.many_to_many:
            continue
        related = field.related_model
        if related in seen or issubclass(related, HistoricalChanges):
            continue
        linked = related._base_manager.filter(**{f"{field.field.name}__in": queryset.values("pk")})
        if getattr(field, "on_delete", None) is not None and field.on_delete.__name__ == "SET_NULL":
            linked.update(**{field.field.name: None})
        else:
            _wipe(related, linked, seen | {related})
    queryset._raw_delete(queryset.db)


@transaction.atomic
def demo_reset() -> None:
    """Delete the registry (households, members, income, status, their history, anything
    that points at them), the league's rural population and the demo users; first the
    cases, notices, rounds and assessment results (:func:`fupin.demo.cases.demo_cases_reset`)."""
    demo_review.demo_review_reset()
    demo_counties.demo_counties_reset()
    demo_quality.demo_quality_reset()
    demo_villages.demo_villages_reset()
    demo_outreach.demo_outreach_reset()
    demo_quality_dupes.demo_quality_dupes_reset()
    demo_leaders.demo_leaders_reset()
    demo_safetynet.demo_safetynet_reset()
    demo_collective.demo_collective_reset()
    demo_funds.demo_funds_reset()
    demo_duties.demo_duties_reset()
    demo_party.demo_party_reset()
    demo_cadres.demo_cadres_reset()
    demo_assistance.demo_assistance_reset()
    demo_cases.demo_cases_reset()
    for model in REGISTRY_MODELS:
        history = model.history.model
        history._base_manager.all()._raw_delete(history._base_manager.db)
    _wipe(Household, Household._base_manager.all(), frozenset({Household}))
    population = RuralPopulation.objects.within(LEAGUE)
    population._raw_delete(population.db)
    rollups.refresh()
    # Users who own other records are kept; demo_users_create updates them in place.
    with contextlib.suppress(ProtectedError), transaction.atomic():
        demo_users.demo_users_delete()


# --- build -----------------------------------------------------------------------------------
def _money(value: int) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"))


def _household(spec: HouseholdSpec) -> Household:
    return Household(
        number=spec.number,
        village_id=spec.village,
        head_name=spec.head.name,
        members_count=spec.size,
        attribute=spec.attribute,
        main_cause=spec.main_cause,
        other_causes=list(spec.other_causes),
        dangerous_housing=spec.dangerous_housing,
        safe_water=spec.safe_water,
        farmland_mu=Decimal(str(spec.farmland_mu)),
        house_area=Decimal(str(spec.house_area)),
        has_electricity=spec.has_electricity,
        road_km=Decimal(str(spec.road_km)),
        phone=spec.phone,
        identified_year=spec.identified_year,
        status=spec.statuses[AS_OF.year],
        exit_year=spec.exit_year,
        planned_exit_year=spec.planned_exit_year,
    )


def _identified_on(rng: random.Random, year: int) -> datetime.datetime:
    # 建档立卡 ran from April to October 2014; later years' 动态调整 in the autumn.
    if year == 2014:
        return history_moment(rng, datetime.date(2014, 4, 10), datetime.date(2014, 10, 31))
    return history_moment(rng, datetime.date(year, 10, 8), datetime.date(year, 11, 30))


def _year_end(rng: random.Random, year: int) -> datetime.datetime:
    if year == AS_OF.year:  # the year in progress: its row opened in the first quarter
        return history_moment(rng, datetime.date(year, 1, 5), datetime.date(year, 3, 31))
    return history_moment(rng, datetime.date(year, 12, 1), datetime.date(year, 12, 28))


class _HistoryRows:
    """Historical rows of one model, inserted with ``executemany`` in batches.

    Building ~800,000 historical model instances only to have ``bulk_create`` take them
    apart again costs more than the whole rest of the demo; the rows are plain tuples here,
    and the few column types that need it are adapted by the connection's own operations.
    """

    def __init__(self, model):
        self.model = model.history.model
        self.fields = [f for f in self.model._meta.concrete_fields if not f.primary_key]
        self.names = [f.attname for f in self.fields]
        self.rows: list[tuple] = []

    def add(self, obj, moment, reason, kind="+", **overrides) -> datetime.datetime:
        extra = {
            "history_date": moment,
            "history_change_reason": reason,
            "history_type": kind,
            "history_user_id": None,
        }
        extra.update(overrides)
        self.rows.append(
            tuple(extra[name] if name in extra else getattr(obj, name) for name in self.names)
        )
        return moment

    def write(self) -> int:
        ops = connection.ops
        adapters: list[tuple[int, Callable[[Any], Any]]] = []
        for index, field in enumerate(self.fields):
            kind = field.get_internal_type()
            if kind == "DateTimeField":
                adapters.append((index, ops.adapt_datetimefield_value))
            elif kind == "DateField":
                adapters.append((index, ops.adapt_datefield_value))
            elif kind == "DecimalField":
                adapters.append((index, ops.adapt_decimalfield_value))
            elif kind == "JSONField":
                adapters.append((index, partial(field.get_db_prep_save, connection=connection)))
        table = ops.quote_name(self.model._meta.db_table)
        columns = ", ".join(ops.quote_name(f.column) for f in self.fields)
        marks = ", ".join(["%s"] * len(self.fields))
        sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"
        with connection.cursor() as cursor:
            for start in range(0, len(self.rows), BATCH * 5):
                batch = []
                for row in self.rows[start : start + BATCH * 5]:
                    values = list(row)
                    for index, adapt in adapters:
                        values[index] = adapt(values[index])
                    batch.append(values)
                cursor.executemany(sql, batch)
        return len(self.rows)


def _household_history(rng, rows: _HistoryRows, household, spec: HouseholdSpec):
    """The ``+`` row as identified, then a ``~`` row per exit, relapse, policy change and plan;
    the last row holds the household's current values. Return the identification moment."""
    created = rows.add(
        household,
        _identified_on(rng, spec.identified_year),
        REASON_CREATED,
        status=codes.Status.POOR,
        exit_year=None,
        planned_exit_year=None,
        dangerous_housing=spec.dangerous_housing_2014,
        safe_water=spec.safe_water_2014,
    )
    events: list[tuple[int, str]] = []
    previous: str = codes.Status.POOR
    for year in YEARS[:-1]:
        status = spec.statuses.get(year)
        if status is not None and status != previous:
            events.append((year, status))
            previous = status
    if spec.statuses[AS_OF.year] in codes.POOR_STATUSES:
        events.append((AS_OF.year, "plan"))
    exit_year = None
    for index, (year, event) in enumerate(events):
        moment = max(_year_end(rng, year), created + datetime.timedelta(days=1))
        if event == "plan":
            reason, state = REASON_PLAN, {}
        elif event == codes.Status.EXITED:
            exit_year = year
            reason = REASON_EXIT
            state = dict(
                status=event,
                exit_year=year,
                planned_exit_year=None,
                dangerous_housing=False,
                safe_water=True,
            )
        elif event == codes.Status.RELAPSED:
            reason = REASON_RELAPSE
            state = dict(status=event, exit_year=None, planned_exit_year=None)
        else:
            reason = REASON_NO_POLICY
            state = dict(status=event, exit_year=exit_year, planned_exit_year=None)
        last = index == len(events) - 1
        rows.add(household, moment, reason, "~", **({} if last else state))
    return created


@transaction.atomic
def demo_write(data: DemoData, *, progress=None) -> BuildResult:
    """Write a generated registry (into an empty registry) with its history rows."""
    say = progress or (lambda message: None)
    rng = random.Random(data.seed * 7919 + 1)  # history dates: their own stream
    population = RuralPopulation.objects.filter(
        village_id__in=data.villages, year__in=POPULATION_YEARS
    )
    population._raw_delete(population.db)
    RuralPopulation.objects.bulk_create(
        [
            RuralPopulation(village_id=village, year=year, population=persons)
            for village, years in data.rural_population.items()
            for year, persons in years.items()
        ],
        batch_size=BATCH,
    )
    specs = data.households
    households = Household.objects.bulk_create([_household(s) for s in specs], batch_size=BATCH)
    say(f"贫困户 {len(households)} 户")

    members = []
    for spec, household in zip(specs, households, strict=True):
        for p in spec.members:
            members.append(
                Member(
                    household_id=household.pk,
                    village_id=spec.village,
                    name=p.name,
                    name_mn=(
                        names.mongol_script(p.name)
                        if spec.village[:6] in MONGOLIAN_NAME_COUNTIES
                        and p.ethnicity == codes.Ethnicity.MONGOL
                        else ""
                    ),
                    id_number=p.id_number,
                    sex=p.sex,
                    birth_date=p.birth_date,
                    relation=p.relation,
                    ethnicity=p.ethnicity,
                    education=p.education,
                    school_status=p.school_status,
                    health=p.health,
                    labour=p.labour,
                    migrant_months=p.migrant_months,
                    medical_insurance=p.medical_insurance,
                    pension=p.pension,
                    phone=p.phone,
                )
            )
    members = Member.objects.bulk_create(members, batch_size=BATCH)
    say(f"家庭成员 {len(members)} 人")

    statuses = [
        StatusRecord(
            household_id=household.pk,
            village_id=spec.village,
            year=year,
            status=status,
            attribute=spec.attribute,
            members_count=spec.size,
        )
        for spec, household in zip(specs, households, strict=True)
        for year, status in sorted(spec.statuses.items())
    ]
    statuses = StatusRecord.objects.bulk_create(statuses, batch_size=BATCH)
    incomes = [
        IncomeRecord(
            household_id=household.pk,
            village_id=spec.village,
            year=year,
            wage_income=_money(wages),
            business_income=_money(business),
            property_income=_money(prop),
            transfer_income=_money(transfer),
            business_costs=_money(costs),
            members_count=spec.size,
        )
        for spec, household in zip(specs, households, strict=True)
        for year, (wages, business, prop, transfer, costs) in sorted(spec.incomes.items())
    ]
    incomes = IncomeRecord.objects.bulk_create(incomes, batch_size=BATCH)
    say(f"年度状态 {len(statuses)} 条，收入 {len(incomes)} 条")

    history_rows = _write_history(rng, specs, households, members, statuses, incomes)
    say(f"历史记录 {history_rows} 条")
    rollups.refresh({spec.village for spec in specs})
    return BuildResult(
        households=len(households),
        members=len(members),
        status_rows=len(statuses),
        income_rows=len(incomes),
        history_rows=history_rows,
        villages=len(data.villages),
        targets=data.targets,
    )


def _write_history(rng, specs, households, members, statuses, incomes) -> int:
    """Write the history rows: households with their changes, the rest a ``+`` row each."""
    rows = _HistoryRows(Household)
    created_on: dict[int, datetime.datetime] = {}
    for spec, household in zip(specs, households, strict=True):
        created_on[household.pk] = _household_history(rng, rows, household, spec)
    total = rows.write()

    rows = _HistoryRows(Member)
    for member in members:
        rows.add(member, created_on[member.household_id], REASON_CREATED)
    total += rows.write()

    rows = _HistoryRows(StatusRecord)
    for status in statuses:
        moment = max(_year_end(rng, status.year), created_on[status.household_id])
        rows.add(status, moment, REASON_CREATED)
    total += rows.write()

    rows = _HistoryRows(IncomeRecord)
    for income in incomes:
        entered = datetime.date(income.year + 1, 1, 5), datetime.date(income.year + 1, 3, 31)
        rows.add(income, history_moment(rng, *entered), REASON_CREATED)
    total += rows.write()
    return total


@transaction.atomic
def demo_build(
    *, seed: int = 2017, scale: float = 1.0, password: str, progress=None
) -> BuildResult:
    """Build the demo into an empty registry: data, history, users, as-of date."""
    ensure_areas()
    # Synthetic village locations for the check-in geofence (fupin.demo.locations).
    demo_locations()
    data = generate(villages=rural_villages(), seed=seed, scale=scale)
    if progress:
        progress(f"已生成：{len(data.households)} 户，{len(data.villages)} 个嘎查村")
    result = demo_write(data, progress=progress)
    demo_users.demo_users_create(password=password)
    set_as_of(AS_OF)
    result.cases = demo_cases.demo_cases(seed=seed, progress=progress)
    result.assistance = demo_assistance.demo_assistance(seed=seed, scale=scale, progress=progress)
    # Party building: cadres first, since members and duty owners refer to them.
    result.cadres = demo_cadres.demo_cadres(seed=seed, scale=scale, progress=progress)
    result.party = demo_party.demo_party(seed=seed, scale=scale, progress=progress)
    result.duties = demo_duties.demo_duties(seed=seed, scale=scale, progress=progress)
    # Money.
    result.funds = demo_funds.demo_funds(seed=seed, scale=scale, progress=progress)
    result.collective = demo_collective.demo_collective(seed=seed, scale=scale, progress=progress)
    result.safetynet = demo_safetynet.demo_safetynet(seed=seed, scale=scale, progress=progress)
    result.leaders = demo_leaders.demo_leaders(seed=seed, scale=scale, progress=progress)
    result.poor_villages = demo_villages.demo_villages(seed=seed, progress=progress)
    result.counties = demo_counties.demo_counties(seed=seed, progress=progress)
    result.outreach = demo_outreach.demo_outreach(seed=seed, progress=progress)
    demo_quality.demo_quality(seed=seed, progress=progress)
    demo_quality_dupes.demo_quality_dupes(seed=seed, day=AS_OF, progress=progress)
    demo_review.demo_review(seed=seed, progress=progress)
    # The archive of the first half of 2017 (from the weekly report of New Year's week): the
    # workers of `fupin serve` publish it within minutes, so the build does not wait for it.
    result.archive_queued = schedule.queue(ARCHIVE_FIRST, AS_OF)
    if connection.vendor == "postgresql":
        # The demo writes rows with the keys it chose; every sequence then follows its table,
        # whatever an earlier, rolled-back build left in it (sequences ignore rollbacks).
        demo_cases._reset_sequences(
            *(m for m in apps.get_models() if m.__module__.startswith("fupin."))
        )
        # The planner has no statistics yet on the tables just filled (autovacuum sees them
        # only after the commit): without them some pages' joins run for tens of seconds.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    set_as_of(AS_OF)
    return result
