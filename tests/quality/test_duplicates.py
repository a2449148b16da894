"""The duplicate-person finders and their scores, on pairs built for them."""

import datetime
from decimal import Decimal

import pytest

from fupin.core.idnumber import check_digit, make_id_number
from fupin.quality import duplicates
from fupin.quality.duplicates import Person, pair_score
from fupin.quality.models import Flag
from fupin.registry import codes
from fupin.registry.models import Household, Member
from tests.factories import CHANGFA, HADANALA, SHUANGYUSHU

D = datetime.date
_serial = iter(range(1, 9999))


def _household(village=CHANGFA, phone=""):
    n = next(_serial)
    return Household.objects.create(
        number=f"{village}{n:04d}",
        village_id=village,
        head_name="户主",
        members_count=1,
        attribute=codes.Attribute.GENERAL,
        main_cause=codes.Cause.CAPITAL,
        identified_year=2014,
        status=codes.Status.POOR,
        phone=phone,
    )


def _member(household, name, id_number, birth, relation=codes.Relation.HEAD):
    return Member.objects.create(
        household=household,
        village_id=household.village_id,
        name=name,
        id_number=id_number,
        sex="M",
        birth_date=birth,
        relation=relation,
        ethnicity=codes.Ethnicity.HAN,
        school_status=codes.SchoolStatus.NONE,
        health=codes.Health.HEALTHY,
        labour=codes.Labour.ORDINARY,
    )


def _typo(number: str, position: int, digit: str) -> str:
    """``number`` with one of its first 17 digits replaced, and its check digit made valid."""
    body = number[: position - 1] + digit + number[position:17]
    return body + check_digit(body)


def _person(pk, name, birth, number, village=CHANGFA, phone=""):
    return Person(pk, pk, village, name, birth, number, phone)


# -- The score -----------------------------------------------------------------------------


def test_score_of_a_typo_in_the_id_number_of_the_same_person():
    number = make_id_number("152223", D(1970, 5, 1), 7, "M")
    a = _person(1, "王建国", D(1970, 5, 1), number)
    b = _person(2, "王建国", D(1970, 5, 1), _typo(number, 16, "9"))
    # name 1, birth 1, ID one digit apart 1, the same village without a phone ½
    assert pair_score(a, b) == Decimal("0.900")


def test_score_parts():
    assert duplicates.name_similarity("王建国", "王建军") == Decimal(2) / 3
    assert duplicates.birth_similarity(D(1970, 5, 1), D(1971, 5, 1)) == Decimal("0.5")
    assert duplicates.birth_similarity(D(1970, 5, 1), D(1971, 6, 1)) == 0
    assert duplicates.id_similarity("152223197005010071", "152223197005010081") == 1
    assert duplicates.id_similarity("152223197005010071", "152223197105020081") == Decimal("0.5")
    assert duplicates.id_distance("152223197005010071", "252223197005010072") == 1
    same_phone = _person(1, "甲", D(1970, 1, 1), "1", phone="+86 139-0000-1234")
    other = _person(2, "乙", D(1970, 1, 1), "2", phone="13900001234")
    assert duplicates.address_similarity(same_phone, other) == 1
    assert duplicates.address_similarity(other, _person(3, "丙", D(1, 1, 1), "3")) == Decimal("0.5")
    county = _person(4, "丁", D(1, 1, 1), "4", village=SHUANGYUSHU)
    assert duplicates.address_similarity(other, county) == Decimal("0.25")
    league = _person(5, "戊", D(1, 1, 1), "5", village=HADANALA)
    assert duplicates.address_similarity(other, league) == 0


def test_score_is_bounded_and_low_for_strangers():
    a = _person(1, "王建国", D(1970, 5, 1), "152223197005010071")
    b = _person(2, "李秀英", D(1985, 9, 9), "150102198509090124", village=HADANALA)
    assert pair_score(a, b) == 0
    assert pair_score(a, a) == Decimal("0.900")  # one village, but no phone to tell the address


def test_surname_and_phone():
    assert duplicates.surname("欧阳明") == "欧阳"
    assert duplicates.surname("王明") == "王"
    assert duplicates.normalise_phone("0482-6123456") == "4826123456"
    assert duplicates.normalise_phone("123") == ""


# -- The finders ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_same_name_birth_and_county_in_two_households():
    birth = D(1960, 2, 3)
    a = _member(_household(CHANGFA), "张福", make_id_number("152223", birth, 11, "M"), birth)
    b = _member(_household(SHUANGYUSHU), "张福", make_id_number("152223", birth, 300, "M"), birth)
    # Another county: not the same rule.
    _member(_household(HADANALA), "张福", make_id_number("152201", birth, 12, "M"), birth)
    counts = duplicates.duplicates_find(day=D(2017, 6, 30))
    assert counts[duplicates.RULE_NAME_BIRTH] == 1
    flag = Flag.objects.get(rule_code=duplicates.RULE_NAME_BIRTH)
    assert (flag.member_id, flag.other_member_id) == (a.pk, b.pk)
    assert flag.match_key == f"{a.pk}-{b.pk}"
    assert flag.kind == Flag.Kind.DUPLICATE and flag.status == Flag.Status.OPEN
    # name 1, birth 1, IDs three digits apart ½ (…023x, …601x), the same county ¼
    assert flag.score == Decimal("0.750")
    assert b.household.number in flag.reason and "姓名、出生日期相同" in flag.reason


