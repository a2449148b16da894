"""Reads of the cadre roster, already scoped (definitions: ``docs/cadres.md``).

:func:`team_structure` is *the* selector of the leadership-team structure: the structure page,
its API twin (``/api/areas/<code>/team-structure/``) and the demo tests call it, so their
figures agree (docs/architecture.md rule 5). :func:`evaluation_counts` is the same for the yearly
evaluation (``/api/areas/<code>/evaluations/`` and the evaluations page). Every function
makes a bounded number of queries whatever the number of people.

* A post *serves on* a day when ``start_date <= day`` and it has no ``end_date`` or
  ``end_date >= day`` (the end date is the last day served).
* Age at a day: completed years since the birth date. *Under 35*: younger than 35;
  *around 40*: 38 to 42 inclusive.
* *College*: 大专 and above (研究生, 大学本科, 大专), the cadre's recorded education.
* *Grassroots years* at a day: the recorded years before (``grassroots_years_before``) plus
  the days, up to that day, covered by the cadre's posts in a township or a village (any kind;
  overlapping posts counted once) ÷ 365.25; *2+ years* means at least 2.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import Length
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fupin.assistance.models import Cadre, Pairing
from fupin.core.figures import serialized

from .models import CadrePost, Evaluation, PostKind, WorkTeam

LEVEL_KINDS = {"township": PostKind.TOWNSHIP_LEADER, "county": PostKind.COUNTY_LEADER}
LEVEL_CODE_LENGTH = {"township": 9, "county": 6}
GRASSROOTS_CODE_LENGTHS = (9, 12)  # posts in a township or a village
INDICATORS = ("under_35", "around_40", "college", "grassroots_2y")
OUTCOMES = ("commended", "promoted", "recalled", "admonished", "trained")
YEAR_DAYS = Fraction(36525, 100)
TWO = Decimal(2)
CENT = Decimal("0.01")


def serving_q(day: datetime.date, prefix: str = "") -> Q:
    """The filter of posts serving on ``day`` (field names prefixed by ``prefix``)."""
    return Q(**{f"{prefix}start_date__lte": day}) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": day})
    )


def cadres_visible_to(user):
    """Cadres whose record is in scope, or who hold a post in scope (a county department's
    cadre sent to a village is seen by that village)."""
    posts = CadrePost.objects.accessible_to(user).filter(cadre_id=OuterRef("pk"))
    return Cadre.objects.filter(
        Q(pk__in=Cadre.objects.accessible_to(user).values("pk")) | Q(Exists(posts))
    )


def access_cadre(user, pk) -> Cadre:
    """Return the cadre if visible to the user; the same 404 for missing and forbidden."""
    cadre = cadres_visible_to(user).filter(pk=pk).first()
    if cadre is None:
        raise Http404(_("干部不存在或不在您的权限范围内"))
    return cadre


def access_team(user, pk) -> WorkTeam:
    team = (
        WorkTeam.objects.accessible_to(user)
        .filter(pk=pk)
        .select_related("village", "leader")
        .first()
    )
    if team is None:
        raise Http404(_("工作队不存在或不在您的权限范围内"))
    return team


# -- roster --------------------------------------------------------------------------------


def roster(user, code: str, *, kind: str | None = None, day: datetime.date | None = None):
    """Posts in area ``code`` (of ``kind``; serving on ``day`` when given), with the cadre."""
    posts = CadrePost.objects.accessible_to(user).within(code)
    if kind:
        posts = posts.filter(kind=kind)
    if day is not None:
        posts = posts.filter(serving_q(day))
    return posts.select_related("cadre", "area", "team")


def service_length(start: datetime.date, end: datetime.date | None, day: datetime.date) -> str:
    """How long a post has lasted (up to ``day`` or its end): ``N年M个月``."""
    last = min(end, day) if end else day
    months = max(0, (last.year - start.year) * 12 + last.month - start.month)
    if last.day < start.day:
        months = max(0, months - 1)
    years, months = divmod(months, 12)
    if years and months:
        return _("{years}年{months}个月").format(years=years, months=months)
    if years:
        return _("{years}年").format(years=years)
    return _("{months}个月").format(months=months)


@dataclass
class RosterRow:
    post: CadrePost
    length: str
    age: int | None
    grassroots: Decimal


def roster_rows(posts: list, day: datetime.date) -> list[RosterRow]:
    """Rows of the roster with how long each post has lasted, the cadre's age and
    grassroots years on ``day`` (one query for the page's posts, whatever their number)."""
    ids = {p.cadre_id for p in posts}
    before = {p.cadre_id: p.cadre.grassroots_years_before for p in posts}
    years = grassroots_years(list(ids), day, before) if ids else {}
    return [
        RosterRow(
            p,
            service_length(p.start_date, p.end_date, day),
            age_at(p.cadre.birth_date, day),
            _decimal(years[p.cadre_id]).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP),
        )
        for p in posts
    ]


