"""Recording a member's policy enrolment on the household's safety-net page."""

import pytest

from fupin.safetynet.models import PolicyEnrolment
from tests.factories import CHANGFA, YINDEER, ZHALAITE, make_household, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def household():
    return make_household(CHANGFA, members=2)


def test_an_office_records_and_changes_an_enrolment(client, household):
    user = make_user("township_officer", YINDEER)
    client.force_login(user)
    url = f"/households/{household.pk}/safety-net/"
    member = household.members.order_by("pk").first()
    data = {"member": member.pk, "year": 2017, "policy": "health", "amount": "1200.5"}
    assert client.post(url, data).status_code == 302
    assert client.post(url, {**data, "amount": "1300", "note": "大病救助"}).status_code == 302
    enrolment = PolicyEnrolment.objects.get()
    assert (enrolment.amount, enrolment.note) == (1300, "大病救助")
    assert enrolment.village_id == CHANGFA and enrolment.household_id == household.pk
    assert [h.history_type for h in enrolment.history.order_by("history_date")] == ["+", "~"]
    assert enrolment.history.first().history_user == user
    page = client.get(url).content.decode()
    assert "健康扶贫（医疗救助）" in page and "1300.00" in page
    assert client.post(url, {"remove": enrolment.pk}).status_code == 302
    assert not PolicyEnrolment.objects.exists()


def test_errors_are_named_in_chinese_and_nothing_is_written(client, household):
    client.force_login(make_user("county_office", ZHALAITE))
    url = f"/households/{household.pk}/safety-net/"
    member = household.members.order_by("pk").first()
    data = {"member": member.pk, "year": 2017, "policy": "living", "amount": "-1"}
    response = client.post(url, data)
    assert response.status_code == 400
    assert "金额（元）：金额不能为负数" in response.content.decode()
    response = client.post(url, {**data, "amount": "10", "year": 2018})
    assert response.status_code == 400
    assert "年度：年度不能晚于2017年" in response.content.decode()
    assert not PolicyEnrolment.objects.exists()


def test_who_may_record(client, household):
    member = household.members.order_by("pk").first()
    data = {"member": member.pk, "year": 2017, "policy": "living", "amount": "10"}
    url = f"/households/{household.pk}/safety-net/"
    client.force_login(make_user("village_team", CHANGFA))  # reads, does not record
    assert 'id="enrolment-form"' not in client.get(url).content.decode()
    assert client.post(url, data).status_code == 403
    client.force_login(make_user("county_office", "152201"))
    assert client.post(url, data).status_code == 404
    assert not PolicyEnrolment.objects.exists()
