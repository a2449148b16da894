"""The demo data set in memory: Hinggan League's registry as it stood on 30 June 2017.

Pure and deterministic: :func:`generate` takes the villages, a seed and a scale, draws
everything from one ``random.Random(seed)`` and returns plain objects (no database access;
:mod:`fupin.demo.services` writes them). The league figures of docs/domain.md §4 are *inputs* here —
the module constants below — and the generator reaches them by construction:

* persons identified in 2014: households are drawn per village until the village's share of
  :data:`IDENTIFIED_PERSONS_2014` is filled exactly (the last household takes the remainder);
* persons still poor at the end of 2016: the 2016 exits are an exact subset sum over
  household sizes (:func:`pick_exact`), so that after the 2014 and 2015 exits, the new
  identifications of 2015/2016 and the 2016 relapses :data:`POOR_PERSONS_END_2016` remain;
* the exit plan of the households still poor: those planned for 2020 hold exactly
  :data:`POOR_PERSONS_END_2019` persons, those planned for 2019 or 2020 exactly
  :data:`POOR_PERSONS_END_2018`, and county exit years (docs/domain.md §4) bound where they live.

Nothing writes a figure anywhere: :func:`fupin.registry.stats.area_stats` counts them back
from the status rows.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime
import functools
import itertools
import random
from collections.abc import Callable, Sequence

from fupin.core.idnumber import make_id_number
from fupin.registry import codes
from fupin.registry.codes import Cause, Education, Health, Labour, Relation, SchoolStatus
from fupin.registry.codes import Status as S

from . import names

# --- docs/domain.md §4: the league's figures (the calibration targets) ----------------------------
IDENTIFIED_PERSONS_2014 = 184_000  # 18.4万 registered poor rural population, 2014
POOR_PERSONS_END_2016 = 81_000  # 8.1万 remaining at the time of the article (end of 2016)
POOR_PERSONS_END_2018 = 21_000  # 2.1万 remaining at end of 2018 (1.8%), public reports
POOR_PERSONS_END_2019 = 1_705  # remaining at end of 2019 (0.15%), public reports
RURAL_POPULATION = 1_150_000  # derived in docs/domain.md §4: 2.1万 = 1.8% at end of 2018
# County exits (docs/domain.md §4): a county's poor are all planned out by its exit year.
COUNTY_EXIT_YEAR = {
    "152201": 2018,  # 乌兰浩特市
    "152202": 2019,  # 阿尔山市
    "152221": 2020,  # 科尔沁右翼前旗
    "152222": 2019,  # 科尔沁右翼中旗
    "152223": 2019,  # 扎赉特旗
    "152224": 2020,  # 突泉县
}

# --- Demo assumptions (not public figures; shape only) -------------------------------------
AS_OF = datetime.date(2017, 6, 30)  # the moment of the article (docs/domain.md §4)
YEARS = (2014, 2015, 2016, 2017)  # status rows; 2017 is the year in progress
INCOME_YEARS = (2014, 2015, 2016)
POPULATION_YEARS = tuple(range(2014, 2021))
# Nominal poverty lines per year, yuan per person (docs/domain.md §3.3).
POVERTY_LINE = {2014: 2800, 2015: 2855, 2016: 2952}
# Persons exiting per year (approximate; 2016 is whatever leaves exactly 8.1万).
EXIT_PERSONS = {2014: 30_000, 2015: 40_000}
PLANNED_2017_SHARE = 0.6  # of the persons poor now and not planned for 2019/2020
NEW_PERSONS = {2015: 1_800, 2016: 1_200}  # 动态调整: new identifications
RELAPSE_SHARE_2016 = 0.012  # of the households that exited in 2015
NO_POLICY_SHARE = 0.05  # of the 2014/2015 exits, 已脱贫不再享受政策 from 2016
CHANGFA = "152223100234"  # 长发村: "60多户贫困户" in the article, whole village exited
CHANGFA_PERSONS = 170

# County shares of the poor and of the rural population; share of Mongol households.
COUNTY_POOR_SHARE = {
    "152201": 0.045,
    "152202": 0.015,
    "152221": 0.29,
    "152222": 0.25,
    "152223": 0.22,
    "152224": 0.18,
}
COUNTY_RURAL_SHARE = {
    "152201": 0.045,
    "152202": 0.015,
    "152221": 0.27,
    "152222": 0.20,
    "152223": 0.26,
    "152224": 0.21,
}
COUNTY_MONGOL_SHARE = {
    "152201": 0.40,
    "152202": 0.15,
    "152221": 0.50,
    "152222": 0.85,
    "152223": 0.25,
    "152224": 0.08,
}
# Relative speed of exit per county (乌兰浩特 first, 科右前旗 and 突泉 last).
COUNTY_EXIT_PACE = {
    "152201": 1.8,
    "152202": 1.3,
    "152221": 0.85,
    "152222": 0.95,
    "152223": 1.15,
    "152224": 0.9,
}
HOUSEHOLD_SIZES = ((1, 20), (2, 33), (3, 22), (4, 16), (5, 6), (6, 2), (7, 1))  # mean ≈ 2.65
MAIN_CAUSES = (
    (Cause.ILLNESS, 40),
    (Cause.CAPITAL, 19),
    (Cause.SKILLS, 10),
    (Cause.LABOUR, 8),
    (Cause.DISABILITY, 6),
    (Cause.EDUCATION, 6),
    (Cause.DISASTER, 3),
    (Cause.LAND, 2),
    (Cause.MOTIVATION, 2.5),
    (Cause.WATER, 1.5),
    (Cause.TRANSPORT, 1),
    (Cause.OTHER, 1),
)
CAUSE_EXIT_PACE = {
    Cause.ILLNESS: 0.75,
    Cause.DISABILITY: 0.6,
    Cause.LABOUR: 0.7,
    Cause.CAPITAL: 1.3,
    Cause.SKILLS: 1.2,
}
ATTRIBUTE_EXIT_PACE = {
    codes.Attribute.GENERAL: 1.0,
    codes.Attribute.LOW_INCOME: 0.55,
    codes.Attribute.EXTREME: 0.25,
}
OTHER_ETHNICITIES = (
    (codes.Ethnicity.HAN, 92),
    (codes.Ethnicity.MANCHU, 5),
    (codes.Ethnicity.HUI, 1.5),
    (codes.Ethnicity.KOREAN, 1),
    (codes.Ethnicity.DAUR, 0.5),
)
STUDENT_STATUSES = frozenset(SchoolStatus) - {SchoolStatus.NONE, SchoolStatus.PRESCHOOL}
TZ = datetime.timezone(datetime.timedelta(hours=8))  # Asia/Shanghai, no DST


class DemoCalibrationError(RuntimeError):
    """The draw cannot reach a target exactly (only at absurdly small scales)."""


@dataclasses.dataclass(slots=True)
class PersonSpec:
    relation: str
    sex: str
    age: int
    birth_date: datetime.date = None
    name: str = ""
    ethnicity: str = codes.Ethnicity.HAN
    education: str = ""
    school_status: str = ""
    health: str = Health.HEALTHY
    labour: str = ""
    migrant_months: int = 0
    medical_insurance: bool = True
    pension: bool | None = None
    phone: str = ""
    id_number: str = ""

    @property
    def is_student(self) -> bool:
        return self.school_status in STUDENT_STATUSES

    @property
    def can_work(self) -> bool:
        return self.labour in (Labour.ORDINARY, Labour.SKILLED)


@dataclasses.dataclass(slots=True)
class HouseholdSpec:
    number: str
    village: str
    identified_year: int
    members: list[PersonSpec]
    attribute: str = codes.Attribute.GENERAL
    main_cause: str = Cause.CAPITAL
    other_causes: list[str] = dataclasses.field(default_factory=list)
    # status at the end of each year from the identified year; 2017 is "as of now"
    statuses: dict[int, str] = dataclasses.field(default_factory=dict)
    exit_year: int | None = None
    relapse_year: int | None = None
    planned_exit_year: int | None = None
    # income per year: (wages, business, property, transfer, costs) in whole yuan
    incomes: dict[int, tuple[int, int, int, int, int]] = dataclasses.field(default_factory=dict)
    dangerous_housing_2014: bool = False
    dangerous_housing: bool = False
    safe_water_2014: bool = True
    safe_water: bool = True
    farmland_mu: float = 0.0
    house_area: float = 0.0
    has_electricity: bool = True
    road_km: float = 0.0
    phone: str = ""
    exit_weight: float = 1.0

    @property
    def size(self) -> int:
        return len(self.members)

    @property
    def county(self) -> str:
        return self.village[:6]

    @property
    def head(self) -> PersonSpec:
        return self.members[0]

    def status_in(self, year: int) -> str | None:
        return self.statuses.get(year)


@dataclasses.dataclass
class DemoData:
    seed: int
    scale: float
    villages: list[str]
    rural_population: dict[str, dict[int, int]]  # village → year → persons
    households: list[HouseholdSpec]
    targets: dict[str, int]


def scaled_targets(scale: float) -> dict[str, int]:
    """Return the calibration targets at ``scale`` (1.0: the league of docs/domain.md §4)."""
    return {
        "identified_persons_2014": round(IDENTIFIED_PERSONS_2014 * scale),
        "poor_persons_2016": round(POOR_PERSONS_END_2016 * scale),
        "planned_after_2018": round(POOR_PERSONS_END_2018 * scale),
        "planned_after_2019": round(POOR_PERSONS_END_2019 * scale),
        "rural_population": round(RURAL_POPULATION * scale),
    }


# --- small drawing helpers -----------------------------------------------------------------
def _weighted(rng: random.Random, pairs) -> object:
    values, cumulative = _cumulative(pairs) if isinstance(pairs, tuple) else _accumulate(pairs)
    # What rng.choices(values, weights)[0] does, with the running sums of a constant table
    # summed once: the same draw from the same number, 650,000 times in a full build.
    return values[bisect.bisect(cumulative, rng.random() * cumulative[-1], 0, len(values) - 1)]


def _accumulate(pairs) -> tuple[list, list[float]]:
    return [v for v, _w in pairs], list(itertools.accumulate(w for _v, w in pairs))


_cumulative = functools.lru_cache(maxsize=64)(_accumulate)


def allocate(total: int, weights: Sequence[float], caps: Sequence[int] | None = None) -> list[int]:
    """Split ``total`` into integers proportional to ``weights`` (largest remainder), each at
    most its cap; the sum is exactly ``total`` (raise if the caps cannot hold it)."""
    n = len(weights)
    caps = list(caps) if caps is not None else [total] * n
    if sum(caps) < total:
        raise DemoCalibrationError(f"{total} cannot fit under the caps ({sum(caps)})")
    result = [0] * n
    open_ = [i for i in range(n) if caps[i] > 0]
    remaining = total
    while remaining > 0:
        weight_sum = sum(weights[i] for i in open_) or len(open_)
        shares = {
            i: remaining * (weights[i] / weight_sum if weight_sum else 1 / len(open_))
            for i in open_
        }
        floors = {i: min(int(shares[i]), caps[i] - result[i]) for i in open_}
        given = sum(floors.values())
        for i, f in floors.items():
            result[i] += f
        remaining -= given
        leftover = sorted(open_, key=lambda i: shares[i] - int(shares[i]), reverse=True)
        for i in leftover:
            if remaining == 0:
                break
            if result[i] < caps[i]:
                result[i] += 1
                remaining -= 1
        open_ = [i for i in open_ if result[i] < caps[i]]
        if remaining and not open_:
            raise DemoCalibrationError("allocation ran out of room")
    return result


def pick_exact(
    rng: random.Random,
    candidates: Sequence[HouseholdSpec],
    target: int,
    weight: Callable[[HouseholdSpec], float],
) -> list[HouseholdSpec]:
    """Pick households holding exactly ``target`` persons, favouring heavy ``weight``.

    A weighted random order (Efraimidis–Spirakis keys), then a greedy pass taking every
    household that still fits: the few last picks are small households that close the gap
    exactly (there are always one-person households left at any sensible scale).
    """
    keyed = [(rng.random() ** (1.0 / max(weight(h), 1e-9)), i) for i, h in enumerate(candidates)]
    keyed.sort(reverse=True)
    chosen: list[HouseholdSpec] = []
    total = 0
    for _key, i in keyed:
        if total == target:
            break
        household = candidates[i]
        if total + household.size <= target:
            chosen.append(household)
            total += household.size
    if total != target:
        raise DemoCalibrationError(f"no subset of {len(candidates)} households holds {target}")
    return chosen


def _birth(rng: random.Random, age: int) -> datetime.date:
    """A birth date giving exactly ``age`` on :data:`AS_OF`."""
    start = datetime.date(AS_OF.year - age - 1, AS_OF.month, AS_OF.day) + datetime.timedelta(1)
    return start + datetime.timedelta(rng.randrange(365))


MOBILE_PREFIXES = [
    "130",
    "131",
    "132",
    "135",
    "136",
    "138",
    "139",
    "150",
    "151",
    "152",
    "155",
    "157",
    "158",
    "159",
    "177",
    "182",
    "186",
    "187",
    "188",
]


def _mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


# --- families ------------------------------------------------------------------------------
def _kids(rng, parent_age: int, count: int, min_age: int, rel_son: str, rel_daughter: str):
    kids = []
    age = parent_age - rng.randint(21, 32)
    for _ in range(count):
        age = max(age, min_age)
        sex = rng.choice("MF")
        kids.append(PersonSpec(rel_son if sex == "M" else rel_daughter, sex, age))
        age -= rng.randint(1, 4)
    return kids


def family(rng: random.Random, size: int, min_age: int) -> list[PersonSpec]:
    """Return ``size`` persons, the head first, with relations, sexes and ages that agree."""
    members = _family(rng, size, min_age)
    if len(members) != size:  # a template bug would silently break the calibration
        raise DemoCalibrationError(f"family of {len(members)} drawn for size {size}")
    return members


def _family(rng: random.Random, size: int, min_age: int) -> list[PersonSpec]:
    if size == 1:
        age = min(90, int(rng.triangular(32, 90, 70)))
        return [PersonSpec(Relation.HEAD, "M" if rng.random() < 0.6 else "F", age)]
    pattern = rng.random()
    if size == 2:
        if pattern < 0.55:  # elderly couple
            age = rng.randint(55, 84)
            return [
                PersonSpec(Relation.HEAD, "M", age),
                PersonSpec(Relation.SPOUSE, "F", max(50, age - rng.randint(-1, 5))),
            ]
        if pattern < 0.8:  # widowed parent and a child
            age = rng.randint(42, 75)
            head = PersonSpec(Relation.HEAD, "F" if rng.random() < 0.45 else "M", age)
            return [head, *_kids(rng, age, 1, min_age, Relation.SON, Relation.DAUGHTER)]
        age = rng.randint(26, 52)  # an unmarried son keeping an old parent
        parent_age = min(92, age + rng.randint(22, 34))
        father = rng.random() < 0.3
        return [
            PersonSpec(Relation.HEAD, "M" if rng.random() < 0.85 else "F", age),
            PersonSpec(
                Relation.FATHER if father else Relation.MOTHER, "M" if father else "F", parent_age
            ),
        ]
    if size == 3 and pattern < 0.15:  # grandparents raising a grandchild (留守儿童)
        age = rng.randint(56, 74)
        grandchild = "M" if rng.random() < 0.5 else "F"
        return [
            PersonSpec(Relation.HEAD, "M", age),
            PersonSpec(Relation.SPOUSE, "F", age - rng.randint(0, 4)),
            PersonSpec(
                Relation.GRANDSON if grandchild == "M" else Relation.GRANDDAUGHTER,
                grandchild,
                max(min_age, rng.randint(min_age, 15)),
            ),
        ]
    if size >= 4 and pattern < 0.35:  # three generations under an older head
        age = rng.randint(54, 76)
        son_age = age - rng.randint(22, 32)
        members = [
            PersonSpec(Relation.HEAD, "M", age),
            PersonSpec(Relation.SPOUSE, "F", age - rng.randint(0, 4)),
            PersonSpec(Relation.SON, "M", son_age),
            PersonSpec(Relation.DAUGHTER_IN_LAW, "F", son_age - rng.randint(-2, 4)),
        ]
        members += _kids(rng, son_age, size - 4, min_age, Relation.GRANDSON, Relation.GRANDDAUGHTER)
        return members
    if pattern > 0.85:  # a single parent with children (and a grandmother when many)
        age = rng.randint(34, 60)
        head = PersonSpec(Relation.HEAD, "F" if rng.random() < 0.5 else "M", age)
        kids = min(size - 1, 4)
        members = [head, *_kids(rng, age, kids, min_age, Relation.SON, Relation.DAUGHTER)]
        if size - 1 > kids:
            members.append(PersonSpec(Relation.MOTHER, "F", min(92, age + rng.randint(22, 30))))
        if size - 1 > kids + 1:
            members.append(PersonSpec(Relation.FATHER, "M", min(94, age + rng.randint(24, 33))))
        return members
    # a couple with children, and the head's parents when the household is large
    age = rng.randint(28, 56)
    members = [
        PersonSpec(Relation.HEAD, "M", age),
        PersonSpec(Relation.SPOUSE, "F", max(20, age - rng.randint(-2, 5))),
    ]
    kids = min(size - 2, 3)
    members += _kids(rng, age, kids, min_age, Relation.SON, Relation.DAUGHTER)
    extra = size - 2 - kids
    if extra >= 1:
        members.append(PersonSpec(Relation.MOTHER, "F", min(92, age + rng.randint(22, 30))))
    if extra >= 2:
        members.append(PersonSpec(Relation.FATHER, "M", min(94, age + rng.randint(24, 33))))
    for _ in range(extra - 2):
        members += _kids(rng, age - 4, 1, min_age, Relation.SON, Relation.DAUGHTER)
    return members


def _school(rng: random.Random, person: PersonSpec) -> None:
    """Set school status and education from age (school status for everyone, 6–23 too)."""
    age = person.age
    by_birth = AS_OF.year - age
    if age <= 5:
        person.school_status = SchoolStatus.PRESCHOOL if rng.random() < 0.6 else SchoolStatus.NONE
        person.education = Education.PRESCHOOL
    elif age == 6:
        first = rng.random() < 0.5
        person.school_status = SchoolStatus.PRIMARY if first else SchoolStatus.PRESCHOOL
        person.education = Education.PRIMARY if first else Education.PRESCHOOL
    elif age <= 12:
        person.school_status, person.education = SchoolStatus.PRIMARY, Education.PRIMARY
    elif age <= 15:
        grade = (SchoolStatus.GRADE7, SchoolStatus.GRADE8, SchoolStatus.GRADE9)[age - 13]
        person.school_status, person.education = grade, Education.JUNIOR
    # 16–17-year-olds were of compulsory-school age in the years before 2017, and school status
    # is kept as it stands now: keep them in school (控辍保学) so past years assess rightly.
    elif age <= 17 or (age == 18 and rng.random() < 0.75):
        senior = rng.random() < 0.65
        grades = (
            (SchoolStatus.SENIOR1, SchoolStatus.SENIOR2, SchoolStatus.SENIOR3)
            if senior
            else (SchoolStatus.VOCATIONAL1, SchoolStatus.VOCATIONAL2, SchoolStatus.VOCATIONAL3)
        )
        person.school_status, person.education = grades[age - 16], Education.SENIOR
    elif 19 <= age <= 23 and rng.random() < (0.25 if age <= 21 else 0.1):
        higher = (
            SchoolStatus.HIGHER_VOCATIONAL1,
            SchoolStatus.HIGHER_VOCATIONAL2,
            SchoolStatus.HIGHER_VOCATIONAL3,
        )
        person.school_status = (
            higher[min(age - 19, 2)] if rng.random() < 0.5 else SchoolStatus.COLLEGE
        )
        person.education = Education.COLLEGE
    else:
        person.school_status = SchoolStatus.NONE
        if by_birth < 1957:
            mix = (
                (Education.ILLITERATE, 40),
                (Education.PRIMARY, 45),
                (Education.JUNIOR, 13),
                (Education.SENIOR, 2),
            )
        elif by_birth < 1977:
            mix = (
                (Education.ILLITERATE, 12),
                (Education.PRIMARY, 40),
                (Education.JUNIOR, 40),
                (Education.SENIOR, 7),
                (Education.COLLEGE, 1),
            )
        else:
            mix = (
                (Education.ILLITERATE, 3),
                (Education.PRIMARY, 20),
                (Education.JUNIOR, 55),
                (Education.SENIOR, 15),
                (Education.COLLEGE, 7),
            )
        person.education = _weighted(rng, mix)


def _health(rng: random.Random, age: int) -> str:
    if age < 16:
        mix = (
            (Health.HEALTHY, 95),
            (Health.CHRONIC, 1.5),
            (Health.SERIOUS, 1),
            (Health.DISABLED, 2.5),
        )
    elif age < 60:
        mix = (
            (Health.HEALTHY, 76),
            (Health.CHRONIC, 13),
            (Health.SERIOUS, 5),
            (Health.DISABLED, 6),
        )
    else:
        mix = (
            (Health.HEALTHY, 50),
            (Health.CHRONIC, 33),
            (Health.SERIOUS, 7),
            (Health.DISABLED, 10),
        )
    return _weighted(rng, mix)


def _labour(rng: random.Random, person: PersonSpec) -> None:
    low, high = codes.WORKING_AGE
    if low <= person.age <= high:
        if person.is_student:
            person.labour = Labour.NONE
        elif person.health in (Health.SERIOUS, Health.DISABLED):
            person.labour = Labour.LOST if rng.random() < 0.8 else Labour.ORDINARY
        elif person.health == Health.CHRONIC:
            person.labour = Labour.LOST if rng.random() < 0.4 else Labour.ORDINARY
        else:
            person.labour = Labour.SKILLED if rng.random() < 0.1 else Labour.ORDINARY
    elif person.age > high and person.health != Health.HEALTHY:
        person.labour = Labour.LOST
    else:
        person.labour = Labour.NONE
    if person.can_work and 18 <= person.age <= 55 and rng.random() < 0.3:
        person.migrant_months = rng.randint(2, 10)


class _Identity:
    """Names, ethnicities and unique ID numbers for the members of a household."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        # (county, birth date, sex) → (first sequence, numbers given): the sequence part of
        # an ID number has 500 values per sex, so numbers stay unique by construction.
        self.used: dict[tuple[str, datetime.date, str], tuple[int, int]] = {}

    def id_number(self, county: str, birth: datetime.date, sex: str) -> str:
        key = (county, birth, sex)
        start, given = self.used.get(key) or (self.rng.randrange(500), 0)
        if given >= 500:
            raise DemoCalibrationError(f"more than 500 persons born {birth} in {county}")
        self.used[key] = (start, given + 1)
        return make_id_number(county, birth, start + given, sex)

    def dress(self, members: list[PersonSpec], county: str, identified_year: int) -> None:
        rng = self.rng
        mongol_household = rng.random() < COUNTY_MONGOL_SHARE[county]
        head_eth = codes.Ethnicity.MONGOL if mongol_household else _weighted(rng, OTHER_ETHNICITIES)
        head = members[0]
        surname = names.han_surname(rng)
        # children of a widowed mother carry their late father's surname
        child_surname = surname if head.sex == "M" else names.han_surname(rng)
        descendants = (
            Relation.SON,
            Relation.DAUGHTER,
            Relation.GRANDSON,
            Relation.GRANDDAUGHTER,
        )
        father_given = None
        for person in members:
            person.birth_date = _birth(rng, person.age)
            blood = person.relation not in (
                Relation.SPOUSE,
                Relation.DAUGHTER_IN_LAW,
                Relation.SON_IN_LAW,
                Relation.MOTHER,
            )
            if blood or rng.random() < 0.85:
                person.ethnicity = head_eth
            else:
                person.ethnicity = (
                    codes.Ethnicity.HAN
                    if head_eth == codes.Ethnicity.MONGOL
                    else codes.Ethnicity.MONGOL
                )
            year = person.birth_date.year
            if person.ethnicity == codes.Ethnicity.MONGOL:
                patronymic = (
                    father_given if person.relation in (Relation.SON, Relation.DAUGHTER) else None
                )
                person.name = names.mongol_name(rng, person.sex, year, father=patronymic)
                if person is head and head.sex == "M":
                    father_given = names.mongol_given_part(person.name)
            else:
                if person.relation in descendants:
                    family_name = child_surname
                else:
                    family_name = surname if blood else None
                person.name = names.han_name(rng, person.sex, year, family_name)
            person.id_number = self.id_number(county, person.birth_date, person.sex)


