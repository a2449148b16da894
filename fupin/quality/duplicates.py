"""Duplicate persons beyond identical ID numbers (docs/data-quality.md, "重复人员").

Three finders, each set-based: the database groups the members by a *block* key (``GROUP BY
… HAVING COUNT(*) > 1``, or a window count for the split households' heads), only the rows of
blocks with two or more members come back, and pairs are formed inside each block (a handful
of rows). No finder compares every member with every other.

* ``dup_name_birth_county`` — the same name and birth date in one county, two households;
* ``dup_id_one_digit`` — ID numbers whose first 17 digits differ in exactly one position and
  which both pass the check digit, found on four blocks (see :data:`ID_BLOCKS`);
* ``dup_split_address`` — two households at one address (the village and the household's
  normalised phone number) whose heads share a surname: a household split on paper only.

Each pair becomes one :class:`~fupin.quality.models.Flag` of kind ``duplicate`` with a score
(:func:`pair_score`) and a reason; its ``match_key`` is the ordered pair of member ids, so a
pair once dismissed is never raised again by a later run.
"""

from __future__ import annotations

import datetime
import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import CharField, Count, F, Q, Value, Window
from django.db.models.functions import Cast, Concat, Replace, Substr
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history

from fupin.core import clock
from fupin.core.audit import audit
from fupin.core.idnumber import check_digit
from fupin.registry import codes
from fupin.registry.models import Household, Member

from .models import Flag

RULE_NAME_BIRTH = "dup_name_birth_county"
RULE_ID_DIGIT = "dup_id_one_digit"
RULE_SPLIT = "dup_split_address"
RULE_VERSION = 1
RULES = {
    RULE_NAME_BIRTH: _("同一旗县姓名、出生日期相同"),
    RULE_ID_DIGIT: _("证件号码仅一位不同"),
    RULE_SPLIT: _("分户后仍同址居住"),
}

MSG_NAME_BIRTH = _(
    "与户编号 %(other)s 的“%(other_name)s”（证件号码 %(other_id)s）姓名、出生日期相同，同在一个旗县"
)
MSG_ID_DIGIT = _(
    "证件号码 %(id)s 与户编号 %(other)s 的“%(other_name)s”的证件号码 %(other_id)s "
    "仅第%(position)s位不同，两者校验位均正确"
)
MSG_SPLIT = _(
    "与户编号 %(other)s 同一住址（同一嘎查村，联系电话 %(phone)s），两户户主同姓“%(surname)s”，"
    "疑为分户后仍同住"
)
AUDIT_FOUND = "quality.duplicates_found"

# The four blocks of the one-digit rule. A pair whose 17-digit bodies differ in exactly one
# position agrees on every other position, so it shares the key that leaves that position
# out. Leaving out a whole segment instead of one position needs four keys, not seventeen:
# 1–6 region, 7–10 birth year, 11–14 birth month and day, 15–17 sequence. Each key keeps a
# birth date or a region with a sequence, so a block holds a few people, never a county.
ID_BLOCKS = {
    # differs in 15–17, where the names must be the same: the name is part of the key
    "sequence": Concat(Substr("id_number", 1, 14), Value("|"), F("name")),
    "region": Substr("id_number", 7, 11),  # differs in 1–6
    "month_day": Concat(Substr("id_number", 1, 10), Substr("id_number", 15, 3)),  # 11–14
    "year": Concat(Substr("id_number", 1, 6), Substr("id_number", 11, 7)),  # 7–10
}

# Strangers are often one digit apart in the sequence: people born on the same day in one
# region are numbered in turn. A pair differing there must bear the same name; elsewhere (the
# region or the birth date mistyped) the names must be more than half alike (a two-character
# name the same, a three-character name in two characters).
SEQUENCE_POSITIONS = (15, 16, 17)
MIN_NAME_SIMILARITY = Decimal("0.5")

