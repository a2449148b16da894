"""Writes of the demo: the generated registry into the database, set-based.

:func:`demo_build` is what ``fupin demo`` runs: it loads the Hinggan divisions if they are
missing, draws the registry (:mod:`fupin.demo.generator`), writes households, members,
yearly status and income rows and the villages' rural population in bulk, creates the demo
users and the assistance, gives every registry row its history (the ``+`` row, and for
households the ``~`` rows of each exit, relapse and plan, dated when they happened) and sets
the as-of date to 30 June 2017, in one transaction. The other parts (:data:`LATER_PARTS`) it
builds in the same transaction, or leaves to :func:`demo_build_later`, one transaction each
(docs/demo.md, "What comes later"). :func:`demo_reset` removes the registry again
(docs/architecture.md rule 3: no query per row on either path).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import random
from collections.abc import Callable, Iterator
from decimal import Decimal

from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.db.models import ProtectedError
from django.utils import translation
from django.utils.translation import gettext_noop as _
from simple_history.models import HistoricalChanges

from fupin.areas.models import Area, Level, RuralPopulation
from fupin.areas.services import areas_load_hinggan
from fupin.core.building import Building, building_clear, building_save, building_state
from fupin.core.clock import set_as_of
from fupin.core.collector import collector_paused
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
from .cases import _first_pk
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
from .phases import Phases
from .rows import Rows, indexes_after, insert_later, later, write_behind

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
    households: int = 0
    members: int = 0
    status_rows: int = 0
    income_rows: int = 0
    history_rows: int = 0
    villages: int = 0
    targets: dict = dataclasses.field(default_factory=dict)
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
    phases: list = dataclasses.field(default_factory=list)  # fupin.demo.phases.Phase


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
    building_clear()  # the parts an earlier build left for later: this build leaves its own
    # Users who own other records are kept; demo_users_create updates them in place.
    with contextlib.suppress(ProtectedError), transaction.atomic():
        demo_users.demo_users_delete()


# --- build -----------------------------------------------------------------------------------
@contextlib.contextmanager
def fast_writes(*, shared: bool = False) -> Iterator[None]:
    """SQLite settings for the build only, restored after (the command's, never the tests').

    The build is one transaction of about a gigabyte into a database built from scratch: in
    WAL mode every page would be written twice (into the WAL, then checkpointed), and each
    spilled page synced. During the build the rollback journal stays in memory (the build
    can still roll back), nothing is synced and the page cache holds the whole transaction
    (2 GiB: with 512 MiB the spilled pages cost the full build 9 s); WAL, ``NORMAL`` syncing
    and the usual cache come back for serving. ``shared``: other processes have the database
    open (the parts ``fupin serve`` builds while it serves), so WAL and its syncing stay and
    only the cache grows. Other databases are left alone.
    """
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        journal = cursor.fetchone()[0]
        cursor.execute("PRAGMA synchronous")
        synchronous = cursor.fetchone()[0]
        cursor.execute("PRAGMA cache_size")
        cache = cursor.fetchone()[0]
        if not shared:
            cursor.execute("PRAGMA journal_mode=MEMORY")
            cursor.execute("PRAGMA synchronous=OFF")
        cursor.execute("PRAGMA cache_size=-2097152")  # 2 GiB
        cursor.execute("PRAGMA temp_store=MEMORY")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size={int(cache)}")
            cursor.execute(f"PRAGMA synchronous={int(synchronous)}")
            if not shared:
                cursor.execute(f"PRAGMA journal_mode={journal}")


def _household_row(spec: HouseholdSpec) -> dict:
    return {
        "number": spec.number,
        "village_id": spec.village,
        "head_name": spec.head.name,
        "members_count": spec.size,
        "attribute": spec.attribute,
        "main_cause": spec.main_cause,
        "other_causes": list(spec.other_causes),
        "dangerous_housing": spec.dangerous_housing,
        "safe_water": spec.safe_water,
        "farmland_mu": Decimal(str(spec.farmland_mu)),
        "house_area": Decimal(str(spec.house_area)),
        "has_electricity": spec.has_electricity,
        "road_km": Decimal(str(spec.road_km)),
        "phone": spec.phone,
        "identified_year": spec.identified_year,
        "status": spec.statuses[AS_OF.year],
        "exit_year": spec.exit_year,
        "planned_exit_year": spec.planned_exit_year,
    }


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
    """Historical rows of one model, inserted in bulk (:class:`fupin.demo.rows.Rows`).

    Building ~800,000 historical model instances only to have ``bulk_create`` take them
    apart again costs more than the whole rest of the demo; the rows are plain tuples here,
    and the few column types that need it are adapted by the connection's own operations.
    """

    def __init__(self, model):
        self.model = model.history.model
        self.fields = [f for f in self.model._meta.concrete_fields if not f.primary_key]
        self.names = [f.attname for f in self.fields]
        self.rows: list[tuple] = []
        self.defaults = {f.attname: f.get_default() for f in model._meta.concrete_fields}

    def add(self, obj, moment, reason, kind="+", **overrides) -> datetime.datetime:
        extra = {
            "history_date": moment,
            "history_change_reason": reason,
            "history_type": kind,
            "history_user_id": None,
        }
        extra.update(overrides)
        defaults = self.defaults
        if not isinstance(obj, dict):  # a model instance or a namespace
            obj = vars(obj)
        self.rows.append(
            tuple(
                extra[name] if name in extra else obj[name] if name in obj else defaults[name]
                for name in self.names
            )
        )
        return moment

    def write(self) -> int:
        rows = Rows(self.model)
        rows.rows = self.rows
        return rows.write()


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


def _member_row(spec: HouseholdSpec, household_id: int, p) -> dict:
    return {
        "household_id": household_id,
        "village_id": spec.village,
        "name": p.name,
        "name_mn": (
            names.mongol_script(p.name)
            if spec.village[:6] in MONGOLIAN_NAME_COUNTIES and p.ethnicity == codes.Ethnicity.MONGOL
            else ""
        ),
        "id_number": p.id_number,
        "sex": p.sex,
        "birth_date": p.birth_date,
        "relation": p.relation,
        "ethnicity": p.ethnicity,
        "education": p.education,
        "school_status": p.school_status,
        "health": p.health,
        "labour": p.labour,
        "migrant_months": p.migrant_months,
        "medical_insurance": p.medical_insurance,
        "pension": p.pension,
        "phone": p.phone,
    }


@dataclasses.dataclass
class Written:
    """The registry's rows as :func:`demo_write` wrote them, for their history rows."""

    data: DemoData
    households: Rows
    members: Rows
    statuses: Rows
    incomes: Rows


