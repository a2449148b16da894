"""The income form: per-person net income computed by the server before saving, the import's
amount and income rules with their messages, history and audit."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from fupin.accounts.models import Role
from fupin.core import cells
from fupin.registry import changes, rules
from fupin.registry.models import IncomeRecord
from tests.factories import CHANGFA, HADANALA, make_user
from tests.registry.forms_helpers import events, form_errors, household

pytestmark = pytest.mark.django_db

AMOUNTS = {
    "wage_income": "12000",
    "business_income": "3,000.50",
    "property_income": "",
    "transfer_income": "1000",
    "business_costs": "1000.50",
}


def test_the_server_shows_the_per_capita_income_then_saves(client):
    hh = household()
    user = make_user(Role.VILLAGE_TEAM, CHANGFA)
    client.force_login(user)
    url = reverse("registry:income_edit", args=[hh.pk])
    page = client.get(url).content.decode()
    assert "data-per-capita-form" in page and 'data-members="3"' in page
    data = {"year": "2017", "reason": "年中核实", **AMOUNTS}
    check = client.post(url, data)
    assert check.status_code == 200 and "5000.00" in check.content.decode()
    assert not IncomeRecord.objects.exists()
    saved = client.post(url, {**data, "confirm": "1"})
    assert saved.status_code == 302
    record = IncomeRecord.objects.get(household=hh, year=2017)
    assert record.net_income_per_capita == Decimal("5000.00") and record.members_count == 3
    assert record.history.first().history_change_reason == "年中核实"
    (event,) = events(changes.INCOME_RECORDED)
    assert event.detail["per_capita"] == "5000.00" and event.user == user


def test_a_second_entry_replaces_the_year():
    hh = household()
    user = make_user()
    amounts = {f: Decimal(0) for f in changes.INCOME_FIELDS}
    changes.income_set(
        actor=user,
        household=hh,
        year=2016,
        amounts={**amounts, "wage_income": Decimal(9000)},
        reason="a",
    )
    changes.income_set(
        actor=user,
        household=hh,
        year=2016,
        amounts={**amounts, "wage_income": Decimal(12000)},
        reason="b",
    )
    record = IncomeRecord.objects.get()
    assert record.wage_income == 12000 and record.history.count() == 2


def test_a_bad_amount_gives_the_imports_cell_message(client):
    hh = household()
    client.force_login(make_user())
    response = client.post(
        reverse("registry:income_edit", args=[hh.pk]),
        {"year": "2017", "reason": "r", **AMOUNTS, "wage_income": "12k", "confirm": "1"},
    )
    text = form_errors(response)
    assert str(cells.MSG_AMOUNT % {"value": "12k"}) in text
    assert not IncomeRecord.objects.exists()


def test_a_per_capita_out_of_range_gives_the_imports_message():
    hh = household()
    zero = {f: Decimal(0) for f in changes.INCOME_FIELDS}
    with pytest.raises(ValidationError) as error:
        changes.income_set(actor=make_user(), household=hh, year=2017, amounts=zero, reason="r")
    expected = rules.MSG_INCOME_RANGE % {"value": Decimal("0.00"), "members": 3}
    assert str(expected) in " ".join(error.value.messages)
    assert not IncomeRecord.objects.exists()


@pytest.mark.parametrize(
    "role,code",
    [(Role.DEPARTMENT, CHANGFA), (Role.SUPERVISOR, "1522"), (Role.VILLAGE_TEAM, HADANALA)],
)
def test_readers_and_other_villages_are_refused(role, code):
    hh = household()
    amounts = {f: Decimal(1000) for f in changes.INCOME_FIELDS}
    with pytest.raises(PermissionDenied):
        changes.income_set(
            actor=make_user(role, code), household=hh, year=2017, amounts=amounts, reason="r"
        )
    assert not events(changes.INCOME_RECORDED)