# Two-character surnames: the surname is the first character otherwise.
COMPOUND_SURNAMES = frozenset(
    [
        "欧阳",
        "司马",
        "诸葛",
        "上官",
        "东方",
        "皇甫",
        "尉迟",
        "公孙",
        "慕容",
        "长孙",
        "宇文",
        "司徒",
        "夏侯",
        "轩辕",
        "令狐",
        "独孤",
        "端木",
        "南宫",
        "西门",
        "呼延",
        "万俟",
        "单于",
        "拓跋",
        "完颜",
        "百里",
        "东郭",
        "钟离",
        "申屠",
        "闻人",
        "赫连",
    ]
)

# The weights of the score's parts (they sum to 1).
W_NAME, W_BIRTH, W_ID, W_ADDRESS = (
    Decimal("0.35"),
    Decimal("0.25"),
    Decimal("0.20"),
    Decimal("0.20"),
)


@dataclass(frozen=True)
class Person:
    id: int
    household_id: int
    village_id: str
    name: str
    birth_date: datetime.date
    id_number: str
    phone: str = ""


@dataclass(frozen=True)
class Pair:
    rule: str
    a: Person
    b: Person
    message: object  # the reason's template; "other" (b's household number) is added last
    params: dict


# -- The score -----------------------------------------------------------------------------