@pytest.mark.django_db
def test_id_numbers_one_digit_apart_in_each_segment():
    found = set()
    for position, digit, village in (
        (3, "1", CHANGFA),
        (9, "8", CHANGFA),
        (12, "6", HADANALA),
        (16, "9", HADANALA),
    ):
        birth = D(1975, 4, 5 + position)
        number = make_id_number("152223", birth, 40 + position, "M")
        a = _member(_household(CHANGFA), f"刘{position}桦", number, birth)
        # One character of the name mistyped too, or the name-and-birth rule would name the
        # pair; in the sequence the name must be the same (and the county another).
        name = f"刘{position}桦" if position == 16 else f"刘{position}华"
        b = _member(_household(village), name, _typo(number, position, digit), birth)
        found.add(duplicates.match_key(a.pk, b.pk))
    # A number one digit apart with a wrong check digit is a typing error the import refused,
    # not a second valid number: not this rule's.
    birth = D(1980, 1, 1)
    number = make_id_number("152223", birth, 5, "M")
    _member(_household(), "赵", number, birth)
    bad = number[:16] + ("0" if number[16] != "0" else "1") + number[17]
    _member(_household(), "赵", bad, birth)
    duplicates.duplicates_find(day=D(2017, 6, 30))
    flags = Flag.objects.filter(rule_code=duplicates.RULE_ID_DIGIT)
    assert set(flags.values_list("match_key", flat=True)) == found
    assert "仅第16位不同" in flags.get(match_key=sorted(found)[-1]).reason


@pytest.mark.django_db
def test_id_one_digit_apart_needs_alike_names():
    birth = D(1975, 4, 5)
    number = make_id_number("152223", birth, 40, "M")
    _member(_household(), "刘德华", number, birth)
    _member(_household(), "陈小春", _typo(number, 12, "9"), birth)
    # Neighbours in one day's register, alike but not the same name: two people.
    _member(_household(), "刘德桦", _typo(number, 16, "9"), birth)
    duplicates.duplicates_find(day=D(2017, 6, 30))
    assert not Flag.objects.exists()


@pytest.mark.django_db
def test_a_split_household_at_one_address():
    first, second = _household(phone="13900001234"), _household(phone="139 0000 1234")
    third = _household(phone="13900001234")
    a = _member(first, "王大山", make_id_number("152223", D(1950, 1, 1), 1, "M"), D(1950, 1, 1))
    b = _member(second, "王小山", make_id_number("152223", D(1975, 1, 1), 2, "M"), D(1975, 1, 1))
    _member(third, "李四", make_id_number("152223", D(1976, 1, 1), 3, "M"), D(1976, 1, 1))
    duplicates.duplicates_find(day=D(2017, 6, 30))
    flag = Flag.objects.get(rule_code=duplicates.RULE_SPLIT)
    assert flag.match_key == f"{a.pk}-{b.pk}"
    assert "同姓“王”" in flag.reason


@pytest.mark.django_db
def test_a_dismissed_pair_is_not_raised_again_and_a_run_adds_nothing_twice():
    birth = D(1960, 2, 3)
    _member(_household(), "张福", make_id_number("152223", birth, 11, "M"), birth)
    _member(_household(), "张福", make_id_number("152223", birth, 300, "M"), birth)
    assert duplicates.duplicates_find(day=D(2017, 6, 30))[duplicates.RULE_NAME_BIRTH] == 1
    Flag.objects.update(status=Flag.Status.DISMISSED, resolution_note="父子同名")
    assert duplicates.duplicates_find(day=D(2017, 7, 1))[duplicates.RULE_NAME_BIRTH] == 0
    assert Flag.objects.get().status == Flag.Status.DISMISSED
    assert Flag.history.count() == 1  # the history of the one insert


@pytest.mark.django_db
def test_an_area_run_reads_only_its_members():
    birth = D(1960, 2, 3)
    _member(_household(HADANALA), "张福", make_id_number("152201", birth, 11, "M"), birth)
    _member(_household(HADANALA), "张福", make_id_number("152201", birth, 300, "M"), birth)
    assert duplicates.duplicates_find(code="152223")[duplicates.RULE_NAME_BIRTH] == 0
    assert duplicates.duplicates_find(code="152201")[duplicates.RULE_NAME_BIRTH] == 1
