"""The demo's cadre roster, deterministic by seed, written with ``executemany``.

These are absolute league figures, not scaled by ``scale`` (a few thousand rows), so a demo
at any scale carries the seed's figures (docs/domain.md §3.6, §4):

* a profile (sex, birth date, ethnicity, education, years at the grassroots before) for every
  cadre of the assistance demo, sex and ethnicity read from the name it was given;
* a work team per village with a first secretary: the assistance demo's first secretary and
  two work-team members, from 1 January 2016 for two or three years — except every 37th
  village, whose first secretary was sent separately (a team of two), and every 40th, whose
  team was sent for 21 months: the warnings catch both;
* :data:`RESERVE_CADRES` reserve cadres sent to villages and townships in 2015–2016
  (4300多名后备干部奔赴脱贫一线);
* their 2016 evaluation: 63 commended, 47 promoted, 46 recalled (post ended, reason recalled,
  a recall record), some trained, the rest without an outcome;
* a Party secretary per village, 80 of them trained, admonished or adjusted (replaced) in four
  rounds of checks during 2016;
* two terms of the leadership teams of the 56 苏木乡镇 (towns, townships, sumu) and of the six
  旗县市, whose people are constructed so that the structure page compares
  :data:`COMPARE_FROM` with :data:`COMPARE_TO` as the seed does: township under 35 +40%,
  college +16.3%, 2+ years at the grassroots +14.3% (relative); county around 40 +9.8 pp.
  The figures are never written: they follow from birth dates, education and posts
  (``docs/cadres.md`` has the counts behind them).
"""

from __future__ import annotations

import dataclasses
import datetime
import random
from decimal import Decimal

from django.db import connection

from fupin.areas.models import Area, Level
from fupin.assistance.models import Cadre, Pairing
from fupin.cadres.models import (
    CadrePost,
    CadreRecord,
    EndReason,
    Evaluation,
    PostKind,
    WorkTeam,
)
from fupin.cadres.selectors import add_years
from fupin.registry import codes

from . import names
from .cases import _first_pk, _reset_sequences, _Rows
from .users import demo_cadre_logins, demo_cadre_logins_delete

LEAGUE = "1522"
AS_OF = datetime.date(2017, 6, 30)
COMPARE_FROM = datetime.date(2015, 6, 30)
COMPARE_TO = AS_OF
TEAM_START = datetime.date(2016, 1, 1)
RESERVE_CADRES = 4_316
EVALUATION_YEAR = 2016
COMMENDED, PROMOTED, RECALLED, TRAINED = 63, 47, 46, 212
SECRETARY_RECORDS = {"training": 46, "admonishment": 20, "adjustment": 14}  # 80 secretaries
CHECK_ROUNDS = (
    datetime.date(2016, 3, 15),
    datetime.date(2016, 6, 15),
    datetime.date(2016, 9, 15),
    datetime.date(2016, 12, 15),
)
# Created cadres hold posts of these kinds (the first secretaries and work teams are the
# assistance demo's cadres, deleted by its reset).
CREATED_KINDS = (
    PostKind.RESERVE_CADRE,
    PostKind.VILLAGE_SECRETARY,
    PostKind.TOWNSHIP_LEADER,
    PostKind.COUNTY_LEADER,
)

# Township teams: 700 people serving on each compare day (12 or 13 in each of 56 townships),
# 280 of them (5 a township) in both terms. Counts: (stayers, leavers, joiners).
TOWNSHIP_STAYERS = 5
TOWNSHIP_UNDER_35 = (40, 60, 100)  # 100 → 140: +40%
TOWNSHIP_COLLEGE = (230, 260, 340)  # 490 → 570: +16.33%
TOWNSHIP_GRASSROOTS = (280, 280, 360)  # 560 → 640: +14.29%
# County teams: 92 people on each day, 40 in both terms.
COUNTY_SIZES = (16, 16, 15, 15, 15, 15)
COUNTY_STAYERS = (7, 7, 7, 7, 6, 6)
COUNTY_AROUND_40 = (8, 12, 21)  # 20 → 29 of 92: +9.78 pp

