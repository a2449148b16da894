"""Citizen ID numbers per GB 11643-1999: 6-digit region code, birth date, sequence, check digit.

The region code is checked against the province-level codes (a person keeps the code of the
place of first registration, which may since have been renamed or merged, so the full
6-digit code is not looked up in today's division table).
"""

import dataclasses
import datetime
import operator
import unicodedata

from django.utils.translation import gettext_lazy as _

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
PROVINCE_CODES = frozenset(
    [
        "11",
        "12",
        "13",
        "14",
        "15",
        "21",
        "22",
        "23",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "37",
        "41",
        "42",
        "43",
        "44",
        "45",
        "46",
        "50",
        "51",
        "52",
        "53",
        "54",
        "61",
        "62",
        "63",
        "64",
        "65",
        "71",
        "81",
        "82",
    ]
)
EARLIEST_BIRTH = datetime.date(1900, 1, 1)

# Messages name the field; the caller adds the record (row or person).
MSG_EMPTY = _("证件号码为空")
MSG_LENGTH = _("证件号码应为18位（现为%(length)s位）")
MSG_CHARS = _("证件号码前17位应为数字，第18位为数字或X")
MSG_REGION = _("证件号码地区码“%(region)s”无效（省级代码“%(province)s”不存在）")
MSG_BIRTH = _("证件号码中的出生日期“%(text)s”不是有效日期")
MSG_BIRTH_RANGE = _("证件号码中的出生日期 %(date)s 不在 1900-01-01 至今之间")
MSG_CHECK = _("证件号码校验位错误（应为“%(expected)s”，实为“%(actual)s”）")


class IdNumberError(ValueError):
    """An invalid ID number; ``str(error)`` is the reason (in the active language)."""


@dataclasses.dataclass(frozen=True)
class IdInfo:
    number: str
    birth_date: datetime.date
    sex: str  # "M" or "F"
    region: str


def check_digit(first17: str) -> str:
    """Return the GB 11643 check character for the first 17 digits."""
    if len(first17) != len(WEIGHTS):
        raise ValueError(f"check_digit needs 17 digits, got {len(first17)}")
    # map() rather than a generator: it runs once per row of a million-row import.
    return CHECK_CHARS[sum(map(operator.mul, map(int, first17), WEIGHTS)) % 11]


ASCII_DIGITS = frozenset("0123456789")


def normalize(value) -> str:
    """Strip and upper-case; full-width digits and Ｘ (pasted from Chinese text) become ASCII."""
    text = str(value or "")
    if text.isascii():  # NFKC leaves ASCII as it is: skip it for the common case
        return text.strip().upper()
    return unicodedata.normalize("NFKC", text).strip().upper()


def parse_id_number(value, *, today: datetime.date | None = None) -> IdInfo:
    """Validate an ID number and return what it tells; raise :class:`IdNumberError`."""
    number = normalize(value)
    if not number:
        raise IdNumberError(MSG_EMPTY)
    if len(number) != 18:
        raise IdNumberError(MSG_LENGTH % {"length": len(number)})
    # str.isdigit() also accepts other scripts' digits (and "²"), which int() may reject.
    if not ASCII_DIGITS.issuperset(number[:17]) or number[17] not in ASCII_DIGITS | {"X"}:
        raise IdNumberError(MSG_CHARS)
    region = number[:6]
    if region[:2] not in PROVINCE_CODES or region[2:] == "0000":
        raise IdNumberError(MSG_REGION % {"region": region, "province": region[:2]})
    text = number[6:14]
    try:
        birth = datetime.date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        raise IdNumberError(MSG_BIRTH % {"text": text}) from None
    if not EARLIEST_BIRTH <= birth <= (today or datetime.date.today()):
        raise IdNumberError(MSG_BIRTH_RANGE % {"date": birth.isoformat()})
    expected = check_digit(number[:17])
    if number[17] != expected:
        raise IdNumberError(MSG_CHECK % {"expected": expected, "actual": number[17]})
    sex = "M" if int(number[16]) % 2 else "F"
    return IdInfo(number=number, birth_date=birth, sex=sex, region=region)


def make_id_number(region: str, birth: datetime.date, sequence: int, sex: str) -> str:
    """Build a valid ID number (used by the demo and by tests)."""
    seq = sequence % 500 * 2 + (1 if sex == "M" else 0)
    first17 = f"{region}{birth:%Y%m%d}{seq:03d}"
    return first17 + check_digit(first17)


def to_18_digits(value) -> str:
    """An ID number as written by another department, in the registry's form.

    Full-width digits and Ｘ become ASCII (:func:`normalize`), every space goes (also inside
    the number, as lists copied from paper have them), a lowercase x becomes X, and a
    15-digit number of the first generation (issued before 1999: a two-digit year, no check
    digit) becomes 18 digits: ``19`` inserted before the year and the check digit appended.
    Anything else is returned as cleaned, for :func:`parse_id_number` to judge.
    """
    number = "".join(normalize(value).split())
    if len(number) == 15 and ASCII_DIGITS.issuperset(number):
        first17 = number[:6] + "19" + number[6:]
        return first17 + check_digit(first17)
    return number
