"""Masking personal numbers for public pages and public files: the one place that decides
what of an ID number or a mobile number may be published.

:func:`mask_id_number` masks a stored ID number (a field known to hold one);
:func:`mask_personal` finds ID numbers and mainland mobile numbers in free text (a notice's
title or body, an exit reason, a name) as people type them — with spaces or dashes between
the groups, in full-width digits (０-９), or mixed — and masks each. What is kept is enough
to tell records apart, not to identify a person: the region code and the last four of an ID
(``152223********2231``), the carrier prefix and the last four of a phone (``138****5678``).

Ordinary numbers must survive (years, amounts, household counts, landline numbers such as
``0482-6212345``). So a run of digits is masked only where it has the shape of one of these
numbers: written without separators (18 characters with the last a digit or X, 15 digits, or
11 digits starting with 13-19), or, with separators, an ID whose region and birth date are
plausible, or a phone grouped 3-4-4, 3-8 or 7-4. See docs/security.md, "Exports and public
masking".
"""

from __future__ import annotations

import datetime
import re

from fupin.core.idnumber import PROVINCE_CODES

_DIGITS = "0-9\uff10-\uff19"  # ASCII and full-width
_CHECK = "Xx\uff38\uff58"  # X, x, Ｘ, ｘ
# Spaces (ASCII, no-break, ideographic) and the dashes people type or paste.
SEPARATORS = " \u00a0\u3000-\uff0d\u2010\u2011\u2012\u2013\u2014\u2015"
_GAP = f"[{re.escape(SEPARATORS)}]{{1,3}}"
RUN = re.compile(f"[{_DIGITS}](?:(?:{_GAP})?[{_DIGITS}])*(?:(?:{_GAP})?[{_CHECK}])?")
PHONE_GROUPS = ((11,), (3, 4, 4), (3, 8), (7, 4))
PHONE_PREFIXES = ("86", "0086")  # a country code written in front of the number


def _ascii(char: str) -> str:
    if "\uff10" <= char <= "\uff19":
        return chr(ord(char) - 0xFF10 + ord("0"))
    return "X" if char in _CHECK else char


def mask_id_number(number: str) -> str:
    """Mask an ID number: keep its region code (first 6) and last 4 characters."""
    number = "".join(_ascii(c) for c in (number or "").strip())
    if len(number) < 12:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def mask_phone(number: str) -> str:
    """Mask a mobile number: keep the carrier prefix (first 3) and the last 4 digits."""
    return number[:3] + "*" * (len(number) - 7) + number[-4:]


def _plausible_id(digits: str) -> bool:
    """Region and birth date could be an ID's (the check digit is not required: a mistyped
    ID number is still a person's)."""
    if digits[:2] not in PROVINCE_CODES:
        return False
    birth = digits[6:14] if len(digits) == 18 else "19" + digits[6:12]
    try:
        datetime.date(int(birth[:4]), int(birth[4:6]), int(birth[6:8]))
    except ValueError:
        return False
    return 1900 <= int(birth[:4]) <= 2100


def _groups(lengths: list[int], start: int, count: int) -> tuple[int, ...] | None:
    """The group lengths covering ``count`` characters from the start of group ``start``,
    if they end exactly at a group's end."""
    out, total = [], 0
    for length in lengths[start:]:
        out.append(length)
        total += length
        if total >= count:
            return tuple(out) if total == count else None
    return None


def _match(chars: str, lengths: list[int], group: int, offset: int) -> tuple[int, str] | None:
    """What starts at ``offset`` (the start of group ``group``): ``(length, masked)``."""
    for count in (18, 15):
        shape = _groups(lengths, group, count)
        if shape is None:
            continue
        candidate = chars[offset : offset + count]
        body = candidate[:-1] if count == 18 else candidate
        if not body.isdigit() or not (candidate[-1].isdigit() or count == 18):
            continue
        if len(shape) == 1 or _plausible_id(candidate):
            return count, mask_id_number(candidate)
    first = lengths[group]
    for prefix in ("", *PHONE_PREFIXES):
        if prefix and not (chars.startswith(prefix, offset) and first > len(prefix)):
            continue
        start = offset + len(prefix)
        shape = _groups([first - len(prefix), *lengths[group + 1 :]], 0, 11)
        candidate = chars[start : start + 11]
        if (
            shape in PHONE_GROUPS
            and candidate.isdigit()
            and re.fullmatch(r"1[3-9]\d{9}", candidate)
        ):
            return len(prefix) + 11, chars[offset:start] + mask_phone(candidate)
    return None


def _mask_run(run: str) -> str:
    # The run's digits (ASCII), each one's position in the run, and the group lengths.
    chars, positions, lengths = [], [], []
    previous = None
    for i, c in enumerate(run):
        if c in SEPARATORS:
            continue
        if previous is None or i != previous + 1:
            lengths.append(0)
        lengths[-1] += 1
        chars.append(_ascii(c))
        positions.append(i)
        previous = i
    text = "".join(chars)
    out, done = [], 0  # ``done``: characters of the run already copied or replaced
    group, offset = 0, 0
    while group < len(lengths):
        found = _match(text, lengths, group, offset)
        if found is None:
            offset += lengths[group]
            group += 1
            continue
        count, masked = found
        first, last = positions[offset], positions[offset + count - 1]
        out.append(run[done:first] + masked)
        done = last + 1
        while count > 0:
            count -= lengths[group]
            offset += lengths[group]
            group += 1
    out.append(run[done:])
    return "".join(out)


def _mask(match: re.Match) -> str:
    run = match.group(0)
    masked = _mask_run(run)
    if masked == run and run[-1] in _CHECK:
        # An X that is a letter after the number ("…2231x号"), not a check character.
        digits = run[:-1].rstrip(SEPARATORS)
        masked = _mask_run(digits) + run[len(digits) :]
    return masked


def mask_personal(text) -> str:
    """``text`` with every ID number and mobile number in it masked (see the module)."""
    return RUN.sub(_mask, str(text or ""))
