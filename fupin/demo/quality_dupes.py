"""The demo's duplicate persons with typos, and its first nightly re-check (docs/data-quality.md).

The registry's figures are frozen, so nothing is added: a few existing members become the
typed-twice copy of another person of their county, born the same day, of the same sex, in
another household — their counts, ages and households stay as they were, only a name, an
ID number and (by a few days, the age unchanged) a birth date change:

* an **ID typo** (one in a thousand households): the copy gets the other person's ID number
  with one digit of the day of birth mistyped (still a real date, the same age, a valid check
  digit; the copy's birth date is the one the number tells) and, for a name of three
  characters or more, its last character mistyped;
* a **name-and-birth copy** (as many): the copy gets the other person's name.

Heads are left alone (their names are the households' names on every list). The finders and
the re-check then run as the scheduler would run them at the demo's date, so the flags come
from the finders, not from constants. All updates are one ``bulk_update`` each.
"""

from __future__ import annotations

import datetime
import random

from django.db.models import Count, F, Window
from django.db.models.functions import Substr

from fupin.core.idnumber import check_digit
from fupin.quality.duplicates import duplicates_find
from fupin.quality.models import Flag
from fupin.quality.recheck import recheck_run
from fupin.quality.recheck_models import RecheckRun
from fupin.registry import codes, rules
from fupin.registry.models import Member

# One planted pair of each kind per this many households (at least one of each).
HOUSEHOLDS_PER_PAIR = 1000
# Characters a hurried hand types for one another in a name.
TYPO_CHARACTERS = "明民敏华化桦军君俊国图英莹"


def _retype_last(name: str, rng: random.Random) -> str:
    choices = [c for c in TYPO_CHARACTERS if c != name[-1]]
    return name[:-1] + rng.choice(choices)


def _retype_birth_day(
    number: str, taken: set[str], day: datetime.date
) -> tuple[str, datetime.date] | None:
    """``number`` with one digit of its day of birth changed, and the date it now tells.

    The date stays real and the age on ``day`` the same (so no cleaning rule and no figure by
    age changes); the check digit is made valid, as the import would have required.
    """
    old = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    for position in (13, 12):  # 0-based: the day's units, then its tens
        for digit in "0123456789":
            if digit == number[position]:
                continue
            body = number[:position] + digit + number[position + 1 : 17]
            try:
                birth = datetime.date(int(body[6:10]), int(body[10:12]), int(body[12:14]))
            except ValueError:
                continue
            if rules.age_on(birth, day) != rules.age_on(old, day):
                continue
            candidate = body + check_digit(body)
            if candidate not in taken:
                return candidate, birth
    return None


def _pairs(rng: random.Random, wanted: int) -> list[tuple[Member, Member]]:
    """Pairs of non-head members of one county, birth date and sex, in two households.

    Read among the members born on a few days of the month (drawn from the seed), so the
    window sorts a thirtieth of the members; more days are taken only when too few pairs.
    """
    days = rng.sample(range(1, 29), 28)
    for count in (2, 7, 28):
        found = _pairs_born_on(rng, days[:count], wanted)
        if len(found) >= wanted:
            break
    return found


def _pairs_born_on(rng: random.Random, days: list[int], wanted: int):
    county = Substr("village_id", 1, 6)
    rows = (
        Member.objects.exclude(relation=codes.Relation.HEAD)
        .filter(birth_date__day__in=days)
        .annotate(
            county=county,
            block=Window(Count("id"), partition_by=[county, F("birth_date"), F("sex")]),
        )
        .filter(block__gt=1)
        .order_by("county", "birth_date", "sex", "id")
        .only("id", "household_id", "name", "id_number", "birth_date", "sex", "village_id")
    )
    groups: dict[tuple, list[Member]] = {}
    for m in rows.iterator(chunk_size=5000):
        groups.setdefault((m.village_id[:6], m.birth_date, m.sex), []).append(m)
    candidates = []
    for members in groups.values():
        first = members[0]
        other = next((m for m in members[1:] if m.household_id != first.household_id), None)
        if other is not None:
            candidates.append((first, other))
    rng.shuffle(candidates)
    return candidates[:wanted]


def demo_quality_dupes(
    *, seed: int = 2017, day: datetime.date, recheck: bool = True, progress=None
) -> dict:
    """Plant the typed-twice persons, then run the finders (and the re-check) at ``day``.

    The re-check finds nothing in the generated registry (it is written clean) and costs about
    as much as the finders; ``recheck=False`` leaves it to the scheduler's first night.
    """
    rng = random.Random(f"{seed}-quality-dupes")
    households = Member.objects.filter(relation=codes.Relation.HEAD).count()
    per_kind = max(1, households // HOUSEHOLDS_PER_PAIR)
    pairs = _pairs(rng, 2 * per_kind)
    taken = set(
        Member.objects.filter(id_number__in=[o.id_number for _, o in pairs]).values_list(
            "id_number", flat=True
        )
    )
    changed = []
    for i, (original, copy) in enumerate(pairs):
        if i < per_kind:
            retyped = _retype_birth_day(original.id_number, taken | {copy.id_number}, day)
            if retyped is None:
                continue
            number, copy.birth_date = retyped  # the import reads the birth date from the number
            taken.add(number)
            copy.id_number = number
            # A two-character name with a wrong character is another name: kept whole.
            copy.name = (
                _retype_last(original.name, rng) if len(original.name) > 2 else original.name
            )
        else:
            copy.name = original.name
        changed.append(copy)
    # A copy's new number may be another member's current one only if that member is being
    # changed too; the check above against every number of the pairs rules that out.
    clash = set(
        Member.objects.filter(id_number__in=[m.id_number for m in changed])
        .exclude(pk__in=[m.pk for m in changed])
        .values_list("id_number", flat=True)
    )
    changed = [m for m in changed if m.id_number not in clash]
    Member.objects.bulk_update(changed, ["name", "id_number", "birth_date"], batch_size=1000)
    if recheck:
        run_id = recheck_run(day=day).pk
    else:
        duplicates_find(day=day)
        run_id = None
    found = dict(
        Flag.objects.filter(kind__in=[Flag.Kind.DUPLICATE, Flag.Kind.RECHECK])
        .order_by()
        .values_list("rule_code")
        .annotate(n=Count("id"))
    )
    if progress:
        progress(f"疑似重复人员与数据复核：改写 {len(changed)} 人，疑点 {sum(found.values())} 条")
    return {"planted": len(changed), "flags": found, "recheck_run": run_id}


def demo_quality_dupes_reset() -> None:
    """Delete the re-check runs (their counts go with them); the flags go with the registry."""
    RecheckRun.objects.all().delete()
