"""The field API (docs/api.md "Field work"): every write endpoint role by role, the pairing and
date rules, idempotency on the client's uuid, the photos' evidence and the geofence."""

from __future__ import annotations

import datetime
import hashlib
import uuid
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError

from fupin.accounts.models import Role
from fupin.accounts.tokens import token_create
from fupin.areas.models import Area
from fupin.assistance.models import Cadre, Pairing
from fupin.core.models import AuditEvent
from fupin.fieldwork import services
from fupin.fieldwork.models import CheckIn, Concern, Photo, Visit
from fupin.fieldwork.selectors import month_window, residents_under
from tests.factories import CHANGFA, LEAGUE, YINDEER, ZHALAITE, make_household, make_user

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = D(2017, 6, 30)
# A tiny valid JPEG header is enough: the server checks the type by its first bytes.
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 60
PNG = b"\x89PNG\r\n\x1a\n" + b"\x01" * 60

# The role of each row and the area it holds it over (along 长发村's chain).
ROLES = {
    "pairing": (Role.PAIRING_CADRE, CHANGFA),
    "village": (Role.VILLAGE_TEAM, CHANGFA),
    "township": (Role.TOWNSHIP_OFFICER, YINDEER),
    "county": (Role.COUNTY_OFFICE, ZHALAITE),
    "hq": (Role.LEAGUE_HQ, LEAGUE),
    "department": (Role.DEPARTMENT, CHANGFA),
    "supervisor": (Role.SUPERVISOR, ZHALAITE),
}


class Field:
    """长发村 with a household, its pairing cadre (signed in as himself), a first secretary
    in the village team, and one login of each role."""

    def __init__(self):
        self.household = make_household(CHANGFA)
        self.users = {name: make_user(role, code) for name, (role, code) in ROLES.items()}
        self.cadre = Cadre.objects.create(
            name="姜春林",
            area_id=CHANGFA,
            unit="扎赉特旗农牧业局",
            post=Cadre.Post.DEPARTMENT_CADRE,
            phone="13800000001",
            user=self.users["pairing"],
        )
        self.secretary = Cadre.objects.create(
            name="郑亚辉",
            area_id=CHANGFA,
            unit="团盟委",
            post=Cadre.Post.FIRST_SECRETARY,
            user=self.users["village"],
        )
        Pairing.objects.create(
            cadre=self.cadre, household=self.household, village_id=CHANGFA, start_date=D(2017, 1, 1)
        )
        self.tokens: dict[str, str] = {}

    def header(self, who: str) -> dict:
        if who not in self.tokens:
            self.tokens[who] = token_create(user=self.users[who], device="test")[1]
        return {"HTTP_AUTHORIZATION": f"Token {self.tokens[who]}"}


@pytest.fixture
def field():
    return Field()


def post(client, field, who, path, data):
    return client.post(path, data, content_type="application/json", **field.header(who))


def visit_body(field, **extra):
    return {
        "uuid": str(uuid.uuid4()),
        "household": field.household.pk,
        "cadre": field.cadre.pk,
        "kind": "home",
        "content": "了解春耕",
        **extra,
    }


def upload(client, field, who, record_uuid, data=JPEG, sha=None):
    return client.post(
        "/api/photos/",
        {
            "file": SimpleUploadedFile("p.jpg", data, content_type="image/jpeg"),
            "record_uuid": str(record_uuid),
            "sha256": sha or hashlib.sha256(data).hexdigest(),
        },
        **field.header(who),
    )


def _visit_row(field, **extra):
    return services.visit_log(
        user=field.users["pairing"],
        cadre=field.cadre,
        household=field.household,
        uuid=uuid.uuid4(),
        **extra,
    )


# -------------------------------------------------------------------- one row per role and write

