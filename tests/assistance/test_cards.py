"""Clarity cards (明白卡): PDFs read back with poppler; names present, ID numbers masked."""

from __future__ import annotations

import datetime
import re
import subprocess
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from fupin.assistance import cards
from fupin.assistance.models import Cadre, Pairing
from fupin.registry.models import Household
from tests.factories import CHANGFA, HADANALA, SHUANGYUSHU, YINDEER, make_household, make_user
from tests.identification.test_notice_pdf import needs_pdf, needs_poppler, pdf_text, squash

FULL_ID = re.compile(r"\d{17}[\dX]")


def pdf_pages(content: bytes) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "cards.pdf"
        path.write_bytes(content)
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True).stdout
    return int(re.search(rb"Pages:\s+(\d+)", info).group(1))


def pdf_info(content: bytes) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "cards.pdf"
        path.write_bytes(content)
        return subprocess.run(
            ["pdfinfo", str(path)], capture_output=True, check=True
        ).stdout.decode()


INCOME = {
    "year": 2016,
    "wage_income": Decimal("6000"),
    "business_income": Decimal("3500.60"),
    "property_income": Decimal("120"),
    "transfer_income": Decimal("900"),
    "business_costs": Decimal("1500"),
}


@pytest.fixture
def village():
    """长发村: three households, paired with two cadres (one ended, one inactive)."""
    first = make_household(
        CHANGFA, members=4, head_name="明白甲", number="CARD-A", income=INCOME, year=2016
    )
    second = make_household(CHANGFA, members=2, head_name="明白乙", number="CARD-B", year=2016)
    third = make_household(CHANGFA, members=1, head_name="明白丙", number="CARD-C", year=2016)
    # Real names, a long Mongolian one among them (the factory's names grow with the suite).
    names = iter(["乌力吉·巴特尔", "其木格", "张玉兰", "那顺", "额尔敦·毕力格", "王强"])
    for household in (first, second):
        for member in household.members.exclude(relation="head").order_by("pk"):
            member.name = next(names)
            member.save(update_fields=["name"])
    start = datetime.date(2016, 1, 1)
    wang = Cadre.objects.create(
        name="王帮扶",
        area_id=CHANGFA[:6],
        unit="扎赉特旗农牧业局",
        post="department_cadre",
        title="科员",
        phone="13904821234",
    )
    old = Cadre.objects.create(
        name="离任干部",
        area_id=CHANGFA[:6],
        unit="旧单位",
        post="department_cadre",
        phone="13900000000",
    )
    away = Cadre.objects.create(
        name="不在岗干部",
        area_id=CHANGFA[:6],
        unit="某单位",
        post="department_cadre",
        phone="13911111111",
        active=False,
    )
    for household in (first, second, third):
        Pairing.objects.create(
            cadre=wang, household=household, village_id=CHANGFA, start_date=start
        )
    Pairing.objects.create(
        cadre=old,
        household=first,
        village_id=CHANGFA,
        start_date=start,
        end_date=datetime.date(2016, 12, 31),
    )
    Pairing.objects.create(cadre=away, household=first, village_id=CHANGFA, start_date=start)
    other = make_household(SHUANGYUSHU, members=2, head_name="别村户主", number="CARD-X")
    return {"first": first, "second": second, "third": third, "other": other}


@pytest.mark.django_db
def test_cards_are_set_based(village, django_assert_max_num_queries):
    households = Household.objects.filter(village_id=CHANGFA)
    with django_assert_max_num_queries(8):
        built = cards.build_cards(households, year=2017, today=datetime.date(2017, 6, 30))
    assert [c.head_name for c in built] == ["明白甲", "明白乙", "明白丙"]
    first = built[0]
    assert first.members[0].name == "明白甲" and first.members[0].relation == "户主"
    assert all("*" in m.id_masked and not FULL_ID.search(m.id_masked) for m in first.members)
    assert [c.name for c in first.cadres] == ["王帮扶"]  # ended and inactive cadres left out
    assert first.income.year == 2016
    assert first.income.net == Decimal("9020.60")
    assert first.income.per_capita == Decimal("2255.15")
    assert built[1].income is None
    assert first.township == "音德尔镇" and first.village.startswith("长发")