# --- households ----------------------------------------------------------------------------
def _causes(rng: random.Random, household: HouseholdSpec) -> None:
    """Choose the main and other causes and make the members bear them out (cleaning rules)."""
    members = household.members
    has_student = any(p.is_student for p in members)
    # 因学 is drawn among the households that have a student, at about 6% of all households
    main = Cause.EDUCATION if has_student and rng.random() < 0.15 else _weighted(rng, MAIN_CAUSES)
    while main == Cause.EDUCATION and not has_student:
        main = _weighted(rng, MAIN_CAUSES)
    adults = [p for p in members if p.age >= 16 and not p.is_student] or members
    if main == Cause.ILLNESS and not any(p.health in codes.ILL_HEALTH for p in members):
        sick = max(adults, key=lambda p: p.age + rng.random() * 30)
        sick.health = Health.CHRONIC if rng.random() < 0.6 else Health.SERIOUS
    if main == Cause.DISABILITY and not any(p.health == Health.DISABLED for p in members):
        rng.choice(adults).health = Health.DISABLED
    household.main_cause = main
    eligible = [
        (cause, w)
        for cause, w in MAIN_CAUSES
        if cause != main
        and not (cause == Cause.ILLNESS and not any(p.health in codes.ILL_HEALTH for p in members))
        and not (
            cause == Cause.DISABILITY and not any(p.health == Health.DISABLED for p in members)
        )
        and not (cause == Cause.EDUCATION and not has_student)
    ]
    count = _weighted(rng, ((0, 40), (1, 40), (2, 20)))
    others: list[str] = []
    while len(others) < count and eligible:
        cause = _weighted(rng, eligible)
        eligible = [(c, w) for c, w in eligible if c != cause]
        others.append(str(cause))
    household.other_causes = others


