"""The demo's cases (一申请两评议三公开) as of 30 June 2017, consistent with the registry.

:func:`demo_cases` runs after the registry is written (:func:`fupin.demo.services.demo_build`):

* **history, set-based** — every exit of 2014–2016 in the status rows (exited at the end of the
  year, poor or relapsed the year before or identified that year: the definition of
  ``area_stats``) gets its completed exit case of that year, with a step per step of the exit
  chain (meeting record with attendance and votes, verification, the household's agreement),
  a village notice per village and year and a county announcement per county and year; every
  identification of 2014–2016 gets its completed identification case (the application as
  registered, the two reviews, two notices and the announcement). The rows are built as
  adapted values with explicit keys and go out in large multi-row inserts
  (:func:`fupin.demo.rows.insert_later`: on SQLite on the other core while the next rows are
  drawn, ``COPY`` on PostgreSQL), a case before its steps, the steps' and cases' indexes built
  after; the dates are drawn per village, per township and per county and year from
  ``random.Random(seed)``, in this order: the application, the meeting, the village notice
  (its 7 days, or the area's period), the township review after it ended, and so on. The 2015
  and 2016 cases sit in closed adjustment rounds.
* **2017 in progress, through the services** — each county opens its 2017 round on 1 March;
  in 长发村 identification cases stand in every open state of the chain and in two villages of
  扎赉特旗 exit cases stand in every open state of theirs, a few rejected with a reason, a few
  notices published 26–29 June still in their period, and open objections pausing their
  cases. Nothing of 2017 completes, so the registry's 2017 figures stay those of the
  generator.
* **monitoring** — the monitoring rules run for 2016 (:func:`fupin.assessment.services.monitoring_run`).
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import json
import random
import types
from collections import defaultdict

from django.db import connection
from django.utils import timezone

from fupin.accounts.models import Role, RoleAssignment, User
from fupin.areas.models import Area
from fupin.core.clock import historical_load, set_as_of
from fupin.core.idnumber import make_id_number
from fupin.identification import services as case_services
from fupin.identification import workflow
from fupin.identification.models import (
    DEFAULT_NOTICE_DAYS,
    AdjustmentRound,
    Case,
    CaseStep,
    Notice,
    NoticePeriod,
    Objection,
)
from fupin.registry import codes
from fupin.registry.models import Household, IncomeRecord, Member, StatusRecord

from . import names
from . import users as demo_users
from .rows import Rows, indexes_after, insert_later

LEAGUE = "1522"
HISTORY_YEARS = (2014, 2015, 2016)
CURRENT_YEAR = 2017
ROUND_OPENED = datetime.date(2017, 3, 1)
MONITOR_YEAR = 2016
BATCH = 10000
# Extra village logins for the villages whose 2017 exit cases are in progress; marked by
# this e-mail address so that :func:`demo_cases_reset` removes exactly them.
EXTRA_USER_EMAIL = "demo-village@fupin.invalid"
VILLAGE_TEAM_NAMES = ("孟庆丰", "包斯琴")

MEMBER_FIELDS = case_services.MEMBER_FIELDS
HOUSEHOLD_FIELDS = (
    "attribute",
    "main_cause",
    "other_causes",
    "dangerous_housing",
    "safe_water",
    "phone",
    "standard",
)
MINUTES_EXIT = "经村民代表大会民主评议，同意{names}等{count}户{year}年脱贫退出。"
MINUTES_IDENT = "经村民代表大会民主评议，同意{names}等{count}户纳入{year}年建档立卡贫困户。"
VERIFICATION = (
    "经村两委和驻村工作队入户核实：{year}年人均纯收入{income}元，高于当年扶贫标准{line}元；"
    "不愁吃、不愁穿，义务教育、基本医疗、住房安全有保障，饮水安全。"
)
SPOT_CHECK = "乡镇抽查{checked}户，入户核实收入、住房和家庭成员情况，与申请一致。"
COUNTY_OPINION = "经旗县扶贫开发领导小组审定，同意{count}户纳入建档立卡贫困户。"
# The exit reason shown on the public notice (the proposal's reason).
EXIT_PROPOSAL = "人均纯收入 {income:,} 元，高于当年扶贫标准 {line:,} 元；两不愁三保障达标"
EXIT_ANNOUNCE_REASON = "经旗县审定公告，标注脱贫"
POVERTY_LINE = {2014: 2800, 2015: 2855, 2016: 2952, 2017: 3335}  # docs/domain.md §3.3


@dataclasses.dataclass
class CasesResult:
    exit_cases: int = 0
    identification_cases: int = 0
    steps: int = 0
    notices: int = 0
    open_cases: int = 0
    rejected: int = 0
    objections: int = 0
    monitoring: dict = dataclasses.field(default_factory=dict)


# --- raw rows: fupin.demo.rows (the other demo modules import it from here too) ------------
_Rows = Rows


def _first_pk(model) -> int:
    last = model._base_manager.order_by("-pk").values_list("pk", flat=True).first()
    return (last or 0) + 1


def _reset_sequences(*models) -> None:
    """Move each model's key sequence up to its table's largest key, never down.

    The demo writes rows with keys it chose (:func:`_first_pk`). A sequence is not rolled back
    with the rows: after a larger build that was rolled back (a test's), it may stand above the
    table, and moving it down would hand out keys that a row written later in the same
    transaction, or a rolled-back build's survivor, already holds. Only PostgreSQL has
    sequences to move; SQLite takes the next key from the table itself.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in models:
            table, column = model._meta.db_table, model._meta.pk.column
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, column])
            sequence = cursor.fetchone()[0]
            if sequence is None:
                continue
            quoted = connection.ops.quote_name
            cursor.execute(
                f"SELECT setval(%s, GREATEST((SELECT max({quoted(column)}) FROM {quoted(table)}),"  # noqa: S608
                f" (SELECT last_value FROM {sequence}), 1))",
                [sequence],
            )


