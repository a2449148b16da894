"""A household split (分户): the members leave with their rows and history, the new household
gets the next number of the documented format, and both households are assessed."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from fupin.accounts.models import Role
from fupin.assessment.models import HouseholdAssessment
from fupin.registry import changes, codes, rules
from fupin.registry.models import Household, StatusRecord
from tests.factories import CHANGFA, HADANALA, make_user
from tests.registry.forms_helpers import events, form_errors, household, members

pytestmark = pytest.mark.django_db


def test_a_split_household_keeps_its_history_and_both_are_assessed(client):
    hh = household(members=4, number=f"{CHANGFA}0007")
    head, spouse, son, son2 = members(hh)
    before = son.history.count()
    user = make_user(Role.VILLAGE_TEAM, CHANGFA)
    client.force_login(user)
    response = client.post(
        reverse("registry:household_split", args=[hh.pk]),
        {
            "members": [son.pk, son2.pk],
            "new_head": son.pk,
            f"relation_{son2.pk}": codes.Relation.OTHER,
            f"relation_{son.pk}": codes.Relation.SON,
            **{f"relation_{m.pk}": m.relation for m in (head, spouse)},
            "reason": "子女成家分户",
        },
    )
    assert response.status_code == 302, form_errors(response)
    new = Household.objects.exclude(pk=hh.pk).get()
    assert new.number == rules.household_number(CHANGFA, 8)
    assert not rules.check_household_number(new.number, CHANGFA)
    assert response.url == reverse("registry:household_detail", args=[new.pk])
    son.refresh_from_db()
    son2.refresh_from_db()
    assert son.household == new and son.relation == codes.Relation.HEAD
    assert son2.relation == codes.Relation.OTHER
    # The same row: its earlier history stays, and the newest entry names the split.
    assert son.history.count() == before + 1
    assert son.history.first().history_change_reason.startswith(
        f"分户：由 {hh.number} 分出至 {new.number}"
    )
    hh.refresh_from_db()
    assert (hh.members_count, new.members_count, new.head_name) == (2, 2, son.name)
    assert (new.attribute, new.main_cause, new.identified_year) == (
        hh.attribute,
        hh.main_cause,
        hh.identified_year,
    )
    assert StatusRecord.objects.get(household=new, year=2017).members_count == 2
    assessed = HouseholdAssessment.objects.filter(year=2017)
    assert set(assessed.values_list("household_id", flat=True)) == {hh.pk, new.pk}
    assert {a.members_count for a in assessed} == {2}
    (event,) = events(changes.HOUSEHOLD_SPLIT)
    assert event.user == user and event.detail["new_household"] == new.pk


def test_the_head_leaving_needs_a_new_head_for_the_old_household():
    hh = household(members=4)
    head, spouse, son, _ = members(hh)
    kwargs = dict(
        actor=make_user(),
        household=hh,
        leaving=[head, son],
        new_head=head,
        relations={son.pk: codes.Relation.SON},
        reason="分户",
    )
    with pytest.raises(ValidationError) as error:
        changes.household_split(**kwargs)
    assert error.value.message_dict == {"old_head": [str(changes.MSG_SPLIT_OLD_HEAD)]}
    new = changes.household_split(**kwargs, old_head=spouse)
    spouse.refresh_from_db()
    assert spouse.relation == codes.Relation.HEAD and new.head_name == head.name


def test_two_heads_in_the_new_household_give_the_imports_message():
    hh = household(members=4)
    _head, _spouse, son, son2 = members(hh)
    with pytest.raises(ValidationError) as error:
        changes.household_split(
            actor=make_user(),
            household=hh,
            leaving=[son, son2],
            new_head=son,
            relations={son2.pk: codes.Relation.HEAD},
            reason="分户",
        )
    assert error.value.message_dict["relation"] == [str(rules.MSG_MANY_HEADS % {"count": 2})]
    assert Household.objects.count() == 1 and not events(changes.HOUSEHOLD_SPLIT)


def test_all_members_cannot_leave():
    hh = household(members=2)
    with pytest.raises(ValidationError) as error:
        changes.household_split(
            actor=make_user(),
            household=hh,
            leaving=members(hh),
            new_head=members(hh)[0],
            relations={},
            reason="r",
        )
    assert error.value.message_dict == {"members": [str(changes.MSG_SPLIT_ALL)]}


@pytest.mark.parametrize(
    "role,code",
    [(Role.DEPARTMENT, CHANGFA), (Role.SUPERVISOR, "1522"), (Role.VILLAGE_TEAM, HADANALA)],
)
def test_readers_and_other_villages_are_refused(client, role, code):
    hh = household(members=4)
    son = members(hh)[2]
    user = make_user(role, code)
    with pytest.raises(PermissionDenied):
        changes.household_split(
            actor=user, household=hh, leaving=[son], new_head=son, relations={}, reason="r"
        )
    client.force_login(user)
    status = client.get(reverse("registry:household_split", args=[hh.pk])).status_code
    assert status == (404 if code == HADANALA else 403)
    assert Household.objects.count() == 1
