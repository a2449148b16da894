"""Masking personal numbers: ID and mobile numbers as people type them do not survive; the
ordinary numbers of a notice (years, amounts, counts, landlines) do. Then the anonymous notice
page and its xlsx, with an exit reason holding such numbers."""

from __future__ import annotations

import datetime
import io
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fupin.core import idnumber
from fupin.core.idnumber import make_id_number
from fupin.core.masking import SEPARATORS, mask_id_number, mask_personal
from fupin.identification.models import Case, CaseStep, Notice
from tests.factories import CHANGFA, make_household, make_user

regions = st.builds(
    lambda province, rest: province + rest,
    st.sampled_from(sorted(idnumber.PROVINCE_CODES)),
    st.from_regex(r"\A[0-9]{4}\Z").filter(lambda s: s != "0000"),
)
births = st.dates(min_value=datetime.date(1920, 1, 1), max_value=datetime.date(2017, 6, 30))
ids_18 = st.builds(
    make_id_number, regions, births, st.integers(0, 10_000), st.sampled_from(["M", "F"])
)
ids_15 = st.builds(
    lambda region, birth, seq: f"{region}{birth:%y%m%d}{seq:03d}",
    regions,
    st.dates(min_value=datetime.date(1920, 1, 1), max_value=datetime.date(1999, 12, 31)),
    st.integers(0, 999),
)
phones = st.from_regex(r"\A1[3-9][0-9]{9}\Z")
chinese = st.text(alphabet="的一是在人有我他这中大来上国个到说们为子和你地出道也时年", max_size=6)
separators = st.text(alphabet=SEPARATORS, min_size=1, max_size=2)
PHONE_SHAPES = ((11,), (3, 4, 4), (3, 8), (7, 4))


def _full_width(draw, text: str) -> str:
    """Each character ASCII or full-width at random (as pasted from Chinese documents)."""
    flags = draw(st.lists(st.booleans(), min_size=len(text), max_size=len(text)))
    return "".join(
        chr(ord(c) + 0xFEE0) if wide and c.isalnum() else c
        for c, wide in zip(text, flags, strict=True)
    )


@st.composite
def typed(draw, number: str, shapes):
    """``number`` split into groups by random separators, partly in full-width digits."""
    shape = draw(shapes)
    parts, start = [], 0
    for length in shape:
        parts.append(number[start : start + length])
        start += length
    text = parts[0]
    for part in parts[1:]:
        text += draw(separators) + part
    if draw(st.booleans()):
        text = text.lower()
    return _full_width(draw, text)


def _random_shape(length: int):
    cuts = st.lists(st.integers(1, length - 1), max_size=4, unique=True).map(sorted)
    return cuts.map(lambda c: tuple(b - a for a, b in zip([0, *c], [*c, length], strict=True)))


def _digits(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).upper()
    return "".join(c for c in text if c not in SEPARATORS)


@st.composite
def personal_numbers(draw):
    kind = draw(st.sampled_from(["id18", "id15", "phone"]))
    if kind == "id18":
        number = draw(ids_18)
        shapes = st.one_of(st.just((6, 8, 4)), st.just((6, 4, 4, 4)), _random_shape(18))
    elif kind == "id15":
        number = draw(ids_15)
        shapes = st.one_of(st.just((6, 6, 3)), _random_shape(15))
    else:
        number = draw(phones)
        shapes = st.sampled_from(PHONE_SHAPES)
    return kind, number, draw(typed(number, shapes))


@given(chinese, personal_numbers(), chinese)
def test_typed_id_and_phone_numbers_do_not_survive(before, personal, after):
    kind, number, written = personal
    text = f"{before}退出原因：{written}，{after}"
    masked = mask_personal(text)
    assert number not in _digits(masked)
    if kind == "id18":
        assert number[6:14] not in _digits(masked)  # the birth date
    expected = mask_id_number(number) if kind.startswith("id") else f"{number[:3]}****{number[-4:]}"
    assert expected in masked
    assert masked.startswith(before) and masked.endswith(after)