def _days(rng: random.Random, day: datetime.date, low: int, high: int) -> datetime.date:
    return day + datetime.timedelta(days=rng.randint(low, high))


@functools.cache  # a village's steps share their days: make_aware once per moment
def _moment(day: datetime.date, minute: int) -> datetime.datetime:
    naive = datetime.datetime.combine(day, datetime.time(9)) + datetime.timedelta(minutes=minute)
    return timezone.make_aware(naive) if timezone.is_naive(naive) else naive


def _names_of(rows, limit=3) -> str:
    return "、".join(r["head_name"] for r in rows[:limit])


class _Context:
    """What the set-based pass reads once: users, area names, notice periods."""

    def __init__(self):
        self.users = {
            (a.role, a.area_id): a.user
            for a in RoleAssignment.objects.filter(
                user__username__in=demo_users.DEMO_USERNAMES
            ).select_related("user")
        }
        self.admin = User.objects.get(username=demo_users.ADMIN)
        self.area_names = dict(Area.objects.within(LEAGUE).values_list("code", "name"))
        self.periods = dict(NoticePeriod.objects.values_list("area_id", "days"))

    def user(self, role: str, code: str):
        """The demo user of ``role`` over the area containing ``code`` (or None)."""
        for n in (12, 9, 6, 4):
            user = self.users.get((role, code[:n]))
            if user is not None:
                return user
        return None

    def clerk(self, village: str):
        """Who entered a historical case: the village's team, else the county office."""
        return (
            self.user(Role.VILLAGE_TEAM, village)
            or self.user(Role.COUNTY_OFFICE, village)
            or self.admin
        )

    def notice_days(self, code: str) -> int:
        for n in (12, 9, 6, 4, 2):
            if code[:n] in self.periods:
                return self.periods[code[:n]]
        return DEFAULT_NOTICE_DAYS

    def title(self, code: str, case_kind: str, year: int, level: str, kind: str) -> str:
        area = types.SimpleNamespace(name=self.area_names.get(code, code))
        return case_services._notice_title(area, case_kind, year, level, kind)


# --- history: 2014-2016, set-based --------------------------------------------------------
def _registry_rows():
    """Households with their yearly statuses and per-capita income (3 queries)."""
    names = ("pk", "village_id", "head_name", "identified_year", "members_count")
    households = {row["pk"]: row for row in _plain_rows(Household, (*names, *HOUSEHOLD_FIELDS))}
    statuses: dict[int, dict[int, str]] = defaultdict(dict)
    incomes = {}
    status, income = StatusRecord._meta, IncomeRecord._meta
    quote = connection.ops.quote_name

    def column(meta, name):
        return quote(meta.get_field(name).column)

    parts = " + ".join(
        column(income, name)
        for name in ("wage_income", "business_income", "property_income", "transfer_income")
    )
    with connection.cursor() as cursor:
        # Plain rows, not the ORM's: a converter per value costs more than the query.
        cursor.execute(
            f"SELECT {column(status, 'household')}, {column(status, 'year')},"  # noqa: S608
            f" {column(status, 'status')} FROM {quote(status.db_table)}"
        )
        for household_id, year, value in cursor.fetchall():
            statuses[household_id][year] = value
        # The net income in fen, exact: SQLite keeps the yuan as floats, whose sum is within
        # far less than a fen of the true one.
        cursor.execute(
            f"SELECT {column(income, 'household')}, {column(income, 'year')},"  # noqa: S608
            f" CAST(ROUND(({parts} - {column(income, 'business_costs')}) * 100) AS BIGINT),"
            f" {column(income, 'members_count')} FROM {quote(income.db_table)}"
        )
        for household_id, year, fen, size in cursor.fetchall():
            # Per capita in whole yuan, truncated toward zero as int() of the Decimal does.
            per_capita = abs(fen) // (100 * max(size or 1, 1))
            incomes[household_id, year] = -per_capita if fen < 0 else per_capita
    return households, statuses, incomes


def _plain_rows(model, names: tuple[str, ...]) -> list[dict]:
    """``model.objects.order_by("pk").values(*names)`` from a plain cursor: the ORM's
    converters cost more than the query, and only JSON and booleans need one here."""
    meta, quote = model._meta, connection.ops.quote_name
    fields = [meta.pk if name == "pk" else meta.get_field(name) for name in names]
    converters = []
    for i, field in enumerate(fields):
        kind = field.get_internal_type()
        if kind == "JSONField":
            converters.append(
                (i, lambda value, field=field: field.from_db_value(value, None, connection))
            )
        elif kind == "BooleanField":
            converters.append((i, bool))
    columns = ", ".join(quote(field.column) for field in fields)
    order = quote(meta.pk.column)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {quote(meta.db_table)} ORDER BY {order}")  # noqa: S608
        rows = cursor.fetchall()
    result = []
    for row in rows:
        if converters:
            row = list(row)
            for i, convert in converters:
                if row[i] is not None:
                    row[i] = convert(row[i])
        result.append(dict(zip(names, row, strict=True)))
    return result


def _members(household_ids: set[int]) -> dict[int, list[dict]]:
    members: dict[int, list[dict]] = defaultdict(list)
    for row in _plain_rows(Member, ("household_id", *MEMBER_FIELDS)):
        if row["household_id"] in household_ids:
            household_id = row.pop("household_id")
            members[household_id].append(row)
    return members


def _meeting(rng, day, count, minutes) -> dict:
    attendees = rng.randint(35, 90)
    representatives = rng.randint(21, min(attendees, 45))
    against = rng.randint(0, 2)
    return {
        "meeting_date": day.isoformat(),
        "attendees": attendees,
        "representatives": representatives,
        "votes_for": representatives - against - rng.randint(0, 2),
        "votes_against": against,
        "minutes": minutes,
    }