UNITS = (
    "盟委组织部",
    "盟直机关工委",
    "旗县委组织部",
    "旗县发改委",
    "旗县财政局",
    "旗县农牧业局",
    "旗县扶贫办",
    "旗县教育局",
    "旗县卫计局",
    "旗县水务局",
    "旗县人社局",
    "旗县民政局",
    "旗县交通局",
    "旗县林业局",
)
COLLEGE_DRAW = (
    (Cadre.Education.BACHELOR, 0.6),
    (Cadre.Education.JUNIOR_COLLEGE, 0.3),
    (Cadre.Education.POSTGRADUATE, 0.1),
)
NO_COLLEGE_DRAW = ((Cadre.Education.SECONDARY, 0.5), (Cadre.Education.SENIOR, 0.5))


@dataclasses.dataclass
class CadresResult:
    profiles: int = 0
    teams: int = 0
    reserve_cadres: int = 0
    evaluations: int = 0
    secretaries: int = 0
    secretaries_handled: int = 0
    township_people: int = 0
    county_people: int = 0
    posts: int = 0
    records: int = 0
    logins: int = 0


def demo_cadres_reset() -> None:
    """Delete the roster's rows, the cadres' logins and the cadres this demo created (raw
    deletes)."""
    demo_cadre_logins_delete()
    created = list(
        Cadre._base_manager.filter(
            pk__in=CadrePost._base_manager.filter(kind__in=CREATED_KINDS).values("cadre_id")
        )
        .exclude(pk__in=Pairing._base_manager.values("cadre_id"))
        .values_list("pk", flat=True)
    )
    for model in (CadreRecord, Evaluation, CadrePost, WorkTeam):
        qs = model._base_manager.all()
        qs._raw_delete(qs.db)
    for start in range(0, len(created), 500):
        qs = Cadre._base_manager.filter(pk__in=created[start : start + 500])
        qs._raw_delete(qs.db)


# -- people --------------------------------------------------------------------------------


def _draw(rng, table):
    roll, total = rng.random(), 0.0
    for value, weight in table:
        total += weight
        if roll < total:
            return value
    return table[-1][0]


def _birth(rng, age: int, day: datetime.date) -> datetime.date:
    """A birth date at which the person is exactly ``age`` on ``day``."""
    latest = add_years(day, -age)
    return latest - datetime.timedelta(days=rng.randint(0, 364))


def _years(value: float) -> str:
    return str(Decimal(str(round(value, 1))))


def _flags(rng, total: int, true: int) -> list[bool]:
    flags = [True] * true + [False] * (total - true)
    rng.shuffle(flags)
    return flags


class _People:
    """New cadre rows with their profile; a name fitting sex, generation and ethnicity."""

    def __init__(self, rows: _Rows, rng: random.Random):
        self.rows, self.rng = rows, rng

    def add(
        self,
        *,
        area,
        unit,
        post,
        title,
        birth,
        education,
        before,
        male=0.8,
        mongol=0.35,
        party=1.0,
        active=True,
    ) -> int:
        rng = self.rng
        sex = "M" if rng.random() < male else "F"
        if rng.random() < mongol:
            name = names.mongol_name(rng, sex, birth.year)
            ethnicity = codes.Ethnicity.MONGOL
        else:
            name = names.han_name(rng, sex, birth.year)
            ethnicity = codes.Ethnicity.HAN
        return self.rows.add(
            name=name,
            area_id=area,
            unit=unit,
            post=post,
            title=title,
            phone=f"1{rng.choice('358')}{rng.randint(0, 9)}{rng.randint(0, 99_999_999):08d}",
            party_member=rng.random() < party,
            id_number="",
            user_id=None,
            active=active,
            sex=sex,
            birth_date=birth,
            ethnicity=ethnicity,
            education=education,
            grassroots_years_before=before,
        )


# -- profiles of the assistance demo's cadres ----------------------------------------------


def _name_lookup():
    han = {}
    for (generation, sex), given in names.HAN_GIVEN.items():
        for word in given:
            han.setdefault(word, (generation, sex))
            han.setdefault(word[0], (generation, sex))
    mongol = {w: "M" for w in names.MONGOL_MALE + names.MONGOL_YOUNG["M"]}
    mongol.update({w: "F" for w in names.MONGOL_FEMALE + names.MONGOL_YOUNG["F"]})
    return han, mongol


