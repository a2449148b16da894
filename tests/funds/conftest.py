import datetime

import pytest

from fupin.funds import services
from fupin.funds.models import FundLevel, ProjectType, Source
from tests.factories import CHANGFA, YINDEER, ZHALAITE, make_household, make_user

D = datetime.date(2017, 3, 1)


@pytest.fixture
def office(db):
    return make_user("county_office", ZHALAITE)


@pytest.fixture
def fund(office):
    return services.fund_record(
        actor=office,
        name="2017年三到村三到户资金",
        source=Source.THREE_TO,
        level=FundLevel.REGION,
        area=ZHALAITE,
        amount="1000000.00",
        received_on=D,
    )


@pytest.fixture
def project(office):
    return services.project_create(
        actor=office,
        area=YINDEER,
        name="音德尔镇肉牛养殖基地",
        type=ProjectType.INDUSTRY_BASE,
        status="in_progress",
        operator="长发肉牛养殖专业合作社",
    )


@pytest.fixture
def households(db):
    return [
        make_household(
            CHANGFA, income={"year": 2016, "property_income": "100.00", "wage_income": "3000"}
        )
        for _ in range(3)
    ]