@transaction.atomic
def demo_write(data: DemoData, *, progress=None) -> tuple[BuildResult, Written]:
    """Write a generated registry (into an empty registry) and its summary tables; return the
    rows written, whose history :func:`demo_write_history` writes.

    Rows go in as plain values with the keys chosen here (:mod:`fupin.demo.rows`), not as
    model instances. Everything the writes need is read before the first of them: on SQLite
    they run on the other core (:func:`fupin.demo.rows.write_behind`) while the next rows are
    drawn, and a read in between would wait for them.
    """
    phases = progress if isinstance(progress, Phases) else Phases(progress)
    say = phases.say
    specs = data.households
    first = {model: _first_pk(model) for model in REGISTRY_MODELS}
    with phases("贫困户"):
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
        households = Rows(Household, first[Household])
        for spec in specs:
            households.add(**_household_row(spec))
        households.write()
        say(f"贫困户 {len(households.rows)} 户")

    with phases("家庭成员"):
        members = Rows(Member, first[Member])
        for spec, household in zip(specs, households.rows, strict=True):
            for p in spec.members:
                members.add(**_member_row(spec, household["id"], p))
        members.write()
        say(f"家庭成员 {len(members.rows)} 人")

    with phases("年度状态与收入"):
        statuses = Rows(StatusRecord, first[StatusRecord])
        for spec, household in zip(specs, households.rows, strict=True):
            for year, status in sorted(spec.statuses.items()):
                statuses.add(
                    household_id=household["id"],
                    village_id=spec.village,
                    year=year,
                    status=status,
                    attribute=spec.attribute,
                    members_count=spec.size,
                )
        statuses.write()
        incomes = Rows(IncomeRecord, first[IncomeRecord])
        for spec, household in zip(specs, households.rows, strict=True):
            for year, (wages, business, prop, transfer, costs) in sorted(spec.incomes.items()):
                incomes.add(
                    household_id=household["id"],
                    village_id=spec.village,
                    year=year,
                    # Whole yuan: stored as the same number as the Decimal with its
                    # cents, without a Decimal made and printed five times a row.
                    wage_income=wages,
                    business_income=business,
                    property_income=prop,
                    transfer_income=transfer,
                    business_costs=costs,
                    members_count=spec.size,
                )
        incomes.write()
        say(f"年度状态 {len(statuses.rows)} 条，收入 {len(incomes.rows)} 条")

    with phases("汇总表"):
        rollups.refresh({spec.village for spec in specs})
    result = BuildResult(
        households=len(households.rows),
        members=len(members.rows),
        status_rows=len(statuses.rows),
        income_rows=len(incomes.rows),
        villages=len(data.villages),
        targets=data.targets,
    )
    return result, Written(data, households, members, statuses, incomes)


