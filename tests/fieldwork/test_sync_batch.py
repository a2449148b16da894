"""Visits synced in batches (docs/api.md "Batches"): ``visits_log_many`` gives the answers of
``visit_log`` item by item, in a number of queries that does not grow with the batch, and
``POST /api/visits/`` with a JSON list answers each item on its own."""

from __future__ import annotations

import datetime
import json
import uuid

import pytest
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import transaction

from fupin.areas.models import PeriodClose
from fupin.assistance.models import Cadre, Pairing
from fupin.core.models import AuditEvent
from fupin.fieldwork import services
from fupin.fieldwork.models import Visit
from fupin.fieldwork.permissions import linked_cadre
from fupin.registry.models import Household
from tests.factories import CHANGFA, ZHALAITE, make_household
from tests.fieldwork.test_field_api import Field, post

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2017, 6, 30)
START = datetime.date(2017, 1, 1)


@pytest.fixture
def field():
    return Field()


def _norm_error(error: Exception) -> tuple:
    if isinstance(error, ValidationError):
        keys = sorted(error.message_dict) if hasattr(error, "error_dict") else ["detail"]
        return ("invalid", *keys)
    # The API answers 403 or 404; either way the visit is refused and nothing is written.
    assert isinstance(error, PermissionDenied | ObjectDoesNotExist)
    return ("refused",)


def _norm_visit(visit: Visit) -> tuple:
    state = "replayed" if getattr(visit, "replayed", False) else "created"
    return (state, str(visit.uuid), visit.visited_on, tuple(visit.flag_list))


def _one_by_one(user, items) -> list[tuple]:
    answers = []
    for item in items:
        household = Household.objects.get(pk=item.household)
        cadre = Cadre.objects.get(pk=item.cadre) if item.cadre else linked_cadre(user)
        try:
            visit = services.visit_log(
                user=user,
                cadre=cadre,
                household=household,
                visited_on=item.visited_on,
                kind=item.kind,
                content=item.content,
                backdate_reason=item.backdate_reason,
                uuid=item.uuid,
            )
        except (ValidationError, PermissionDenied, ObjectDoesNotExist) as error:
            answers.append(_norm_error(error))
        else:
            answers.append(_norm_visit(visit))
    return answers


def _as_batch(user, items) -> list[tuple]:
    outcomes = services.visits_log_many(user=user, items=items)
    assert [o.uuid for o in outcomes] == [i.uuid for i in items]
    return [_norm_error(o.error) if o.error else _norm_visit(o.visit) for o in outcomes]


def _rolled_back(run, user, items) -> tuple[list[tuple], int, int]:
    """The answers, the visits and the audit events written, then undone."""
    with transaction.atomic():
        answers = run(user, items)
        written = (Visit.objects.count(), AuditEvent.objects.filter(action="visit.logged").count())
        transaction.set_rollback(True)
    return answers, *written


def item(field, **extra) -> services.VisitItem:
    values = {"uuid": uuid.uuid4(), "household": field.household.pk, "cadre": field.cadre.pk}
    return services.VisitItem(**{**values, **extra})


def _other_household(field) -> Household:
    other = make_household(CHANGFA)
    someone = Cadre.objects.create(
        name="别人", area_id=CHANGFA, unit="单位", post=Cadre.Post.DEPARTMENT_CADRE
    )
    Pairing.objects.create(cadre=someone, household=other, village_id=CHANGFA, start_date=TODAY)
    return other


def case_allowed(field):
    return "pairing", [item(field, content="了解春耕")]


def case_own_cadre_by_default(field):
    return "pairing", [item(field, cadre=None)]


def case_village_team(field):
    return "village", [item(field)]


def case_other_cadres_household(field):
    return "pairing", [item(field, household=_other_household(field).pk)]


def case_other_cadres_household_by_the_village_team(field):
    return "village", [item(field, household=_other_household(field).pk)]


def case_read_only_role(field):
    return "department", [item(field)]


def case_30_days_back_without_reason(field):
    return "pairing", [item(field, visited_on=TODAY - datetime.timedelta(days=30))]


def case_3_days_back_without_reason(field):
    return "pairing", [item(field, visited_on=TODAY - datetime.timedelta(days=3))]


def case_backdated_with_reason(field):
    day = TODAY - datetime.timedelta(days=3)
    return "pairing", [item(field, visited_on=day, backdate_reason="山区无信号")]


def case_future(field):
    return "pairing", [item(field, visited_on=TODAY + datetime.timedelta(days=1))]


def case_closed_month(field):
    PeriodClose.objects.create(
        kind=PeriodClose.Kind.FIELDWORK_MONTH, area_id=ZHALAITE, period="2017-06"
    )
    return "pairing", [item(field)]


def case_another_countys_closed_month(field):
    PeriodClose.objects.create(
        kind=PeriodClose.Kind.FIELDWORK_MONTH, area_id="152201", period="2017-06"
    )
    return "pairing", [item(field)]


