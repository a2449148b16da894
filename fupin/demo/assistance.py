"""The demo's assistance and field work, as of 30 June 2017, set-based and deterministic.

Cadres (≈42,000 at full scale) with units, posts, phones, a quarter Party members; a
department link for almost every rural village and a leader link for every township;
pairings for most still-poor and recently exited households (a few poor households left
without a cadre, a few cadres over the cap, a few cadres who are themselves registered
poor); 2017 plans with measures by cause; first secretaries and work-team members with
check-ins (some under 20 days in June); a weekly contact per pairing for the 26 weeks before
the as-of date (some pairings behind in the last week); concerns closed with the household's
feedback over two years plus open, overdue and escalated ones; review meetings per level with
a few missed. Rows are written with ``executemany`` (:class:`fupin.demo.cases._Rows`).
"""

from __future__ import annotations

import dataclasses
import datetime
import random
from collections import defaultdict
from decimal import Decimal

from django.utils import timezone

from fupin.areas.models import Area, Level
from fupin.assistance.models import AssistancePlan, Cadre, Link, Measure, MeasureType, Pairing
from fupin.fieldwork.models import CheckIn, Concern, ConcernEvent, ReviewMeeting, Visit
from fupin.registry import codes
from fupin.registry.models import Household, Member

from . import names
from .cases import _first_pk, _reset_sequences, _Rows
from .rows import indexes_after

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

    # --- cadres ------------------------------------------------------------------------------
    cadres = _Rows(Cadre, _first_pk(Cadre))
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
        return cadres.add(
            name=_name(rng),
            area_id=area,
            unit=unit,
            post=post,
            title=title,
            phone=_phone(rng),
            party_member=rng.random() < 0.25 or post == Cadre.Post.FIRST_SECRETARY,
            id_number=id_number,
            user_id=None,
            active=True,
        )

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
            unit = {
                Cadre.Post.DEPARTMENT_CADRE: UNITS[rng.randrange(len(UNITS))],
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
    links = _Rows(Link)
    for township in townships:
        links.add(
            kind=Link.Kind.LEADER_TOWNSHIP,
            area_id=township,
            cadre_id=leader_of[township],
            department="",
            start_date=START,
            end_date=None,
        )
    for index, village in enumerate(rural):
        if index % 41 == 9:
            continue  # a village without a department
        first_secretary = resident_of[village][0] if village in resident_of else None
        links.add(
            kind=Link.Kind.DEPARTMENT_VILLAGE,
            area_id=village,
            cadre_id=first_secretary,
            department=UNITS[index % len(UNITS)],
            start_date=START,
            end_date=None,
        )
    result.links = links.write()

    # --- pairings, plans, measures -----------------------------------------------------------
    pairings = _Rows(Pairing)
    for who, h, village in pairs:
        pairings.add(
            cadre_id=who, household_id=h[0], village_id=village, start_date=START, end_date=None
        )
    result.pairings = pairings.write()
    plans = _Rows(AssistancePlan, _first_pk(AssistancePlan))
    measures = _Rows(Measure)
    for who, h, village in pairs:
        if h[1] not in codes.POOR_STATUSES:
            continue
        plan = plans.add(
            household_id=h[0], village_id=village, year=AS_OF.year, note="因户施策，一户一法"
        )
        for kind in CAUSE_MEASURES.get(h[3], (MeasureType.INDUSTRY,)):
            roll = rng.random()
            measures.add(
                plan_id=plan,
                village_id=village,
                type=kind,
                year=AS_OF.year,
                amount=str(Decimal(rng.randrange(500, 20_000, 100)).quantize(Decimal("0.01"))),
                responsible_id=who,
                status=Measure.State.DONE
                if roll < 0.3
                else Measure.State.IN_PROGRESS
                if roll < 0.8
                else Measure.State.PLANNED,
                description=str(MeasureType(kind).label),
                outcome="",
            )
    result.plans, result.measures = plans.write(), measures.write()
    say(
        f"联系包联 {result.links} 条，结对 {result.pairings} 户，2017 年计划 {result.plans} 份、措施 {result.measures} 项"
    )

    # --- check-ins -------------------------------------------------------------------------
    checkins = _Rows(CheckIn)
    days = [CHECKIN_FROM + datetime.timedelta(d) for d in range((AS_OF - CHECKIN_FROM).days + 1)]
    for index, village in enumerate(villages):
        for n, who in enumerate(resident_of[village]):
            short = index % 23 == 4 and n == 1  # a work-team member under 20 days
            rate = 0.45 if short else 0.86
            for day in days:
                if rng.random() < rate:
                    checkins.add(
                        cadre_id=who, village_id=village, day=day, lat=None, lon=None, note=""
                    )
    with indexes_after(CheckIn):
        result.checkins = checkins.write()

    # --- visits: one contact a week per pairing --------------------------------------------
    visits = _Rows(Visit, _first_pk(Visit))
    kinds = (Visit.Kind.HOME,) * 6 + (Visit.Kind.PHONE, Visit.Kind.PHONE, Visit.Kind.WECHAT)
    last_visit = {}
    for n, (who, h, village) in enumerate(pairs):
        behind = n % 37 == 11  # no contact in the last week
        for week in range(VISIT_WEEKS):
            end = AS_OF - datetime.timedelta(days=7 * week)
            if week == 0 and behind:
                continue
            day = end - datetime.timedelta(days=rng.randrange(7))
            pk = visits.add(
                cadre_id=who,
                household_id=h[0],
                village_id=village,
                visited_on=day,
                kind=kinds[rng.randrange(len(kinds))],
                content="入户走访，宣讲政策",
                created_by_id=None,
            )
            if week == 0:
                last_visit[n] = (pk, day)
    with indexes_after(Visit):
        result.visits = visits.write()
    say(f"驻村打卡 {result.checkins} 条，走访 {result.visits} 次（{VISIT_WEEKS} 周）")

    # --- concerns ---------------------------------------------------------------------------
    concerns = _Rows(Concern, _first_pk(Concern))
    events = _Rows(ConcernEvent)
    categories = list(Concern.Category)
    zone = timezone.get_current_timezone()

    def event(cid, village, day, src, dst, level, note=""):
        at = timezone.make_aware(
            datetime.datetime.combine(day, datetime.time(9 + rng.randrange(8))), zone
        )
        events.add(
            concern_id=cid,
            village_id=village,
            at=at,
            day=day,
            user_id=None,
            from_state=src,
            to_state=dst,
            level=level,
            note=note,
        )

    def concern(n, state, raised_on, level="village", escalated=False):
        who, h, village = pairs[n % len(pairs)]
        category = categories[rng.randrange(len(categories))]
        deadline = raised_on + datetime.timedelta(days=15)
        owner = resident_of[village][0]
        answered = state in (Concern.State.ANSWERED, Concern.State.CLOSED)
        cid = concerns.add(
            household_id=h[0],
            village_id=village,
            source=Concern.Source.VISIT,
            raised_by_id=who,
            visit_id=None,
            raised_on=raised_on,
            text=CONCERN_TEXTS[category],
            category=category,
            state=state,
            level=level,
            owner_id=None if state == Concern.State.RAISED else owner,
            deadline=deadline,
            beyond_power=escalated,
            answer="已协调解决" if answered else "",
            satisfied=True if state == Concern.State.CLOSED else None,
            feedback_on=None,
            filer_contact="",
            source_hash="",
        )
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
            concerns.rows[-1]["feedback_on"] = day
            event(
                cid, village, day, Concern.State.ANSWERED, Concern.State.CLOSED, level, "群众满意"
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
    result.concerns, result.events = concerns.write(), events.write()

    # --- review meetings ---------------------------------------------------------------------
    meetings = _Rows(ReviewMeeting)
    month = REVIEW_FROM
    while month <= AS_OF:
        nxt = datetime.date(month.year + month.month // 12, month.month % 12 + 1, 1)
        last = nxt - datetime.timedelta(1)
        half = datetime.date(month.year, month.month, 15)
        for index, village in enumerate(all_villages):
            for first, end in ((month, half), (half + datetime.timedelta(1), last)):
                if end == AS_OF and index % 29 == 6:
                    continue  # missed in the last half-month
                meetings.add(
                    area_id=village,
                    level="village",
                    held_on=_day(rng, first, end),
                    attendees="第一书记、工作队、村两委",
                    minutes="分析研判民情诉求",
                    created_by_id=None,
                )
        for index, township in enumerate(townships):
            if month.month == AS_OF.month and index % 17 == 2:
                continue
            meetings.add(
                area_id=township,
                level="township",
                held_on=_day(rng, month, last),
                attendees="苏木乡镇党委、包联干部",
                minutes="研判民情，交办事项",
                created_by_id=None,
            )
        if month.month % 3 == 0:
            for index, county in enumerate(counties):
                if month.month == AS_OF.month and index == 1:
                    continue
                meetings.add(
                    area_id=county,
                    level="county",
                    held_on=_day(rng, month - datetime.timedelta(days=60), last),
                    attendees="旗县扶贫开发领导小组",
                    minutes="季度民情研判",
                    created_by_id=None,
                )
        month = nxt
    result.meetings = meetings.write()
    _reset_sequences(Cadre, AssistancePlan, Visit, Concern)
    say(f"民情诉求 {result.concerns} 件（流转 {result.events} 条），研判会 {result.meetings} 次")
    return result


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
