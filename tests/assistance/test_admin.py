"""The assistance admin reads through the scope."""

import pytest
from django.contrib.auth.models import Permission

from fupin.assistance.models import AssistancePlan, Measure, Pairing
from tests.assistance.helpers import START, make_cadre
from tests.factories import CHANGFA, HADANALA, make_household, make_user

pytestmark = pytest.mark.django_db


def test_a_staff_user_of_another_county_sees_no_pairing_or_plan(client):
    household = make_household(CHANGFA)
    cadre = make_cadre(CHANGFA[:6])
    pairing = Pairing.objects.create(
        cadre=cadre, household=household, village_id=CHANGFA, start_date=START
    )
    plan = AssistancePlan.objects.create(household=household, village_id=CHANGFA, year=2017)
    Measure.objects.create(plan=plan, village_id=CHANGFA, type="industry", year=2017)
    user = make_user("county_office", HADANALA[:6], is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="assistance"))
    client.force_login(user)
    for name in ("cadre", "link", "pairing", "assistanceplan", "measure"):
        response = client.get(f"/admin/assistance/{name}/")
        assert response.status_code == 200, name
        assert response.context["cl"].result_count == 0, name
    assert client.get(f"/admin/assistance/pairing/{pairing.pk}/change/").status_code in (302, 404)
    owner = make_user("county_office", CHANGFA[:6], is_staff=True)
    owner.user_permissions.set(Permission.objects.filter(content_type__app_label="assistance"))
    client.force_login(owner)
    assert client.get("/admin/assistance/pairing/").context["cl"].result_count == 1
    assert client.get(f"/admin/assistance/assistanceplan/{plan.pk}/change/").status_code == 200


def test_a_pairing_added_in_the_admin_takes_the_households_village(client):
    household = make_household(CHANGFA)
    cadre = make_cadre(CHANGFA[:6])
    owner = make_user("county_office", CHANGFA[:6], is_staff=True)
    owner.user_permissions.set(Permission.objects.filter(content_type__app_label="assistance"))
    client.force_login(owner)
    response = client.post(
        "/admin/assistance/pairing/add/",
        {"cadre": cadre.pk, "household": household.pk, "start_date": "2017-01-01"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Pairing.objects.get().village_id == CHANGFA
    outside = make_household(HADANALA)
    response = client.post(
        "/admin/assistance/pairing/add/",
        {"cadre": cadre.pk, "household": outside.pk, "start_date": "2017-01-01"},
    )
    assert response.status_code == 403
    assert Pairing.objects.count() == 1


def test_the_admin_refuses_a_pairing_past_the_cap(client):
    cadre = make_cadre(CHANGFA[:6])
    for _ in range(5):
        household = make_household(CHANGFA)
        Pairing.objects.create(
            cadre=cadre, household=household, village_id=CHANGFA, start_date=START
        )
    owner = make_user("county_office", CHANGFA[:6], is_staff=True)
    owner.user_permissions.set(Permission.objects.filter(content_type__app_label="assistance"))
    client.force_login(owner)
    response = client.post(
        "/admin/assistance/pairing/add/",
        {"cadre": cadre.pk, "household": make_household(CHANGFA).pk, "start_date": "2017-01-01"},
    )
    assert response.status_code == 200
    assert "达到上限 5 户" in response.content.decode()
    assert Pairing.objects.count() == 5
