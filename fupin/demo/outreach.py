"""The demo's outreach ledgers (docs/outreach.md): lectures, study trips, liaison visits, the
township work subsidy, and the policy documents the article names.

The article's totals (docs/outreach.md gives each with its words) are league totals, the same
at every scale: 3,000 lectures, 22,600 study-trip persons, 50,000 liaison visits solving
27,000 problems over the two years to 30 June 2017, and a subsidy averaging 4,200 yuan per
front-line cadre in 2016. Where the article says "3000余" or "5万余" the demo takes the round
figure. Everything else comes from the demo's own records, by largest remainder
(:func:`fupin.demo.generator.allocate`): lectures and study trips over the townships in
proportion to their poor persons of 2014, visits over the leaders' 两联一包 links with a
cadre (equal shares), the problems solved over the visits; the subsidy goes to every active
township cadre (苏木乡镇干部). Dates, places, speakers, topics, audiences and each amount are
demo assumptions (shape only), drawn from the demo's seed.

Rows are written in bulk (:class:`fupin.demo.rows.Rows`: Django's
``bulk_create`` builds a model per row, several times slower over 55,000 rows); the reset
deletes them raw.
"""

from __future__ import annotations

import dataclasses
import datetime
import random
from collections import defaultdict
from decimal import Decimal

from django.db.models import Sum

from fupin.areas.models import Area, Level
from fupin.assistance.models import Cadre, Link, MeasureType
from fupin.outreach.models import (
    DEMO_SUMMARY_MARK,
    LiaisonVisit,
    PolicyDocument,
    PolicyLecture,
    StudyTrip,
    TownshipSubsidy,
)
from fupin.registry.models import StatusRecord
from fupin.safetynet.models import Policy

from .cases import _Rows
from .generator import allocate

LEAGUE = "1522"
# The article's figures (docs/outreach.md).
LECTURES = 3_000
STUDY_TRIP_PERSONS = 22_600
LIAISON_VISITS = 50_000
PROBLEMS_SOLVED = 27_000
SUBSIDY_AVERAGE = 4_200
SUBSIDY_YEAR = 2016
# "近两年来": the two years to the demo's date.
FIRST_DAY = datetime.date(2015, 7, 1)
LAST_DAY = datetime.date(2017, 6, 30)
DAYS = (LAST_DAY - FIRST_DAY).days + 1

# Demo assumptions (shape only).
TOPICS = (
    "党的十八届六中全会精神",
    "精准扶贫精准脱贫政策",
    "产业扶贫政策解读",
    "教育扶贫政策",
    "健康扶贫政策",
    "生活救助政策",
    "易地扶贫搬迁政策",
    "扶贫小额信贷政策",
)
DESTINATIONS = (
    "扎赉特旗",
    "科右前旗",
    "乌兰浩特市",
    "突泉县",
    "通辽市",
    "赤峰市",
    "吉林省白城市",
    "黑龙江省齐齐哈尔市",
)
TRIP_SUBJECTS = ("肉牛养殖", "设施农业", "庭院经济", "乡村旅游", "合作社经营", "杂粮加工")
SPREADS = (0, 300, 600, 900, 1200)

# The documents the article names: 兴安盟 issued them (the article gives no issuing office,
# number or date, so those stay blank); the summaries restate the article, marked as such.
_CONTACT = (
    "建立民情收集处理反馈机制，党员每周至少联系结对户1次，干部驻村每月不少于20天，嘎查村"
    "党组织每半个月、苏木乡镇每个月、旗县市每季度至少研究解决1次嘎查村发展难题和群众关心的"
    "实际问题。"
)
_THREE = "围绕“三保障”目标，面向因学、因病和无业可扶、无力脱贫的困难群众。"
DOCUMENTS = (
    ("党员干部联系服务群众《实施意见》", _CONTACT, (), ()),
    ("党员干部联系服务群众《八条措施》", _CONTACT, (), ()),
    ("教育扶贫《政策措施》", _THREE, (MeasureType.EDUCATION,), (Policy.EDUCATION,)),
    ("健康扶贫《政策措施》", _THREE, (MeasureType.HEALTH,), (Policy.HEALTH,)),
    ("生活救助《政策措施》", _THREE, (MeasureType.SOCIAL_SECURITY,), (Policy.LIVING,)),
)
ISSUER = "兴安盟"


@dataclasses.dataclass
class OutreachResult:
    lectures: int = 0
    study_trip_persons: int = 0
    liaison_visits: int = 0
    problems_solved: int = 0
    subsidies: int = 0
    documents: int = 0


def demo_outreach_reset() -> None:
    """Delete every outreach record and its history (raw deletes)."""
    models = (
        StudyTrip.cadres.through,
        PolicyDocument.rule_sets.through,
        LiaisonVisit,
        TownshipSubsidy,
        StudyTrip,
        PolicyLecture,
        PolicyDocument,
    )
    for model in models:
        querysets = [model._base_manager.all()]
        if hasattr(model, "history"):
            querysets.insert(0, model.history.model._base_manager.all())
        for qs in querysets:
            qs._raw_delete(qs.db)


def _township_weights() -> tuple[list[str], list[int]]:
    """The league's townships and their poor persons of 2014 (the registry's status rows)."""
    townships = list(
        Area.objects.within(LEAGUE)
        .filter(level=Level.TOWNSHIP)
        .order_by("code")
        .values_list("code", flat=True)
    )
    persons: dict[str, int] = defaultdict(int)
    rows = (
        StatusRecord.objects.within(LEAGUE)
        .filter(year=2014)
        .values("village_id")
        .annotate(n=Sum("members_count"))
        .order_by()
        .values_list("village_id", "n")
    )
    for village, n in rows:
        persons[village[:9]] += n or 0
    townships = [t for t in townships if persons.get(t)]
    return townships, [persons[t] for t in townships]