# fmt: off
TABLE = {
    #              pairing village township county  hq  department supervisor
    "visits":    (  201,    201,    403,     403,   403,   403,       403),
    "checkins":  (  201,    201,    403,     403,   403,   403,       403),
    "concerns":  (  201,    201,    201,     201,   201,   201,       403),
    "photos":    (  201,    201,    403,     403,   403,   403,       403),
}
# fmt: on
CASES = [
    (endpoint, who, expected)
    for endpoint, row in TABLE.items()
    for who, expected in zip(ROLES, row, strict=True)
]


@pytest.mark.parametrize(("endpoint", "who", "expected"), CASES)
def test_every_write_as_every_role(client, field, endpoint, who, expected):
    if endpoint == "visits":
        response = post(client, field, who, "/api/visits/", visit_body(field))
        written = Visit.objects.count()
    elif endpoint == "checkins":
        body = {"uuid": str(uuid.uuid4()), "village": CHANGFA, "lat": 46.7, "lon": 122.9}
        response = post(client, field, who, "/api/checkins/", body)
        written = CheckIn.objects.count()
    elif endpoint == "concerns":
        body = {"uuid": str(uuid.uuid4()), "household": field.household.pk, "text": "屋顶漏雨"}
        response = post(client, field, who, "/api/concerns/", body)
        written = Concern.objects.count()
    else:
        visit = _visit_row(field)
        response = upload(client, field, who, visit.uuid)
        written = Photo.objects.count()
    assert response.status_code == expected, response.content
    assert written == (1 if expected == 201 else 0)


# --------------------------------------------------------------------------------- the rules


def test_a_visit_for_another_cadres_household_is_refused(client, field):
    other = make_household(CHANGFA)
    someone = Cadre.objects.create(
        name="别人", area_id=CHANGFA, unit="单位", post=Cadre.Post.DEPARTMENT_CADRE
    )
    Pairing.objects.create(cadre=someone, household=other, village_id=CHANGFA, start_date=TODAY)
    # A pairing cadre's scope holds only its own households (fupin.areas.scope): another's is
    # not found, as any record outside a user's scope.
    mine = visit_body(field, household=other.pk)
    del mine["cadre"]
    assert post(client, field, "pairing", "/api/visits/", mine).status_code == 404
    as_other = visit_body(field, household=other.pk, cadre=someone.pk)
    assert post(client, field, "pairing", "/api/visits/", as_other).status_code == 404
    assert not Visit.objects.exists()


def test_the_pairing_cadre_records_as_himself_by_default(client, field):
    body = visit_body(field)
    del body["cadre"]
    response = post(client, field, "pairing", "/api/visits/", body)
    assert response.status_code == 201
    assert response.json()["cadre"] == field.cadre.pk


def test_a_visit_dated_30_days_ago_without_a_reason_is_refused(client, field):
    body = visit_body(field, visited_on=str(TODAY - datetime.timedelta(days=30)))
    response = post(client, field, "pairing", "/api/visits/", body)
    assert response.status_code == 400
    assert "走访日期" in response.json()["visited_on"][0]
    assert not Visit.objects.exists()


def test_a_backdated_visit_with_a_reason_is_flagged(client, field):
    body = visit_body(field, visited_on="2017-06-27", backdate_reason="山区无信号")
    response = post(client, field, "pairing", "/api/visits/", body)
    assert response.status_code == 201
    assert response.json()["flags"] == ["backdated"]
    assert response.json()["backdated"] is True
    body = visit_body(field, visited_on="2017-06-27")
    assert "backdate_reason" in post(client, field, "pairing", "/api/visits/", body).json()


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/visits/", lambda f: visit_body(f)),
        ("/api/checkins/", lambda f: {"uuid": str(uuid.uuid4()), "lat": 46.7, "lon": 122.9}),
        ("/api/concerns/", lambda f: {"uuid": str(uuid.uuid4()), "village": CHANGFA, "text": "路"}),
    ],
)
def test_the_same_uuid_twice_writes_one_record(client, field, path, body):
    sent = body(field)
    first = post(client, field, "pairing", path, sent)
    assert first.status_code == 201, first.content
    events = AuditEvent.objects.count()
    again = post(client, field, "pairing", path, {**sent, "note": "改了", "content": "改了"})
    assert again.status_code == 200
    assert again.json() == first.json()
    assert AuditEvent.objects.count() == events
    model = {"/api/visits/": Visit, "/api/checkins/": CheckIn, "/api/concerns/": Concern}[path]
    assert model.objects.count() == 1