def case_same_uuid_twice(field):
    sent = item(field)
    services.visits_log_many(user=field.users["pairing"], items=[sent])
    return "pairing", [item(field, uuid=sent.uuid, content="改过的内容")]


def case_same_uuid_twice_in_one_batch(field):
    first = item(field)
    return "pairing", [first, item(field, uuid=first.uuid), item(field)]


def case_same_uuid_after_a_refusal_in_one_batch(field):
    first = item(field, visited_on=TODAY - datetime.timedelta(days=30))
    return "pairing", [first, item(field, uuid=first.uuid)]


def case_pairing_ended(field):
    Pairing.objects.filter(cadre=field.cadre).update(end_date=TODAY - datetime.timedelta(days=2))
    # The village team: the pairing cadre's own scope holds only today's paired households.
    return "village", [
        item(field, visited_on=TODAY - datetime.timedelta(days=3), backdate_reason="补"),
        item(field),
    ]


CASES = {
    name.removeprefix("case_"): function
    for name, function in dict(globals()).items()
    if name.startswith("case_")
}
EXPECTED = {
    "allowed": [("created",)],
    "own_cadre_by_default": [("created",)],
    "village_team": [("created",)],
    "other_cadres_household": [("refused",)],
    "other_cadres_household_by_the_village_team": [("refused",)],
    "read_only_role": [("refused",)],
    "30_days_back_without_reason": [("invalid", "visited_on")],
    "3_days_back_without_reason": [("invalid", "backdate_reason")],
    "backdated_with_reason": [("created", ("backdated",))],
    "future": [("invalid", "visited_on")],
    "closed_month": [("invalid", "detail")],
    "another_countys_closed_month": [("created",)],
    "same_uuid_twice": [("replayed",)],
    "same_uuid_twice_in_one_batch": [("created",), ("replayed",), ("created",)],
    "same_uuid_after_a_refusal_in_one_batch": [("invalid", "visited_on"), ("created",)],
    "pairing_ended": [("created", ("backdated",)), ("refused",)],
}


def _shape(answer: tuple) -> tuple:
    if answer[0] in ("created", "replayed"):
        return (answer[0], answer[3]) if answer[3] else (answer[0],)
    return answer


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_batch_answers_as_visit_log_one_by_one(field, name):
    who, items = CASES[name](field)
    user = field.users[who]
    before = Visit.objects.count()
    before_events = AuditEvent.objects.filter(action="visit.logged").count()
    single, single_visits, single_events = _rolled_back(_one_by_one, user, items)
    batch, batch_visits, batch_events = _rolled_back(_as_batch, user, items)
    assert batch == single
    assert (batch_visits, batch_events) == (single_visits, single_events)
    assert [_shape(answer) for answer in batch] == EXPECTED[name]
    created = sum(answer[0] == "created" for answer in batch)
    assert batch_visits == before + created
    assert batch_events == before_events + created


def _households(field, n: int) -> list[Household]:
    households = [make_household(CHANGFA, members=1) for _ in range(n)]
    Pairing.objects.bulk_create(
        Pairing(cadre=field.cadre, household=h, village_id=CHANGFA, start_date=START)
        for h in households
    )
    return households


def _items(households, **extra) -> list[services.VisitItem]:
    return [
        services.VisitItem(uuid=uuid.uuid4(), household=h.pk, content="走访", **extra)
        for h in households
    ]


# Stored uuids, their photos, households, cadres (own), pairings, closes, the savepoints,
# the inserts (SQLite splits 100 visits in two), the audit events.
MAX_QUERIES = 13


@pytest.mark.parametrize("size", [1, 10, 100])
def test_a_batch_takes_a_fixed_number_of_queries(field, django_assert_max_num_queries, size):
    households = _households(field, size)
    user = field.users["pairing"]
    items = _items(households, backdate_reason="补", visited_on=TODAY - datetime.timedelta(1))
    with django_assert_max_num_queries(MAX_QUERIES):
        outcomes = services.visits_log_many(user=user, items=items)
    assert all(o.visit is not None and o.visit.pk for o in outcomes)
    with django_assert_max_num_queries(MAX_QUERIES):
        again = services.visits_log_many(user=user, items=items)
    assert all(getattr(o.visit, "replayed", False) for o in again)
    assert Visit.objects.count() == size


@pytest.mark.parametrize("size", [2, 100])
def test_the_api_takes_a_fixed_number_of_queries(
    client, field, django_assert_max_num_queries, size
):
    households = _households(field, size)
    bodies = [{"uuid": str(uuid.uuid4()), "household": h.pk, "content": "走访"} for h in households]
    field.header("pairing")
    with django_assert_max_num_queries(MAX_QUERIES + 6):
        response = post(client, field, "pairing", "/api/visits/", bodies)
    assert response.status_code == 200
    assert {item["status"] for item in response.json()} == {201}
    with django_assert_max_num_queries(MAX_QUERIES + 6):
        response = post(client, field, "pairing", "/api/visits/", bodies)
    assert {item["status"] for item in response.json()} == {200}


