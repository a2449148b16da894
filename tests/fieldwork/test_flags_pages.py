"""Flagged field records are kept and shown: the compliance page (with the township's accept
button), the household's page and the war map's work ledger."""

import datetime
import uuid

import pytest

from fupin.accounts.models import Role
from fupin.assistance.models import Cadre, Pairing
from fupin.fieldwork import services
from fupin.fieldwork.models import CheckIn
from tests.factories import CHANGFA, YINDEER, make_household, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def flagged():
    team = make_user(Role.VILLAGE_TEAM, CHANGFA)
    secretary = Cadre.objects.create(
        name="郑亚辉", area_id=CHANGFA, unit="团盟委", post=Cadre.Post.FIRST_SECRETARY, user=team
    )
    household = make_household(CHANGFA)
    Pairing.objects.create(
        cadre=secretary,
        household=household,
        village_id=CHANGFA,
        start_date=datetime.date(2017, 1, 1),
    )
    visit = services.visit_log(
        user=team,
        cadre=secretary,
        household=household,
        visited_on=datetime.date(2017, 6, 28),
        backdate_reason="山区无信号",
        uuid=uuid.uuid4(),
    )
    # No position: flagged "no_location".
    row = services.check_in_record(
        user=team, cadre=secretary, village_code=CHANGFA, uuid=uuid.uuid4()
    )
    return team, household, visit, row


def test_the_compliance_page_lists_and_the_township_accepts(client, flagged):
    _team, _household, _visit, row = flagged
    town = make_user(Role.TOWNSHIP_OFFICER, YINDEER)
    client.force_login(town)
    page = client.get(f"/compliance/?area={YINDEER}&month=2017-06").content.decode()
    assert 'data-stat="flagged_check_ins">1<' in page and "无位置" in page
    assert 'data-stat="flagged_visits">1<' in page and "山区无信号" in page
    assert f'name="accept" value="{row.pk}"' in page
    before = client.get(f"/compliance/?area={YINDEER}&month=2017-06").context["residents"]
    assert [c.days for c in before] == [0]
    response = client.post(
        f"/compliance/?area={YINDEER}&month=2017-06", {"accept": row.pk, "reason": "电话核实"}
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.accepted and row.accept_reason == "电话核实" and row.accepted_by == town
    after = client.get(f"/compliance/?area={YINDEER}&month=2017-06").context["residents"]
    assert [c.days for c in after] == [1]


def test_only_a_township_officer_accepts(client, flagged):
    team, *_rest, row = flagged
    client.force_login(team)
    page = client.get(f"/compliance/?area={CHANGFA}&month=2017-06").content.decode()
    assert 'name="accept"' not in page and "待认可" in page
    response = client.post(f"/compliance/?area={CHANGFA}", {"accept": row.pk, "reason": "自己"})
    assert response.status_code == 403
    assert not CheckIn.objects.get().accepted


def test_the_household_page_shows_its_visits_and_flags(client, flagged):
    team, household, *_rest = flagged
    client.force_login(team)
    page = client.get(f"/households/{household.pk}/").content.decode()
    assert 'id="visits"' in page and "补录" in page and "山区无信号" in page


def test_the_war_maps_work_ledger_counts_flagged_records(client, flagged):
    client.force_login(make_user(Role.COUNTY_OFFICE, CHANGFA[:6]))
    page = client.get(f"/warmap/ledgers/work/?area={CHANGFA[:6]}&year=2017").content.decode()
    assert "照片重复使用）：2 条" in page