def test_a_uuid_stored_by_a_concurrent_request_returns_that_record(field, monkeypatch):
    first = _visit_row(field)
    # The second request looked before the first one committed: the unique uuid answers.
    monkeypatch.setattr(services, "_replay", lambda *args: None)
    again = services.visit_log(
        user=field.users["pairing"], cadre=field.cadre, household=field.household, uuid=first.uuid
    )
    assert again.pk == first.pk and again.replayed
    assert Visit.objects.count() == 1


def test_the_unique_uuid_is_the_databases(field):
    row = _visit_row(field)
    with pytest.raises(IntegrityError):
        Visit.objects.create(
            uuid=row.uuid,
            cadre=field.cadre,
            household=field.household,
            village_id=CHANGFA,
            visited_on=TODAY,
        )


def test_one_check_in_per_cadre_and_day(client, field):
    body = {"uuid": str(uuid.uuid4()), "lat": 46.7, "lon": 122.9}
    assert post(client, field, "pairing", "/api/checkins/", body).status_code == 201
    second = {**body, "uuid": str(uuid.uuid4())}
    response = post(client, field, "pairing", "/api/checkins/", second)
    assert response.status_code == 400
    assert response.json()["day"] == ["今天已经打过卡"]
    assert CheckIn.objects.count() == 1


def test_a_check_in_without_a_position_is_flagged(client, field):
    response = post(client, field, "pairing", "/api/checkins/", {"uuid": str(uuid.uuid4())})
    assert response.status_code == 201
    assert response.json()["flags"] == ["no_location"]
    assert response.json()["accepted"] is False


# ---------------------------------------------------------------------------------- photos


def test_a_photo_is_stored_once(client, field):
    visit = _visit_row(field)
    first = upload(client, field, "pairing", visit.uuid)
    assert first.status_code == 201
    assert first.json()["duplicate"] is False
    again = upload(client, field, "pairing", visit.uuid)
    assert again.status_code == 200 and again.json() == first.json()
    assert Photo.objects.count() == 1
    photo = Photo.objects.get()
    assert photo.file.name.startswith("photos/") and photo.size == len(JPEG)
    shown = post(
        client, field, "pairing", "/api/visits/", {**visit_body(field), "uuid": str(visit.uuid)}
    )
    assert shown.json()["photos"] == [first.json()]


def test_a_photo_whose_sha256_does_not_match_is_refused(client, field):
    visit = _visit_row(field)
    response = upload(client, field, "pairing", visit.uuid, sha="0" * 64)
    assert response.status_code == 400
    assert "sha256" in response.json()
    assert not Photo.objects.exists()


def test_a_file_that_is_no_photo_is_refused(client, field):
    visit = _visit_row(field)
    response = upload(client, field, "pairing", visit.uuid, data=b"%PDF-1.4 not a photo")
    assert response.status_code == 400 and "file" in response.json()


def test_a_photo_used_for_two_visits_is_flagged(client, field):
    first, second = _visit_row(field), _visit_row(field, kind="phone")
    assert upload(client, field, "pairing", first.uuid, data=PNG).status_code == 201
    reused = upload(client, field, "pairing", second.uuid, data=PNG)
    assert reused.status_code == 201 and reused.json()["duplicate"] is True
    second.refresh_from_db()
    first.refresh_from_db()
    assert second.flag_list == ["photo_reused"] and first.flag_list == []
    assert Photo.objects.count() == 2


def test_a_photo_of_a_record_not_yet_synced_is_404(client, field):
    assert upload(client, field, "pairing", uuid.uuid4()).status_code == 404


# -------------------------------------------------------------------------------- geofence


def _locate_changfa():
    Area.objects.filter(code=CHANGFA).update(lat=Decimal("46.700000"), lon=Decimal("122.900000"))