POST_EDUCATION = {
    Cadre.Post.FIRST_SECRETARY: (
        (Cadre.Education.BACHELOR, 0.7),
        (Cadre.Education.POSTGRADUATE, 0.1),
        (Cadre.Education.JUNIOR_COLLEGE, 0.2),
    ),
    Cadre.Post.VILLAGE_CADRE: (
        (Cadre.Education.SENIOR, 0.4),
        (Cadre.Education.JUNIOR_OR_LESS, 0.3),
        (Cadre.Education.SECONDARY, 0.2),
        (Cadre.Education.JUNIOR_COLLEGE, 0.1),
    ),
    Cadre.Post.TOWNSHIP_CADRE: (
        (Cadre.Education.JUNIOR_COLLEGE, 0.4),
        (Cadre.Education.BACHELOR, 0.4),
        (Cadre.Education.SECONDARY, 0.2),
    ),
}
POST_GRASSROOTS = {
    Cadre.Post.VILLAGE_CADRE: (3, 20),
    Cadre.Post.TOWNSHIP_CADRE: (2, 15),
    Cadre.Post.FIRST_SECRETARY: (0, 4),
    Cadre.Post.WORK_TEAM: (0, 4),
}


def _profiles(rng) -> int:
    han, mongol = _name_lookup()
    ops = connection.ops
    rows = []
    for pk, name, post in (
        Cadre.objects.within(LEAGUE).order_by("pk").values_list("pk", "name", "post")
    ):
        given = name.split(names.MIDDLE_DOT)[-1]
        if given in mongol or given[1:] in mongol:
            sex = mongol.get(given) or mongol[given[1:]]
            ethnicity, generation = codes.Ethnicity.MONGOL, None
        else:
            generation, sex = han.get(name[1:], (None, rng.choice("MF")))
            ethnicity = codes.Ethnicity.HAN
        first, last = {"mid": (1965, 1989), "young": (1990, 1992)}.get(generation, (1965, 1992))
        birth = datetime.date(rng.randint(first, last), rng.randint(1, 12), rng.randint(1, 28))
        low, high = POST_GRASSROOTS.get(post, (0, 3))
        education = _draw(rng, POST_EDUCATION.get(post, COLLEGE_DRAW))
        before = _years(rng.uniform(low, high))
        rows.append((sex, ops.adapt_datefield_value(birth), ethnicity, education, before, pk))
    # One prepared UPDATE run over all rows (bulk_update's CASE expressions over ~42,000
    # rows cost half a minute).
    table = ops.quote_name(Cadre._meta.db_table)
    columns = ("sex", "birth_date", "ethnicity", "education", "grassroots_years_before")
    assignments = ", ".join(f"{ops.quote_name(c)} = %s" for c in columns)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 5000):
            cursor.executemany(
                f"UPDATE {table} SET {assignments} WHERE {ops.quote_name('id')} = %s",
                rows[start : start + 5000],
            )
    return len(rows)


# -- the demo ------------------------------------------------------------------------------


