"""The navigation's table (fupin.accounts.menu): every entry names a page, each role is shown
what it can use, and a refusal is a Chinese page inside the layout."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from fupin.accounts import menu
from fupin.accounts.actions import Action
from fupin.accounts.models import Role
from tests.factories import CHANGFA, make_user

ALL_URLS = {entry.url for entry in menu.entries()}


def urls(items) -> set[str]:
    out = set()
    for item in items:
        if item is None:
            continue
        if item.children:
            out |= urls(item.children)
        else:
            out.add(item.url_name)
    return out


def test_every_entry_names_a_page_once():
    names = [entry.url for entry in menu.entries()]
    assert len(names) == len(set(names))
    for name in names:
        reverse(name)


def test_a_visitor_sees_only_the_public_notices():
    assert urls(menu.menu_for(AnonymousUser())) == {"notices:index"}


@pytest.mark.django_db
def test_a_superuser_sees_every_entry():
    admin = make_user(Role.LEAGUE_HQ, "1522", is_superuser=True)
    assert urls(menu.menu_for(admin)) == ALL_URLS


# The entries a role must not see: the pages of writes it cannot take, and the import pages.
HIDDEN = {
    Role.LEAGUE_HQ: {"fieldwork:visit-new", "fieldwork:checkin"},
    Role.COUNTY_OFFICE: {"fieldwork:visit-new", "fieldwork:checkin"},
    Role.TOWNSHIP_OFFICER: {"fieldwork:visit-new", "fieldwork:checkin"},
    Role.VILLAGE_TEAM: {"assistance:pairing_import", "registry:import_upload"},
    Role.PAIRING_CADRE: {"assistance:pairing_import", "registry:import_upload"},
    Role.DEPARTMENT: {
        "assistance:pairing_import",
        "registry:import_upload",
        "fieldwork:visit-new",
        "fieldwork:checkin",
    },
    Role.SUPERVISOR: {
        "assistance:pairing_import",
        "registry:import_upload",
        "fieldwork:visit-new",
        "fieldwork:checkin",
    },
    Role.ORGANIZATION: {
        "assistance:pairing_import",
        "registry:import_upload",
        "fieldwork:visit-new",
        "fieldwork:checkin",
    },
}
# The department lists are imported by league HQ and the county offices only.
for _role in set(HIDDEN) - {Role.LEAGUE_HQ, Role.COUNTY_OFFICE}:
    HIDDEN[_role] = HIDDEN[_role] | {"quality:lists"}
# The data-quality page is for the levels that steer the checking: league HQ, county, township.
for _role in set(Role) - {Role.LEAGUE_HQ, Role.COUNTY_OFFICE, Role.TOWNSHIP_OFFICER}:
    HIDDEN[_role] = HIDDEN[_role] | {"dataquality:page"}
# The 回头看 round: the levels that open it and the village teams that visit its households.
for _role in set(Role) - {
    Role.LEAGUE_HQ,
    Role.COUNTY_OFFICE,
    Role.TOWNSHIP_OFFICER,
    Role.VILLAGE_TEAM,
}:
    HIDDEN[_role] = HIDDEN[_role] | {"review:rounds"}


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role))
def test_each_role_sees_what_it_can_use(role):
    code = {Role.LEAGUE_HQ: "1522", Role.SUPERVISOR: "1522", Role.ORGANIZATION: "1522"}.get(
        role, CHANGFA
    )
    user = make_user(role, code)
    assert urls(menu.menu_for(user)) == ALL_URLS - HIDDEN[role]


def test_an_entry_of_a_write_follows_the_table_of_writes():
    by_url = {entry.url: entry for entry in menu.entries()}
    assert by_url["fieldwork:visit-new"].action == Action.VISIT_RECORD
    assert by_url["fieldwork:checkin"].action == Action.CHECK_IN_RECORD


def test_dividers_are_dropped_at_a_groups_edges():
    group = menu.Group(
        "g",
        (
            None,
            menu.Entry("a", "areas:home"),
            None,
            None,
            menu.Entry("b", "fieldwork:visit-new", action=Action.VISIT_RECORD),
            None,
        ),
    )
    admin_like = type("U", (), {"is_authenticated": True, "is_superuser": True})()
    items = menu.menu_for(admin_like, (group,))
    assert [c.url_name if c else None for c in items[0].children] == [
        "areas:home",
        None,
        "fieldwork:visit-new",
    ]


@pytest.mark.django_db
def test_the_navigation_is_drawn_from_the_table(client):
    user = make_user(Role.SUPERVISOR, "152223")
    client.force_login(user)
    page = client.get(reverse("notices:index")).content.decode()
    assert reverse("fieldwork:visit-new") not in page
    assert reverse("registry:import_upload") not in page
    assert reverse("fieldwork:concerns") in page


@pytest.mark.django_db
def test_a_refusal_is_a_chinese_page_in_the_layout(client):
    user = make_user(Role.SUPERVISOR, "152223")
    client.force_login(user)
    response = client.get(reverse("registry:import_upload"))
    assert response.status_code == 403
    page = response.content.decode()
    assert 'id="nav-menu"' in page
    assert "没有权限" in page and "您没有导入贫困户数据的权限" in page
    assert "系统管理员" in page


@pytest.mark.django_db
def test_a_refusal_in_english(client):
    user = make_user(Role.SUPERVISOR, "152223")
    client.force_login(user)
    client.cookies["django_language"] = "en"
    response = client.get(reverse("registry:import_upload"))
    assert response.status_code == 403
    page = response.content.decode()
    assert "Not allowed" in page and "system administrator" in page


@pytest.mark.django_db  # every page reads whether data are still being built
def test_permission_denied_without_a_message_says_why(rf):
    from fupin.core.api_errors import permission_denied

    request = rf.get("/somewhere/")
    request.user = AnonymousUser()
    response = permission_denied(request, PermissionDenied())
    assert response.status_code == 403
    assert "您的角色不能打开此页面或进行此操作。" in response.content.decode()