def _days(rng: random.Random, k: int) -> list[datetime.date]:
    return sorted(FIRST_DAY + datetime.timedelta(days=d) for d in rng.sample(range(DAYS), k))


def demo_outreach(*, seed: int, progress=None) -> OutreachResult:
    say = progress or (lambda message: None)
    rng = random.Random(seed * 7_927 + 19)
    result = OutreachResult()
    townships, weights = _township_weights()
    villages: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for code, name in (
        Area.objects.within(LEAGUE)
        .filter(level=Level.VILLAGE, participates=True)
        .order_by("code")
        .values_list("code", "name")
    ):
        villages[code[:9]].append((code, name))
    speakers: dict[str, list[str]] = defaultdict(list)
    for area, name in (
        Cadre.objects.within(LEAGUE)
        .filter(post=Cadre.Post.TOWNSHIP_CADRE)
        .order_by("pk")
        .values_list("area_id", "name")
    ):
        speakers[area[:9]].append(name)

    # --- lectures: a village of the township, each on its own day -----------------------------
    lectures = _Rows(PolicyLecture)
    for township, n in zip(
        townships, allocate(LECTURES, weights, caps=[DAYS] * len(townships)), strict=True
    ):
        for day in _days(rng, n):
            code, name = rng.choice(villages[township] or [(township, "")])
            lectures.add(
                area_id=code,
                date=day,
                place=f"{name}党员活动室" if name else "苏木乡镇政府会议室",
                speaker=rng.choice(speakers[township] or ["苏木乡镇宣讲团"]),
                topic=rng.choice(TOPICS),
                audience=rng.randint(30, 150),
            )
    result.lectures = lectures.write()

    # --- study trips: each township's persons in groups of 20–50 ------------------------------
    trips = _Rows(StudyTrip)
    shares = allocate(STUDY_TRIP_PERSONS, weights)
    for township, persons in zip(townships, shares, strict=True):
        groups = []
        while persons > 0:
            size = min(persons, rng.randint(20, 50))
            groups.append(size)
            persons -= size
        for day, size in zip(_days(rng, len(groups)), groups, strict=True):
            trips.add(
                area_id=township,
                start_date=day,
                end_date=min(LAST_DAY, day + datetime.timedelta(days=rng.randint(1, 4))),
                destination=rng.choice(DESTINATIONS),
                topic=rng.choice(TRIP_SUBJECTS),
                persons=size,
            )
            result.study_trip_persons += size
    trips.write()

    # --- liaison visits: each leader's link, on distinct days -------------------------------
    links = list(
        Link.objects.within(LEAGUE)
        .filter(cadre__isnull=False)
        .order_by("pk")
        .values_list("pk", "cadre_id", "area_id", "start_date")
    )
    per_link = allocate(LIAISON_VISITS, [1] * len(links), caps=[DAYS] * len(links))
    solved_per_link = allocate(PROBLEMS_SOLVED, per_link, caps=per_link)
    visits = _Rows(LiaisonVisit)
    for (pk, cadre, area, start), n, solved in zip(links, per_link, solved_per_link, strict=True):
        days = _days(rng, n)
        solved_at = set(rng.sample(range(n), solved))
        for i, day in enumerate(days):
            solved_here = 1 if i in solved_at else 0
            visits.add(
                cadre_id=cadre,
                link_id=pk if day >= start else None,
                area_id=area,
                date=day,
                problems_raised=solved_here + (1 if rng.random() < 0.3 else 0),
                problems_solved=solved_here,
            )
    result.liaison_visits = visits.write()
    result.problems_solved = sum(solved_per_link)

    # --- the township work subsidy: pairs of amounts around the average ----------------------
    cadres = list(
        Cadre.objects.within(LEAGUE)
        .filter(post=Cadre.Post.TOWNSHIP_CADRE, active=True)
        .order_by("pk")
        .values_list("pk", "area_id")
    )
    subsidies = _Rows(TownshipSubsidy)
    for i, (pk, area) in enumerate(cadres):
        if i % 2 == 0:
            spread = rng.choice(SPREADS) if i + 1 < len(cadres) else 0
        amount = SUBSIDY_AVERAGE + (spread if i % 2 == 0 else -spread)
        subsidies.add(cadre_id=pk, area_id=area, year=SUBSIDY_YEAR, amount=Decimal(amount))
    result.subsidies = subsidies.write()

    # --- the documents the article names -----------------------------------------------------
    PolicyDocument.objects.bulk_create(
        [
            PolicyDocument(
                area_id=LEAGUE,
                issuer=ISSUER,
                title=title,
                summary=f"【{DEMO_SUMMARY_MARK}】{summary}",
                measure_types=list(measures),
                safetynet_policies=list(policies),
            )
            for title, summary, measures, policies in DOCUMENTS
        ]
    )
    result.documents = len(DOCUMENTS)
    say(
        f"政策宣讲 {result.lectures} 场，外出学习 {result.study_trip_persons} 人次，"
        f"联系点调研 {result.liaison_visits} 人次（解决问题 {result.problems_solved} 项），"
        f"乡镇工作补贴 {result.subsidies} 人"
    )
    return result