# -- work teams ----------------------------------------------------------------------------

MIN_TEAM_MEMBERS = 3
MIN_TERM_YEARS = 2


def add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def term_too_short(start: datetime.date, planned_end: datetime.date) -> bool:
    """A term from ``start`` to ``planned_end`` (its last day) is under two years."""
    return planned_end < add_years(start, MIN_TERM_YEARS) - datetime.timedelta(days=1)


@dataclass
class TeamRow:
    team: WorkTeam
    members: int
    warnings: list = field(default_factory=list)


def work_teams(user, code: str, day: datetime.date):
    """The work teams of area ``code`` (started by ``day``) with ``members`` serving on ``day``."""
    return (
        WorkTeam.objects.accessible_to(user)
        .within(code)
        .filter(start_date__lte=day)
        .annotate(members=Count("posts__cadre", filter=serving_q(day, "posts__"), distinct=True))
        .select_related("village", "leader")
    )


def team_warnings(members: int, start: datetime.date, planned_end: datetime.date) -> list:
    out = []
    if members < MIN_TEAM_MEMBERS:
        out.append(_("在岗队员不足 3 人（{n} 人）").format(n=members))
    if term_too_short(start, planned_end):
        out.append(_("任期不足 2 年"))
    return out


def team_rows(teams) -> list[TeamRow]:
    return [
        TeamRow(t, t.members, team_warnings(t.members, t.start_date, t.planned_end)) for t in teams
    ]


def work_team_warnings(user, code: str, day: datetime.date) -> list[TeamRow]:
    """Teams of area ``code`` with fewer than 3 members serving on ``day`` or a term under
    2 years (one query; the term rule is checked on the fetched rows)."""
    teams = work_teams(user, code, day).filter(planned_end__gte=day).order_by("village_id", "pk")
    return [row for row in team_rows(teams) if row.warnings]


# -- grassroots years, age -----------------------------------------------------------------


def age_at(birth: datetime.date | None, day: datetime.date) -> int | None:
    if birth is None:
        return None
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def grassroots_days(intervals, day: datetime.date) -> int:
    """Days covered up to ``day`` by ``intervals`` [(start, end or None)], overlaps once."""
    spans = sorted((s, min(e, day) if e else day) for s, e in intervals if s <= day)
    total = 0
    current: tuple[datetime.date, datetime.date] | None = None
    for start, end in spans:
        if current is None or start > current[1] + datetime.timedelta(days=1):
            if current is not None:
                total += (current[1] - current[0]).days + 1
            current = (start, end)
        elif end > current[1]:
            current = (current[0], end)
    if current is not None:
        total += (current[1] - current[0]).days + 1
    return total


def grassroots_years(cadre_ids_qs, day: datetime.date, before: dict) -> dict:
    """{cadre id: years (Fraction)} at ``day`` for the cadres of ``cadre_ids_qs`` (a list or
    a values queryset of cadre ids), ``before`` mapping each to its recorded years before."""
    intervals: dict[int, list] = {}
    for cadre_id, start, end in (
        CadrePost.objects.annotate(code_length=Length("area_id"))
        .filter(cadre_id__in=cadre_ids_qs, start_date__lte=day)
        .filter(code_length__in=GRASSROOTS_CODE_LENGTHS)
        .values_list("cadre_id", "start_date", "end_date")
    ):
        intervals.setdefault(cadre_id, []).append((start, end))
    out = {}
    for cadre_id, years_before in before.items():
        years = Fraction(years_before or 0)
        days = grassroots_days(intervals.get(cadre_id, ()), day)
        out[cadre_id] = years + Fraction(days) / YEAR_DAYS
    return out


