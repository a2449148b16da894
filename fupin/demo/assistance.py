"""The demo's assistance and field work, as of 30 June 2017, set-based and deterministic.

Cadres (≈42,000 at full scale) with units, posts, phones, a quarter Party members; a
department link for almost every rural village and a leader link for every township;
pairings for most still-poor and recently exited households (a few poor households left
without a cadre, a few cadres over the cap, a few cadres who are themselves registered
poor); 2017 plans with measures by cause; first secretaries and work-team members with
check-ins (some under 20 days in June); a weekly contact per pairing for the 26 weeks before
the as-of date (some pairings behind in the last week); concerns closed with the household's
feedback over two years plus open, overdue and escalated ones; review meetings per level with
a few missed.

Rows are tuples of values adapted once each (:class:`fupin.demo.rows.Tuples`): on SQLite
multi-row inserts with the shared columns in the statement, on PostgreSQL ``COPY``. The visits,
a million at full scale, are made by one ``INSERT … SELECT`` from their draws (:func:`_visits`),
which on SQLite runs behind while the concerns are drawn. Same seed, same rows as the
row-by-row build this replaced, keys and all.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import itertools
import random
from collections import defaultdict

from django.db import connection
from django.utils import timezone

from fupin.areas.models import Area, Level
from fupin.assistance.models import AssistancePlan, Cadre, Link, Measure, MeasureType, Pairing
from fupin.core.rows import write_tuples
from fupin.fieldwork.models import CheckIn, Concern, ConcernEvent, ReviewMeeting, Visit
from fupin.registry import codes
from fupin.registry.models import Household, Member

from . import names
from .cases import _first_pk, _reset_sequences
from .rows import Tuples, column_adapter, indexes_after, later

LEAGUE = "1522"
AS_OF = datetime.date(2017, 6, 30)
CADRES = 42_000
CLOSED_CONCERNS = 27_000
VISIT_WEEKS = 26
CHECKIN_FROM = datetime.date(2017, 4, 1)
REVIEW_FROM = datetime.date(2017, 1, 1)
START = datetime.date(2016, 1, 1)

UNITS = (
    "旗县委组织部",
    "旗县发改委",
    "旗县财政局",
    "旗县农牧业局",
    "旗县扶贫办",
    "旗县教育局",
    "旗县卫计局",
    "旗县住建局",
    "旗县水务局",
    "旗县人社局",
    "旗县民政局",
    "旗县交通局",
    "旗县林业局",
    "旗县国土资源局",
    "旗县供电公司",
    "农村信用联社",
)
CAUSE_MEASURES = {
    codes.Cause.ILLNESS: (MeasureType.HEALTH, MeasureType.SOCIAL_SECURITY),
    codes.Cause.DISABILITY: (MeasureType.SOCIAL_SECURITY, MeasureType.ASSET_INCOME),
    codes.Cause.EDUCATION: (MeasureType.EDUCATION, MeasureType.EMPLOYMENT),
    codes.Cause.DISASTER: (MeasureType.HOUSING, MeasureType.INDUSTRY),
    codes.Cause.LAND: (MeasureType.EMPLOYMENT, MeasureType.ASSET_INCOME),
    codes.Cause.WATER: (MeasureType.INDUSTRY, MeasureType.ECOLOGY),
    codes.Cause.SKILLS: (MeasureType.EMPLOYMENT, MeasureType.INDUSTRY),
    codes.Cause.LABOUR: (MeasureType.PUBLIC_POST, MeasureType.SOCIAL_SECURITY),
    codes.Cause.CAPITAL: (MeasureType.FINANCE, MeasureType.INDUSTRY),
    codes.Cause.TRANSPORT: (MeasureType.INDUSTRY, MeasureType.EMPLOYMENT),
    codes.Cause.MOTIVATION: (MeasureType.PUBLIC_POST, MeasureType.INDUSTRY),
    codes.Cause.OTHER: (MeasureType.INDUSTRY,),
}
CONCERN_TEXTS = {
    Concern.Category.INCOME: "希望介绍务工岗位",
    Concern.Category.HOUSING: "房屋墙体开裂，申请危房改造",
    Concern.Category.HEALTH: "慢性病报销比例不清楚",
    Concern.Category.EDUCATION: "孩子上学补助未到账",
    Concern.Category.WATER: "自来水冬季冻管",
    Concern.Category.POLICY: "产业扶持资金何时发放",
    Concern.Category.OTHER: "村道路灯损坏",
}


@dataclasses.dataclass
class AssistanceResult:
    cadres: int = 0
    links: int = 0
    pairings: int = 0
    plans: int = 0
    measures: int = 0
    checkins: int = 0
    visits: int = 0
    concerns: int = 0
    events: int = 0
    meetings: int = 0


MODELS = (
    ReviewMeeting.concerns.through,
    ReviewMeeting,
    ConcernEvent,
    Concern,
    Visit,
    CheckIn,
    Measure,
    AssistancePlan,
    Pairing,
    Link,
    Cadre,
)


def demo_assistance_reset() -> None:
    """Delete every cadre, link, pairing, plan, measure and field-work row (raw deletes)."""
    for model in MODELS:
        qs = model._base_manager.all()
        qs._raw_delete(qs.db)


def _phone(rng) -> str:
    return f"1{rng.choice('358')}{rng.randint(0, 9)}{rng.randint(0, 99_999_999):08d}"


def _day(rng, first: datetime.date, last: datetime.date) -> datetime.date:
    return first + datetime.timedelta(days=rng.randint(0, (last - first).days))


def demo_assistance(*, seed: int, scale: float, progress=None) -> AssistanceResult:
    say = progress or (lambda message: None)
    rng = random.Random(seed * 15_485_863 + 11)
    result = AssistanceResult()
    areas = list(
        Area.objects.within(LEAGUE).order_by("code").values_list("code", "level", "participates")
    )
    rural = [c for c, lvl, p in areas if lvl == Level.VILLAGE and p]
    all_villages = [c for c, lvl, _p in areas if lvl == Level.VILLAGE]
    townships = [c for c, lvl, _p in areas if lvl == Level.TOWNSHIP]
    counties = [c for c, lvl, _p in areas if lvl == Level.COUNTY]
    households = defaultdict(list)  # village → [(pk, status, exit_year, cause)]
    for row in (
        Household.objects.within(LEAGUE)
        .order_by("village_id", "number")
        .values_list("village_id", "pk", "status", "exit_year", "main_cause")
    ):
        households[row[0]].append(row[1:])
    villages = [v for v in rural if households[v]]  # the demo's villages (all at full scale)
    targets = {
        v: [h for i, h in enumerate(households[v]) if h[1] in codes.POOR_STATUSES or _recent(h, i)]
        for v in villages
    }
    total_targets = sum(len(t) for t in targets.values())
    residents = 3 * len(villages)
    leaders = len(townships)
    pairing_cadres = max(total_targets // 2, round(CADRES * scale) - residents - leaders)
    per_household = pairing_cadres / max(total_targets, 1)
    # Every date column adapts alike; each distinct day once.
    day_value = column_adapter(Visit, "visited_on")
    # The keys this phase chooses, read before any of its writes: on SQLite a read waits for
    # the statements running behind (fupin.demo.rows.write_behind).
    first_plan, first_visit, first_concern = (
        _first_pk(AssistancePlan),
        _first_pk(Visit),
        _first_pk(Concern),
    )

    # --- cadres ------------------------------------------------------------------------------
    cadres = Tuples(Cadre, CADRE_COLUMNS)
    cadre_ids = itertools.count(_first_pk(Cadre))
    poor_ids = {}
    for village, id_number in (
        Member.objects.within(LEAGUE)
        .filter(household__status__in=codes.POOR_STATUSES)
        .exclude(id_number="")
        .order_by("pk")
        .values_list("village_id", "id_number")
    ):
        poor_ids.setdefault(village, id_number)

    def cadre(area, post, unit, title="", id_number=""):
        pk = next(cadre_ids)
        # The draws in the order of the columns: name, phone, Party membership.
        cadres.rows.append(
            (
                pk,
                _name(rng),
                area,
                unit,
                str(post),
                title,
                _phone(rng),
                rng.random() < 0.25 or post == Cadre.Post.FIRST_SECRETARY,
                id_number,
            )
        )
        return pk

    leader_of = {}
    for township in townships:
        post = Cadre.Post.COUNTY_LEADER if rng.random() < 0.4 else Cadre.Post.DEPUTY_HEAD
        leader_of[township] = cadre(township[:6], post, "旗县人民政府", "副旗县长")
    resident_of = defaultdict(list)
    for village in villages:
        unit = UNITS[rng.randrange(len(UNITS))]
        resident_of[village].append(cadre(village, Cadre.Post.FIRST_SECRETARY, unit, "第一书记"))
        for _ in range(2):
            resident_of[village].append(cadre(village, Cadre.Post.WORK_TEAM, unit, "工作队员"))
    pairs = []  # (cadre, household, village)
    registered_poor = 0
    with_poor = 0
    for village in villages:
        targets_here = targets[village]
        if not targets_here:
            continue
        poor = [h for h in targets_here if h[1] in codes.POOR_STATUSES]
        if poor:
            with_poor += 1
            # A few poor households without a cadre (every 97th such village leaves one out).
            if with_poor % 97 == 5:
                targets_here = [h for h in targets_here if h is not poor[-1]]
                if not targets_here:
                    continue
        k = max(1, round(len(targets_here) * per_household))
        ids = []
        for n in range(k):
            roll = rng.random()
            post = (
                Cadre.Post.DEPARTMENT_CADRE
                if roll < 0.6
                else Cadre.Post.TOWNSHIP_CADRE
                if roll < 0.85
                else Cadre.Post.VILLAGE_CADRE
            )
            id_number = ""
            if n == 0 and village in poor_ids and with_poor % 53 == 7:
                post = Cadre.Post.VILLAGE_CADRE  # a village cadre who is registered poor
                id_number = poor_ids[village]
                registered_poor += 1
            # A department is drawn for every cadre, whatever the post.
            department = UNITS[rng.randrange(len(UNITS))]
            unit = {
                Cadre.Post.DEPARTMENT_CADRE: department,
                Cadre.Post.TOWNSHIP_CADRE: "苏木乡镇人民政府",
                Cadre.Post.VILLAGE_CADRE: "嘎查村委会",
            }[post]
            ids.append(cadre(village, post, unit, id_number=id_number))
        for i, h in enumerate(targets_here):
            pairs.append((ids[i % k], h, village))
    # A few cadres over the cap: six neighbouring households (maybe across a village border).
    groups = max(3, len(pairs) // 2000)
    for g in range(groups):
        start = g * (len(pairs) // groups)
        who = pairs[start][0]
        for i in range(start, min(start + 6, len(pairs))):
            pairs[i] = (who, *pairs[i][1:])
    result.cadres = cadres.write()
    say(f"帮扶干部 {result.cadres} 人（其中建档立卡贫困人口 {registered_poor} 人）")

    # --- links -------------------------------------------------------------------------------
    start_date = day_value(START)
    links = Tuples(Link, ("kind", "area_id", "cadre_id", "department", "start_date"))
    for township in townships:
        links.rows.append(
            (Link.Kind.LEADER_TOWNSHIP, township, leader_of[township], "", start_date)
        )
    for index, village in enumerate(rural):
        if index % 41 == 9:
            continue  # a village without a department
        first_secretary = resident_of[village][0] if village in resident_of else None
        links.rows.append(
            (
                Link.Kind.DEPARTMENT_VILLAGE,
                village,
                first_secretary,
                UNITS[index % len(UNITS)],
                start_date,
            )
        )
    result.links = links.write()

    # --- pairings, plans, measures -----------------------------------------------------------
    pairings = Tuples(Pairing, ("cadre_id", "household_id", "village_id", "start_date"))
    pairings.rows = [(who, h[0], village, start_date) for who, h, village in pairs]
    result.pairings = pairings.write()
    plans = Tuples(AssistancePlan, ("id", "household_id", "village_id", "year", "note"))
    measures = Tuples(Measure, MEASURE_COLUMNS)
    labels = {kind: str(kind.label) for kind in MeasureType}
    states = {state: str(state) for state in Measure.State}
    plan = first_plan
    for who, h, village in pairs:
        if h[1] not in codes.POOR_STATUSES:
            continue
        plans.rows.append((plan, h[0], village, AS_OF.year, "因户施策，一户一法"))
        for kind in CAUSE_MEASURES.get(h[3], (MeasureType.INDUSTRY,)):
            roll = rng.random()
            amount = rng.randrange(500, 20_000, 100)
            status = (
                Measure.State.DONE
                if roll < 0.3
                else Measure.State.IN_PROGRESS
                if roll < 0.8
                else Measure.State.PLANNED
            )
            measures.rows.append(
                (
                    plan,
                    village,
                    str(kind),
                    AS_OF.year,
                    f"{amount}.00",
                    who,
                    states[status],
                    labels[kind],
                )
            )
        plan += 1
    result.plans, result.measures = plans.write(), measures.write()
    say(
        f"联系包联 {result.links} 条，结对 {result.pairings} 户，2017 年计划 {result.plans} 份、措施 {result.measures} 项"
    )

    # --- check-ins -------------------------------------------------------------------------
    checkins = Tuples(CheckIn, ("cadre_id", "village_id", "day"))
    days = [
        day_value(CHECKIN_FROM + datetime.timedelta(d))
        for d in range((AS_OF - CHECKIN_FROM).days + 1)
    ]
    draw = rng.random
    for index, village in enumerate(villages):
        for n, who in enumerate(resident_of[village]):
            short = index % 23 == 4 and n == 1  # a work-team member under 20 days
            rate = 0.45 if short else 0.86
            checkins.rows.extend([(who, village, day) for day in days if draw() < rate])
    with indexes_after(CheckIn):
        result.checkins = checkins.write()

    # --- visits: one contact a week per pairing --------------------------------------------
    # With their indexes in place: the rows come by pairing, so each index takes them in a few
    # neighbouring pages, for less than sorting all seven afterwards (measured).
    result.visits = _visits(rng, pairs, first_visit, day_value)
    say(f"驻村打卡 {result.checkins} 条，走访 {result.visits} 次（{VISIT_WEEKS} 周）")

    # --- concerns ---------------------------------------------------------------------------
    concerns = Tuples(Concern, CONCERN_COLUMNS)
    events = Tuples(ConcernEvent, EVENT_COLUMNS)
    categories = list(Concern.Category)
    zone = timezone.get_current_timezone()
    at_value = column_adapter(ConcernEvent, "at")
    next_concern = itertools.count(first_concern)

    @functools.cache
    def moment(day, hour):
        return at_value(
            timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)), zone)
        )

    def event(cid, village, day, src, dst, level, note=""):
        at = moment(day, 9 + rng.randrange(8))
        events.rows.append((cid, village, at, day_value(day), str(src), str(dst), level, note))

    def concern(n, state, raised_on, level="village", escalated=False):
        who, h, village = pairs[n % len(pairs)]
        category = categories[rng.randrange(len(categories))]
        deadline = raised_on + datetime.timedelta(days=15)
        owner = resident_of[village][0]
        answered = state in (Concern.State.ANSWERED, Concern.State.CLOSED)
        cid = next(next_concern)
        feedback_on = None
        event(cid, village, raised_on, "", Concern.State.RAISED, "village")
        day = raised_on
        if state != Concern.State.RAISED:
            day = min(day + datetime.timedelta(days=rng.randint(0, 2)), AS_OF)
            event(cid, village, day, Concern.State.RAISED, Concern.State.ASSIGNED, "village")
            if escalated:
                event(
                    cid,
                    village,
                    day,
                    Concern.State.ASSIGNED,
                    Concern.State.ASSIGNED,
                    level,
                    "超出本级权限，提交上级",
                )
        if state in (Concern.State.IN_PROGRESS, Concern.State.ANSWERED, Concern.State.CLOSED):
            event(cid, village, day, Concern.State.ASSIGNED, Concern.State.IN_PROGRESS, level)
        if answered:
            day = min(day + datetime.timedelta(days=rng.randint(2, 12)), AS_OF)
            event(cid, village, day, Concern.State.IN_PROGRESS, Concern.State.ANSWERED, level)
        if state == Concern.State.CLOSED:
            day = min(day + datetime.timedelta(days=rng.randint(0, 3)), AS_OF)
            feedback_on = day_value(day)
            event(
                cid, village, day, Concern.State.ANSWERED, Concern.State.CLOSED, level, "群众满意"
            )
        concerns.rows.append(
            (
                cid,
                h[0],
                village,
                str(Concern.Source.VISIT),
                who,
                day_value(raised_on),
                CONCERN_TEXTS[category],
                str(category),
                str(state),
                level,
                None if state == Concern.State.RAISED else owner,
                day_value(deadline),
                escalated,
                "已协调解决" if answered else "",
                True if state == Concern.State.CLOSED else None,
                feedback_on,
            )
        )
        return cid

    closed = round(CLOSED_CONCERNS * scale)
    two_years = AS_OF - datetime.timedelta(days=730)
    for n in range(closed):
        concern(
            n * 7 + 1,
            Concern.State.CLOSED,
            _day(rng, two_years, AS_OF - datetime.timedelta(days=20)),
        )
    opened = max(12, closed // 40)
    recent = AS_OF - datetime.timedelta(days=10)
    for n in range(opened):
        state = (
            Concern.State.RAISED,
            Concern.State.ASSIGNED,
            Concern.State.IN_PROGRESS,
            Concern.State.ANSWERED,
        )[n % 4]
        concern(n * 13 + 5, state, _day(rng, recent, AS_OF))  # within the deadline
    for n in range(max(4, opened // 4)):  # overdue
        state = Concern.OPEN_STATES[n % 3]
        concern(
            n * 17 + 3,
            state,
            _day(rng, AS_OF - datetime.timedelta(days=60), AS_OF - datetime.timedelta(days=20)),
        )
    for n in range(max(3, opened // 6)):  # escalated to the township or the county
        level = "township" if n % 3 else "county"
        concern(
            n * 19 + 2, Concern.State.IN_PROGRESS, _day(rng, recent, AS_OF), level, escalated=True
        )

    # --- review meetings ---------------------------------------------------------------------
    meetings = Tuples(ReviewMeeting, ("area_id", "level", "held_on", "attendees", "minutes"))
    month = REVIEW_FROM
    while month <= AS_OF:
        nxt = datetime.date(month.year + month.month // 12, month.month % 12 + 1, 1)
        last = nxt - datetime.timedelta(1)
        half = datetime.date(month.year, month.month, 15)
        for index, village in enumerate(all_villages):
            for first, end in ((month, half), (half + datetime.timedelta(1), last)):
                if end == AS_OF and index % 29 == 6:
                    continue  # missed in the last half-month
                meetings.rows.append(
                    (
                        village,
                        "village",
                        day_value(_day(rng, first, end)),
                        "第一书记、工作队、村两委",
                        "分析研判民情诉求",
                    )
                )
        for index, township in enumerate(townships):
            if month.month == AS_OF.month and index % 17 == 2:
                continue
            meetings.rows.append(
                (
                    township,
                    "township",
                    day_value(_day(rng, month, last)),
                    "苏木乡镇党委、包联干部",
                    "研判民情，交办事项",
                )
            )
        if month.month % 3 == 0:
            for index, county in enumerate(counties):
                if month.month == AS_OF.month and index == 1:
                    continue
                meetings.rows.append(
                    (
                        county,
                        "county",
                        day_value(_day(rng, month - datetime.timedelta(days=60), last)),
                        "旗县扶贫开发领导小组",
                        "季度民情研判",
                    )
                )
        month = nxt
    # The writes after all the drawing: on SQLite the drawing above overlaps the visits'
    # insert and index builds running behind.
    result.concerns, result.events = concerns.write(), events.write()
    result.meetings = meetings.write()
    _reset_sequences(Cadre, AssistancePlan, Visit, Concern)
    say(f"民情诉求 {result.concerns} 件（流转 {result.events} 条），研判会 {result.meetings} 次")
    return result


def _visits(rng, pairs, first_pk: int, day_value) -> int:
    """Write one contact a week per pairing for the :data:`VISIT_WEEKS` weeks before the as-of
    date (none in the last week for every 37th pairing); return how many.

    Python draws each visit's day in its week and its kind, two digits a visit in one string
    per pairing; one ``INSERT … SELECT`` over the pairings, the weeks and the days then makes
    the rows, on SQLite on the other core (:func:`fupin.demo.rows.later`).
    """
    rows = []
    pk = first_pk
    for n, (who, h, village) in enumerate(pairs):
        behind = int(n % 37 == 11)  # no contact in the last week
        draws = "00" * behind + _visit_draws(rng, VISIT_WEEKS - behind)
        # The key the week-0 visit has, or would have had.
        rows.append((n, pk - behind, behind, who, h[0], village, draws))
        pk += VISIT_WEEKS - behind
    days = [(k, day_value(AS_OF - datetime.timedelta(days=k))) for k in range(7 * VISIT_WEEKS)]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for sql in VISIT_TEMP_TABLES:
            cursor.execute(sql)
        write_tuples(cursor, "demo_visit_pairs", VISIT_PAIR_COLUMNS, rows)
        write_tuples(cursor, "demo_visit_weeks", ["week"], [(w,) for w in range(VISIT_WEEKS)])
        write_tuples(cursor, "demo_visit_days", ["k", "day"], days)
    kind_sql = (
        "CASE substr(p.draws, 2 * w.week + 2, 1)" + " WHEN %s THEN %s" * len(VISIT_KINDS) + " END"
    )
    values = {  # attname: (SQL, its parameters); the other columns take their defaults
        "id": ("p.first_id + w.week", []),
        "cadre_id": ("p.cadre_id", []),
        "household_id": ("p.household_id", []),
        "village_id": ("p.village_id", []),
        "visited_on": ("d.day", []),
        "kind": (kind_sql, [v for i, kind in enumerate(VISIT_KINDS) for v in (str(i), kind)]),
        "content": ("%s", ["入户走访，宣讲政策"]),
    }
    columns, selected, params = [], [], []
    for field in Visit._meta.concrete_fields:
        columns.append(quote(field.column))
        if field.attname in values:
            sql, more = values[field.attname]
            selected.append(sql)
            params.extend(more)
        elif (default := field.get_default()) is None:
            selected.append("NULL")
        else:
            selected.append("%s")
            params.append(default)
    later(
        f"INSERT INTO {quote(Visit._meta.db_table)} ({', '.join(columns)})"  # noqa: S608
        f" SELECT {', '.join(selected)}"
        " FROM demo_visit_pairs p JOIN demo_visit_weeks w ON w.week >= p.behind"
        " JOIN demo_visit_days d ON d.k = 7 * w.week + CAST(substr(p.draws, 2 * w.week + 1, 1)"
        " AS integer) ORDER BY p.n, w.week",
        params,
    )
    for table in ("demo_visit_pairs", "demo_visit_weeks", "demo_visit_days"):
        later(f"DROP TABLE {table}")
    return pk - first_pk


def _visit_draws(rng, count: int) -> str:
    """``count`` visits' draws, two digits each: ``rng.randrange(7)`` (the day back from the
    week's end) and ``rng.randrange(len(VISIT_KINDS))`` (the kind), the same numbers from the
    same state as those calls, made the way ``random.Random`` makes them (a word of bits, drawn
    again while too large) without their two Python frames each: a million visits' worth."""
    bits = rng.getrandbits
    kinds = len(VISIT_KINDS)
    kind_bits = kinds.bit_length()
    draws = []
    for _ in range(count):
        offset = bits(3)
        while offset >= 7:
            offset = bits(3)
        kind = bits(kind_bits)
        while kind >= kinds:
            kind = bits(kind_bits)
        draws.append(_DIGITS[offset * 10 + kind])
    return "".join(draws)