def levenshtein(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def name_similarity(a: str, b: str) -> Decimal:
    """1 − edit distance ÷ the longer name's length (characters)."""
    a, b = a.strip(), b.strip()
    if not a and not b:
        return Decimal(1)
    return Decimal(1) - Decimal(levenshtein(a, b)) / max(len(a), len(b))


def birth_similarity(a: datetime.date, b: datetime.date) -> Decimal:
    """1 the same date, ½ when only one of year, month and day differs, else 0."""
    differing = (a.year != b.year) + (a.month != b.month) + (a.day != b.day)
    return {0: Decimal(1), 1: Decimal("0.5")}.get(differing, Decimal(0))


def id_distance(a: str, b: str) -> int:
    """The number of positions in which the 17-digit bodies differ."""
    return sum(x != y for x, y in zip(a[:17], b[:17], strict=False)) + abs(len(a) - len(b))


def id_similarity(a: str, b: str) -> Decimal:
    """1 one digit apart, then ¼ less for each further digit (0 from five digits on)."""
    return min(Decimal(1), max(Decimal(0), Decimal(1) - Decimal(id_distance(a, b) - 1) / 4))


def address_similarity(a: Person, b: Person) -> Decimal:
    """1 at one address (village and phone), ½ the same village, ¼ the same county."""
    if a.village_id == b.village_id:
        same_phone = normalise_phone(a.phone) and normalise_phone(a.phone) == normalise_phone(
            b.phone
        )
        return Decimal(1) if same_phone else Decimal("0.5")
    if a.village_id[:6] == b.village_id[:6]:
        return Decimal("0.25")
    return Decimal(0)


def pair_score(a: Person, b: Person) -> Decimal:
    """The similarity of two persons in [0, 1], to three places (docs/data-quality.md)."""
    score = (
        W_NAME * name_similarity(a.name, b.name)
        + W_BIRTH * birth_similarity(a.birth_date, b.birth_date)
        + W_ID * id_similarity(a.id_number, b.id_number)
        + W_ADDRESS * address_similarity(a, b)
    )
    return min(Decimal(1), max(Decimal(0), score)).quantize(Decimal("0.001"))


def normalise_phone(phone: str) -> str:
    """Digits only, without the country code or a trunk 0; '' when too short to tell."""
    digits = re.sub(r"\D", "", phone or "")
    if digits.startswith("86") and len(digits) > 11:
        digits = digits[2:]
    digits = digits.lstrip("0")
    return digits if len(digits) >= 7 else ""


def surname(name: str) -> str:
    name = name.strip()
    return name[:2] if name[:2] in COMPOUND_SURNAMES else name[:1]


def passes_check_digit(number: str) -> bool:
    return len(number) == 18 and number[:17].isdigit() and check_digit(number[:17]) == number[17]


# -- The finders ---------------------------------------------------------------------------

# The household's phone is the address part of the score.
_PERSON_FIELDS = (
    "id",
    "household_id",
    "village_id",
    "name",
    "birth_date",
    "id_number",
    "household__phone",
)


def _members(code: str | None):
    qs = Member.objects.all()
    return qs.within(code) if code else qs


def _blocks(qs, key) -> Iterator[list[Person]]:
    """The members sharing ``key`` in blocks of two or more, found by the database.

    ``GROUP BY key HAVING COUNT(*) > 1`` names the blocks and the members are read back with
    ``key IN (…)``: one sort of the keys, cheaper than a window over every row on SQLite.
    """
    keyed = qs.annotate(block_key=key)
    blocks = (
        keyed.order_by()
        .values("block_key")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values("block_key")
    )
    rows = (
        keyed.filter(block_key__in=blocks)
        .order_by("block_key", "id")
        .values_list("block_key", *_PERSON_FIELDS)
    )
    for _key, group in itertools.groupby(rows.iterator(chunk_size=5000), key=lambda r: r[0]):
        yield [Person(*row[1:]) for row in group]


def find_name_birth(code: str | None = None) -> list[Pair]:
    """Members of two households with the same name and birth date in one county."""
    county = Substr("village_id", 1, 6)
    key = Concat(F("name"), Value("|"), Cast("birth_date", CharField()), Value("|"), county)
    pairs = []
    for block in _blocks(_members(code), key):
        for a, b in itertools.combinations(block, 2):
            if a.household_id == b.household_id:
                continue
            pairs.append(Pair(RULE_NAME_BIRTH, a, b, MSG_NAME_BIRTH, _other(b)))
    return pairs


def find_id_one_digit(code: str | None = None) -> list[Pair]:
    """Members of two households whose valid ID numbers differ in one of the first 17 digits."""
    pairs = []
    for key in ID_BLOCKS.values():
        for block in _blocks(_members(code), key):
            for a, b in itertools.combinations(block, 2):
                if a.household_id == b.household_id or id_distance(a.id_number, b.id_number) != 1:
                    continue
                if not (passes_check_digit(a.id_number) and passes_check_digit(b.id_number)):
                    continue
                position = next(
                    i
                    for i, (x, y) in enumerate(zip(a.id_number, b.id_number, strict=False), 1)
                    if x != y
                )
                if position in SEQUENCE_POSITIONS:
                    if a.name.strip() != b.name.strip():
                        continue  # neighbours in one day's register: the name must match
                elif name_similarity(a.name, b.name) <= MIN_NAME_SIMILARITY:
                    continue
                params = {**_other(b), "id": a.id_number, "position": position}
                pairs.append(Pair(RULE_ID_DIGIT, a, b, MSG_ID_DIGIT, params))
    return pairs


def find_split_households(code: str | None = None) -> list[Pair]:
    """Heads of two households of one village with one phone number and one surname.

    The block is (village, phone without spaces, hyphens, brackets and plus signs, the head's
    first character); the country code and trunk 0 are then dropped and the surname taken with
    its compound forms, inside the block.
    """
    heads = Member.objects.filter(relation=codes.Relation.HEAD).exclude(household__phone="")
    if code:
        heads = heads.within(code)
    phone: Any = F("household__phone")
    for sign in (" ", "-", "(", ")", "+"):
        phone = Replace(phone, Value(sign), Value(""))
    key = Concat(F("village_id"), Value("|"), phone, Value("|"), Substr("name", 1, 1))
    partition = [F("village_id"), phone, Substr("name", 1, 1)]
    rows = (
        heads.annotate(block_key=key, block_size=Window(Count("id"), partition_by=partition))
        .filter(block_size__gt=1)
        .order_by("block_key", "id")
        .values_list("block_key", *_PERSON_FIELDS)
    )
    pairs = []
    for _key, group in itertools.groupby(rows.iterator(chunk_size=5000), key=lambda r: r[0]):
        block = [Person(*row[1:]) for row in group]
        for a, b in itertools.combinations(block, 2):
            phone = normalise_phone(a.phone)
            if not phone or phone != normalise_phone(b.phone) or surname(a.name) != surname(b.name):
                continue
            params = {**_other(b), "phone": a.phone, "surname": surname(a.name)}
            pairs.append(Pair(RULE_SPLIT, a, b, MSG_SPLIT, params))
    return pairs


def _other(b: Person) -> dict:
    return {"other_name": b.name, "other_id": b.id_number}


def _numbers(ids: Iterable[int]) -> dict[int, str]:
    """Household numbers by id, in chunks (the reasons name the other household)."""
    ids = sorted(set(ids))
    out: dict[int, str] = {}
    for start in range(0, len(ids), 900):
        out.update(
            Household.objects.filter(pk__in=ids[start : start + 900]).values_list("pk", "number")
        )
    return out


FINDERS = (find_name_birth, find_id_one_digit, find_split_households)


def match_key(a_id: int, b_id: int) -> str:
    low, high = sorted((a_id, b_id))
    return f"{low}-{high}"


# -- The write -------------------------------------------------------------------------------


def raise_flags(flags: list[Flag], *, reason: str) -> list[Flag]:
    """Insert the flags not raised before (by kind, rule and match key); return the new ones.

    A flag already there — open, confirmed or dismissed — is left as it is: a dismissed doubt
    does not come back. One query per rule reads the keys already raised.
    """
    new: list[Flag] = []
    by_rule: dict[tuple[str, str], list[Flag]] = {}
    for flag in flags:
        by_rule.setdefault((flag.kind, flag.rule_code), []).append(flag)
    for (kind, rule), group in by_rule.items():
        keys = [f.match_key for f in group]
        seen: set[str] = set()
        for start in range(0, len(keys), 900):
            seen.update(
                Flag.objects.filter(
                    kind=kind, rule_code=rule, match_key__in=keys[start : start + 900]
                ).values_list("match_key", flat=True)
            )
        for flag in group:
            if flag.match_key not in seen:
                seen.add(flag.match_key)
                new.append(flag)
    if new:
        bulk_create_with_history(new, Flag, batch_size=1000, default_change_reason=reason)
    return new


@transaction.atomic
def duplicates_find(*, code: str | None = None, day: datetime.date | None = None) -> dict[str, int]:
    """Run every finder over ``code`` (the whole registry when None); return new flags per rule.

    A system job (the nightly re-check and ``fupin recheck`` call it): no user, so no role to
    check; the area narrows the members read, and the audit event names the run.
    """
    day = day or clock.as_of()
    pairs = [pair for finder in FINDERS for pair in finder(code)]
    numbers = _numbers(p.b.household_id for p in pairs)
    flags = []
    seen: set[str] = set()
    for pair in pairs:
        a, b = pair.a, pair.b  # a block is ordered by id: a is the older record
        if match_key(a.id, b.id) in seen:
            continue  # the same pair by a second rule: one doubt, named by the first rule
        seen.add(match_key(a.id, b.id))
        reason = gettext(pair.message) % {**pair.params, "other": numbers.get(b.household_id)}
        flags.append(
            Flag(
                kind=Flag.Kind.DUPLICATE,
                rule_code=pair.rule,
                rule_version=RULE_VERSION,
                match_key=match_key(a.id, b.id),
                village_id=a.village_id,
                household_id=a.household_id,
                member_id=a.id,
                other_member_id=b.id,
                score=pair_score(a, b),
                reason=reason,
                year=day.year,
                raised_on=day,
            )
        )
    new = raise_flags(flags, reason="疑似重复人员查找")
    counts = {rule: 0 for rule in RULES}
    for flag in new:
        counts[flag.rule_code] += 1
    audit(None, AUDIT_FOUND, code or "*", day=day.isoformat(), found=len(flags), new=counts)
    return counts


def duplicates_open_q() -> Q:
    return Q(kind=Flag.Kind.DUPLICATE, status=Flag.Status.OPEN)
