"""The demo's 清单制 duty lists with tasks and progress, and the 井-shaped command structure.

Duty lists: the 11 subjects come from the data migration; each gets 2–4 standing duties
(:data:`DUTIES`), and each duty one task a year (2016, 2017) for every unit of the subject's
level that has demo data — the villages with households, their townships and counties. Each
unit has a diligence drawn from the seed, so the ranking spreads; a task's progress is
reported at month ends up to its completion (or to the as-of date); about one unit in eight
is a laggard whose tasks due before 30 June 2017 stall short of 100 % (overdue); a few 2016
tasks never finished. Every 2016 task is scored (progress × a quality factor × weight);
2017's are not yet, so they count weight × progress.

Owners: the assistance demo's cadres of the unit (the first secretary for 驻村第一书记, a
village cadre for the branch secretary, the linked county leader for 苏木乡镇包联干部, …), else
only the owning unit's name.

Command structure: the league's leading group and headquarters (led by a league-leader
cadre if one exists, else a named person), per county its Party committee and a supervision
group (the horizontals) and one unit per assisting department found in its villages' links
(vertical 1), per township its Party committee, and per village a work team of its first
secretary and work-team members under its department (vertical 2).
"""

from __future__ import annotations

import dataclasses
import datetime
import random
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from fupin.areas.models import Area
from fupin.assistance.models import Cadre, Link
from fupin.command.models import CommandMember, CommandUnit, Kind
from fupin.duties.models import AREA_LEVEL, Duty, Subject, Task, TaskProgress
from fupin.registry.models import Household

from . import names
from .cases import _first_pk, _reset_sequences, _Rows

LEAGUE = "1522"
AS_OF = datetime.date(2017, 6, 30)
YEARS = (2016, 2017)
LAGGARDS = 8  # one unit in this many lags behind

