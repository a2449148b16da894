"""The demo's cadres signed in: every cadre has a login flagged to change its password, and the
demo pairing cadre is a 长发村 cadre that reads only its own households (docs/cadres.md,
"Accounts"; docs/demo.md)."""

from __future__ import annotations

from django.test import Client

from fupin.accounts.models import Role, User
from fupin.assistance.models import Cadre, Pairing
from fupin.assistance.selectors import active_q
from fupin.core.clock import as_of
from fupin.demo import users as demo_users
from fupin.registry.models import Household, Member
from tests.demo.snapshots import PASSWORD
from tests.factories import CHANGFA


def _demo_cadre() -> Cadre:
    return Cadre.objects.select_related("user").get(user__username=demo_users.PAIRING_LOGIN)


def test_every_demo_cadre_has_a_login_flagged_to_change_its_password(demo, db):
    assert not Cadre.objects.filter(user__isnull=True).exists()
    logins = User.objects.filter(cadre__isnull=False).exclude(
        username__in=demo_users.DEMO_USERNAMES
    )
    assert logins.count() == Cadre.objects.count() - 1
    assert not logins.filter(must_change_password=False).exists()
    one = logins.order_by("pk").first()
    assert one.username == one.cadre.phone and one.check_password(PASSWORD)
    assert one.role_assignments.filter(role=Role.PAIRING_CADRE).exists()


def test_the_demo_pairing_cadre_is_a_changfa_cadre_with_its_households(demo, db):
    cadre = _demo_cadre()
    paired = Pairing.objects.filter(active_q(as_of()), cadre=cadre)
    assert paired.filter(village_id=CHANGFA).count() >= 2
    user = cadre.user
    assert not user.must_change_password and user.full_name == cadre.name
    client = Client()
    client.force_login(user)
    page = client.get("/my/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "未关联帮扶干部" not in text and cadre.name in text


def test_a_pairing_cadre_sees_only_its_own_households(demo, db):
    cadre = _demo_cadre()
    user = User.objects.get(pk=cadre.user_id)
    own = set(
        Pairing.objects.filter(active_q(as_of()), cadre=cadre).values_list(
            "household_id", flat=True
        )
    )
    assert set(Household.objects.accessible_to(user).values_list("pk", flat=True)) == own
    assert set(Member.objects.accessible_to(user).values_list("household_id", flat=True)) == own
    other = Household.objects.filter(village_id=CHANGFA).exclude(pk__in=own).first()
    mine = min(own)
    client = Client()
    client.force_login(user)
    assert client.get(f"/households/{mine}/").status_code == 200
    assert client.get(f"/households/{other.pk}/").status_code == 404
    assert client.get(f"/api/households/{mine}/").status_code == 200
    assert client.get(f"/api/households/{other.pk}/").status_code == 404
    listed = client.get(f"/households/?area={CHANGFA}&q={other.head_name}").content.decode()
    assert other.number not in listed
    assert client.get("/api/households/").json()["count"] == len(own)
    # Its village's figures stay readable.
    assert client.get(f"/areas/{CHANGFA}/").status_code == 200
    # The village team of the same village still sees every household of it.
    team = User.objects.get(username=f"village_team-{CHANGFA}")
    assert Household.objects.accessible_to(team).filter(pk=other.pk).exists()
