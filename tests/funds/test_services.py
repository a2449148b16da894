"""Writes of the money chain: each level refuses more than its parent holds, in Chinese,
naming the fund or project, the amount asked and the remainder; Decimal to the fen; dividends
posted into the households' income with history; rights by area."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import given
from hypothesis import strategies as st

from fupin.funds import selectors, services
from fupin.funds.models import BenefitModel, Dividend, Fund, FundLevel, Source
from fupin.registry.models import IncomeRecord
from tests.factories import CHANGFA, HADANALA, LEAGUE, ZHALAITE, make_household, make_user

D = datetime.date(2017, 3, 1)


def _message(error: ValidationError) -> str:
    return " ".join(m for ms in error.message_dict.values() for m in ms)


def test_money_is_decimal_to_the_fen_and_refuses_more(office):
    assert services.parse_money("1,234.5") == Decimal("1234.50")
    for bad in ("0.001", "-5", "abc", "0", "1e20", "NaN"):
        with pytest.raises(ValidationError) as error:
            services.parse_money(bad)
        assert "最多两位小数" in _message(error.value)
    # 0.1 + 0.2 in floats is not 0.3; in the chain it is exactly.
    fund = services.fund_record(
        actor=office,
        name="甲",
        source=Source.OTHER,
        level=FundLevel.COUNTY,
        area=ZHALAITE,
        amount="0.30",
        received_on=D,
    )
    assert services.fund_remainder(fund) == Decimal("0.30")


def test_fund_cannot_be_over_allocated(office, fund, project):
    services.allocation_create(actor=office, fund=fund, project=project, amount="600000.00", date=D)
    with pytest.raises(ValidationError) as error:
        services.allocation_create(
            actor=office, fund=fund, project=project, amount="400000.01", date=D
        )
    message = _message(error.value)
    assert "2017年三到村三到户资金" in message
    assert "400,000.01" in message and "400,000.00" in message
    services.allocation_create(actor=office, fund=fund, project=project, amount="400000.00", date=D)
    assert services.fund_remainder(fund) == 0


def test_transfer_down_counts_against_the_fund(db):
    hq = make_user("league_hq", LEAGUE)
    fund = services.fund_record(
        actor=hq,
        name="自治区财政厅帮扶资金",
        source=Source.DEPARTMENT,
        level=FundLevel.REGION,
        department="自治区财政厅",
        area=LEAGUE,
        amount="500.00",
        received_on=D,
    )
    child = services.fund_transfer(actor=hq, parent=fund, area=ZHALAITE, amount="300.00", date=D)
    assert child.parent_id == fund.pk and child.area_id == ZHALAITE
    with pytest.raises(ValidationError) as error:
        services.fund_transfer(actor=hq, parent=fund, area=ZHALAITE, amount="200.01", date=D)
    assert "可用余额 200.00 元" in _message(error.value)
    with pytest.raises(ValidationError):
        services.fund_transfer(actor=hq, parent=child, area=LEAGUE, amount="1.00", date=D)
    # Counted once at the league: the transfer is internal.
    figures = selectors.area_funds(hq, LEAGUE, 2017)["total"]
    assert figures["received"] == Decimal("500.00") and figures["transferred"] == Decimal("300.00")
    county = selectors.area_funds(hq, ZHALAITE, 2017)["total"]
    assert county["received"] == Decimal("300.00") and county["balance"] == Decimal("300.00")


def test_project_village_and_household_levels_refuse_over_sharing(
    office, fund, project, households
):
    services.allocation_create(actor=office, fund=fund, project=project, amount="10000.00", date=D)
    with pytest.raises(ValidationError) as error:
        services.village_share_add(
            actor=office, project=project, village=CHANGFA, amount="10000.01"
        )
    assert "音德尔镇肉牛养殖基地" in _message(error.value) and "10,000.00" in _message(error.value)
    share = services.village_share_add(
        actor=office, project=project, village=CHANGFA, amount="9000"
    )
    with pytest.raises(ValidationError) as error:
        services.household_shares_create(
            actor=office,
            village_share=share,
            households=households,
            benefit_model=BenefitModel.ASSET_INCOME,
            amount_each="3000.01",
            since=D,
        )
    assert "申请 9,000.03 元" in _message(error.value) and "余额 9,000.00 元" in _message(
        error.value
    )
    services.household_shares_create(
        actor=office,
        village_share=share,
        households=households,
        benefit_model=BenefitModel.ASSET_INCOME,
        amount_each="3000",
        since=D,
    )
    with pytest.raises(ValidationError):  # the same household twice
        services.household_shares_create(
            actor=office,
            village_share=share,
            households=households[:1],
            benefit_model=BenefitModel.MENU,
            amount_each="0.01",
            since=D,
        )
    with pytest.raises(ValidationError):  # a village outside the project's township
        services.village_share_add(actor=office, project=project, village=HADANALA, amount="1")
    chain = selectors.reconcile(office, ZHALAITE)
    assert chain["household_shared"] == Decimal("9000.00")
    assert not (chain["over_funds"] or chain["over_projects"] or chain["over_village_shares"])


def test_dividends_post_into_income_with_history(office, fund, project, households):
    services.allocation_create(actor=office, fund=fund, project=project, amount="10000", date=D)
    share = services.village_share_add(
        actor=office, project=project, village=CHANGFA, amount="9000"
    )
    services.household_shares_create(
        actor=office,
        village_share=share,
        households=households,
        benefit_model=BenefitModel.ASSET_INCOME,
        amount_each="3000",
        since=D,
    )
    paid = services.dividends_pay(
        actor=office,
        project=project,
        year=2016,
        paid_on=datetime.date(2016, 12, 20),
        rate_percent="8",
    )
    assert len(paid) == 3 and all(d.amount == Decimal("240.00") for d in paid)
    for household in households:
        income = IncomeRecord.objects.get(household=household, year=2016)
        assert income.property_income == Decimal("340.00")
        last = income.history.order_by("-history_id").first()
        assert (
            last.history_user_id == office.pk
            and "音德尔镇肉牛养殖基地" in last.history_change_reason
        )
    # A year without an income row gets one, holding the dividend only.
    services.dividends_pay(
        actor=office,
        project=project,
        year=2017,
        paid_on=D,
        amount_each="100.00",
        kind=Dividend.Kind.TRANSFER,
    )
    created = IncomeRecord.objects.get(household=households[0], year=2017)
    assert created.transfer_income == Decimal("100.00") and created.property_income == 0
    with pytest.raises(ValidationError) as error:  # once per year
        services.dividends_pay(actor=office, project=project, year=2017, paid_on=D, amount_each="1")
    assert "2017年分红已发放（3户）" in _message(error.value)
    # Never more than the project holds (10,000 − 720 − 300 = 8,980 left).
    with pytest.raises(ValidationError) as error:
        services.dividends_pay(
            actor=office, project=project, year=2015, paid_on=D, amount_each="2993.34"
        )
    assert "可发放余额 8,980.00 元" in _message(error.value)
    assert Dividend.objects.filter(year=2015).count() == 0


def test_rights_are_by_area(fund, project):
    other = make_user("county_office", "152201")
    with pytest.raises(PermissionDenied):
        services.allocation_create(actor=other, fund=fund, project=project, amount="1", date=D)
    village_team = make_user("village_team", CHANGFA)
    with pytest.raises(PermissionDenied):
        services.fund_record(
            actor=village_team,
            name="x",
            source=Source.OTHER,
            level=FundLevel.COUNTY,
            area=ZHALAITE,
            amount="1",
            received_on=D,
        )
    assert not Fund.objects.accessible_to(other).exists()
    assert selectors.area_funds(other, "152201")["total"]["received"] == 0
    _ = make_household


@given(st.integers(min_value=1, max_value=10**13))
def test_any_amount_in_fen_parses_exactly(fen):
    amount = services.parse_money(f"{fen // 100}.{fen % 100:02d}")
    assert amount == Decimal(fen) / 100 and amount.as_tuple().exponent == -2


@given(st.integers(min_value=1, max_value=10**9), st.integers(min_value=1, max_value=9))
def test_a_third_decimal_is_refused(yuan, third):
    with pytest.raises(ValidationError):
        services.parse_money(f"{yuan}.0{third}{third}")