def demo_cadres(*, seed: int, scale: float, progress=None) -> CadresResult:
    """Write the roster; ``scale`` is not used (the figures are the league's)."""
    say = progress or (lambda message: None)
    rng = random.Random(seed * 1_000_003 + 5)
    result = CadresResult()
    result.profiles = _profiles(rng)
    areas = list(
        Area.objects.within(LEAGUE)
        .order_by("code")
        .values_list("code", "name", "level", "participates")
    )
    area_names = {code: name for code, name, _l, _p in areas}
    villages = [c for c, _n, lvl, p in areas if lvl == Level.VILLAGE and p]
    # 苏木乡镇: towns (1xx) and townships / sumu (2xx); not sub-districts, farms or parks.
    townships = [c for c, _n, lvl, _p in areas if lvl == Level.TOWNSHIP and c[6] in "12"]
    counties = [c for c, _n, lvl, _p in areas if lvl == Level.COUNTY]

    cadre_rows = _Rows(Cadre, _first_pk(Cadre))
    people = _People(cadre_rows, rng)
    posts = _Rows(CadrePost)
    evaluations = _Rows(Evaluation)
    records = _Rows(CadreRecord)

    def post(cadre, kind, area, start, end=None, reason="", title="", team=None):
        posts.add(
            cadre_id=cadre,
            kind=kind,
            area_id=area,
            title=title,
            team_id=team,
            start_date=start,
            end_date=end,
            end_reason=reason,
        )

    result.teams = _work_teams(rng, post)
    say(f"驻村工作队 {result.teams} 支")

    # --- reserve cadres and the 2016 evaluation --------------------------------------------
    reserve = []  # (cadre, area)
    for _ in range(RESERVE_CADRES):
        area = rng.choice(townships) if rng.random() < 0.15 else rng.choice(villages)
        age = rng.randint(25, 40)
        start = datetime.date(2015, 3, 1) + datetime.timedelta(days=rng.randint(0, 660))
        unit = UNITS[rng.randrange(len(UNITS))]
        cadre = people.add(
            area=area,
            unit=unit,
            post=Cadre.Post.DEPARTMENT_CADRE,
            title="下派后备干部",
            birth=_birth(rng, age, start),
            education=_draw(rng, COLLEGE_DRAW)
            if rng.random() < 0.95
            else Cadre.Education.SECONDARY,
            before=_years(rng.uniform(0, min(3, age - 22))),
            male=0.65,
            party=0.9,
        )
        reserve.append((cadre, area, start))
    outcomes = (
        [Evaluation.Outcome.COMMENDED] * COMMENDED
        + [Evaluation.Outcome.PROMOTED] * PROMOTED
        + [Evaluation.Outcome.RECALLED] * RECALLED
        + [Evaluation.Outcome.TRAINED] * TRAINED
    )
    outcomes += [Evaluation.Outcome.NONE] * (len(reserve) - len(outcomes))
    rng.shuffle(outcomes)
    scores = {
        Evaluation.Outcome.COMMENDED: (95, 99, Evaluation.Grade.EXCELLENT),
        Evaluation.Outcome.PROMOTED: (92, 98, Evaluation.Grade.EXCELLENT),
        Evaluation.Outcome.NONE: (78, 93, None),
        Evaluation.Outcome.TRAINED: (65, 79, None),
        Evaluation.Outcome.RECALLED: (45, 59, Evaluation.Grade.INCOMPETENT),
    }
    for (cadre, area, start), outcome in zip(reserve, outcomes, strict=True):
        low, high, grade = scores[outcome]
        score = Decimal(rng.randint(low * 10, high * 10)) / 10
        if grade is None:
            grade = (
                Evaluation.Grade.EXCELLENT
                if score >= 90
                else Evaluation.Grade.COMPETENT
                if score >= 75
                else Evaluation.Grade.BASIC
            )
        evaluations.add(
            cadre_id=cadre,
            year=EVALUATION_YEAR,
            area_id=area,
            score=str(score.quantize(Decimal("0.01"))),
            grade=grade,
            outcome=outcome,
            note="",
            created_by_id=None,
        )
        if outcome == Evaluation.Outcome.RECALLED:
            day = datetime.date(2017, 1, 10) + datetime.timedelta(days=rng.randint(0, 80))
            post(cadre, PostKind.RESERVE_CADRE, area, start, day, EndReason.RECALLED, "驻村干部")
            records.add(
                cadre_id=cadre,
                kind=CadreRecord.Kind.RECALL,
                date=day,
                area_id=area,
                note="2016年度考核不称职，组织召回",
                created_by_id=None,
            )
            cadre_rows.rows[cadre - cadre_rows.rows[0]["id"]]["active"] = False
        else:
            post(cadre, PostKind.RESERVE_CADRE, area, start, title="驻村干部")
    result.reserve_cadres = len(reserve)
    result.evaluations = len(reserve)
    say(
        f"下派后备干部 {len(reserve)} 名；{EVALUATION_YEAR} 年考核：表彰 {COMMENDED}、"
        f"提拔 {PROMOTED}、召回 {RECALLED}"
    )

    # --- village Party secretaries ----------------------------------------------------------
    handled = []
    for kind, count in SECRETARY_RECORDS.items():
        handled += [kind] * count
    chosen = set(rng.sample(range(len(villages)), len(handled)))
    kinds = iter(handled)
    for index, village in enumerate(villages):
        start = datetime.date(2014, 4, 1) + datetime.timedelta(days=rng.randint(0, 90))
        age = rng.randint(36, 60)
        secretary = {
            "area": village,
            "unit": "嘎查村党组织",
            "post": Cadre.Post.VILLAGE_CADRE,
            "title": "党支部书记",
            "education": _draw(rng, POST_EDUCATION[Cadre.Post.VILLAGE_CADRE]),
            "male": 0.9,
        }
        cadre = people.add(
            birth=_birth(rng, age, start), before=_years(rng.uniform(3, age - 25)), **secretary
        )
        result.secretaries += 1
        if index not in chosen:
            post(cadre, PostKind.VILLAGE_SECRETARY, village, start, title="党支部书记")
            continue
        kind = next(kinds)
        day = rng.choice(CHECK_ROUNDS) + datetime.timedelta(days=rng.randint(0, 10))
        note = {
            "training": "排查中发现能力不足，参加旗县集中培训",
            "admonishment": "落实“三会一课”不到位，诫勉谈话",
            "adjustment": "软弱涣散，组织调整",
        }[kind]
        records.add(
            cadre_id=cadre, kind=kind, date=day, area_id=village, note=note, created_by_id=None
        )
        result.secretaries_handled += 1
        if kind != "adjustment":
            post(cadre, PostKind.VILLAGE_SECRETARY, village, start, title="党支部书记")
            continue
        post(
            cadre, PostKind.VILLAGE_SECRETARY, village, start, day, EndReason.ADJUSTED, "党支部书记"
        )
        cadre_rows.rows[-1]["active"] = False
        successor_age = rng.randint(30, 50)
        successor = people.add(
            birth=_birth(rng, successor_age, day),
            before=_years(rng.uniform(2, successor_age - 24)),
            **secretary,
        )
        post(
            successor,
            PostKind.VILLAGE_SECRETARY,
            village,
            day + datetime.timedelta(days=1),
            title="党支部书记",
        )
        result.secretaries += 1
    say(
        f"嘎查村党组织书记 {result.secretaries} 名，培训、诫勉或调整 {result.secretaries_handled} 名"
    )

    # --- two terms of leadership teams --------------------------------------------------------
    result.township_people = _township_teams(rng, people, post, townships, area_names)
    result.county_people = _county_teams(rng, people, post, counties, area_names)
    say(
        f"苏木乡镇领导班子两届 {result.township_people} 人，旗县市领导班子两届 {result.county_people} 人"
    )

    cadre_rows.write()
    result.posts = posts.write()
    evaluations.write()
    result.records = records.write()
    _reset_sequences(Cadre, WorkTeam)
    # Every cadre now exists (the assistance demo's and these): each gets its login.
    logins = demo_cadre_logins(day=AS_OF)
    result.logins = logins.created
    say(f"干部登录账号 {logins.created} 个（用户名为手机号），未开通 {len(logins.refused)} 人")
    return result