def _attribute(rng: random.Random, household: HouseholdSpec) -> str:
    members = household.members
    able = sum(p.can_work for p in members)
    if household.size == 1 and members[0].age >= 60 and not able and rng.random() < 0.35:
        return codes.Attribute.EXTREME
    if rng.random() < 0.004:
        return codes.Attribute.EXTREME
    weak = not able or any(p.health in (Health.SERIOUS, Health.DISABLED) for p in members)
    return (
        codes.Attribute.LOW_INCOME
        if rng.random() < (0.45 if weak else 0.12)
        else codes.Attribute.GENERAL
    )


def make_household(
    rng: random.Random, identity: _Identity, village: str, number: str, size: int, year: int
) -> HouseholdSpec:
    members = family(rng, size, min_age=AS_OF.year - year + 1)
    for person in members:
        _school(rng, person)
        person.health = _health(rng, person.age)
    household = HouseholdSpec(number=number, village=village, identified_year=year, members=members)
    _causes(rng, household)
    for person in members:
        _labour(rng, person)
        person.medical_insurance = rng.random() < 0.98
        if person.age >= 16 and not person.is_student:
            person.pension = rng.random() < 0.75
    identity.dress(members, village[:6], year)
    household.attribute = _attribute(rng, household)
    household.farmland_mu = round(rng.uniform(3, 18) * size + rng.uniform(0, 20), 1)
    household.house_area = round(rng.uniform(28, 60) + 8 * size, 1)
    household.road_km = round(rng.expovariate(1 / 0.8), 1)
    household.has_electricity = rng.random() < 0.997
    household.dangerous_housing_2014 = rng.random() < 0.35
    household.safe_water = household.safe_water_2014 = rng.random() < 0.85
    if rng.random() < 0.85:
        household.phone = _mobile(rng)
        members[0].phone = household.phone
    able = sum(p.can_work for p in members)
    household.exit_weight = (
        COUNTY_EXIT_PACE[village[:6]]
        * CAUSE_EXIT_PACE.get(household.main_cause, 1.0)
        * ATTRIBUTE_EXIT_PACE[household.attribute]
        * (1.25 if able else 0.8)
        * (30.0 if village == CHANGFA else 1.0)
    )
    return household


