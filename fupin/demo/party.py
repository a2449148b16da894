"""The demo's Party organisations, members, transfers and two years of 三会一课 with realistic gaps.

For every demo village (those with households, as in :mod:`fupin.demo.assistance`) a 党支部
with 2–3 党小组 and 20–35 members, some of them the village's assistance cadres (the first
secretary, village cadres who are Party members: ``is_cadre``); a 党委 for every township
with demo villages. Meetings from 1 July 2015 to 30 June 2017 follow the requirements
(committee and group meetings monthly, members' meetings and lessons quarterly) with gaps
made on purpose (a few percent of the branches miss a month or a quarter); absences are
drawn per meeting (外出务工 most often). Democratic appraisals for 2015 and 2016, some 2017
commitments, a few recognitions, a few transfers between branches and out of the league.

长发村 (152223100234) has a story: its members' meeting of 12 May 2017 with one member away
for work, and its second group's missing June 2017 meeting.
"""

from __future__ import annotations

import dataclasses
import datetime
import random
from collections import defaultdict

from django.db import connection

from fupin.areas.models import Area, Level
from fupin.assistance.models import Cadre
from fupin.party.models import (
    ArchiveEntry,
    MeetingAbsence,
    MeetingKind,
    MemberTransfer,
    PartyMeeting,
    PartyMember,
    PartyOrganization,
)
from fupin.registry.models import Household

from .cases import _first_pk, _reset_sequences, _Rows