class _Table:
    """One table's rows as a flat list of adapted values in ``names`` order, handed to the
    database (:func:`fupin.demo.rows.insert_later`) in large batches, so that SQLite stores
    one batch on the other core while the next is drawn (:meth:`_History.flush`)."""

    FLUSH = 100_000  # rows

    def __init__(self, model, names: tuple[str, ...], first_pk: int | None = None):
        fields = {f.attname: f for f in model._meta.concrete_fields}
        if first_pk is None:
            fields.pop(model._meta.pk.attname)
        if set(names) != set(fields):  # a field added to the model must be written here too
            raise RuntimeError(f"{model.__name__}: columns {sorted(fields)}, rows {names}")
        self.table = model._meta.db_table
        self.columns = [fields[name].column for name in names]
        self.width = len(names)
        self.values: list = []
        self.written = 0
        self.next_pk = first_pk

    @property
    def count_pending(self) -> int:
        return len(self.values) // self.width

    @property
    def count(self) -> int:
        return self.written + self.count_pending

    def write(self) -> None:
        insert_later(self.table, self.columns, self.values)
        self.written += self.count_pending
        self.values = []


CASE_NAMES = (
    "id",
    "kind",
    "village_id",
    "year",
    "adjustment_round_id",
    "household_id",
    "applicant_name",
    "application",
    "scan",
    "state",
    "paused",
    "outcome",
    "outcome_reason",
    "created_by_id",
    "created_on",
    "closed_on",
)
STEP_NAMES = (
    "id",
    "case_id",
    "village_id",
    "step",
    "decision",
    "reason",
    "acted_on",
    "actor_id",
    "role",
    "record",
    "created_at",
)
NOTICE_NAMES = (
    "id",
    "kind",
    "level",
    "case_kind",
    "area_id",
    "title",
    "body",
    "published_on",
    "ends_on",
    "contact",
    "created_by_id",
)
LINK_NAMES = ("notice_id", "case_id")
EMPTY = "{}"  # a step or application without a record
APPROVE = CaseStep.Decision.APPROVE.value
COMPLETED = Case.Outcome.COMPLETED.value