ordinary = st.one_of(
    st.integers(1949, 2030).map(lambda y: f"{y}年"),
    st.integers(0, 99_999).map(str),
    st.decimals(0, 99_999, places=2).map(lambda d: f"{d:,}元"),
    st.integers(1, 20).map(lambda n: f"{n}户"),
    st.integers(1, 12).map(lambda n: f"{n}人"),
    st.from_regex(r"\A0[0-9]{2,3}-[0-9]{7,8}\Z"),  # a landline, as on every notice
)


@given(
    st.lists(
        st.tuples(chinese.filter(bool), ordinary, st.sampled_from(["", " ", "，"])), max_size=8
    )
)
def test_ordinary_numbers_survive(parts):
    text = "".join(f"{words}{number}{gap}" for words, number, gap in parts)
    assert mask_personal(text) == text


@given(ids_18)
def test_mask_id_number_keeps_region_and_last_four(number):
    masked = mask_id_number(number)
    assert masked == number[:6] + "*" * 8 + number[-4:]
    assert mask_id_number(number.lower()) == masked


@pytest.mark.parametrize(
    "text, expected",
    [
        ("152223-19690317-2231", "152223********2231"),
        ("152223 1969 0317 2231", "152223********2231"),
        ("１５２２２３１９６９０３１７２２３１", "152223********2231"),
        ("电话13812345678", "电话138****5678"),
        ("+86 138-1234-5678", "+86 138****5678"),
        ("身份证15222319690317223x号", "身份证152223********223X号"),
        (
            "联系电话 0482-6212345，人均纯收入 3,410 元",
            "联系电话 0482-6212345，人均纯收入 3,410 元",
        ),
    ],
)
def test_examples(text, expected):
    assert mask_personal(text) == expected


# -- The anonymous notice page and its xlsx --------------------------------------------------

TYPED = ("152223-19690317-2231", "152223 1969 0317 2231", "13812345678")


@pytest.fixture
def exit_notice():
    user = make_user("village_team", CHANGFA)
    household = make_household(CHANGFA, head_name="赵脱贫", members=2)
    case = Case.objects.create(
        kind=Case.Kind.EXIT,
        village_id=CHANGFA,
        year=2017,
        household=household,
        applicant_name=household.head_name,
        state="notice",
        created_by=user,
        created_on=datetime.date(2017, 6, 1),
    )
    CaseStep.objects.create(
        case=case,
        village_id=CHANGFA,
        step="proposed",
        decision=CaseStep.Decision.APPROVE,
        reason="已稳定增收；户主证件 {} / {}，电话 {}".format(*TYPED),
        acted_on=datetime.date(2017, 6, 1),
        actor=user,
        role="village_team",
    )
    notice = Notice.objects.create(
        kind=Notice.Kind.NOTICE,
        level=Notice.Level.VILLAGE,
        case_kind=Case.Kind.EXIT,
        area_id=CHANGFA,
        title="长发村脱贫退出公示（联系人 138 1234 5678）",
        published_on=datetime.date(2017, 6, 26),
        ends_on=datetime.date(2017, 7, 2),
        contact="0482-6212345",
        created_by=user,
    )
    notice.cases.set([case])
    return notice


def _leaks(text: str) -> list[str]:
    digits = _digits(text)
    return [t for t in TYPED if t in text or _digits(t) in digits] + (
        ["19690317"] if "19690317" in digits else []
    )


@pytest.mark.django_db
def test_notice_page_and_xlsx_do_not_show_typed_numbers(client, exit_notice):
    from openpyxl import load_workbook

    page = client.get(f"/notices/{exit_notice.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "已稳定增收" in text and "152223********2231" in text and "138****5678" in text
    assert not _leaks(text)
    assert "0482-6212345" in text  # the office's number is published on purpose
    index = client.get("/notices/").content.decode()
    assert "长发村脱贫退出公示" in index and not _leaks(index)

    response = client.get(f"/notices/{exit_notice.pk}/notice.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [str(v) for row in sheet.iter_rows(values_only=True) for v in row if v is not None]
    assert any("已稳定增收" in c for c in cells)
    assert not _leaks("\n".join(cells))