@needs_pdf
@needs_poppler
@pytest.mark.django_db
def test_household_card_pdf_names_phone_and_masks(client, village):
    client.force_login(make_user("village_team", CHANGFA))
    response = client.get(f"/households/{village['first'].pk}/card.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    content = response.content
    assert pdf_pages(content) == 1
    info = pdf_info(content)
    assert "595.276 x 841.89" in info or "595.28 x 841.89" in info, info
    text = pdf_text(content)
    flat = squash(text)
    assert "精准扶贫明白卡" in flat
    for member in village["first"].members.all():
        assert member.name in flat, member.name
    assert "13904821234" in flat
    assert "扎赉特旗农牧业局" in flat
    assert "离任干部" not in flat and "不在岗干部" not in flat
    assert "音德尔镇" in flat and "CARD-A" in flat
    assert "9020.60" in flat and "2255.15" in flat  # net income and per capita
    assert "户主（签字）" in flat and "帮扶责任人（签字）" in flat
    assert "12317" in flat
    assert not FULL_ID.search(text)
    assert not FULL_ID.search(flat)


@needs_pdf
@needs_poppler
@pytest.mark.django_db
def test_village_pdf_has_one_page_per_household(client, village):
    client.force_login(make_user("township_officer", YINDEER))
    response = client.get(f"/areas/{CHANGFA}/cards.pdf")
    assert response.status_code == 200
    content = response.content
    assert pdf_pages(content) == 3
    text = pdf_text(content)
    flat = squash(text)
    for household in (village["first"], village["second"], village["third"]):
        for member in household.members.all():
            assert member.name in flat, member.name
    assert "别村户主" not in flat
    assert not FULL_ID.search(text) and not FULL_ID.search(flat)
    # A5, one page each as well.
    a5 = client.get(f"/areas/{CHANGFA}/cards.pdf?size=a5").content
    assert pdf_pages(a5) == 3
    assert "419.528 x 595.276" in pdf_info(a5) or "419.53 x 595.28" in pdf_info(a5)


@needs_pdf
@needs_poppler
@pytest.mark.django_db
def test_a_large_household_still_fits_one_page(client):
    big = make_household(CHANGFA, members=10, head_name="大户主", number="CARD-BIG", income=INCOME)
    client.force_login(make_user("village_team", CHANGFA))
    for size in ("", "?size=a5"):
        content = client.get(f"/households/{big.pk}/card.pdf{size}").content
        assert pdf_pages(content) == 1, size


def _add_measures(household, cadre):
    """This year's measures and one of last year (not shown), when the plans app has them."""
    model = cards._measure_model()
    if model is None:
        pytest.skip("no Measure model yet")
    plan_model = model._meta.get_field("plan").related_model
    plan = plan_model.objects.create(
        household=household, village_id=household.village_id, year=2017
    )
    old_plan = plan_model.objects.create(
        household=household, village_id=household.village_id, year=2016
    )
    model.objects.create(
        plan=plan,
        village_id=plan.village_id,
        type="industry",
        year=2017,
        amount=Decimal("5000"),
        responsible=cadre,
        status="in_progress",
        description="养殖基础母牛2头",
    )
    model.objects.create(
        plan=plan,
        village_id=plan.village_id,
        type="education",
        year=2017,
        description="雨露计划助学",
        status="planned",
    )
    model.objects.create(
        plan=old_plan,
        village_id=plan.village_id,
        type="housing",
        year=2016,
        description="去年的危房改造",
        status="done",
    )


@needs_pdf
@needs_poppler
@pytest.mark.django_db
def test_this_years_measures_on_the_card(client, village, django_assert_max_num_queries):
    cadre = Cadre.objects.get(name="王帮扶")
    _add_measures(village["first"], cadre)
    with django_assert_max_num_queries(8):
        built = cards.build_cards(
            Household.objects.filter(village_id=CHANGFA),
            year=2017,
            today=datetime.date(2017, 6, 30),
        )
    measures = built[0].measures
    assert [(m.kind, m.cadre, m.status) for m in measures] == [
        ("产业", "王帮扶", "实施中"),
        ("教育", "", "计划"),
    ]
    assert built[1].measures == []
    client.force_login(make_user("village_team", CHANGFA))
    flat = squash(pdf_text(client.get(f"/households/{village['first'].pk}/card.pdf").content))
    assert "养殖基础母牛2头" in flat and "5000.00" in flat and "雨露计划助学" in flat
    assert "去年的危房改造" not in flat
    flat = squash(pdf_text(client.get(f"/households/{village['second'].pk}/card.pdf").content))
    assert "暂无2017年帮扶措施" in flat


@pytest.mark.django_db
def test_another_village_gets_404_for_both(client, village):
    client.force_login(make_user("village_team", HADANALA))
    assert client.get(f"/households/{village['first'].pk}/card.pdf").status_code == 404
    assert client.get(f"/areas/{CHANGFA}/cards.pdf").status_code == 404


@pytest.mark.django_db
def test_login_required_and_village_level_only(client, village):
    response = client.get(f"/areas/{CHANGFA}/cards.pdf")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(make_user("county_office", CHANGFA[:6]))
    assert client.get(f"/areas/{YINDEER}/cards.pdf").status_code == 404


@needs_pdf
@needs_poppler
@pytest.mark.django_db
def test_cards_command_writes_the_village_pdf(village, tmp_path):
    out = tmp_path / "cards.pdf"
    call_command("cards", CHANGFA, "-o", str(out), "--year", "2017")
    content = out.read_bytes()
    assert pdf_pages(content) == 3
    flat = squash(pdf_text(content))
    assert "明白甲" in flat and "13904821234" in flat
    assert not FULL_ID.search(flat)
    call_command("cards", CHANGFA, "-o", str(out), "--a5")
    assert pdf_pages(out.read_bytes()) == 3
    with pytest.raises(CommandError):
        call_command("cards", YINDEER, "-o", str(out))
    with pytest.raises(CommandError):
        call_command("cards", "999999999999", "-o", str(out))