def demo_write_history(written: Written, *, progress=None) -> int:
    """Write the history rows of the registry :func:`demo_write` wrote: for households the
    ``+`` row and the ``~`` rows of each exit, relapse and plan, dated when they happened; for
    members, status and income rows the ``+`` row, copied from the rows themselves by one
    ``INSERT … SELECT`` each (:func:`_history_copy`). It reads nothing: on SQLite its rows
    are drawn while the other core writes what the phases before it left."""
    phases = progress if isinstance(progress, Phases) else Phases(progress)
    rng = random.Random(written.data.seed * 7919 + 1)  # history dates: their own stream
    with phases("历史记录"):
        total = _write_history(
            rng,
            written.data.households,
            written.households,
            written.members,
            written.statuses,
            written.incomes,
        )
        phases.say(f"历史记录 {total} 条")
    return total


def _history_copy(model, rows: Rows, moments, key: str, reason: str) -> int:
    """The ``+`` history row of every row in ``rows``, copied by the database.

    ``moments`` pairs a value of ``key`` (the row's own ``id`` or its ``household_id``) with
    the moment the row was entered; they go into a temporary table and one
    ``INSERT … SELECT`` joins it to the rows just written, in key order.
    """
    if not rows.rows:
        return 0
    history = model.history.model
    ops, quote = connection.ops, connection.ops.quote_name
    own = [
        f.column
        for f in history._meta.concrete_fields
        if not f.primary_key and not f.column.startswith("history_")
    ]
    low, high = rows.rows[0]["id"], rows.rows[-1]["id"]
    stamp = "timestamp with time zone" if connection.vendor == "postgresql" else "text"
    # All queued (rows.later, rows.insert_later): nothing here waits for the rows before.
    later("DROP TABLE IF EXISTS demo_moment")
    later(f"CREATE TEMPORARY TABLE demo_moment (id bigint PRIMARY KEY, moment {stamp})")
    adapt = ops.adapt_datetimefield_value
    insert_later("demo_moment", ["id", "moment"], [v for k, m in moments for v in (k, adapt(m))])
    columns = ", ".join(quote(c) for c in own)
    picked = ", ".join(f"b.{quote(c)}" for c in own)
    # The copy itself runs while the next rows' moments are drawn (rows.later).
    later(
        f"INSERT INTO {quote(history._meta.db_table)} ({columns}, history_date,"  # noqa: S608
        " history_change_reason, history_type, history_user_id)"
        f" SELECT {picked}, t.moment, %s, '+', NULL FROM {quote(model._meta.db_table)} b"
        f" JOIN demo_moment t ON t.id = b.{quote(key)}"
        " WHERE b.id BETWEEN %s AND %s ORDER BY b.id",
        [reason, low, high],
    )
    later("DROP TABLE demo_moment")
    return len(rows.rows)