class _History:
    """The 2014–2016 cases as adapted rows: the draws and the order of the keys are those of
    the steps as the procedure takes them, written without a query per row."""

    def __init__(self, ctx: _Context, rng: random.Random):
        self.ctx = ctx
        self.rng = rng
        self.cases = _Table(Case, CASE_NAMES, _first_pk(Case))
        self.steps = _Table(CaseStep, STEP_NAMES, _first_pk(CaseStep))
        self.notices = _Table(Notice, NOTICE_NAMES, _first_pk(Notice))
        self.links = _Table(Notice.cases.through, LINK_NAMES)
        self.minute = 0
        self.rounds: dict[tuple[str, int], int] = {}
        ops = connection.ops
        self._adapt_date = ops.adapt_datefield_value
        self._adapt_moment = ops.adapt_datetimefield_value
        self._dates: dict = {}
        self._moments: dict = {}
        self._actors: dict = {}
        self._clerks: dict = {}
        self.json = functools.partial(json.dumps, cls=CaseStep._meta.get_field("record").encoder)
        self.application_json = functools.partial(
            json.dumps, cls=Case._meta.get_field("application").encoder
        )

    def day(self, day: datetime.date | None):
        """``day`` as the driver takes it (one conversion per day)."""
        if day is None:
            return None
        try:
            return self._dates[day]
        except KeyError:
            result = self._dates[day] = self._adapt_date(day)
            return result

    def moments(self, day: datetime.date) -> list:
        """The day's step moments as the driver takes them, by minute after 9:00 (filled as
        they are used): one ``make_aware`` per day, then a timedelta per minute, which keeps
        the zone and gives the same moment as ``_moment``."""
        try:
            return self._moments[day]
        except KeyError:
            result = self._moments[day] = [None] * 600
            return result

    def moment(self, day: datetime.date, minute: int):
        slots = self.moments(day)
        value = slots[minute]
        if value is None:
            value = slots[minute] = self._adapt_moment(
                _moment(day, 0) + datetime.timedelta(minutes=minute)
            )
        return value

    def ends_on(self, code: str, published_on: datetime.date) -> datetime.date:
        """The last day of a notice of ``code``'s area published on ``published_on``."""
        return published_on + datetime.timedelta(days=self.ctx.notice_days(code) - 1)

    def notice(self, *, level, kind, case_kind, code, year, published_on, actor, case_ids):
        ends_on = None
        if kind == Notice.Kind.NOTICE:
            ends_on = self.ends_on(code, published_on)
        pk = self.notices.next_pk
        self.notices.next_pk += 1
        self.notices.values += (
            pk,
            kind.value,
            level.value,
            case_kind.value,
            code,
            self.ctx.title(code, case_kind, year, level, kind),
            "",
            self.day(published_on),
            self.day(ends_on),
            "",
            actor.pk,
        )
        links = self.links.values
        for case_id in case_ids:
            links += (pk, case_id)
        return pk, ends_on

    def chain(self, case_ids, village, role, actor, entries) -> None:
        """Write each case's consecutive steps taken by one role: ``(name, day, record,
        reason)`` each, ``record`` a dict, JSON text or None."""
        actor_id = actor.pk if actor else None
        prepared = []
        for name, day, record, reason in entries:
            if record is None:
                record = EMPTY
            elif not isinstance(record, str):
                record = self.json(record)
            prepared.append((name, day, self.day(day), record, reason, self.moments(day)))
        values = self.steps.values
        pk, minute = self.steps.next_pk, self.minute
        for case_id in case_ids:
            for name, day, acted_on, record, reason, moments in prepared:
                minute += 1
                at = moments[minute % 600]
                if at is None:
                    at = self.moment(day, minute % 600)
                values += (
                    pk,
                    case_id,
                    village,
                    name,
                    APPROVE,
                    reason,
                    acted_on,
                    actor_id,
                    role,
                    record,
                    at,
                )
                pk += 1
        self.steps.next_pk, self.minute = pk, minute

    def case(self, *, kind, row, year, state, created_on, closed_on, application=EMPTY) -> int:
        village = row["village_id"]
        pk = self.cases.next_pk
        self.cases.next_pk += 1
        self.cases.values += (
            pk,
            kind,
            village,
            year,
            self.rounds.get((village[:6], year)),
            row["pk"],
            row["head_name"],
            application,
            "",
            state,
            False,
            COMPLETED,
            "",
            self.clerk(village),
            self.day(created_on),
            self.day(closed_on),
        )
        return pk

    def actor(self, role, code):
        key = (role, code)
        try:
            return self._actors[key]
        except KeyError:
            result = self._actors[key] = self.ctx.user(role, code)
            return result

    def clerk(self, village: str) -> int:
        try:
            return self._clerks[village]
        except KeyError:
            result = self._clerks[village] = self.ctx.clerk(village).pk
            return result

    def flush(self, *, whole: bool = False) -> None:
        """Hand the rows gathered so far to the database once the steps fill a batch (all of
        them with ``whole``), every table at once and parents first: a row written before
        the one it refers to would have SQLite check, at every later insert into the parent
        table, for rows pointing at it, and the steps' index on their case is gone here."""
        if whole or self.steps.count_pending >= _Table.FLUSH:
            for table in (self.cases, self.notices, self.steps, self.links):
                table.write()

    # exit chain, per village and year; county announcement per county and year
    def exits(self, groups: dict, incomes: dict) -> int:
        rng, total = self.rng, 0
        exit_kind, village_team, county_office = (
            Case.Kind.EXIT.value,
            Role.VILLAGE_TEAM.value,
            Role.COUNTY_OFFICE.value,
        )
        by_county: dict[tuple[str, int], list] = defaultdict(list)
        for (village, year), rows in sorted(groups.items()):
            proposed = _days(rng, datetime.date(year, 10, 8), 0, 14)
            meeting_day = _days(rng, proposed, 3, 6)
            verified = _days(rng, meeting_day, 2, 4)
            agreed = _days(rng, verified, 1, 3)
            published = _days(rng, agreed, 1, 2)
            minutes = MINUTES_EXIT.format(names=_names_of(rows), count=len(rows), year=year)
            meeting = _meeting(rng, meeting_day, len(rows), minutes)
            dates = {
                "proposed": proposed,
                "meeting_day": meeting_day,
                "verified": verified,
                "agreed": agreed,
            }
            by_county[village[:6], year].append((village, rows, published, meeting, dates))
        for (county, year), villages in sorted(by_county.items()):
            county_user = self.actor(Role.COUNTY_OFFICE, county) or self.ctx.admin
            announced = _days(rng, datetime.date(year, 12, 1), 0, 10)
            exited = _days(rng, announced, 0, 3)
            line = POVERTY_LINE[year]
            county_cases = []
            for village, rows, published, meeting, d in villages:
                village_user = self.actor(Role.VILLAGE_TEAM, village)
                case_ids = [
                    self.case(
                        kind=exit_kind,
                        row=row,
                        year=year,
                        state="exited",
                        created_on=d["proposed"],
                        closed_on=exited,
                    )
                    for row in rows
                ]
                notice_pk, ends_on = self.notice(
                    level=Notice.Level.VILLAGE,
                    kind=Notice.Kind.NOTICE,
                    case_kind=Case.Kind.EXIT,
                    code=village,
                    year=year,
                    published_on=published,
                    actor=village_user or county_user,
                    case_ids=case_ids,
                )
                notice_record = self.json({"notice": notice_pk, "ends_on": ends_on.isoformat()})
                agreed_on = d["agreed"].isoformat()
                most = meeting["representatives"] - meeting["votes_against"]
                reviews: dict[int, str] = {}  # the meeting's record by the case's votes for
                for row, case_id in zip(rows, case_ids, strict=True):
                    income = incomes.get((row["pk"], year)) or line + 300
                    income = max(income, line + 1)
                    votes_for = min(meeting["votes_for"] + rng.randint(0, 2), most)
                    review = reviews.get(votes_for)
                    if review is None:
                        record = dict(meeting)
                        record["votes_for"] = votes_for
                        review = reviews[votes_for] = self.json(record)
                    verification = VERIFICATION.format(year=year, income=income, line=line)
                    agreement = {"agreed_on": agreed_on, "signed_by": row["head_name"]}
                    self.chain(
                        (case_id,),
                        village,
                        village_team,
                        village_user,
                        (
                            (
                                "proposed",
                                d["proposed"],
                                None,
                                EXIT_PROPOSAL.format(income=income, line=line),
                            ),
                            ("democratic_review", d["meeting_day"], review, ""),
                            ("verified", d["verified"], {"verification": verification}, ""),
                            ("household_agreed", d["agreed"], agreement, ""),
                            ("notice", published, notice_record, ""),
                        ),
                    )
                county_cases += case_ids
                total += len(case_ids)
                self.flush()
            pk, _ends = self.notice(
                level=Notice.Level.COUNTY,
                kind=Notice.Kind.ANNOUNCEMENT,
                case_kind=Case.Kind.EXIT,
                code=county,
                year=year,
                published_on=announced,
                actor=county_user,
                case_ids=county_cases,
            )
            # The county's steps of its cases in their order (a village's cases are
            # consecutive), village by village.
            announcement = self.json({"notice": pk, "ends_on": ""})
            start = 0
            for village, rows, *_rest in villages:
                self.chain(
                    county_cases[start : start + len(rows)],
                    village,
                    county_office,
                    county_user,
                    (
                        ("announced", announced, announcement, ""),
                        ("exited", exited, None, EXIT_ANNOUNCE_REASON),
                    ),
                )
                start += len(rows)
            self.flush()
        return total

    # identification chain: village notice per village-year, township per township-year ...
    def identifications(self, groups: dict, members: dict) -> int:
        rng, total = self.rng, 0
        kind = Case.Kind.IDENTIFICATION.value
        roles = (Role.VILLAGE_TEAM.value, Role.TOWNSHIP_OFFICER.value, Role.COUNTY_OFFICE.value)
        village_team, township_officer, county_office = roles
        by_township: dict[tuple[str, int], list] = defaultdict(list)
        for (village, year), rows in sorted(groups.items()):
            if year == 2014:
                applied = _days(rng, datetime.date(2014, 4, 10), 0, 60)
            else:
                applied = _days(rng, datetime.date(year, 10, 8), 0, 10)
            meeting_day = _days(rng, applied, 3, 6)
            published = _days(rng, meeting_day, 1, 2)
            minutes = MINUTES_IDENT.format(names=_names_of(rows), count=len(rows), year=year)
            meeting = _meeting(rng, meeting_day, len(rows), minutes)
            by_township[village[:9], year].append(
                (village, rows, applied, meeting_day, published, meeting)
            )
        # The townships' and counties' days first, drawn in the same order as the procedure
        # takes them (a township after its villages' notices end, a county after its
        # townships'): the rows then go out with each case's closing day known, a case before
        # its steps. (A step written before its case would have SQLite look for the case's
        # steps, without their index, at every case inserted after it.)
        townships: dict[tuple[str, int], tuple] = {}
        by_county: dict[tuple[str, int], list] = defaultdict(list)
        for (township, year), villages in sorted(by_township.items()):
            last_end = max(
                self.ends_on(village, published) for village, *_, published, _m in villages
            )
            reviewed = _days(rng, last_end, 1, 3)
            published = _days(rng, reviewed, 1, 2)
            townships[township, year] = (reviewed, published)
            by_county[township[:6], year].append(self.ends_on(township, published))
        counties: dict[tuple[str, int], tuple] = {}
        for (county, year), ends in sorted(by_county.items()):
            reviewed = _days(rng, max(ends), 1, 3)
            announced = _days(rng, reviewed, 1, 2)
            registered = _days(rng, announced, 0, 2)
            counties[county, year] = (reviewed, announced, registered)
        county_cases: dict[tuple[str, int], list] = defaultdict(list)
        for (township, year), villages in sorted(by_township.items()):
            closed_on = counties[township[:6], year][2]
            village_cases = []
            for village, rows, applied, meeting_day, published, meeting in villages:
                village_user = self.actor(Role.VILLAGE_TEAM, village)
                case_ids = []
                for row in rows:
                    household = {
                        k: row[k] for k in HOUSEHOLD_FIELDS if row[k] not in (None, "", [])
                    }
                    application = {"household": household, "members": members.get(row["pk"], [])}
                    case_id = self.case(
                        kind=kind,
                        row=row,
                        year=year,
                        state="registered",
                        created_on=applied,
                        closed_on=closed_on,
                        application=self.application_json(application),
                    )
                    case_ids.append(case_id)
                clerk = village_user or self.actor(Role.COUNTY_OFFICE, village) or self.ctx.admin
                notice_pk, ends_on = self.notice(
                    level=Notice.Level.VILLAGE,
                    kind=Notice.Kind.NOTICE,
                    case_kind=Case.Kind.IDENTIFICATION,
                    code=village,
                    year=year,
                    published_on=published,
                    actor=clerk,
                    case_ids=case_ids,
                )
                notice_record = {"notice": notice_pk, "ends_on": ends_on.isoformat()}
                self.chain(
                    case_ids,
                    village,
                    village_team,
                    village_user,
                    (
                        ("applied", applied, None, ""),
                        ("democratic_review", meeting_day, meeting, ""),
                        ("village_notice", published, notice_record, ""),
                    ),
                )
                village_cases.append((village, case_ids))
            township_user = self.actor(Role.TOWNSHIP_OFFICER, township)
            clerk = township_user or self.actor(Role.COUNTY_OFFICE, township) or self.ctx.admin
            reviewed, published = townships[township, year]
            township_cases = [c for _v, case_ids in village_cases for c in case_ids]
            notice_pk, ends_on = self.notice(
                level=Notice.Level.TOWNSHIP,
                kind=Notice.Kind.NOTICE,
                case_kind=Case.Kind.IDENTIFICATION,
                code=township,
                year=year,
                published_on=published,
                actor=clerk,
                case_ids=township_cases,
            )
            spot_check = {"spot_check": SPOT_CHECK.format(checked=max(1, len(township_cases) // 5))}
            notice_record = {"notice": notice_pk, "ends_on": ends_on.isoformat()}
            entries = (
                ("township_review", reviewed, self.json(spot_check), ""),
                ("township_notice", published, self.json(notice_record), ""),
            )
            for village, case_ids in village_cases:
                self.chain(case_ids, village, township_officer, township_user, entries)
            county_cases[township[:6], year] += village_cases
            self.flush()
        for (county, year), (reviewed, announced, registered) in sorted(counties.items()):
            county_user = self.actor(Role.COUNTY_OFFICE, county) or self.ctx.admin
            village_cases = county_cases[county, year]
            case_ids = [c for _v, ids in village_cases for c in ids]
            pk, _ends = self.notice(
                level=Notice.Level.COUNTY,
                kind=Notice.Kind.ANNOUNCEMENT,
                case_kind=Case.Kind.IDENTIFICATION,
                code=county,
                year=year,
                published_on=announced,
                actor=county_user,
                case_ids=case_ids,
            )
            opinion = {"opinion": COUNTY_OPINION.format(count=len(case_ids))}
            entries = (
                ("county_review", reviewed, self.json(opinion), ""),
                ("announced", announced, self.json({"notice": pk, "ends_on": ""}), ""),
                ("registered", registered, None, ""),
            )
            for village, ids in village_cases:
                self.chain(ids, village, county_office, county_user, entries)
            total += len(case_ids)
            self.flush()
        return total


def _history_rounds(ctx: _Context, counties: list[str]) -> dict:
    """Closed 2015 and 2016 rounds per county (autumn 动态调整)."""
    rounds = {}
    for year in (2015, 2016):
        for county in counties:
            opened_by = ctx.user(Role.COUNTY_OFFICE, county) or ctx.admin
            adjustment_round = AdjustmentRound.objects.create(
                county_id=county,
                year=year,
                opened_on=datetime.date(year, 10, 1),
                opened_by=opened_by,
                closed_on=datetime.date(year, 12, 31),
                closed_by=opened_by,
            )
            rounds[county, year] = adjustment_round.pk
    return rounds


def build_history(ctx: _Context, rng: random.Random) -> tuple[int, int, int, int]:
    households, statuses, incomes = _registry_rows()
    exits: dict[tuple[str, int], list] = defaultdict(list)
    identified: dict[tuple[str, int], list] = defaultdict(list)
    for pk, row in households.items():
        years = statuses.get(pk, {})
        for year in HISTORY_YEARS:
            status = years.get(year)
            if status in codes.EXITED_STATUSES and (
                years.get(year - 1) in codes.POOR_STATUSES or row["identified_year"] == year
            ):
                exits[row["village_id"], year].append(dict(row))
        if row["identified_year"] in HISTORY_YEARS:
            identified[row["village_id"], row["identified_year"]].append(row)
    history = _History(ctx, rng)
    counties = sorted({village[:6] for village, _year in exits} | {v[:6] for v, _y in identified})
    history.rounds = _history_rounds(ctx, counties)
    members = _members({r["pk"] for rows in identified.values() for r in rows})
    # No query from here to the end of the block: the steps' and cases' indexes are gone.
    with indexes_after(CaseStep, Case):
        identification_cases = history.identifications(identified, members)
        exit_cases = history.exits(exits, incomes)
        history.flush(whole=True)
    _reset_sequences(Case, CaseStep, Notice)
    return exit_cases, identification_cases, history.steps.count, history.notices.count


# --- 2017: the open round, through the services ------------------------------------------
def _extra_village_users(villages: list[str]) -> dict[str, User]:
    users = {}
    for code, full_name in zip(villages, VILLAGE_TEAM_NAMES, strict=False):
        username = f"{Role.VILLAGE_TEAM}-{code}"
        user = User.objects.filter(username=username).first()
        if user is None:
            admin = User.objects.get(username=demo_users.ADMIN)
            user = User.objects.create(
                username=username, full_name=full_name, email=EXTRA_USER_EMAIL
            )
            user.password = admin.password  # the demo's one password
            user.save(update_fields=["password"])
        RoleAssignment.objects.get_or_create(user=user, role=Role.VILLAGE_TEAM, area_id=code)
        users[code] = user
    return users


def _free_id_number(region: str, birth: datetime.date, seq: int, sex: str) -> str:
    """An ID number not yet in the registry (a few queries: only for the 2017 applicants)."""
    for n in range(seq, seq + 500):
        number = make_id_number(region, birth, n, sex)
        if not Member.objects.filter(id_number=number).exists():
            return number
    raise RuntimeError(f"no free ID number for {region} {birth}")


def _application(rng: random.Random, village: str, head: str, size: int, seq: int) -> dict:
    birth = datetime.date(rng.randint(1955, 1985), rng.randint(1, 12), rng.randint(1, 28))
    people = [
        {
            "name": head,
            "id_number": _free_id_number(village[:6], birth, 400 + seq * 7, "M"),
            "relation": codes.Relation.HEAD,
            "ethnicity": codes.Ethnicity.HAN,
            "education": codes.Education.PRIMARY,
            "school_status": codes.SchoolStatus.NONE,
            "health": codes.Health.CHRONIC,
            "labour": codes.Labour.ORDINARY,
            "migrant_months": 0,
            "medical_insurance": True,
        }
    ]
    if size > 1:
        spouse_birth = birth + datetime.timedelta(days=rng.randint(300, 1500))
        people.append(
            {
                "name": names.han_name(rng, "F", spouse_birth.year),
                "id_number": _free_id_number(village[:6], spouse_birth, 401 + seq * 7, "F"),
                "relation": codes.Relation.SPOUSE,
                "ethnicity": codes.Ethnicity.HAN,
                "education": codes.Education.PRIMARY,
                "school_status": codes.SchoolStatus.NONE,
                "health": codes.Health.HEALTHY,
                "labour": codes.Labour.ORDINARY,
                "migrant_months": rng.randint(0, 6),
                "medical_insurance": True,
            }
        )
    return {
        "household": {
            "attribute": codes.Attribute.GENERAL,
            "main_cause": codes.Cause.ILLNESS,
            "other_causes": [],
            "dangerous_housing": False,
            "safe_water": True,
            "phone": f"139{rng.randint(0, 99999999):08d}",
        },
        "members": people,
    }


def _meeting_record(day: datetime.date, votes_for=28, votes_against=2, minutes="") -> dict:
    return {
        "meeting_date": day.isoformat(),
        "attendees": 52,
        "representatives": 34,
        "votes_for": votes_for,
        "votes_against": votes_against,
        "minutes": minutes or "经村民代表大会民主评议，同意。",
    }


D = datetime.date
# Identification chain: (state reached, notice date when the last step publishes one).
# The date of each step for a case that goes that far; the last village notice steps are
# published in late June so that their period still runs on 30 June.
IDENT_PLAN = {
    "applied": D(2017, 4, 10),
    "democratic_review": D(2017, 4, 18),
    "village_notice": D(2017, 4, 20),
    "township_review": D(2017, 5, 2),
    "township_notice": D(2017, 5, 5),
    "county_review": D(2017, 5, 16),
    "announced": D(2017, 5, 20),
}
EXIT_PLAN = {
    "proposed": D(2017, 4, 12),
    "democratic_review": D(2017, 4, 20),
    "verified": D(2017, 4, 25),
    "household_agreed": D(2017, 5, 2),
    "notice": D(2017, 5, 8),
    "announced": D(2017, 5, 20),
}
LATE_NOTICE = (D(2017, 6, 26), D(2017, 6, 27), D(2017, 6, 28), D(2017, 6, 29))


def _advance(case, *, actor_for, plan, target, late=None, rng=None):
    """Move ``case`` step by step to ``target`` (its own state name), dated by ``plan``."""
    kind = case.kind
    while case.state != target:
        step = workflow.next_step(kind, case.state)
        day = plan[step.name]
        if late is not None and step.name == target and step.publishes:
            day = late
        record = {}
        if step.record is workflow.MEETING:
            record = _meeting_record(day)
        elif step.record is workflow.SPOT_CHECK:
            record = {"spot_check": SPOT_CHECK.format(checked=1)}
        elif step.record is workflow.COUNTY_CHECK:
            record = {"opinion": "经旗县审定，同意纳入。"}
        elif step.record is workflow.VERIFICATION:
            record = {
                "verification": "经两委和驻村工作队入户核实，收入稳定超过扶贫标准，两不愁三保障。"
            }
        elif step.record is workflow.AGREEMENT:
            record = {"agreed_on": day.isoformat(), "signed_by": case.applicant_name}
        case = case_services.case_act(
            actor=actor_for(step), case=case, decision="approve", record=record, acted_on=day
        )
    return case


def _pick_exit_villages(county: str, used: set[str], count: int) -> list[str]:
    """The villages of ``county`` with the most households poor in 2017 (ties by code)."""
    rows = (
        StatusRecord.objects.within(county)
        .filter(year=CURRENT_YEAR, status=codes.Status.POOR)
        .values_list("village_id", flat=True)
        .order_by("village_id")
    )
    counts: dict[str, int] = defaultdict(int)
    for village in rows:
        counts[village] += 1
    ranked = sorted((v for v in counts if v not in used), key=lambda v: (-counts[v], v))
    return ranked[:count]


def build_current(ctx: _Context, rng: random.Random) -> dict:
    """Open the 2017 rounds and put cases in every open state (services, demo users)."""
    admin = ctx.admin
    counties = demo_users.COUNTIES
    for county in counties:
        officer = ctx.user(Role.COUNTY_OFFICE, county) or admin
        case_services.round_open(
            actor=officer, county_code=county, year=CURRENT_YEAR, opened_on=ROUND_OPENED
        )
    changfa = demo_users.CHANGFA
    village_user = ctx.user(Role.VILLAGE_TEAM, changfa)
    township_user = ctx.user(Role.TOWNSHIP_OFFICER, changfa)
    county_user = ctx.user(Role.COUNTY_OFFICE, changfa)
    exit_villages = _pick_exit_villages(changfa[:6], {changfa}, 2)
    extra = _extra_village_users(exit_villages)

    def actor_for(village):
        def pick(step):
            if Role.VILLAGE_TEAM in step.roles:
                return extra.get(village) or village_user
            if Role.TOWNSHIP_OFFICER in step.roles:
                return township_user
            return county_user

        return pick

    counts = {"open": 0, "rejected": 0, "objections": 0}
    seq = 0

    def new_identification(head, size=2):
        nonlocal seq
        seq += 1
        return case_services.case_create(
            actor=village_user,
            kind=Case.Kind.IDENTIFICATION,
            village=changfa,
            year=CURRENT_YEAR,
            applicant_name=head,
            application=_application(rng, changfa, head, size, seq),
            acted_on=IDENT_PLAN["applied"],
        )

    # one identification case in every open state of the chain (长发村)
    ident_states = [s.name for s in workflow.steps(Case.Kind.IDENTIFICATION) if not s.final]
    late = iter(LATE_NOTICE)
    for index, state in enumerate(ident_states):
        head = names.han_name(rng, "M", 1960 + index)
        case = new_identification(head, 1 + index % 3)
        when = next(late) if state in ("village_notice", "township_notice") else None
        _advance(case, actor_for=actor_for(changfa), plan=IDENT_PLAN, target=state, late=when)
    # a second one in its village notice period, with an open objection (paused)
    case = new_identification(names.han_name(rng, "M", 1958), 3)
    case = _advance(
        case,
        actor_for=actor_for(changfa),
        plan=IDENT_PLAN,
        target="village_notice",
        late=next(late),
    )
    set_as_of(D(2017, 6, 30))
    notice = case_services.last_notice(case, "village_notice")
    case_services.objection_file(
        notice=notice,
        case=case,
        filer_name="王桂芝",
        filer_contact="13847100000",
        text="该户儿子在乌兰浩特有商品房和轿车，家庭收入不低，申请人情况不实。",
        source="demo",
    )
    counts["objections"] += 1
    # rejected: at the democratic review, at the township's spot check, by an upheld objection
    case = new_identification(names.han_name(rng, "M", 1966), 2)
    case_services.case_act(
        actor=village_user,
        case=case,
        decision="reject",
        reason="民主评议赞成票未过半数：该户有稳定务工收入，不符合识别标准。",
        record=_meeting_record(D(2017, 4, 18), votes_for=9, votes_against=22),
        acted_on=D(2017, 4, 18),
    )
    case = new_identification(names.han_name(rng, "M", 1962), 2)
    case = _advance(case, actor_for=actor_for(changfa), plan=IDENT_PLAN, target="village_notice")
    case_services.case_act(
        actor=township_user,
        case=case,
        decision="reject",
        reason="乡镇抽查核实：该户家庭成员有财政供养人员，按规定不予纳入。",
        record={"spot_check": "入户核实，户主之女为乡镇事业编制人员。"},
        acted_on=D(2017, 5, 2),
    )
    counts["rejected"] += 2

    # exit cases in every open state of the chain, in two villages of 扎赉特旗
    exit_states = [s.name for s in workflow.steps(Case.Kind.EXIT) if not s.final]
    candidates = []
    for village in exit_villages:
        candidates += [
            (village, h)
            for h in Household.objects.filter(
                village_id=village, status=codes.Status.POOR, planned_exit_year=CURRENT_YEAR
            ).order_by("number")[:6]
        ]
    if len(candidates) < len(exit_states) + 2:
        for village in exit_villages:
            taken = {h.pk for _v, h in candidates}
            candidates += [
                (village, h)
                for h in Household.objects.filter(village_id=village, status=codes.Status.POOR)
                .exclude(pk__in=taken)
                .order_by("number")[:8]
            ]
    # every open state once; then one more in its notice period (to be objected to) and one
    # more verified (to be rejected)
    plan = [(state, None) for state in exit_states] + [
        ("notice", "objected"),
        ("verified", "reject"),
    ]
    exit_late = iter((D(2017, 6, 27), D(2017, 6, 28)))
    for (village, household), (state, fate) in zip(candidates, plan, strict=False):
        case = case_services.case_create(
            actor=extra.get(village) or admin,
            kind=Case.Kind.EXIT,
            village=village,
            year=CURRENT_YEAR,
            applicant_name=household.head_name,
            household=household,
            acted_on=EXIT_PLAN["proposed"],
        )
        when = next(exit_late) if state == "notice" else None
        case = _advance(case, actor_for=actor_for(village), plan=EXIT_PLAN, target=state, late=when)
        if fate == "objected":
            case_services.objection_file(
                notice=case_services.last_notice(case, "notice"),
                case=case,
                filer_name="李淑芬",
                filer_contact="15904820000",
                text="该户户主今年春天住院，至今仍在治疗，收入不稳定，不宜现在退出。",
                source="demo",
            )
            counts["objections"] += 1
        elif fate == "reject":
            case_services.case_act(
                actor=extra.get(village) or admin,
                case=case,
                decision="reject",
                reason="户主签字前突发重病，家庭收入无法稳定超过扶贫标准，暂缓退出。",
                acted_on=D(2017, 5, 3),
            )
            counts["rejected"] += 1
    counts["open"] = Case.objects.filter(year=CURRENT_YEAR, outcome=Case.Outcome.OPEN).count()
    return counts


def demo_cases(*, seed: int, progress=None) -> CasesResult:
    """Write the demo's cases, notices, rounds and monitoring flags (see the module doc)."""
    from fupin.assessment.services import monitoring_run

    say = progress or (lambda message: None)
    rng = random.Random(seed * 104729 + 3)
    ctx = _Context()
    # The demo simulates 2014–2017 through the case services, each step on its planned day.
    # Those services date steps by the system clock for every request; a historical load
    # (a context only Python code can enter, never a request) lets them take the planned
    # days, so the demo writes the same cases and notices as before. Advancing the stored
    # as-of date step by step instead would write the Setting row thousands of times and
    # change what other services read as today in the middle of the build.
    with historical_load():
        exits, identifications, steps, notices = build_history(ctx, rng)
        say(
            f"历史案件：脱贫退出 {exits} 件，贫困识别 {identifications} 件，环节 {steps} 条，公示公告 {notices} 份"
        )
        current = build_current(ctx, rng)
    say(
        f"{CURRENT_YEAR}年动态调整：办理中 {current['open']} 件，不予通过 {current['rejected']} 件，"
        f"待处理异议 {current['objections']} 件"
    )
    flags = monitoring_run(year=MONITOR_YEAR)
    say(
        f"{MONITOR_YEAR}年防返贫监测：脱贫不稳定户 {flags.get('unstable', 0)} 户，"
        f"边缘易致贫户 {flags.get('marginal', 0)} 户，突发严重困难户 {flags.get('sudden', 0)} 户"
    )
    return CasesResult(
        exit_cases=exits,
        identification_cases=identifications,
        steps=steps,
        notices=Notice.objects.count(),
        open_cases=current["open"],
        rejected=current["rejected"],
        objections=current["objections"],
        monitoring=flags,
    )


def demo_cases_reset() -> None:
    """Delete every case, notice, objection, round and assessment/monitoring result, and the
    extra village logins (raw deletes: no query per row)."""
    from fupin.assessment import models as assessment

    for model in (
        Objection,
        Notice.cases.through,
        CaseStep,
        Notice,
        Case,
        AdjustmentRound,
        assessment.MonitoredHousehold,
        assessment.HouseholdAssessment,
        assessment.VillageAssessment,
        assessment.CountyAssessment,
    ):
        rows = model._base_manager.all()
        rows._raw_delete(rows.db)
    User.objects.filter(email=EXTRA_USER_EMAIL).delete()