def cadre_grassroots_years(cadre: Cadre, day: datetime.date) -> Decimal:
    years = grassroots_years(
        Cadre.objects.filter(pk=cadre.pk).values("pk"),
        day,
        {cadre.pk: cadre.grassroots_years_before},
    )[cadre.pk]
    return _decimal(years).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


# -- team structure ------------------------------------------------------------------------


@dataclass
class Snapshot:
    day: datetime.date
    people: int
    counts: dict


def serving_leaders(user, code: str, level: str, day: datetime.date):
    """Posts of the leadership teams of ``level`` inside area ``code`` serving on ``day``."""
    return (
        CadrePost.objects.accessible_to(user)
        .within(code)
        .annotate(code_length=Length("area_id"))
        .filter(kind=LEVEL_KINDS[level], code_length=LEVEL_CODE_LENGTH[level])
        .filter(serving_q(day))
    )


def structure_snapshot(user, code: str, level: str, day: datetime.date) -> Snapshot:
    """The people serving on ``day`` (each counted once) and how many meet each indicator."""
    posts = serving_leaders(user, code, level, day)
    people = {
        row[0]: row[1:]
        for row in posts.values_list(
            "cadre_id", "cadre__birth_date", "cadre__education", "cadre__grassroots_years_before"
        )
    }
    years = grassroots_years(posts.values("cadre_id"), day, {k: v[2] for k, v in people.items()})
    counts = dict.fromkeys(INDICATORS, 0)
    for pk, (birth, education, _before) in people.items():
        age = age_at(birth, day)
        if age is not None and age < 35:
            counts["under_35"] += 1
        if age is not None and 38 <= age <= 42:
            counts["around_40"] += 1
        if education in Cadre.COLLEGE:
            counts["college"] += 1
        if years[pk] >= 2:
            counts["grassroots_2y"] += 1
    return Snapshot(day, len(people), counts)


def _decimal(value: Fraction) -> Decimal:
    return Decimal(value.numerator) / Decimal(value.denominator)


def _round(value: Fraction | None) -> Decimal | None:
    if value is None:
        return None
    return _decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def team_structure(
    user, code: str, level: str, day_from: datetime.date, day_to: datetime.date
) -> dict:
    """The four shares of the leadership teams of ``level`` inside ``code`` on two days.

    Shares are percentages of the people serving (0–100); ``change_pp`` is the difference
    in percentage points, ``change_relative`` the difference relative to the first share in
    percent (``None`` when the first share is 0). All are computed from the exact counts and
    rounded half-up to two decimals at the end. ``code`` must be in the user's scope.
    """
    if level not in LEVEL_KINDS:
        raise ValueError(level)
    first = structure_snapshot(user, code, level, day_from)
    second = structure_snapshot(user, code, level, day_to)
    result = {
        "area": code,
        "level": level,
        "from": day_from,
        "to": day_to,
        "people": {"from": first.people, "to": second.people},
    }
    for key in INDICATORS:
        a = Fraction(first.counts[key] * 100, first.people) if first.people else None
        b = Fraction(second.counts[key] * 100, second.people) if second.people else None
        pp = b - a if a is not None and b is not None else None
        relative = pp * 100 / a if pp is not None and a else None
        result[key] = {
            "from": _round(a),
            "to": _round(b),
            "change_pp": _round(pp),
            "change_relative": _round(relative),
            "count_from": first.counts[key],
            "count_to": second.counts[key],
        }
    return result


def _share_field(help_text) -> dict:
    return serialized(help_text, max_digits=9, decimal_places=2)