# subject → [(duty, its text, (the yearly task, deadline (month, day), weight))]
DUTIES = {
    "旗县市委": [
        (
            "履行基层党建主体责任",
            "把抓基层党建作为最大政绩，定期研究部署农村牧区基层党建工作。",
            ("专题研究部署基层党建工作不少于 2 次", (3, 31), 10),
        ),
        (
            "统筹推进党建促脱贫",
            "把基层党建与脱贫攻坚同谋划、同部署、同考核。",
            ("制定党建促脱贫年度工作方案", (2, 28), 10),
        ),
        (
            "落实基层保障",
            "落实村级组织运转经费和嘎查村干部报酬。",
            ("足额拨付村级组织运转经费", (6, 15), 10),
        ),
    ],
    "旗县市委书记": [
        (
            "履行第一责任人职责",
            "带头抓基层党建，定期听取苏木乡镇党委书记抓党建述职。",
            ("组织苏木乡镇党委书记抓党建述职评议", (1, 31), 10),
        ),
        (
            "联系基层党建示范点",
            "每人联系一个软弱涣散嘎查村党组织或示范点。",
            ("到联系点调研指导不少于 4 次", (11, 30), 10),
        ),
    ],
    "旗县市委组织部": [
        (
            "指导基层党组织建设",
            "开展基层党组织规范化建设年活动，整顿软弱涣散党组织。",
            ("完成软弱涣散嘎查村党组织整顿", (6, 15), 10),
        ),
        (
            "管理驻村干部",
            "选派第一书记和驻村工作队，加强管理考核和奖惩。",
            ("完成驻村干部年度考核", (12, 20), 10),
        ),
        (
            "培训基层干部",
            "分级分类培训苏木乡镇和嘎查村干部。",
            ("举办嘎查村党组织书记培训班", (5, 31), 10),
        ),
    ],
    "旗县市直部门（单位）党组织": [
        (
            "落实包联帮扶责任",
            "部门包联嘎查村，派强驻村工作队。",
            ("包联嘎查村帮扶项目落地", (9, 30), 10),
        ),
        (
            "开展机关党建结对共建",
            "机关党支部与嘎查村党支部结对共建。",
            ("结对共建活动不少于 2 次", (6, 30), 10),
        ),
    ],
    "苏木乡镇党委": [
        (
            "落实三会一课制度",
            "督促嘎查村党组织落实“三会一课”，建立政治生活档案。",
            ("检查嘎查村三会一课记录", (6, 15), 10),
        ),
        (
            "推进党建促脱贫",
            "以党建统领脱贫攻坚各项工作。",
            ("制定苏木乡镇党建促脱贫计划", (3, 31), 10),
        ),
        (
            "加强嘎查村两委班子建设",
            "排查调整不胜任的嘎查村干部。",
            ("完成嘎查村带头人排查", (5, 31), 10),
        ),
    ],
    "苏木乡镇党委书记": [
        (
            "履行抓党建第一责任",
            "每季度专题研究党建工作，向旗县委述职。",
            ("季度专题研究党建工作", (12, 20), 10),
        ),
        ("包联软弱涣散村", "直接包联一个软弱涣散嘎查村。", ("包联村整顿转化", (9, 30), 10)),
    ],
    "苏木乡镇党委专职副书记": [
        (
            "具体抓党建日常工作",
            "指导嘎查村党组织开展组织生活，管理党员信息。",
            ("更新党员信息库", (4, 30), 10),
        ),
        ("规范党员发展", "按程序发展党员，严把入口关。", ("完成年度党员发展计划", (11, 30), 10)),
    ],
    "苏木乡镇包联干部": [
        (
            "包联嘎查村党建工作",
            "每月到包联村指导党建和帮扶工作。",
            ("每月到包联村不少于 2 次", (12, 20), 10),
        ),
        (
            "督促帮扶措施落实",
            "督促一户一法帮扶措施落实到户。",
            ("包联村帮扶措施落实检查", (6, 15), 10),
        ),
    ],
    "嘎查村党组织": [
        (
            "落实三会一课",
            "按期召开支委会、党员大会、党小组会，按时上好党课。",
            ("上半年三会一课按期召开", (6, 30), 10),
        ),
        (
            "主题党日和党员承诺",
            "开展主题党日，党员公开承诺践诺。",
            ("党员公开承诺践诺", (5, 31), 10),
        ),
        (
            "发展村集体经济",
            "带领群众发展产业，壮大村集体经济。",
            ("村集体经济项目落地", (10, 31), 10),
        ),
    ],
    "嘎查村党组织书记": [
        (
            "带头落实党建责任",
            "向苏木乡镇党委述职，带头上党课。",
            ("带头讲党课不少于 1 次", (6, 15), 10),
        ),
        ("带领群众脱贫", "组织党员结对帮扶贫困户。", ("党员结对帮扶贫困户全覆盖", (4, 30), 10)),
        ("规范村务管理", "落实四议两公开，村务财务按期公开。", ("村务财务季度公开", (12, 20), 10)),
    ],
    "驻村第一书记": [
        (
            "建强基层组织",
            "协助嘎查村党组织建设，帮助培养后备力量。",
            ("帮助培养村级后备干部", (9, 30), 10),
        ),
        ("推动精准扶贫", "摸清贫困底数，落实一户一法。", ("逐户核实帮扶计划", (3, 31), 10)),
        ("为民办事服务", "走访群众，解决实际困难。", ("走访贫困户全覆盖", (5, 31), 10)),
    ],
}
# subject → cadre posts preferred as the task's owner, in order.
OWNER_POSTS = {
    "旗县市委书记": (Cadre.Post.COUNTY_LEADER,),
    "旗县市直部门（单位）党组织": (Cadre.Post.DEPUTY_HEAD, Cadre.Post.COUNTY_LEADER),
    "苏木乡镇党委书记": (Cadre.Post.TOWNSHIP_CADRE,),
    "苏木乡镇党委专职副书记": (Cadre.Post.TOWNSHIP_CADRE,),
    "嘎查村党组织书记": (Cadre.Post.VILLAGE_CADRE,),
    "驻村第一书记": (Cadre.Post.FIRST_SECRETARY,),
    "嘎查村党组织": (Cadre.Post.VILLAGE_CADRE,),
}
OWNER_UNIT = {
    "旗县市委": "{name}委",
    "旗县市委书记": "{name}委",
    "旗县市委组织部": "{name}委组织部",
    "旗县市直部门（单位）党组织": "{name}直属机关工委",
    "苏木乡镇党委": "{name}党委",
    "苏木乡镇党委书记": "{name}党委",
    "苏木乡镇党委专职副书记": "{name}党委",
    "苏木乡镇包联干部": "{name}包联工作组",
    "嘎查村党组织": "{name}党支部",
    "嘎查村党组织书记": "{name}党支部",
    "驻村第一书记": "{name}驻村工作队",
}
NOTES = ("按计划推进", "已完成阶段任务", "正在组织实施", "召开专题会议部署", "已形成工作台账")
STALL_NOTES = "受春耕影响进度滞后"