LEAGUE = "1522"
CHANGFA = "152223100234"
START = datetime.date(2015, 7, 1)
AS_OF = datetime.date(2017, 6, 30)
MONTHS = [
    datetime.date(2015 + (6 + i) // 12, (6 + i) % 12 + 1, 1) for i in range(24)
]  # 2015-07 … 2017-06
GROUP_NAMES = ("第一党小组", "第二党小组", "第三党小组")
Kind = PartyOrganization.Kind
Post = PartyMember.Post
Reason = MeetingAbsence.Reason
REASONS = (
    (Reason.WORK_AWAY, "在外地务工", 0.45),
    (Reason.ILLNESS, "住院治疗", 0.25),
    (Reason.LEAVE, "已书面请假", 0.2),
    (Reason.OTHER, "照顾家中老人", 0.1),
)
TOPICS = {
    MeetingKind.COMMITTEE_MEETING: (
        "研究本月脱贫攻坚重点工作",
        "研究贫困户动态调整初步名单",
        "研究发展党员和党费收缴",
        "研究村集体经济项目",
        "研究民情诉求办理",
    ),
    MeetingKind.MEMBERS_MEETING: (
        "传达学习上级脱贫攻坚会议精神",
        "讨论村级扶贫项目实施方案",
        "民主评议党员",
        "两学一做学习教育专题会",
    ),
    MeetingKind.GROUP_MEETING: (
        "学习党章党规",
        "分析联系户生产生活情况",
        "交流致富经验",
        "组织党员志愿服务",
    ),
    MeetingKind.LESSON: (
        "书记讲党课：精准扶贫精准脱贫",
        "党课：扶贫先扶志",
        "党课：学习习近平总书记系列重要讲话",
        "第一书记讲党课：发展特色产业",
    ),
}
COMMITMENTS = (
    "带头发展庭院经济，帮带一户贫困户",
    "每月走访联系户不少于两次",
    "带头移风易俗，不办升学宴",
    "带头参加村屯环境整治",
)


@dataclasses.dataclass
class PartyResult:
    organizations: int = 0
    members: int = 0
    transfers: int = 0
    meetings: int = 0
    absences: int = 0
    archive: int = 0
    gaps: int = 0


MODELS = (
    ArchiveEntry,
    MeetingAbsence,
    PartyMeeting,
    MemberTransfer,
    PartyMember,
    PartyOrganization,
)


def demo_party_reset() -> None:
    """Delete what :func:`demo_party` wrote (raw deletes, children first)."""
    with connection.cursor() as cursor:
        table = connection.ops.quote_name(PartyOrganization._meta.db_table)
        cursor.execute(f"UPDATE {table} SET secretary_id = NULL")  # noqa: S608
    for model in MODELS:
        qs = model._base_manager.all()
        qs._raw_delete(qs.db)


def _day_in(rng, first: datetime.date, months: int = 1) -> datetime.date:
    """A day in the ``months`` months from ``first`` (days 1–28, so every month has them)."""
    month = first.month - 1 + rng.randrange(months)
    return datetime.date(first.year + month // 12, month % 12 + 1, rng.randint(1, 28))


@dataclasses.dataclass
class _Person:
    pk: int
    since: datetime.date | None  # in the organisation since (None: before the period)
    until: datetime.date | None  # left the organisation on
    stable: bool  # there the whole period: may be drawn as an absentee
    post: str


def _count_on(people: list[_Person], day: datetime.date) -> int:
    return sum(
        1
        for p in people
        if (p.since is None or p.since <= day) and (p.until is None or p.until > day)
    )


def demo_party(*, seed: int, scale: float, progress=None) -> PartyResult:
    from .assistance import _name

    say = progress or (lambda message: None)
    rng = random.Random(seed * 7_919 + 5)
    result = PartyResult()
    with_households = set(
        Household.objects.within(LEAGUE).values_list("village_id", flat=True).distinct()
    )
    areas = {
        code: (name, level)
        for code, name, level, participates in Area.objects.within(LEAGUE).values_list(
            "code", "name", "level", "participates"
        )
        if level != Level.VILLAGE or (participates and code in with_households)
    }
    villages = sorted(c for c, (_n, lvl) in areas.items() if lvl == Level.VILLAGE)
    townships = sorted({v[:9] for v in villages if v[:9] in areas})
    cadres = defaultdict(list)  # village → [(pk, name, post)]
    for pk, area, name, post in (
        Cadre.objects.within(LEAGUE)
        .filter(party_member=True, post__in=(Cadre.Post.FIRST_SECRETARY, Cadre.Post.VILLAGE_CADRE))
        .order_by("pk")
        .values_list("pk", "area_id", "name", "post")
    ):
        if len(cadres[area]) < 4:
            cadres[area].append((pk, name, post))

    orgs = _Rows(PartyOrganization, _first_pk(PartyOrganization))
    members = _Rows(PartyMember, _first_pk(PartyMember))
    secretaries = []  # (org pk, member pk)
    committee_of = {}
    roster = defaultdict(list)  # org pk → [_Person]
    branch_of, groups_of = {}, {}

    def member(org, area, group, post, name=None, cadre=None, joined=None, sex=None):
        sex = sex or ("M" if rng.random() < 0.72 else "F")
        birth_year = rng.randint(1945, 1992)
        birth = datetime.date(birth_year, rng.randint(1, 12), rng.randint(1, 28))
        if joined is None:
            low = max(birth_year + 19, 1965)
            joined = datetime.date(rng.randint(low, max(low, 2014)), rng.randint(1, 12), 1)
        pk = members.add(
            name=name or _name(rng),
            sex=sex,
            birth_date=birth,
            id_number="",
            organization_id=org,
            group_id=group,
            area_id=area,
            joined_on=joined,
            org_since=joined,
            left_on=None,
            post=post,
            is_cadre=cadre is not None,
            cadre_id=cadre,
            status=PartyMember.Status.ACTIVE,
        )
        person = _Person(pk, joined if joined > START else None, None, joined <= START, post)
        roster[org].append(person)
        if group:
            roster[group].append(dataclasses.replace(person))
        return pk

    for township in townships:
        pk = orgs.add(
            kind=Kind.COMMITTEE,
            name=f"{areas[township][0]}党委",
            area_id=township,
            parent_id=None,
            secretary_id=None,
            founded_on=datetime.date(1984, 1, 1),
            active=True,
        )
        committee_of[township] = pk
        for n in range(rng.randint(7, 9)):
            post = Post.SECRETARY if n == 0 else Post.DEPUTY if n < 3 else Post.COMMITTEE
            m = member(pk, township, None, post)
            if n == 0:
                secretaries.append((pk, m))
    for village in villages:
        name = areas[village][0].removesuffix("委员会").removesuffix("委会")
        branch = orgs.add(
            kind=Kind.BRANCH,
            name=f"{name}党支部",
            area_id=village,
            parent_id=committee_of.get(village[:9]),
            secretary_id=None,
            founded_on=datetime.date(1958, 1, 1),
            active=True,
        )
        branch_of[village] = branch
        groups = [
            orgs.add(
                kind=Kind.GROUP,
                name=f"{name}{GROUP_NAMES[g]}",
                area_id=village,
                parent_id=branch,
                secretary_id=None,
                founded_on=datetime.date(2004, 1, 1),
                active=True,
            )
            for g in range(2 if rng.random() < 0.5 else 3)
        ]
        groups_of[village] = groups
        size = rng.randint(20, 35)
        linked = cadres.get(village, [])
        for n in range(size):
            group = groups[n % len(groups)]
            post = (
                Post.SECRETARY
                if n == 0
                else Post.DEPUTY
                if n == 1
                else Post.COMMITTEE
                if n < 5
                else Post.MEMBER
            )
            cadre = name_ = None
            if 1 <= n <= len(linked):
                cadre, name_, cadre_post = linked[n - 1]
                if cadre_post == Cadre.Post.FIRST_SECRETARY:
                    post = Post.DEPUTY
            joined = None
            if n == size - 1 and rng.random() < 0.5:
                joined = _day_in(rng, datetime.date(2016, 1, 1), 12)  # a new member
            m = member(branch, village, group, post, name_, cadre, joined)
            if n == 0:
                secretaries.append((branch, m))
        # Each group's leader: its first member.
        for group in groups:
            secretaries.append((group, roster[group][0].pk))
    result.organizations = orgs.write()
    result.members = len(members.rows)

    # --- transfers: a few between neighbouring branches, a few out of the league ----------
    transfers = _Rows(MemberTransfer)
    for index, village in enumerate(villages):
        moving = index % 17 == 8 and index + 1 < len(villages)
        leaving = index % 41 == 20
        if not (moving or leaving):
            continue
        branch = branch_of[village]
        person = next(p for p in reversed(roster[branch]) if p.stable and p.post == Post.MEMBER)
        row = members.rows[person.pk - members.rows[0]["id"]]
        day = _day_in(rng, datetime.date(2016, 3, 1), 9)
        person.until = day
        person.stable = False
        for p in roster[row["group_id"]]:
            if p.pk == person.pk:
                p.until, p.stable = day, False
        if moving:
            target = villages[index + 1]
            dest = branch_of[target]
            group = groups_of[target][0]
            row.update(organization_id=dest, area_id=target, group_id=group, org_since=day)
            arrived = _Person(person.pk, day, None, False, Post.MEMBER)
            roster[dest].append(arrived)
            roster[group].append(dataclasses.replace(arrived))
            reason, destination = "外出务工迁居邻村", ""
        else:
            dest = None
            row.update(status=PartyMember.Status.TRANSFERRED_OUT, left_on=day)
            reason, destination = "随子女迁居，组织关系转出", "呼和浩特市赛罕区某社区党支部"
        transfers.add(
            member_id=person.pk,
            from_organization_id=branch,
            to_organization_id=dest,
            area_id=village,
            date=day,
            reason=reason,
            destination=destination,
        )
    result.members = members.write()
    result.transfers = transfers.write()
    with connection.cursor() as cursor:
        table = connection.ops.quote_name(PartyOrganization._meta.db_table)
        cursor.executemany(
            f"UPDATE {table} SET secretary_id = %s WHERE id = %s",  # noqa: S608
            [(m, o) for o, m in secretaries],
        )
    say(
        f"党组织 {result.organizations} 个（{len(townships)} 个党委、{len(villages)} 个党支部），"
        f"党员 {result.members} 名，组织关系转接 {result.transfers} 次"
    )

    # --- 三会一课 ---------------------------------------------------------------------------
    meetings = _Rows(PartyMeeting, _first_pk(PartyMeeting))
    absences = _Rows(MeetingAbsence)
    reasons = [(r, n) for r, n, _w in REASONS]
    weights = [w for _r, _n, w in REASONS]

    def meeting(org, area, kind, day, topic=None, absent_rate=0.04, fixed_absent=()):
        people = roster[org]
        if kind == MeetingKind.COMMITTEE_MEETING:
            people = [p for p in people if p.post != Post.MEMBER]
        chosen = list(fixed_absent) or [
            (p, *rng.choices(reasons, weights)[0])
            for p in people
            if p.stable and rng.random() < absent_rate
        ]
        pk = meetings.add(
            organization_id=org,
            area_id=area,
            kind=kind,
            held_on=day,
            topic=topic or rng.choice(TOPICS[kind]),
            minutes="会议按议程进行，形成会议记录。",
            attachment="",
            attendee_count=_count_on(people, day) - len(chosen),
            recorded_by_id=None,
        )
        for person, reason, note in chosen:
            absences.add(meeting_id=pk, member_id=person.pk, area_id=area, reason=reason, note=note)

    gaps = 0
    for index, township in enumerate(townships):
        org = committee_of[township]
        skip = rng.randrange(24) if index % 11 == 4 else None
        for m, month in enumerate(MONTHS):
            if m == skip:
                gaps += 1
                continue
            meeting(
                org,
                township,
                MeetingKind.COMMITTEE_MEETING,
                _day_in(rng, month),
                "研究本月脱贫攻坚和党建工作",
                0.03,
            )
    for index, village in enumerate(villages):
        branch = branch_of[village]
        skip_months = set(rng.sample(range(24), 2)) if index % 29 == 3 else set()
        if index % 13 == 6:
            skip_months.add(22)  # no committee meeting in May 2017
        skip_lesson = rng.randrange(8) if index % 31 == 7 else None
        skip_members = 7 if index % 43 == 11 else None  # no members' meeting in 2017-Q2
        for m, month in enumerate(MONTHS):
            if m in skip_months:
                gaps += 1
            else:
                meeting(
                    branch, village, MeetingKind.COMMITTEE_MEETING, _day_in(rng, month), None, 0.03
                )
        for q in range(8):
            first = MONTHS[3 * q]
            if q == skip_members:
                gaps += 1
            elif village == CHANGFA and q == 7:
                away = next(p for p in roster[branch] if p.stable and p.post == Post.MEMBER)
                meeting(
                    branch,
                    village,
                    MeetingKind.MEMBERS_MEETING,
                    datetime.date(2017, 5, 12),
                    "传达学习全盟脱贫攻坚推进会精神，讨论村集体经济项目",
                    fixed_absent=[(away, Reason.WORK_AWAY, "在呼和浩特务工，已书面请假")],
                )
            else:
                meeting(branch, village, MeetingKind.MEMBERS_MEETING, _day_in(rng, first, 3))
            if q == skip_lesson:
                gaps += 1
            else:
                meeting(branch, village, MeetingKind.LESSON, _day_in(rng, first, 3))
        for g, group in enumerate(groups_of[village]):
            skip = None
            if village == CHANGFA and g == 1:
                skip = 23  # 长发村's second group: no meeting in June 2017
            elif index % 23 == 2 and g == 0:
                skip = rng.randrange(24)
            for m, month in enumerate(MONTHS):
                if m == skip:
                    gaps += 1
                    continue
                meeting(group, village, MeetingKind.GROUP_MEETING, _day_in(rng, month), None, 0.03)
    result.meetings = meetings.write()
    result.absences = absences.write()
    result.gaps = gaps

    # --- the archive: democratic appraisals, commitments, recognitions ----------------------
    archive = _Rows(ArchiveEntry)
    results = (
        (ArchiveEntry.Result.EXCELLENT, 0.15),
        (ArchiveEntry.Result.QUALIFIED, 0.80),
        (ArchiveEntry.Result.BASIC, 0.04),
        (ArchiveEntry.Result.UNQUALIFIED, 0.01),
    )
    for row in members.rows:
        for year in (2015, 2016):
            if row["joined_on"] > datetime.date(year, 12, 1):
                continue
            outcome = rng.choices([r for r, _w in results], [w for _r, w in results])[0]
            archive.add(
                member_id=row["id"],
                area_id=row["area_id"],
                kind=ArchiveEntry.Kind.APPRAISAL,
                year=year,
                date=datetime.date(year + 1, 1, rng.randint(5, 25)),
                text=f"{year}年度民主评议党员",
                result=outcome,
            )
        if rng.random() < 0.3:
            archive.add(
                member_id=row["id"],
                area_id=row["area_id"],
                kind=ArchiveEntry.Kind.COMMITMENT,
                year=2017,
                date=datetime.date(2017, 3, 1),
                text=rng.choice(COMMITMENTS),
                result="",
            )
        if rng.random() < 0.03:
            archive.add(
                member_id=row["id"],
                area_id=row["area_id"],
                kind=ArchiveEntry.Kind.RECOGNITION,
                year=2016,
                date=datetime.date(2016, 7, 1),
                text="旗县优秀共产党员",
                result="",
            )
    result.archive = archive.write()
    _reset_sequences(PartyOrganization, PartyMember, PartyMeeting)
    say(
        f"三会一课 {result.meetings} 次（有意缺开 {gaps} 次），缺席 {result.absences} 人次，"
        f"政治生活档案 {result.archive} 条"
    )
    return result
