"""The normalisation of ID numbers from other departments' lists (a pure function)."""

import datetime

import pytest

from fupin.core.idnumber import make_id_number, parse_id_number, to_18_digits

BORN = datetime.date(1965, 4, 9)
ID18 = make_id_number("152223", BORN, 12, "M")


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (ID18, ID18),
        (ID18[:6] + ID18[8:17], ID18),  # 15 digits: 19 inserted, check digit computed
        (" " + ID18[:6] + " " + ID18[6:] + "\u3000", ID18),  # spaces, an ideographic one too
        ("".join(chr(ord(c) + 0xFEE0) for c in ID18), ID18),  # full-width digits
        ("", ""),
        (None, ""),
        ("12345", "12345"),  # left for the parser to refuse
    ],
)
def test_to_18_digits(given, expected):
    assert to_18_digits(given) == expected


def test_lowercase_and_full_width_x():
    for sequence in range(1, 999):
        number = make_id_number("152223", BORN, sequence, "F")
        if number.endswith("X"):
            break
    assert to_18_digits(number[:17] + "x") == number
    assert to_18_digits(number[:17] + "ｘ") == number
    assert parse_id_number(to_18_digits(number.lower())).birth_date == BORN


def test_fifteen_digits_give_a_valid_number():
    info = parse_id_number(to_18_digits("152223650409123"))
    assert info.birth_date == BORN and info.number.startswith("15222319650409123")