# The API serves ``from_`` as ``from`` (a Python keyword cannot name a field).
@dataclass(frozen=True)
class TeamIndicator:
    """One share of :func:`team_structure` on the two days, and its change."""

    from_: Decimal | None = field(
        metadata=_share_field(gettext_lazy("起始日比例（%，无人时为 null）"))
    )
    to: Decimal | None = field(metadata=_share_field(gettext_lazy("终止日比例（%）")))
    change_pp: Decimal | None = field(metadata=_share_field(gettext_lazy("变化（百分点）")))
    change_relative: Decimal | None = field(
        metadata=_share_field(gettext_lazy("相对变化（%，起始比例为 0 时为 null）"))
    )
    count_from: int = field(metadata=serialized(gettext_lazy("起始日符合条件的人数")))
    count_to: int = field(metadata=serialized(gettext_lazy("终止日符合条件的人数")))


@dataclass(frozen=True)
class TeamPeople:
    from_: int = field(metadata=serialized(gettext_lazy("起始日在任人数")))
    to: int = field(metadata=serialized(gettext_lazy("终止日在任人数")))


@dataclass(frozen=True)
class TeamStructure:
    """:func:`team_structure` as one typed structure (the API serializes this)."""

    area: str = field(metadata=serialized(gettext_lazy("区划代码")))
    level: str = field(metadata=serialized(gettext_lazy("township 或 county")))
    from_: datetime.date = field(metadata=serialized(gettext_lazy("起始日")))
    to: datetime.date = field(metadata=serialized(gettext_lazy("终止日")))
    people: TeamPeople = field(
        metadata=serialized(gettext_lazy("各日在任的班子成员人数（一人多职计一次）"))
    )
    under_35: TeamIndicator = field(metadata=serialized(gettext_lazy("35周岁以下")))
    around_40: TeamIndicator = field(metadata=serialized(gettext_lazy("40岁左右（38–42 周岁）")))
    college: TeamIndicator = field(metadata=serialized(gettext_lazy("大专以上学历")))
    grassroots_2y: TeamIndicator = field(metadata=serialized(gettext_lazy("2年以上基层工作经历")))


def _keyword_safe(row: dict) -> dict:
    return {f"{k}_" if k in ("from",) else k: v for k, v in row.items()}


def team_structure_figures(
    user, code: str, level: str, day_from: datetime.date, day_to: datetime.date
) -> TeamStructure:
    """:func:`team_structure` as the typed structure the API gives."""
    data = team_structure(user, code, level, day_from, day_to)
    return TeamStructure(
        area=data["area"],
        level=data["level"],
        from_=data["from"],
        to=data["to"],
        people=TeamPeople(**_keyword_safe(data["people"])),
        **{key: TeamIndicator(**_keyword_safe(data[key])) for key in INDICATORS},
    )


# -- evaluations ---------------------------------------------------------------------------


def evaluations(user, code: str, year: int):
    return Evaluation.objects.accessible_to(user).within(code).filter(year=year)


@dataclass(frozen=True)
class EvaluationCounts:
    """The year's evaluations of an area by outcome (the API serializes this very structure)."""

    year: int = field(metadata=serialized(gettext_lazy("考核年度")))
    commended: int = field(metadata=serialized(gettext_lazy("评选表彰人数")))
    promoted: int = field(metadata=serialized(gettext_lazy("提拔重用人数")))
    recalled: int = field(metadata=serialized(gettext_lazy("组织召回人数")))
    admonished: int = field(metadata=serialized(gettext_lazy("诫勉谈话人数")))
    trained: int = field(metadata=serialized(gettext_lazy("培训提高人数")))
    none: int = field(metadata=serialized(gettext_lazy("无结果运用的人数")))
    total: int = field(metadata=serialized(gettext_lazy("考核总人数")))


def evaluation_counts(user, code: str, year: int) -> EvaluationCounts:
    """Counts of the year's evaluations in ``code`` by outcome, plus ``none`` and ``total``."""
    counts = dict.fromkeys((*OUTCOMES, "none"), 0)
    for row in evaluations(user, code, year).values("outcome").annotate(n=Count("pk")):
        counts[row["outcome"]] = row["n"]
    return EvaluationCounts(year=year, **counts, total=sum(counts.values()))


def pairings_count(cadre: Cadre, user) -> int:
    return Pairing.objects.accessible_to(user).filter(cadre=cadre).count()