def _write_history(rng, specs, households, members, statuses, incomes) -> int:
    """Write the history rows: households with their changes, the rest a ``+`` row each."""
    rows = _HistoryRows(Household)
    created_on: dict[int, datetime.datetime] = {}
    for spec, household in zip(specs, households.rows, strict=True):
        created_on[household["id"]] = _household_history(rng, rows, household, spec)
    total = rows.write()

    total += _history_copy(Member, members, created_on.items(), "household_id", REASON_CREATED)

    moments = []
    for status in statuses.rows:
        moment = max(_year_end(rng, status["year"]), created_on[status["household_id"]])
        moments.append((status["id"], moment))
    total += _history_copy(StatusRecord, statuses, moments, "id", REASON_CREATED)

    moments = []
    for income in incomes.rows:
        year = income["year"]
        entered = datetime.date(year + 1, 1, 5), datetime.date(year + 1, 3, 31)
        moments.append((income["id"], history_moment(rng, *entered)))
    total += _history_copy(IncomeRecord, incomes, moments, "id", REASON_CREATED)
    return total


@dataclasses.dataclass(frozen=True)
class Part:
    """A part of the demo built after the registry: its phase's name, the field of
    :class:`BuildResult` that keeps what it returns, and the function that builds it from the
    seed (and the scale, when ``scaled``); it reads everything else from the database."""

    name: str
    field: str
    build: Callable[..., object]
    scaled: bool = True


def _queue_archive(*, seed: int, progress) -> int:
    # The archive of the first half of 2017 (from the weekly report of New Year's week): the
    # workers of `fupin serve` publish it within minutes, so the build does not wait for it.
    return schedule.queue(ARCHIVE_FIRST, AS_OF)


def _quality_dupes(*, seed: int, progress) -> object:
    return demo_quality_dupes.demo_quality_dupes(seed=seed, day=AS_OF, progress=progress)


# The parts after the registry and the assistance, in the order they are built: the cadres
# before the Party building, whose members and duty owners refer to them; the reports are
# queued last, over everything. Their names are translated where a page lists the parts
# still being built.
LATER_PARTS = (
    Part(_("识别与退出案件"), "cases", demo_cases.demo_cases, scaled=False),
    Part(_("干部"), "cadres", demo_cadres.demo_cadres),
    Part(_("党建"), "party", demo_party.demo_party),
    Part(_("责任清单"), "duties", demo_duties.demo_duties),
    Part(_("资金"), "funds", demo_funds.demo_funds),
    Part(_("集体经济"), "collective", demo_collective.demo_collective),
    Part(_("兜底保障"), "safetynet", demo_safetynet.demo_safetynet),
    Part(_("带头人"), "leaders", demo_leaders.demo_leaders),
    Part(_("贫困村"), "poor_villages", demo_villages.demo_villages, scaled=False),
    Part(_("旗县考核"), "counties", demo_counties.demo_counties, scaled=False),
    Part(_("宣传动员"), "outreach", demo_outreach.demo_outreach, scaled=False),
    Part(_("部门比对"), "", demo_quality.demo_quality, scaled=False),
    Part(_("疑似重复与复核"), "", _quality_dupes, scaled=False),
    Part(_("回头看"), "", demo_review.demo_review, scaled=False),
    Part(_("报告排队"), "archive_queued", _queue_archive, scaled=False),
)


@transaction.atomic
def demo_build(
    *,
    seed: int = 2017,
    scale: float = 1.0,
    password: str,
    progress=None,
    leave_for_later: bool = False,
) -> BuildResult:
    """Build the demo into an empty registry: data, history, users, as-of date.

    Each part runs as a timed phase (:class:`fupin.demo.phases.Phases`); ``progress`` is
    either a :class:`~fupin.demo.phases.Phases` (the command's, which shows a bar per phase)
    or a plain callable that gets the messages. With ``leave_for_later`` the build stops after the
    registry and the assistance and leaves :data:`LATER_PARTS` to :func:`demo_build_later`
    (:mod:`fupin.core.building`); otherwise it builds them too, in the same transaction.
    """
    phases = progress if isinstance(progress, Phases) else Phases(progress)
    # SQLite: index builds and copies run on the other core (fupin.demo.rows.write_behind).
    with write_behind(), collector_paused(), _in_chinese():
        result = _demo_build(seed=seed, scale=scale, password=password, phases=phases)
        if leave_for_later:
            building_save(
                Building(
                    command=["demo", "--rest"],
                    parts=[p.name for p in LATER_PARTS],
                    data={"seed": seed, "scale": scale},
                )
            )
        else:
            for part in LATER_PARTS:
                _build_part(part, seed, scale, phases, result)
        _finish(phases)
    result.phases = phases.done
    return result