def _work_teams(rng, post) -> int:
    """A team per village of the assistance demo's first secretary and work-team members."""
    resident = {}
    for pk, village, post_, unit in (
        Cadre.objects.within(LEAGUE)
        .filter(post__in=(Cadre.Post.FIRST_SECRETARY, Cadre.Post.WORK_TEAM))
        .order_by("area_id", "pk")
        .values_list("pk", "area_id", "post", "unit")
    ):
        resident.setdefault(village, []).append((pk, post_, unit))
    teams = _Rows(WorkTeam, _first_pk(WorkTeam))
    for index, (village, members) in enumerate(sorted(resident.items())):
        first = [m for m in members if m[1] == Cadre.Post.FIRST_SECRETARY]
        others = [m for m in members if m[1] != Cadre.Post.FIRST_SECRETARY]
        separate = index % 37 == 11 and first and others  # first secretary sent on his own
        leader = others[0] if separate or not first else first[0]
        if index % 40 == 17:
            planned_end = datetime.date(2017, 9, 30)  # sent for 21 months
        else:
            planned_end = datetime.date(2017 + rng.choice((2, 3)) - 1, 12, 31)
        team = teams.add(
            village_id=village,
            sending_unit=leader[2],
            leader_id=leader[0],
            start_date=TEAM_START,
            planned_end=planned_end,
        )
        for pk, post_, _unit in members:
            is_first = post_ == Cadre.Post.FIRST_SECRETARY
            post(
                pk,
                PostKind.FIRST_SECRETARY if is_first else PostKind.WORK_TEAM,
                village,
                TEAM_START,
                title="第一书记" if is_first else "工作队员",
                team=None if is_first and separate else team,
            )
    return teams.write()


def _head_title(name: str) -> str:
    if name.endswith("苏木"):
        return "苏木达"
    return "乡长" if name.endswith("乡") else "镇长"


