"""The navigation's count reuses its statement's text, never its numbers (fupin.inbox.selectors:
building the querysets cost 20–30 ms of every page; bench/README.md, "Many users at once")."""

import pytest

from fupin.accounts.models import Role
from fupin.inbox import selectors
from fupin.notify.models import Notification
from fupin.party.models import MeetingRequirement
from tests.factories import CHANGFA, HADANALA, make_user
from tests.identification.helpers import new_case
from tests.party.helpers import make_org

pytestmark = pytest.mark.django_db


@pytest.fixture
def builds(monkeypatch):
    """The statements built, as (user pk, day) pairs."""
    made = []
    build = selectors._count_statement

    def counted(user, today, reqs):
        made.append((user.pk, today))
        return build(user, today, reqs)

    monkeypatch.setattr(selectors, "_count_statement", counted)
    monkeypatch.setattr(selectors, "_STATEMENTS", {})
    return made


def fresh(user):
    """The user as the next request reads it (its assignments read again)."""
    return type(user).objects.get(pk=user.pk)


def test_the_statement_is_built_once_and_the_rows_are_read_live(
    builds, django_assert_max_num_queries
):
    team = make_user(Role.VILLAGE_TEAM, CHANGFA)
    make_org(CHANGFA, "branch")
    first = selectors.unread_count(fresh(team))
    Notification.objects.create(user=team, kind="x", title="未读")
    new_case(team)
    again = fresh(team)
    again.assignments()  # read once per request by the page already
    with django_assert_max_num_queries(3):  # the as-of day, the requirements, the statement
        assert selectors.unread_count(again) == first + 2
    assert len(builds) == 1


def test_a_new_role_a_new_day_or_new_requirements_build_a_new_statement(builds):
    team = make_user(Role.VILLAGE_TEAM, CHANGFA)
    make_org(CHANGFA, "branch")
    selectors.unread_count(fresh(team))
    selectors.unread_count(fresh(team), today=selectors.as_of().replace(day=1))
    assert len(builds) == 2
    team.role_assignments.create(role=Role.VILLAGE_TEAM, area_id=HADANALA)
    selectors.unread_count(fresh(team))
    assert len(builds) == 3
    before = selectors.unread_count(fresh(team))
    assert MeetingRequirement.objects.update(organization_kinds=[])
    after = selectors.unread_count(fresh(team))
    assert len(builds) == 4
    # No requirement applies to an organisation kind any more: the party items are gone.
    assert after < before


def test_two_users_never_share_a_statement(builds):
    team = make_user(Role.VILLAGE_TEAM, CHANGFA)
    other = make_user(Role.VILLAGE_TEAM, HADANALA)
    new_case(team)
    assert selectors.unread_count(fresh(other)) == 0 < selectors.unread_count(fresh(team))
    assert len(builds) == 2