def _days(field) -> int:
    m = month_window("2017-06")
    row = residents_under(field.users["township"], CHANGFA, m).filter(pk=field.secretary.pk)
    return row.values_list("days", flat=True).first()


def test_a_check_in_10_km_away_counts_only_once_accepted(client, field):
    _locate_changfa()
    # 0.09° of latitude is about 10 km.
    body = {"uuid": str(uuid.uuid4()), "lat": 46.79, "lon": 122.9}
    response = post(client, field, "village", "/api/checkins/", body)
    assert response.status_code == 201
    data = response.json()
    assert data["flags"] == ["far"] and 9_900 < data["distance_m"] < 10_100
    assert _days(field) == 0
    row = CheckIn.objects.get()
    with pytest.raises(Exception, match="您的角色"):
        services.check_in_accept(user=field.users["county"], check_in=row, reason="核实")
    services.check_in_accept(user=field.users["township"], check_in=row, reason="在邻村开会")
    assert _days(field) == 1
    again = post(client, field, "village", "/api/checkins/", body)
    assert again.status_code == 200 and again.json()["accepted"] is True


def test_a_check_in_near_the_village_counts_at_once(client, field):
    _locate_changfa()
    body = {"uuid": str(uuid.uuid4()), "lat": 46.71, "lon": 122.9}
    response = post(client, field, "village", "/api/checkins/", body)
    assert response.json()["flags"] == [] and response.json()["distance_m"] < 1_200
    assert _days(field) == 1


def test_acceptance_needs_a_reason_and_a_flag(field):
    near = services.check_in_record(
        user=field.users["village"], cadre=field.secretary, village_code=CHANGFA, uuid=uuid.uuid4()
    )
    with pytest.raises(Exception, match="认可理由"):
        services.check_in_accept(user=field.users["township"], check_in=near, reason=" ")


# ------------------------------------------------------------------------------------ reads


def test_me(client, field):
    data = client.get("/api/me/", **field.header("pairing")).json()
    assert data["roles"] == [{"role": "pairing_cadre", "area": CHANGFA, "area_name": "长发村委会"}]
    assert data["cadre"]["id"] == field.cadre.pk and data["cadre"]["village"] == CHANGFA
    assert data["today"] == "2017-06-30" and data["backdate_days"] == {"visit": 7, "check_in": 7}
    assert data["scope"] and data["unread"] == 0
    assert client.get("/api/me/", **field.header("township")).json()["cadre"] is None


def test_my_households(client, field, django_assert_max_num_queries):
    _visit_row(field, content="第一次")
    response = client.get("/api/me/households/", **field.header("pairing"))
    data = response.json()
    assert data["count"] == 1
    card = data["results"][0]
    assert card["id"] == field.household.pk and card["visit_url"] == f"/m/visit/{card['id']}/"
    assert card["pairing_cadres"] == [
        {"id": field.cadre.pk, "name": "姜春林", "phone": "13800000001"}
    ]
    assert card["last_visits"][0]["content"] == "第一次"
    assert all("*" in m["id_number_masked"] for m in card["members"])
    team = client.get("/api/me/households/", **field.header("village")).json()
    assert team["count"] == 1
    refused = client.get("/api/me/households/", **field.header("township"))
    assert refused.status_code == 403


def test_unauthenticated_is_refused(client):
    assert client.get("/api/me/").status_code in (401, 403)
    assert client.post("/api/visits/", {}, content_type="application/json").status_code in (
        401,
        403,
    )


@pytest.mark.parametrize("path", ["/api/visits/", "/api/checkins/", "/api/concerns/"])
def test_a_body_that_is_no_object_is_a_400(client, field, path):
    response = post(client, field, "pairing", path, [1, 2])
    if path == "/api/visits/":
        # A list is a batch of visits: each item that is no object is refused on its own.
        assert response.status_code == 200
        assert [item["status"] for item in response.json()] == [400, 400]
        response = post(client, field, "pairing", path, "visit")
    assert response.status_code == 400