def demo_build_later(*, progress=None) -> BuildResult | None:
    """Build the parts :func:`demo_build` left for later (None: there are none), each in a
    transaction of its own that also marks it done, so that other writers (a cadre signing
    in while ``fupin serve`` builds them) wait seconds, not a minute, and a build stopped
    halfway goes on from the next part. A part that fails is rolled back and recorded
    (:attr:`fupin.core.building.Building.failed`, shown on every page), and the error raised."""
    phases = progress if isinstance(progress, Phases) else Phases(progress)
    state = building_state()
    if state is None:
        return None
    seed, scale = state.data["seed"], state.data["scale"]
    result = BuildResult()
    for part in LATER_PARTS:
        if part.name not in state.pending:
            continue
        try:
            with transaction.atomic(), write_behind(), collector_paused(), _in_chinese():
                _build_part(part, seed, scale, phases, result)
                state.done.append(part.name)
                state.failed = ""
                if state.pending:
                    building_save(state)
                else:
                    building_clear()
                    _finish(phases)
        except Exception as error:
            state = building_state() or state  # as the rollback left it
            state.failed = f"{part.name}：{error}"[:500]
            building_save(state)
            raise
    result.phases = phases.done
    return result


def _in_chinese():
    # What the build stores in words (a flag's reason, a step's note) is written in Chinese,
    # whatever language the caller runs in (a test after an English page, a shell).
    return translation.override(settings.LANGUAGE_CODE)


def _build_part(part: Part, seed: int, scale: float, phases: Phases, result: BuildResult) -> None:
    with phases(part.name):
        if part.scaled:
            built = part.build(seed=seed, scale=scale, progress=phases.say)
        else:
            built = part.build(seed=seed, progress=phases.say)
    if part.field:
        setattr(result, part.field, built)


def _finish(phases: Phases) -> None:
    if connection.vendor == "postgresql":
        with phases("序列与统计"):
            # The demo writes rows with the keys it chose; every sequence then follows its
            # table, whatever an earlier, rolled-back build left in it (sequences ignore
            # rollbacks).
            demo_cases._reset_sequences(
                *(m for m in apps.get_models() if m.__module__.startswith("fupin."))
            )
            # The planner has no statistics yet on the tables just filled (autovacuum sees them
            # only after the commit): without them some pages' joins run for tens of seconds.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
    set_as_of(AS_OF)


def _demo_build(*, seed: int, scale: float, password: str, phases: Phases) -> BuildResult:
    say = phases.say
    with phases("区划与位置"):
        ensure_areas()
        # Synthetic village locations for the check-in geofence (fupin.demo.locations).
        demo_locations()
    with phases("生成登记数据"):
        data = generate(villages=rural_villages(), seed=seed, scale=scale)
        say(f"已生成：{len(data.households)} 户，{len(data.villages)} 个嘎查村")
    # The history tables are loaded without their indexes (built after): nothing reads them
    # until the build ends. Their rows are drawn last, while the other core writes the visits.
    with indexes_after(*(m.history.model for m in REGISTRY_MODELS)):
        result, written = demo_write(data, progress=phases)
        with phases("演示账号"):
            demo_users.demo_users_create(password=password)
            set_as_of(AS_OF)
        with phases("帮扶与走访"):
            result.assistance = demo_assistance.demo_assistance(
                seed=seed, scale=scale, progress=say
            )
        result.history_rows = demo_write_history(written, progress=phases)
    return result