_DIGITS = [f"{n:02d}" for n in range(100)]
VISIT_KINDS = (Visit.Kind.HOME,) * 6 + (Visit.Kind.PHONE, Visit.Kind.PHONE, Visit.Kind.WECHAT)
VISIT_PAIR_COLUMNS = ["n", "first_id", "behind", "cadre_id", "household_id", "village_id", "draws"]
VISIT_TEMP_TABLES = (
    "CREATE TEMPORARY TABLE demo_visit_pairs (n integer PRIMARY KEY, first_id bigint NOT NULL,"
    " behind integer NOT NULL, cadre_id bigint NOT NULL, household_id bigint NOT NULL,"
    " village_id varchar(20) NOT NULL, draws varchar(60) NOT NULL)",
    "CREATE TEMPORARY TABLE demo_visit_weeks (week integer PRIMARY KEY)",
    "CREATE TEMPORARY TABLE demo_visit_days (k integer PRIMARY KEY, day date NOT NULL)",
)
CADRE_COLUMNS = (
    "id",
    "name",
    "area_id",
    "unit",
    "post",
    "title",
    "phone",
    "party_member",
    "id_number",
)
MEASURE_COLUMNS = (
    "plan_id",
    "village_id",
    "type",
    "year",
    "amount",
    "responsible_id",
    "status",
    "description",
)
CONCERN_COLUMNS = (
    "id",
    "household_id",
    "village_id",
    "source",
    "raised_by_id",
    "raised_on",
    "text",
    "category",
    "state",
    "level",
    "owner_id",
    "deadline",
    "beyond_power",
    "answer",
    "satisfied",
    "feedback_on",
)
EVENT_COLUMNS = (
    "concern_id",
    "village_id",
    "at",
    "day",
    "from_state",
    "to_state",
    "level",
    "note",
)


def _name(rng) -> str:
    sex = rng.choice("MF")
    birth = rng.randint(1965, 1992)
    if rng.random() < 0.3:
        return names.mongol_name(rng, sex, birth)
    return names.han_name(rng, sex, birth)


def _recent(h, index: int) -> bool:
    """Exited households still paired: all of 2016 and 2017, a quarter of 2015's."""
    exit_year = h[2] or 0
    return exit_year >= 2016 or (exit_year == 2015 and index % 4 == 0)