def test_the_api_answers_each_item_on_its_own(client, field):
    mine = {"uuid": str(uuid.uuid4()), "household": field.household.pk, "content": "走访"}
    late = {**mine, "uuid": str(uuid.uuid4()), "visited_on": "2017-05-01"}
    no_uuid = {"household": field.household.pk}
    elsewhere = {"uuid": str(uuid.uuid4()), "household": 999_999}
    response = post(client, field, "pairing", "/api/visits/", [mine, late, no_uuid, elsewhere])
    assert response.status_code == 200
    answers = response.json()
    assert [a["status"] for a in answers] == [201, 400, 400, 404]
    assert [a["uuid"] for a in answers] == [mine["uuid"], late["uuid"], None, elsewhere["uuid"]]
    assert answers[0]["visit"]["uuid"] == mine["uuid"]
    assert answers[0]["errors"] is None
    assert "visited_on" in answers[1]["errors"]
    assert "uuid" in answers[2]["errors"]
    assert answers[3]["visit"] is None and answers[3]["errors"]["detail"]
    assert Visit.objects.count() == 1
    again = post(client, field, "pairing", "/api/visits/", [mine])
    assert [a["status"] for a in again.json()] == [200]
    assert again.json()[0]["visit"]["id"] == answers[0]["visit"]["id"]
    # The single object form is unchanged.
    single = post(client, field, "pairing", "/api/visits/", mine)
    assert single.status_code == 200 and single.json()["id"] == answers[0]["visit"]["id"]


def test_a_fresh_visit_is_answered_as_the_serializer_answers_the_stored_one(client, field):
    from fupin.fieldwork.serializers import VisitSerializer

    today = {"uuid": str(uuid.uuid4()), "household": field.household.pk, "content": "走访"}
    late = {
        "uuid": str(uuid.uuid4()),
        "household": field.household.pk,
        "visited_on": str(TODAY - datetime.timedelta(days=1)),
        "backdate_reason": "无信号，次日补录",
        "kind": "phone",
    }
    answers = post(client, field, "pairing", "/api/visits/", [today, late]).json()
    assert [a["status"] for a in answers] == [201, 201]
    for answer in answers:
        stored = VisitSerializer(Visit.objects.get(uuid=answer["uuid"])).data
        assert answer["visit"] == json.loads(json.dumps(stored))
    assert answers[1]["visit"]["flags"] == ["backdated"]


def test_a_batch_over_the_limit_is_refused(client, field, settings):
    settings.FUPIN_SYNC_BATCH_MAX = 2
    bodies = [{"uuid": str(uuid.uuid4()), "household": field.household.pk} for _ in range(3)]
    response = post(client, field, "pairing", "/api/visits/", bodies)
    assert response.status_code == 400
    assert "2" in response.json()["detail"]
    assert not Visit.objects.exists()


def test_a_read_only_role_is_refused_item_by_item(client, field):
    body = {"uuid": str(uuid.uuid4()), "household": field.household.pk}
    response = post(client, field, "department", "/api/visits/", [body])
    assert [a["status"] for a in response.json()] == [403]
    assert not Visit.objects.exists()


def test_a_uuid_stored_meanwhile_by_another_request_is_answered_as_stored(field, monkeypatch):
    items = [item(field), item(field)]
    real = services._create_many

    def racing(model, rows):
        # Another phone's request stores the first uuid between the look-up and the insert.
        Visit.objects.create(
            uuid=rows[0].uuid,
            cadre=field.cadre,
            household=field.household,
            village_id=CHANGFA,
            visited_on=TODAY,
        )
        return real(model, rows)

    monkeypatch.setattr(services, "_create_many", racing)
    outcomes = services.visits_log_many(user=field.users["pairing"], items=items)
    assert [getattr(o.visit, "replayed", False) for o in outcomes] == [True, False]
    assert all(o.error is None and o.visit.pk for o in outcomes)
    assert Visit.objects.count() == 2
    assert AuditEvent.objects.filter(action="visit.logged").count() == 1


def test_a_batch_leaves_the_audit_events_visit_log_leaves(field):
    user = field.users["pairing"]
    [one] = services.visits_log_many(user=user, items=[item(field)])
    [event] = AuditEvent.objects.filter(action="visit.logged")
    single = services.visit_log(
        user=user, cadre=field.cadre, household=field.household, uuid=uuid.uuid4()
    )
    [other] = AuditEvent.objects.filter(action="visit.logged", target=str(single.pk))
    assert (event.user_id, event.target, event.detail) == (user.pk, str(one.visit.pk), other.detail)
    assert event.at is not None and event.detail == {"village": CHANGFA}
