"""GB 11643 ID numbers: properties checked with hypothesis."""

import datetime

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from fupin.core import idnumber
from fupin.core.idnumber import (
    IdNumberError,
    check_digit,
    make_id_number,
    parse_id_number,
)

TODAY = datetime.date(2017, 6, 30)
regions = st.builds(
    lambda province, rest: province + rest,
    st.sampled_from(sorted(idnumber.PROVINCE_CODES)),
    st.from_regex(r"\A[0-9]{4}\Z").filter(lambda s: s != "0000"),
)
births = st.dates(min_value=idnumber.EARLIEST_BIRTH, max_value=TODAY)
sexes = st.sampled_from(["M", "F"])
valid_numbers = st.builds(make_id_number, regions, births, st.integers(0, 10_000), sexes)


@given(regions, births, st.integers(0, 10_000), sexes)
def test_made_numbers_parse_back(region, birth, sequence, sex):
    number = make_id_number(region, birth, sequence, sex)
    info = parse_id_number(number, today=TODAY)
    assert (info.number, info.region, info.birth_date, info.sex) == (number, region, birth, sex)


@given(valid_numbers)
def test_lower_case_x_spaces_and_full_width_are_normalised(number):
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in number)  # "1" → "１", "X" → "Ｘ"
    for variant in (number.lower(), f"  {number}\t", full_width):
        assert parse_id_number(variant, today=TODAY).number == number


@given(valid_numbers, st.integers(0, 16), st.integers(1, 9))
def test_any_single_digit_change_is_caught(number, position, delta):
    digit = (int(number[position]) + delta) % 10
    changed = number[:position] + str(digit) + number[position + 1 :]
    with pytest.raises(IdNumberError):
        parse_id_number(changed, today=TODAY)


@given(valid_numbers, st.integers(0, 15))
def test_any_adjacent_transposition_is_caught(number, position):
    a, b = number[position], number[position + 1]
    assume(a != b)
    swapped = number[:position] + b + a + number[position + 2 :]
    with pytest.raises(IdNumberError):
        parse_id_number(swapped, today=TODAY)


@given(valid_numbers)
def test_a_wrong_check_character_names_both(number):
    wrong = next(c for c in idnumber.CHECK_CHARS if c != number[17])
    with pytest.raises(IdNumberError) as error:
        parse_id_number(number[:17] + wrong, today=TODAY)
    assert str(error.value) == idnumber.MSG_CHECK % {"expected": number[17], "actual": wrong}


@given(st.text(max_size=25))
def test_arbitrary_text_is_either_valid_or_an_id_number_error(text):
    try:
        info = parse_id_number(text, today=TODAY)
    except IdNumberError as error:
        assert str(error)  # always a Chinese reason
    else:
        assert len(info.number) == 18 and info.number[:17].isascii()
        assert check_digit(info.number[:17]) == info.number[17]


@given(st.from_regex(r"\A[0-9]{17}\Z"))
def test_check_digit_is_one_of_the_eleven(first17):
    assert check_digit(first17) in idnumber.CHECK_CHARS


def test_known_number():
    # The example of GB 11643-1999, Appendix A.
    assert check_digit("11010519491231002") == "X"
    info = parse_id_number("11010519491231002X", today=TODAY)
    assert info.birth_date == datetime.date(1949, 12, 31) and info.sex == "F"


@pytest.mark.parametrize(
    "value, message",
    [
        ("", idnumber.MSG_EMPTY),
        ("1234", idnumber.MSG_LENGTH % {"length": 4}),
        ("1101051949123100ZX", idnumber.MSG_CHARS),
        ("١١٠١٠٥١٩٤٩١٢٣١٠٠٢X", idnumber.MSG_CHARS),  # Arabic-Indic digits
        ("990105194912310027", idnumber.MSG_REGION % {"region": "990105", "province": "99"}),
        ("110105194902300020", idnumber.MSG_BIRTH % {"text": "19490230"}),
        ("110105202001010020", idnumber.MSG_BIRTH_RANGE % {"date": "2020-01-01"}),
    ],
)
def test_reasons(value, message):
    with pytest.raises(IdNumberError) as error:
        parse_id_number(value, today=TODAY)
    assert str(error.value) == message