def _draw_size(rng: random.Random) -> int:
    return _weighted(rng, HOUSEHOLD_SIZES)


def _choose_villages(rng: random.Random, villages: Sequence[str], scale: float) -> list[str]:
    """All rural villages at scale 1; a per-county sample (with 长发村) at a smaller scale."""
    if scale >= 1:
        return sorted(villages)
    chosen: list[str] = []
    for county in sorted(COUNTY_POOR_SHARE):
        pool = sorted(v for v in villages if v.startswith(county))
        if not pool:
            continue
        n = max(1, round(len(pool) * scale))
        picked = rng.sample(pool, n)
        if CHANGFA in pool and CHANGFA not in picked:  # 长发村 comes along, never alone
            picked = picked[1:] + [CHANGFA] if n > 1 else picked + [CHANGFA]
        chosen += picked
    return sorted(chosen)


def _rural_population(rng, villages: list[str], scale: float) -> dict[str, dict[int, int]]:
    counties = sorted(COUNTY_RURAL_SHARE)
    county_totals = dict(
        zip(
            counties,
            allocate(round(RURAL_POPULATION * scale), [COUNTY_RURAL_SHARE[c] for c in counties]),
            strict=True,
        )
    )
    base: dict[str, int] = {}
    for county in counties:
        in_county = [v for v in villages if v.startswith(county)]
        weights = [
            1.1 if v == CHANGFA else min(3.0, max(0.3, rng.lognormvariate(0, 0.45)))
            for v in in_county
        ]
        base.update(zip(in_county, allocate(county_totals[county], weights), strict=True))
    population: dict[str, dict[int, int]] = {}
    for village in villages:
        drift = rng.uniform(-0.008, 0.002)  # most villages shrink a little every year
        population[village] = {
            year: max(
                1, round(base[village] * (1 + drift) ** (year - 2014) * rng.uniform(0.995, 1.005))
            )
            if year > 2014
            else base[village]
            for year in POPULATION_YEARS
        }
    return population


