"""Changes of members: a birth or marriage adds a member checked by the import's rules; a death,
marriage out or move closes the member (the row stays, with its history); the head rules hold."""

import datetime
import io

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from fupin.accounts.models import Role
from fupin.registry import changes, codes, rules
from fupin.registry.exporting import export_members, export_readable
from fupin.registry.models import Household, Member, StatusRecord
from tests.factories import CHANGFA, HADANALA, make_user
from tests.registry.forms_helpers import events, form_errors, household, members, new_person

pytestmark = pytest.mark.django_db
DAY = datetime.date(2017, 5, 1)


def test_a_birth_adds_a_member_with_history_and_counts(client):
    hh = household()
    user = make_user(Role.VILLAGE_TEAM, CHANGFA)
    client.force_login(user)
    person = new_person()
    data = {**{k: v for k, v in person.items() if v is not None}, "kind": "birth"}
    data.update(date="2017-03-05", reason="新生儿落户", medical_insurance="on")
    response = client.post(reverse("registry:member_join", args=[hh.pk]), data)
    assert response.status_code == 302, form_errors(response)
    baby = Member.objects.get(id_number=person["id_number"])
    assert baby.household == hh and baby.birth_date == datetime.date(2017, 3, 1)
    assert baby.history.first().history_change_reason == "出生 2017-03-05：新生儿落户"
    hh.refresh_from_db()
    assert hh.members_count == 4
    assert StatusRecord.objects.get(household=hh, year=2017).members_count == 4
    (event,) = events(changes.MEMBER_JOINED)
    assert event.user == user and event.detail["kind"] == "birth"


def test_a_second_head_gives_the_imports_message():
    hh = household()
    with pytest.raises(ValidationError) as error:
        changes.member_join(
            actor=make_user(),
            household=hh,
            kind="marriage_in",
            day=DAY,
            fields=new_person(codes.Relation.HEAD, datetime.date(1990, 1, 1), labour="ordinary"),
            reason="婚入",
        )
    assert error.value.message_dict["relation"] == [str(rules.MSG_MANY_HEADS % {"count": 2})]
    assert hh.members.count() == 3 and not events(changes.MEMBER_JOINED)


def test_a_person_of_another_household_gives_the_imports_message():
    hh, other = household(), household()
    taken = members(other)[1].id_number
    with pytest.raises(ValidationError) as error:
        changes.member_join(
            actor=make_user(),
            household=hh,
            kind="marriage_in",
            day=DAY,
            fields=new_person(codes.Relation.DAUGHTER_IN_LAW, id_number=taken),
            reason="婚入",
        )
    expected = rules.MSG_ID_OTHER_HOUSEHOLD % {"id_number": taken, "other": other.number}
    assert str(expected) in error.value.message_dict["id_number"]


def test_a_death_closes_the_member_and_keeps_the_row():
    hh = household()
    spouse = members(hh)[1]
    user = make_user()
    changes.member_leave(actor=user, member=spouse, kind="death", day=DAY, reason="病故")
    spouse.refresh_from_db()
    assert spouse.left_on == DAY and spouse.left_reason == Member.Leave.DEATH
    assert spouse.history.first().history_change_reason == "死亡 2017-05-01：病故"
    hh.refresh_from_db()
    assert hh.members_count == 2 and hh.members.count() == 3
    assert events(changes.MEMBER_LEFT)[0].detail["kind"] == "death"
    with pytest.raises(ValidationError):
        changes.member_leave(actor=user, member=spouse, kind="death", day=DAY, reason="again")
    # The exports show the household as it is now, so a re-import does not bring her back.
    households = Household.objects.filter(pk=hh.pk)
    sheet = export_members(households, "csv")[0].decode("utf-8-sig")
    assert spouse.id_number not in sheet and members(hh)[0].id_number in sheet
    readable = openpyxl.load_workbook(io.BytesIO(export_readable(households)[0]))
    cells = {str(c.value) for ws in readable.worksheets for row in ws.iter_rows() for c in row}
    assert spouse.name not in cells and members(hh)[0].name in cells


def test_a_heads_death_asks_for_the_new_head(client):
    hh = household()
    head, spouse, _son = members(hh)
    client.force_login(make_user())
    url = reverse("registry:member_leave", args=[head.pk])
    response = client.post(url, {"kind": "death", "date": "2017-05-01", "reason": "病故"})
    assert str(changes.MSG_NEW_HEAD) in form_errors(response)
    head.refresh_from_db()
    assert head.left_on is None
    response = client.post(
        url, {"kind": "death", "date": "2017-05-01", "reason": "病故", "new_head": spouse.pk}
    )
    assert response.status_code == 302
    spouse.refresh_from_db()
    hh.refresh_from_db()
    assert spouse.relation == codes.Relation.HEAD and hh.head_name == spouse.name


def test_marriage_out_then_in_moves_the_same_row():
    first, second = household(), household()
    son = members(first)[2]
    user = make_user()
    changes.member_leave(actor=user, member=son, kind="marriage_out", day=DAY, reason="出嫁")
    fields = new_person(codes.Relation.SON_IN_LAW, id_number=son.id_number, name=son.name)
    fields.update(labour=codes.Labour.ORDINARY, school_status=codes.SchoolStatus.NONE)
    moved = changes.member_join(
        actor=user, household=second, kind="marriage_in", day=DAY, fields=fields, reason="入赘"
    )
    assert moved.pk == son.pk and moved.household == second and moved.left_on is None
    assert son.history.count() >= 3


def test_a_future_date_gives_the_sheets_message():
    hh = household()
    with pytest.raises(ValidationError) as error:
        changes.member_leave(
            actor=make_user(),
            member=members(hh)[2],
            kind="moved_away",
            day=datetime.date(2017, 7, 1),
            reason="r",
        )
    assert "日期不能晚于 2017-06-30" in error.value.message_dict["date"][0]


@pytest.mark.parametrize(
    "role,code",
    [(Role.DEPARTMENT, CHANGFA), (Role.SUPERVISOR, "1522"), (Role.VILLAGE_TEAM, HADANALA)],
)
def test_readers_and_other_villages_are_refused(role, code):
    hh = household()
    user = make_user(role, code)
    with pytest.raises(PermissionDenied):
        changes.member_leave(actor=user, member=members(hh)[2], kind="death", day=DAY, reason="r")
    with pytest.raises(PermissionDenied):
        changes.member_join(
            actor=user, household=hh, kind="birth", day=DAY, fields=new_person(), reason="r"
        )
    assert not events(changes.MEMBER_LEFT) and not events(changes.MEMBER_JOINED)