def _township_titles(name: str) -> list[str]:
    head = _head_title(name)
    return [
        "党委书记",
        head,
        "党委副书记",
        "人大主席",
        "纪委书记",
        "组织委员",
        "宣传委员",
        "武装部长",
        f"副{head}",
        f"副{head}",
        "党委委员",
        "统战委员",
        f"副{head}",
        f"副{head}",
    ]


def _county_titles(name: str) -> list[str]:
    x = name[-1] if name[-1] in "旗县市" else "旗"
    return [
        f"{x}委书记",
        f"{x}长",
        f"{x}委副书记",
        f"{x}委常委、常务副{x}长",
        "纪委书记",
        "组织部长",
        "宣传部长",
        "政法委书记",
        "统战部长",
        f"{x}委常委、武装部政委",
        f"副{x}长",
        f"副{x}长",
        f"副{x}长",
        f"副{x}长",
        f"副{x}长",
        f"副{x}长",
    ]


def _assign_titles(team, titles):
    """Titles by seniority: the oldest first (``team`` holds (cadre, birth) pairs)."""
    return {
        cadre: titles[i] for i, (cadre, _b) in enumerate(sorted(team, key=lambda m: (m[1], m[0])))
    }


def _township_teams(rng, people: _People, post, townships, area_names) -> int:
    """Two terms of each township's team (see the module docstring and docs/cadres.md)."""
    n = len(townships)
    sizes = [13] * (n // 2) + [12] * (n - n // 2)
    rng.shuffle(sizes)
    stayers = TOWNSHIP_STAYERS * n
    movers = sum(sizes) - stayers
    groups = {
        "stay": (stayers, 0),
        "leave": (movers, 1),
        "join": (movers, 2),
    }
    flags = {
        group: list(
            zip(
                _flags(rng, total, TOWNSHIP_UNDER_35[i]),
                _flags(rng, total, TOWNSHIP_COLLEGE[i]),
                _flags(rng, total, TOWNSHIP_GRASSROOTS[i]),
                strict=True,
            )
        )
        for group, (total, i) in groups.items()
    }
    count = 0
    for township, size in zip(townships, sizes, strict=True):
        name = area_names[township]
        change = datetime.date(2016, 9, 1) + datetime.timedelta(days=rng.randint(0, 100))
        previous = datetime.date(2011, 9, 1) + datetime.timedelta(days=rng.randint(0, 100))
        before_team, after_team, spans = [], [], {}

        def person(under_35, college, age_day, start, grassroots, young, old, place=township):
            age = rng.randint(*young) if under_35 else rng.randint(*old)
            birth = _birth(rng, age, age_day)
            if grassroots:
                before = rng.uniform(2, max(2.0, min(15, age - 21)))
            else:
                before = rng.uniform(0, 0.4 if start.year < 2016 else 1.0)
            cadre = people.add(
                area=place,
                unit=f"{area_names[place]}党委、政府",
                post=Cadre.Post.TOWNSHIP_CADRE,
                title="",
                birth=birth,
                education=_draw(rng, COLLEGE_DRAW if college else NO_COLLEGE_DRAW),
                before=_years(before),
            )
            return cadre, birth

        for _ in range(TOWNSHIP_STAYERS):
            under_35, college, _g = flags["stay"].pop()
            cadre, birth = person(
                under_35, college, COMPARE_FROM, previous, True, (28, 32), (35, 54)
            )
            before_team.append((cadre, birth))
            after_team.append((cadre, birth))
            spans[cadre] = "stay"
        for _ in range(size - TOWNSHIP_STAYERS):
            under_35, college, grassroots = flags["leave"].pop()
            # Without 2 years at the grassroots on the first compare day: appointed mid-term.
            start = (
                previous
                if grassroots
                else datetime.date(2014, 1, 1) + datetime.timedelta(days=rng.randint(0, 364))
            )
            cadre, birth = person(
                under_35, college, COMPARE_FROM, start, grassroots, (27, 34), (35, 56)
            )
            before_team.append((cadre, birth))
            spans[cadre] = ("leave", start)
            under_35, college, grassroots = flags["join"].pop()
            cadre, birth = person(
                under_35, college, COMPARE_TO, change, grassroots, (27, 34), (35, 52)
            )
            after_team.append((cadre, birth))
            spans[cadre] = "join"
        titles = _township_titles(name)
        first_titles = _assign_titles(before_team, titles)
        second_titles = _assign_titles(after_team, titles)
        last_day = change - datetime.timedelta(days=1)
        for cadre, span in spans.items():
            if span == "join":
                post(cadre, PostKind.TOWNSHIP_LEADER, township, change, title=second_titles[cadre])
                people.rows.rows[cadre - people.rows.rows[0]["id"]]["title"] = second_titles[cadre]
                continue
            if span == "stay":
                start = previous
                reason = EndReason.TERM_END
            else:
                start = span[1]
                roll = rng.random()
                reason = (
                    EndReason.TERM_END
                    if roll < 0.7
                    else EndReason.TRANSFERRED
                    if roll < 0.9
                    else EndReason.PROMOTED
                )
            post(
                cadre,
                PostKind.TOWNSHIP_LEADER,
                township,
                start,
                last_day,
                reason,
                first_titles[cadre],
            )
            row = people.rows.rows[cadre - people.rows.rows[0]["id"]]
            row["title"] = first_titles[cadre]
            if span == "stay":
                post(cadre, PostKind.TOWNSHIP_LEADER, township, change, title=second_titles[cadre])
                row["title"] = second_titles[cadre]
        count += len(spans)
    return count


def _county_teams(rng, people: _People, post, counties, area_names) -> int:
    """Two terms of each county's team: 92 people on each compare day, 40 in both."""
    totals = (sum(COUNTY_STAYERS), sum(COUNTY_SIZES) - sum(COUNTY_STAYERS))
    around = {
        "stay": _flags(rng, totals[0], COUNTY_AROUND_40[0]),
        "leave": _flags(rng, totals[1], COUNTY_AROUND_40[1]),
        "join": _flags(rng, totals[1], COUNTY_AROUND_40[2]),
    }
    count = 0
    for county, size, stay in zip(counties, COUNTY_SIZES, COUNTY_STAYERS, strict=True):
        name = area_names[county]
        change = datetime.date(2016, 9, 20) + datetime.timedelta(days=rng.randint(0, 70))
        previous = datetime.date(2011, 9, 20) + datetime.timedelta(days=rng.randint(0, 70))

        def person(is_around, day, ages, others, place=county):
            age = rng.randint(*ages) if is_around else rng.choice(others)
            birth = _birth(rng, age, day)
            cadre = people.add(
                area=place,
                unit=f"{area_names[place]}委、人民政府",
                post=Cadre.Post.COUNTY_LEADER,
                title="",
                birth=birth,
                education=_draw(rng, COLLEGE_DRAW[:1] + ((Cadre.Education.POSTGRADUATE, 0.3),)),
                before=_years(rng.uniform(3, min(20, age - 22))),
                male=0.85,
            )
            return cadre, birth

        before_team, after_team, spans = [], [], {}
        for _ in range(stay):
            # Around 40 on both days (38–40, then 40–42), or older than 42 on both.
            cadre, birth = person(around["stay"].pop(), COMPARE_FROM, (38, 40), range(43, 55))
            before_team.append((cadre, birth))
            after_team.append((cadre, birth))
            spans[cadre] = "stay"
        for _ in range(size - stay):
            others = [*range(34, 38), *range(43, 58)]
            cadre, birth = person(around["leave"].pop(), COMPARE_FROM, (38, 42), others)
            before_team.append((cadre, birth))
            spans[cadre] = "leave"
            cadre, birth = person(around["join"].pop(), COMPARE_TO, (38, 42), others[:-2])
            after_team.append((cadre, birth))
            spans[cadre] = "join"
        titles = _county_titles(name)
        first_titles = _assign_titles(before_team, titles)
        second_titles = _assign_titles(after_team, titles)
        last_day = change - datetime.timedelta(days=1)
        for cadre, span in spans.items():
            row = people.rows.rows[cadre - people.rows.rows[0]["id"]]
            if span != "join":
                reason = (
                    EndReason.TERM_END
                    if span == "stay" or rng.random() < 0.6
                    else (EndReason.PROMOTED if rng.random() < 0.5 else EndReason.TRANSFERRED)
                )
                post(
                    cadre,
                    PostKind.COUNTY_LEADER,
                    county,
                    previous,
                    last_day,
                    reason,
                    first_titles[cadre],
                )
                row["title"] = first_titles[cadre]
            if span != "leave":
                post(cadre, PostKind.COUNTY_LEADER, county, change, title=second_titles[cadre])
                row["title"] = second_titles[cadre]
        count += len(spans)
    return count