@dataclasses.dataclass
class DutiesResult:
    subjects: int = 0
    duties: int = 0
    tasks: int = 0
    reports: int = 0
    assessed: int = 0
    overdue: int = 0
    units: int = 0
    members: int = 0


def demo_duties_reset() -> None:
    """Delete what :func:`demo_duties` wrote (raw deletes); the subjects stay (migration data)."""
    for model in (TaskProgress, Task, Duty, CommandMember, CommandUnit):
        qs = model._base_manager.all()
        qs._raw_delete(qs.db)


def _month_ends(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    days = []
    month = datetime.date(first.year, first.month, 1)
    while month <= last:
        nxt = datetime.date(month.year + month.month // 12, month.month % 12 + 1, 1)
        end = nxt - datetime.timedelta(days=1)
        if first <= end <= last:
            days.append(end)
        month = nxt
    return days


def _person(rng) -> str:
    birth = rng.randint(1960, 1978)
    if rng.random() < 0.3:
        return names.mongol_name(rng, rng.choice("MF"), birth)
    return names.han_name(rng, rng.choice("MF"), birth)


def demo_duties(*, seed: int, scale: float, progress=None) -> DutiesResult:
    say = progress or (lambda message: None)
    rng = random.Random(seed * 7_919 + 29)
    result = DutiesResult()

    villages = list(
        Household.objects.within(LEAGUE)
        .values_list("village_id", flat=True)
        .distinct()
        .order_by("village_id")
    )
    townships = sorted({v[:9] for v in villages})
    counties = sorted({v[:6] for v in villages})
    units_of = {"county": counties, "township": townships, "village": villages}
    area_names = dict(
        Area.objects.filter(code__in=[LEAGUE, *counties, *townships, *villages]).values_list(
            "code", "name"
        )
    )
    cadres = defaultdict(list)  # area → [(pk, post, name)]
    for pk, area, post in (
        Cadre.objects.within(LEAGUE)
        .filter(active=True)
        .order_by("pk")
        .values_list("pk", "area_id", "post")
    ):
        if (
            len(area) < 12
            or post in (Cadre.Post.FIRST_SECRETARY, Cadre.Post.WORK_TEAM)
            or (post == Cadre.Post.VILLAGE_CADRE)
        ):
            cadres[area].append((pk, post))
    township_leader = dict(
        Link.objects.within(LEAGUE)
        .filter(kind=Link.Kind.LEADER_TOWNSHIP, cadre__isnull=False)
        .values_list("area_id", "cadre_id")
    )

    # --- duties ------------------------------------------------------------------------------
    subjects = {s.name: s for s in Subject.objects.filter(active=True)}
    result.subjects = len(subjects)
    duty_rows = []
    for name, duties in DUTIES.items():
        subject = subjects.get(name)
        if subject is None:
            continue  # a subject renamed or switched off in the admin
        for order, (title, text, task) in enumerate(duties, start=1):
            duty_rows.append((Duty(subject=subject, title=title, text=text, order=order), task))
    Duty.objects.bulk_create([d for d, _t in duty_rows])  # SQLite ≥ 3.35 and PostgreSQL set pks
    result.duties = len(duty_rows)

    # --- tasks and progress ------------------------------------------------------------------
    diligence = {}
    for unit in counties + townships + villages:
        lag = rng.randrange(LAGGARDS) == 0
        diligence[unit] = (lag, rng.uniform(0.55, 0.8) if lag else rng.uniform(0.85, 1.0))
    zone = timezone.get_current_timezone()
    tasks = _Rows(Task, _first_pk(Task))
    reports = _Rows(TaskProgress)

    def owner(subject_name: str, unit: str):
        if subject_name == "苏木乡镇包联干部" and unit in township_leader:
            return township_leader[unit]
        here = cadres.get(unit, ())
        for post in OWNER_POSTS.get(subject_name, ()):
            for pk, cadre_post in here:
                if cadre_post == post:
                    return pk
        return None

    for duty, (title, (month, day), weight) in duty_rows:
        subject = duty.subject
        level = AREA_LEVEL[subject.level]
        for unit in units_of[str(level)]:
            lag, factor = diligence[unit]
            for year in YEARS:
                deadline = datetime.date(year, month, day)
                start = datetime.date(year, 1, 1) + datetime.timedelta(days=rng.randrange(20))
                if year < AS_OF.year:
                    stalled = lag and rng.random() < 0.25
                    final = rng.randrange(70, 96, 5) if stalled else 100
                    finished = deadline + datetime.timedelta(
                        days=rng.randint(-20, 12 if lag else 0)
                    )
                    last = min(max(finished, start + datetime.timedelta(days=31)), AS_OF)
                else:
                    if deadline <= AS_OF:
                        stalled = (lag and rng.random() < 0.75) or rng.random() < 0.04
                        if stalled:
                            final = rng.randrange(30, 95, 5)
                            last = min(
                                deadline + datetime.timedelta(days=rng.randint(0, 30)), AS_OF
                            )
                        else:
                            final = 100
                            last = deadline - datetime.timedelta(days=rng.randint(0, 25))
                    else:
                        elapsed = (AS_OF - start).days / max((deadline - start).days, 1)
                        final = min(
                            95, int(elapsed * 100 * factor * rng.uniform(0.8, 1.2)) // 5 * 5
                        )
                        final = max(final, 5)
                        last = AS_OF - datetime.timedelta(days=rng.randint(0, 20))
                    last = max(last, start)
                completed = last if final == 100 else None
                score = None
                if year < AS_OF.year:
                    quality = Decimal(rng.randint(int(factor * 100) - 10, 100)) / 100
                    raw = Decimal(weight) * final / 100 * min(quality, Decimal(1))
                    score = (raw * 2).quantize(Decimal(1), ROUND_HALF_UP) / 2
                    result.assessed += 1
                owner_pk = owner(subject.name, unit)
                pk = tasks.add(
                    duty_id=duty.pk,
                    area_id=unit,
                    year=year,
                    title=title,
                    owner_id=owner_pk,
                    owner_unit=OWNER_UNIT[subject.name].format(name=area_names.get(unit, "")),
                    deadline=deadline,
                    weight=str(Decimal(weight).quantize(Decimal("0.01"))),
                    score=None if score is None else str(score.quantize(Decimal("0.01"))),
                    progress=final,
                    completed_on=completed,
                )
                if completed is None and deadline < AS_OF:
                    result.overdue += 1
                days = _month_ends(start, last)
                if not days or days[-1] != last:
                    days.append(last)
                days = days[-6:]
                for i, when in enumerate(days, start=1):
                    percent = (
                        final if i == len(days) else min(final, final * i // len(days) // 5 * 5)
                    )
                    reports.add(
                        task_id=pk,
                        area_id=unit,
                        reported_on=when,
                        percent=percent,
                        note=STALL_NOTES
                        if percent < 100 and i == len(days) and deadline < AS_OF
                        else NOTES[rng.randrange(len(NOTES))],
                        reported_by_id=None,
                        created_at=timezone.make_aware(
                            datetime.datetime.combine(when, datetime.time(17)), zone
                        ),
                    )
    result.tasks, result.reports = tasks.write(), reports.write()
    say(
        f"清单制：职责 {result.duties} 项，任务 {result.tasks} 项（超期 {result.overdue} 项），"
        f"进度填报 {result.reports} 次"
    )

    # --- command structure -------------------------------------------------------------------
    units = _Rows(CommandUnit, _first_pk(CommandUnit))
    members = _Rows(CommandMember)
    league_name = area_names.get(LEAGUE, "兴安盟")

    def add_unit(kind, name, area, parent=None, leader=None, leader_name="", note="", order=0):
        return units.add(
            kind=kind,
            name=name,
            area_id=area,
            parent_id=parent,
            leader_id=leader,
            leader_name="" if leader else leader_name,
            note=note,
            order=order,
        )

    def add_member(unit_pk, area, role, cadre=None, order=0):
        members.add(
            unit_id=unit_pk,
            area_id=area,
            cadre_id=cadre,
            name="" if cadre else _person(rng),
            role=role,
            order=order,
        )

    league_leader = (
        Cadre.objects.filter(area_id=LEAGUE, post=Cadre.Post.LEAGUE_LEADER, active=True)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
    group = add_unit(
        Kind.LEADING_GROUP,
        f"{league_name}脱贫攻坚领导小组",
        LEAGUE,
        leader=league_leader,
        leader_name=_person(rng),
        note="统筹全盟脱贫攻坚工作",
    )
    for n, role in enumerate(("组长", "常务副组长", "副组长", "副组长", "成员", "成员")):
        add_member(group, LEAGUE, role, order=n)
    hq = add_unit(
        Kind.HEADQUARTERS,
        f"{league_name}脱贫攻坚指挥部",
        LEAGUE,
        parent=group,
        leader_name=_person(rng),
        note="挂图作战，调度督办",
    )
    for n, role in enumerate(("总指挥", "副总指挥", "办公室主任", "成员")):
        add_member(hq, LEAGUE, role, order=n)
    departments = defaultdict(dict)  # county → department → unit pk
    department_of = dict(
        Link.objects.within(LEAGUE)
        .filter(kind=Link.Kind.DEPARTMENT_VILLAGE, end_date=None)
        .exclude(department="")
        .order_by("pk")
        .values_list("area_id", "department")
    )
    committee = {}
    for county in counties:
        county_name = area_names.get(county, county)
        committee[county] = add_unit(
            Kind.HORIZONTAL_PARTY_COMMITTEE,
            f"中共{county_name}委员会",
            county,
            parent=hq,
            leader_name=_person(rng),
            note="旗县级党委",
        )
        supervision = add_unit(
            Kind.HORIZONTAL_SUPERVISION,
            f"{county_name}脱贫攻坚推进督查组",
            county,
            parent=hq,
            leader_name=_person(rng),
        )
        for n, role in enumerate(("组长", "成员", "成员")):
            add_member(supervision, county, role, order=n)
        for village in villages:
            if village[:6] != county or village not in department_of:
                continue
            dept = department_of[village]
            if dept not in departments[county]:
                departments[county][dept] = add_unit(
                    Kind.VERTICAL_DEPARTMENT,
                    f"{county_name}{dept.removeprefix('旗县')}",
                    county,
                    parent=hq,
                    note="帮扶部门单位",
                    order=len(departments[county]),
                )
    for township in townships:
        here = [pk for pk, post in cadres.get(township, ()) if post == Cadre.Post.TOWNSHIP_CADRE]
        add_unit(
            Kind.HORIZONTAL_PARTY_COMMITTEE,
            f"中共{area_names.get(township, township)}委员会",
            township,
            parent=committee[township[:6]],
            leader=here[0] if here else None,
            leader_name=_person(rng),
            note="苏木乡镇党委",
        )
    for village in villages:
        team = [
            (pk, post)
            for pk, post in cadres.get(village, ())
            if post in (Cadre.Post.FIRST_SECRETARY, Cadre.Post.WORK_TEAM)
        ]
        if not team:
            continue
        team.sort(key=lambda c: c[1] != Cadre.Post.FIRST_SECRETARY)
        dept = department_of.get(village)
        work_team = add_unit(
            Kind.VERTICAL_WORK_TEAM,
            f"{area_names.get(village, village)}驻村工作队",
            village,
            parent=departments[village[:6]].get(dept, hq) if dept else hq,
            leader=team[0][0] if team[0][1] == Cadre.Post.FIRST_SECRETARY else None,
            leader_name=_person(rng),
        )
        for n, (pk, post) in enumerate(team):
            role = "第一书记（队长）" if post == Cadre.Post.FIRST_SECRETARY else "队员"
            add_member(work_team, village, role, cadre=pk, order=n)
    result.units, result.members = units.write(), members.write()
    _reset_sequences(Task, CommandUnit)
    say(f"作战体系：单元 {result.units} 个，成员 {result.members} 人")
    return result
