"""Links (两联一包) and pairings (结对帮扶) kept from the household page: create, end with a date
and a reason, reassign; the caps with the pairing import's message; readers refused."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from fupin.accounts.models import Role
from fupin.assistance import importing, services
from fupin.assistance.models import Link, Pairing, PairingCap
from fupin.core.models import AuditEvent
from tests.assistance.helpers import START, make_cadre
from tests.factories import CHANGFA, HADANALA, YINDEER, make_household, make_user

pytestmark = pytest.mark.django_db
DAY = datetime.date(2017, 5, 1)


def _events(action):
    return list(AuditEvent.objects.filter(action=action).order_by("pk"))


def test_a_village_team_pairs_ends_and_reassigns_from_the_household_page(client):
    hh = make_household(CHANGFA)
    first, second = make_cadre(CHANGFA), make_cadre(CHANGFA)
    user = make_user(Role.VILLAGE_TEAM, CHANGFA)
    client.force_login(user)
    page = client.get(reverse("registry:household_detail", args=[hh.pk])).content.decode()
    assert reverse("assistance:pairing_new", args=[hh.pk]) in page
    response = client.post(
        reverse("assistance:pairing_new", args=[hh.pk]),
        {"cadre": first.pk, "start_date": "2017-01-01"},
    )
    assert response.status_code == 302
    pairing = Pairing.objects.get()
    page = client.get(reverse("registry:household_detail", args=[hh.pk])).content.decode()
    assert reverse("assistance:pairing_reassign", args=[hh.pk, pairing.pk]) in page
    response = client.post(
        reverse("assistance:pairing_reassign", args=[hh.pk, pairing.pk]),
        {"cadre": second.pk, "start_date": "2017-05-01", "reason": "干部调岗"},
    )
    assert response.status_code == 302
    pairing.refresh_from_db()
    assert pairing.end_date == DAY
    new = Pairing.objects.get(end_date__isnull=True)
    assert (new.cadre, new.start_date) == (second, DAY)
    (ended,) = _events(services.PAIRING_ENDED)
    assert ended.detail["reason"] == "干部调岗" and ended.user == user
    assert _events(services.PAIRING_REASSIGNED)[0].detail["previous"] == pairing.pk
    response = client.post(
        reverse("assistance:pairing_end", args=[hh.pk, new.pk]),
        {"end_date": "2017-06-01", "reason": "已稳定脱贫"},
    )
    assert response.status_code == 302
    new.refresh_from_db()
    assert new.end_date == datetime.date(2017, 6, 1)


def test_the_cap_gives_the_pairing_imports_message(client):
    cadre = make_cadre(CHANGFA)
    PairingCap.objects.create(post=cadre.post, cap=2)
    households = [make_household(CHANGFA) for _ in range(3)]
    user = make_user(Role.TOWNSHIP_OFFICER, YINDEER)
    for hh in households[:2]:
        services.pairing_create(actor=user, cadre=cadre, household=hh, start_date=START)
    client.force_login(user)
    response = client.post(
        reverse("assistance:pairing_new", args=[households[2].pk]),
        {"cadre": cadre.pk, "start_date": "2017-01-01"},
    )
    expected = importing.MSG_OVER_CAP % {"name": cadre.name, "count": 3, "cap": 2}
    assert str(expected) in response.content.decode()
    assert Pairing.objects.count() == 2


def test_a_refused_reassignment_writes_nothing():
    cadre, full = make_cadre(CHANGFA), make_cadre(CHANGFA)
    PairingCap.objects.create(post=cadre.post, cap=1)
    one, two = make_household(CHANGFA), make_household(CHANGFA)
    user = make_user()
    pairing = services.pairing_create(actor=user, cadre=cadre, household=one, start_date=START)
    services.pairing_create(actor=user, cadre=full, household=two, start_date=START)
    with pytest.raises(ValidationError):
        services.pairing_reassign(actor=user, pairing=pairing, cadre=full, day=DAY, reason="r")
    pairing.refresh_from_db()
    assert pairing.end_date is None and Pairing.objects.count() == 2


def test_links_are_created_ended_and_reassigned(client):
    hh = make_household(CHANGFA)
    cadre, other = make_cadre(CHANGFA), make_cadre(CHANGFA)
    client.force_login(make_user(Role.VILLAGE_TEAM, CHANGFA))
    response = client.post(
        reverse("assistance:link_new", args=[hh.pk]),
        {
            "kind": Link.Kind.DEPARTMENT_VILLAGE,
            "area": CHANGFA,
            "cadre": cadre.pk,
            "start_date": "2017-01-01",
        },
    )
    assert response.status_code == 302
    link = Link.objects.get()
    page = client.get(reverse("registry:household_detail", args=[hh.pk])).content.decode()
    assert reverse("assistance:link_end", args=[hh.pk, link.pk]) in page
    response = client.post(
        reverse("assistance:link_reassign", args=[hh.pk, link.pk]),
        {"cadre": other.pk, "start_date": "2017-05-01", "reason": "单位调整"},
    )
    assert response.status_code == 302
    new = Link.objects.get(end_date__isnull=True)
    assert new.cadre == other and new.kind == link.kind and new.area_id == CHANGFA
    response = client.post(
        reverse("assistance:link_end", args=[hh.pk, new.pk]),
        {"end_date": "2017-06-01", "reason": "帮扶期满"},
    )
    assert response.status_code == 302
    assert not Link.objects.filter(end_date__isnull=True).exists()
    assert [e.detail["reason"] for e in _events(services.LINK_ENDED)] == ["单位调整", "帮扶期满"]


def test_a_link_of_the_wrong_level_gives_the_services_message(client):
    hh = make_household(CHANGFA)
    client.force_login(make_user(Role.VILLAGE_TEAM, CHANGFA))
    response = client.post(
        reverse("assistance:link_new", args=[hh.pk]),
        {
            "kind": Link.Kind.LEADER_TOWNSHIP,
            "area": CHANGFA,
            "department": "x",
            "start_date": "2017-01-01",
        },
    )
    assert "领导联系苏木乡镇只能联系苏木乡镇" in response.content.decode()
    assert not Link.objects.exists()


@pytest.mark.parametrize("role,code", [(Role.DEPARTMENT, CHANGFA), (Role.SUPERVISOR, "1522")])
def test_readers_are_refused(client, role, code):
    hh = make_household(CHANGFA)
    cadre = make_cadre(CHANGFA)
    pairing = services.pairing_create(
        actor=make_user(), cadre=cadre, household=hh, start_date=START
    )
    user = make_user(role, code)
    with pytest.raises(PermissionDenied):
        services.pairing_end(actor=user, pairing=pairing, end_date=DAY, reason="r")
    with pytest.raises(PermissionDenied):
        services.pairing_create(actor=user, cadre=make_cadre(CHANGFA), household=hh)
    client.force_login(user)
    for url in (
        reverse("assistance:pairing_new", args=[hh.pk]),
        reverse("assistance:pairing_end", args=[hh.pk, pairing.pk]),
        reverse("assistance:link_new", args=[hh.pk]),
    ):
        assert client.get(url).status_code == 403
    page = client.get(reverse("registry:household_detail", args=[hh.pk])).content.decode()
    assert reverse("assistance:pairing_new", args=[hh.pk]) not in page


def test_another_village_is_out_of_scope(client):
    hh = make_household(CHANGFA)
    user = make_user(Role.VILLAGE_TEAM, HADANALA)
    with pytest.raises(PermissionDenied):
        services.pairing_create(actor=user, cadre=make_cadre(CHANGFA), household=hh)
    client.force_login(user)
    assert client.get(reverse("assistance:pairing_new", args=[hh.pk])).status_code == 404


def test_the_cadre_dropdown_is_searched_and_bounded(client):
    hh = make_household(CHANGFA)
    wanted = make_cadre(CHANGFA, name="乌云其其格")
    other = make_cadre(CHANGFA, name="巴特尔")
    client.force_login(make_user(Role.VILLAGE_TEAM, CHANGFA))
    url = reverse("assistance:pairing_new", args=[hh.pk])
    page = client.get(url, {"q": "其其格"}).content.decode()
    assert f'value="{wanted.pk}"' in page and f'value="{other.pk}"' not in page
    response = client.post(f"{url}?q=其其格", {"cadre": other.pk, "start_date": "2017-01-01"})
    assert response.status_code == 302 and Pairing.objects.get().cadre == other
