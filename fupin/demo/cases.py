"""The demo's cases (一申请两评议三公开) as of 30 June 2017, consistent with the registry.

:func:`demo_cases` runs after the registry is written (:func:`fupin.demo.services.demo_build`):

* **history, set-based** — every exit of 2014–2016 in the status rows (exited at the end of the
  year, poor or relapsed the year before or identified that year: the definition of
  ``area_stats``) gets its completed exit case of that year, with a step per step of the exit
  chain (meeting record with attendance and votes, verification, the household's agreement),
  a village notice per village and year and a county announcement per county and year; every
  identification of 2014–2016 gets its completed identification case (the application as
  registered, the two reviews, two notices and the announcement). Rows are inserted with
  ``executemany`` and explicit keys (no query per row); the dates are drawn per village, per
  township and per county and year from ``random.Random(seed)``, in this order: the
  application, the meeting, the village notice (its 7 days, or the area's period), the
  township review after it ended, and so on. The 2015 and 2016 cases sit in closed adjustment
  rounds.
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
from .rows import Rows, indexes_after

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
    """Households with their yearly statuses, per-capita income and members (3 queries)."""
    households = {
        row["pk"]: row
        for row in Household.objects.order_by("pk").values(
            "pk", "village_id", "head_name", "identified_year", "members_count", *HOUSEHOLD_FIELDS
        )
    }
    statuses: dict[int, dict[int, str]] = defaultdict(dict)
    for household_id, year, status in StatusRecord.objects.values_list(
        "household_id", "year", "status"
    ):
        statuses[household_id][year] = status
    incomes = {}
    for row in IncomeRecord.objects.values_list(
        "household_id",
        "year",
        "wage_income",
        "business_income",
        "property_income",
        "transfer_income",
        "business_costs",
        "members_count",
    ):
        household_id, year, wages, business, prop, transfer, costs, size = row
        net = wages + business + prop + transfer - costs
        incomes[household_id, year] = int(net / max(size or 1, 1))
    return households, statuses, incomes


def _members(household_ids: set[int]) -> dict[int, list[dict]]:
    members: dict[int, list[dict]] = defaultdict(list)
    for row in Member.objects.order_by("pk").values("household_id", *MEMBER_FIELDS):
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


class _History:
    def __init__(self, ctx: _Context, rng: random.Random):
        self.ctx = ctx
        self.rng = rng
        self.cases = _Rows(Case, _first_pk(Case))
        self.steps = _Rows(CaseStep, _first_pk(CaseStep))
        self.notices = _Rows(Notice, _first_pk(Notice))
        self.links = _Rows(Notice.cases.through)
        self.minute = 0
        self.rounds: dict[tuple[str, int], int] = {}

    def notice(self, *, level, kind, case_kind, code, year, published_on, actor, case_ids):
        ends_on = None
        if kind == Notice.Kind.NOTICE:
            ends_on = published_on + datetime.timedelta(days=self.ctx.notice_days(code) - 1)
        pk = self.notices.add(
            kind=kind,
            level=level,
            case_kind=case_kind,
            area_id=code,
            title=self.ctx.title(code, case_kind, year, level, kind),
            body="",
            published_on=published_on,
            ends_on=ends_on,
            contact="",
            created_by_id=actor.pk,
        )
        for case_id in case_ids:
            self.links.add(notice_id=pk, case_id=case_id)
        return pk, ends_on

    def step(self, case_id, village, name, day, role, actor=None, record=None, reason=""):
        self.minute += 1
        self.steps.add(
            case_id=case_id,
            village_id=village,
            step=name,
            decision=CaseStep.Decision.APPROVE,
            reason=reason,
            acted_on=day,
            actor_id=actor.pk if actor else None,
            role=role,
            record=record or {},
            created_at=_moment(day, self.minute % 600),
        )

    def chain(self, case_id, village, role, actor, *entries):
        """Write consecutive steps of one case taken by one role: ``(name, day, record,
        reason)`` each."""
        for name, day, record, reason in entries:
            self.step(case_id, village, name, day, role, actor, record, reason)

    def case(self, *, kind, row, year, state, created_on, closed_on, application=None):
        village = row["village_id"]
        return self.cases.add(
            kind=kind,
            village_id=village,
            year=year,
            adjustment_round_id=self.rounds.get((village[:6], year)),
            household_id=row["pk"],
            applicant_name=row["head_name"],
            application=application or {},
            scan="",
            state=state,
            paused=False,
            outcome=Case.Outcome.COMPLETED,
            outcome_reason="",
            created_by_id=self.ctx.clerk(village).pk,
            created_on=created_on,
            closed_on=closed_on,
        )

    def actor(self, role, code):
        return self.ctx.user(role, code)

    # exit chain, per village and year; county announcement per county and year
    def exits(self, groups: dict, incomes: dict) -> int:
        rng, total = self.rng, 0
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
            county_cases = []
            for village, rows, published, meeting, d in villages:
                village_user = self.actor(Role.VILLAGE_TEAM, village)
                case_ids = []
                for row in rows:
                    case_id = self.case(
                        kind=Case.Kind.EXIT,
                        row=row,
                        year=year,
                        state="exited",
                        created_on=d["proposed"],
                        closed_on=exited,
                    )
                    case_ids.append(case_id)
                    row["case_id"] = case_id
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
                for row in rows:
                    case_id = row["case_id"]
                    income = incomes.get((row["pk"], year)) or POVERTY_LINE[year] + 300
                    income = max(income, POVERTY_LINE[year] + 1)
                    record = dict(meeting)
                    for_more = rng.randint(0, 2)
                    record["votes_for"] = min(
                        record["votes_for"] + for_more,
                        record["representatives"] - record["votes_against"],
                    )
                    verification = VERIFICATION.format(
                        year=year, income=income, line=POVERTY_LINE[year]
                    )
                    agreement = {
                        "agreed_on": d["agreed"].isoformat(),
                        "signed_by": row["head_name"],
                    }
                    self.chain(
                        case_id,
                        village,
                        Role.VILLAGE_TEAM,
                        village_user,
                        (
                            "proposed",
                            d["proposed"],
                            None,
                            EXIT_PROPOSAL.format(income=income, line=POVERTY_LINE[year]),
                        ),
                        ("democratic_review", d["meeting_day"], record, ""),
                        ("verified", d["verified"], {"verification": verification}, ""),
                        ("household_agreed", d["agreed"], agreement, ""),
                        (
                            "notice",
                            published,
                            {"notice": notice_pk, "ends_on": ends_on.isoformat()},
                            "",
                        ),
                    )
                    county_cases.append((case_id, village))
                    total += 1
            pk, _ends = self.notice(
                level=Notice.Level.COUNTY,
                kind=Notice.Kind.ANNOUNCEMENT,
                case_kind=Case.Kind.EXIT,
                code=county,
                year=year,
                published_on=announced,
                actor=county_user,
                case_ids=[c for c, _v in county_cases],
            )
            for case_id, village in county_cases:
                self.chain(
                    case_id,
                    village,
                    Role.COUNTY_OFFICE,
                    county_user,
                    ("announced", announced, {"notice": pk, "ends_on": ""}, ""),
                    ("exited", exited, None, EXIT_ANNOUNCE_REASON),
                )
        return total

    # identification chain: village notice per village-year, township per township-year ...
    def identifications(self, groups: dict, members: dict) -> int:
        rng, total = self.rng, 0
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
        by_county: dict[tuple[str, int], list] = defaultdict(list)
        for (township, year), villages in sorted(by_township.items()):
            village_cases = []
            last_end = None
            for village, rows, applied, meeting_day, published, meeting in villages:
                village_user = self.actor(Role.VILLAGE_TEAM, village)
                case_ids = []
                for row in rows:
                    household = {
                        k: row[k] for k in HOUSEHOLD_FIELDS if row[k] not in (None, "", [])
                    }
                    application = {"household": household, "members": members.get(row["pk"], [])}
                    case_id = self.case(
                        kind=Case.Kind.IDENTIFICATION,
                        row=row,
                        year=year,
                        state="registered",
                        created_on=applied,
                        closed_on=None,  # set below, once the county's dates are drawn
                        application=application,
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
                for case_id in case_ids:
                    self.chain(
                        case_id,
                        village,
                        Role.VILLAGE_TEAM,
                        village_user,
                        ("applied", applied, None, ""),
                        ("democratic_review", meeting_day, meeting, ""),
                        ("village_notice", published, notice_record, ""),
                    )
                    village_cases.append((case_id, village))
                last_end = max(last_end or ends_on, ends_on)
            township_user = self.actor(Role.TOWNSHIP_OFFICER, township)
            clerk = township_user or self.actor(Role.COUNTY_OFFICE, township) or self.ctx.admin
            reviewed = _days(rng, last_end, 1, 3)
            published = _days(rng, reviewed, 1, 2)
            notice_pk, ends_on = self.notice(
                level=Notice.Level.TOWNSHIP,
                kind=Notice.Kind.NOTICE,
                case_kind=Case.Kind.IDENTIFICATION,
                code=township,
                year=year,
                published_on=published,
                actor=clerk,
                case_ids=[c for c, _v in village_cases],
            )
            spot_check = {"spot_check": SPOT_CHECK.format(checked=max(1, len(village_cases) // 5))}
            notice_record = {"notice": notice_pk, "ends_on": ends_on.isoformat()}
            for case_id, village in village_cases:
                self.chain(
                    case_id,
                    village,
                    Role.TOWNSHIP_OFFICER,
                    township_user,
                    ("township_review", reviewed, spot_check, ""),
                    ("township_notice", published, notice_record, ""),
                )
            by_county[township[:6], year].append((village_cases, ends_on))
        closed = {}
        for (county, year), townships in sorted(by_county.items()):
            county_user = self.actor(Role.COUNTY_OFFICE, county) or self.ctx.admin
            last_end = max(ends_on for _cases, ends_on in townships)
            reviewed = _days(rng, last_end, 1, 3)
            announced = _days(rng, reviewed, 1, 2)
            registered = _days(rng, announced, 0, 2)
            county_cases = [c for cases, _e in townships for c in cases]
            pk, _ends = self.notice(
                level=Notice.Level.COUNTY,
                kind=Notice.Kind.ANNOUNCEMENT,
                case_kind=Case.Kind.IDENTIFICATION,
                code=county,
                year=year,
                published_on=announced,
                actor=county_user,
                case_ids=[c for c, _v in county_cases],
            )
            opinion = {"opinion": COUNTY_OPINION.format(count=len(county_cases))}
            for case_id, village in county_cases:
                self.chain(
                    case_id,
                    village,
                    Role.COUNTY_OFFICE,
                    county_user,
                    ("county_review", reviewed, opinion, ""),
                    ("announced", announced, {"notice": pk, "ends_on": ""}, ""),
                    ("registered", registered, None, ""),
                )
                closed[case_id] = registered
                total += 1
        for row in self.cases.rows:
            if row["id"] in closed:
                row["closed_on"] = closed[row["id"]]
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
    identification_cases = history.identifications(
        identified, _members({r["pk"] for rows in identified.values() for r in rows})
    )
    exit_cases = history.exits(exits, incomes)
    history.notices.write()
    history.cases.write()
    with indexes_after(CaseStep):
        steps = history.steps.write()
    history.links.write()
    _reset_sequences(Case, CaseStep, Notice)
    return exit_cases, identification_cases, steps, len(history.notices.rows)


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