def _poor_per_village(rng, villages, population, target: int) -> dict[str, int]:
    counties = sorted(COUNTY_POOR_SHARE)
    present = [c for c in counties if any(v.startswith(c) for v in villages)]
    county_targets = dict(
        zip(present, allocate(target, [COUNTY_POOR_SHARE[c] for c in present]), strict=True)
    )
    poor: dict[str, int] = {}
    for county in present:
        in_county = [v for v in villages if v.startswith(county)]
        total = county_targets[county]
        fixed = 0
        if CHANGFA in in_county:
            poor[CHANGFA] = fixed = min(CHANGFA_PERSONS, total // 2)
            in_county.remove(CHANGFA)
        weights = [population[v][2014] * rng.lognormvariate(0, 0.5) for v in in_county]
        caps = [int(population[v][2014] * 0.45) for v in in_county]
        poor.update(zip(in_county, allocate(total - fixed, weights, caps), strict=True))
    return poor


def _line_ratio(rng: random.Random, poor: bool) -> float:
    return rng.uniform(0.55, 0.96) if poor else rng.uniform(1.08, 1.6)


def _income(rng: random.Random, household: HouseholdSpec, year: int, ratio: float):
    """Split one year's net income into its parts (whole yuan; net per capita = ratio × line)."""
    size = household.size
    net = max(1, round(POVERTY_LINE[year] * ratio * size))
    transfer_share = {
        codes.Attribute.GENERAL: rng.uniform(0.1, 0.3),
        codes.Attribute.LOW_INCOME: rng.uniform(0.35, 0.6),
        codes.Attribute.EXTREME: rng.uniform(0.7, 0.9),
    }[household.attribute]
    migrant = any(p.migrant_months for p in household.members)
    wage_share = rng.uniform(0.3, 0.6) if migrant else rng.uniform(0.0, 0.1)
    property_share = rng.uniform(0.0, 0.04)
    shares = transfer_share + wage_share + property_share
    if shares > 0.95:
        transfer_share, wage_share, property_share = (
            s * 0.9 / shares for s in (transfer_share, wage_share, property_share)
        )
    transfer = round(net * transfer_share)
    wages = round(net * wage_share)
    prop = round(net * property_share)
    business_net = net - transfer - wages - prop
    costs = round(business_net * rng.uniform(0.4, 1.0))
    return (wages, business_net + costs, prop, transfer, costs)


def _timeline(rng: random.Random, households: list[HouseholdSpec], targets: dict, scale: float):
    """Statuses 2014–2017, exits, relapses and exit plans — calibrated exactly."""
    for h in households:
        for year in YEARS:
            if year >= h.identified_year:
                h.statuses[year] = S.POOR

    def exit_in(year: int, chosen: list[HouseholdSpec]) -> None:
        for h in chosen:
            h.exit_year = year
            for later in YEARS:
                if later >= year:
                    h.statuses[later] = S.EXITED

    pace = lambda h: h.exit_weight  # noqa: E731
    hard = lambda h: 1.0 / h.exit_weight  # noqa: E731
    cohort = [h for h in households if h.identified_year == 2014]
    # 长发村's first secretary arrived in 2015 and led the whole village out by the end of
    # 2016 (the article): none of its households leaves in 2014, about half in each later year.
    first_year = [h for h in cohort if h.village != CHANGFA]
    exit_in(2014, pick_exact(rng, first_year, round(EXIT_PERSONS[2014] * scale), pace))
    poor_2014 = [h for h in cohort if h.exit_year is None]
    steady = lambda h: 1.0 if h.village == CHANGFA else h.exit_weight  # noqa: E731
    exit_in(2015, pick_exact(rng, poor_2014, round(EXIT_PERSONS[2015] * scale), steady))

    exited_2015 = [h for h in households if h.exit_year == 2015 and h.village != CHANGFA]
    relapse_n = max(1, round(len(exited_2015) * RELAPSE_SHARE_2016)) if exited_2015 else 0
    weak = [1.0 / h.exit_weight for h in exited_2015]
    relapsed: list[HouseholdSpec] = []
    pool = list(exited_2015)
    for _ in range(relapse_n):
        i = rng.choices(range(len(pool)), weights=weak)[0]
        relapsed.append(pool.pop(i))
        weak.pop(i)
    for h in relapsed:
        h.relapse_year = 2016
        h.exit_year = None
        h.statuses[2016] = h.statuses[2017] = S.RELAPSED

    poor_2015 = [h for h in households if h.statuses.get(2015) == S.POOR]
    persons = lambda hs: sum(h.size for h in hs)  # noqa: E731
    new_2016 = [h for h in households if h.identified_year == 2016]
    exits_2016 = (
        persons(poor_2015) + persons(new_2016) + persons(relapsed) - targets["poor_persons_2016"]
    )
    if exits_2016 < 0:
        raise DemoCalibrationError("fewer poor persons at the end of 2015 than the 2016 target")
    changfa_left = [h for h in poor_2015 if h.village == CHANGFA]
    others = [h for h in poor_2015 if h.village != CHANGFA]
    exits_others = exits_2016 - persons(changfa_left)
    exit_in(2016, changfa_left + pick_exact(rng, others, exits_others, pace))

    # 已脱贫不再享受政策: a few households that exited in 2014 or 2015 and prospered since.
    for h in households:
        if h.exit_year in (2014, 2015) and rng.random() < NO_POLICY_SHARE:
            h.statuses[2016] = h.statuses[2017] = S.EXITED_NO_POLICY

    # The exit plan of those still poor (docs/domain.md §4: 2.1万 after 2018, 1,705 after 2019).
    still_poor = [h for h in households if h.statuses[2017] in codes.POOR_STATUSES]
    last = [h for h in still_poor if COUNTY_EXIT_YEAR[h.county] >= 2020]
    for h in pick_exact(rng, last, targets["planned_after_2019"], hard):
        h.planned_exit_year = 2020
    left = [
        h for h in still_poor if h.planned_exit_year is None and COUNTY_EXIT_YEAR[h.county] >= 2019
    ]
    need = targets["planned_after_2018"] - targets["planned_after_2019"]
    for h in pick_exact(rng, left, need, hard):
        h.planned_exit_year = 2019
    left = [h for h in still_poor if h.planned_exit_year is None]
    share_2018 = round(persons(left) * (1 - PLANNED_2017_SHARE))
    for h in pick_exact(
        rng, left, share_2018, lambda h: hard(h) * (0.02 if h.village == CHANGFA else 1)
    ):
        h.planned_exit_year = 2018
    for h in left:
        if h.planned_exit_year is None:
            h.planned_exit_year = 2017


def _finish(rng: random.Random, h: HouseholdSpec) -> None:
    """Income per year, and the current housing and insurance facts (exit criteria hold)."""
    ratio = None
    for year in INCOME_YEARS:
        status = h.statuses.get(year)
        if status is None:
            continue
        poor = status in codes.POOR_STATUSES
        if poor or ratio is None or ratio < 1:
            ratio = _line_ratio(rng, poor)
        else:
            ratio = max(1.08, ratio * rng.uniform(1.0, 1.25))
        h.incomes[year] = _income(rng, h, year, ratio)
    # A household that ever exited met the guarantees then; the registry keeps their current
    # value only, so they hold now too (a relapse here is a fall in income, not in housing).
    if any(status in codes.EXITED_STATUSES for status in h.statuses.values()):
        h.dangerous_housing = False
        h.safe_water = True
        for person in h.members:
            person.medical_insurance = True
    else:
        h.dangerous_housing = h.dangerous_housing_2014 and rng.random() < 0.7


def generate(*, villages: Sequence[str], seed: int = 2017, scale: float = 1.0) -> DemoData:
    """Draw the whole demo registry for ``villages`` (rural village codes of the league)."""
    rng = random.Random(seed)
    targets = scaled_targets(scale)
    chosen = _choose_villages(rng, villages, scale)
    population = _rural_population(rng, chosen, scale)
    poor = _poor_per_village(rng, chosen, population, targets["identified_persons_2014"])
    identity = _Identity(rng)
    households: list[HouseholdSpec] = []
    sequence = {v: 0 for v in chosen}

    def add(village: str, size: int, year: int) -> None:
        sequence[village] += 1
        number = f"{village}{sequence[village]:04d}"
        households.append(make_household(rng, identity, village, number, size, year))

    for village in chosen:
        remaining = poor[village]
        while remaining > 0:
            size = min(_draw_size(rng), remaining)
            add(village, size, 2014)
            remaining -= size
    weights = [poor[v] + 1 for v in chosen]
    for year, persons in NEW_PERSONS.items():
        remaining = round(persons * scale)
        while remaining > 0:
            village = rng.choices(chosen, weights=weights)[0]
            if village == CHANGFA:
                continue
            size = min(_draw_size(rng), remaining)
            add(village, size, year)
            remaining -= size
    _timeline(rng, households, targets, scale)
    for h in households:
        _finish(rng, h)
    return DemoData(
        seed=seed,
        scale=scale,
        villages=chosen,
        rural_population=population,
        households=households,
        targets=targets,
    )


def history_moment(
    rng: random.Random, start: datetime.date, end: datetime.date
) -> datetime.datetime:
    """A plausible office-hours moment between two dates (for the history rows)."""
    day = start + datetime.timedelta(rng.randrange((end - start).days + 1))
    return datetime.datetime(
        day.year, day.month, day.day, rng.randint(8, 17), rng.randrange(60), tzinfo=TZ
    )
