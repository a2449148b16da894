"""The ledgers' pages: lists by area and year, a record's form writing through the service
with its history, the roles that may write, the scope, the import page and the export."""

import datetime
import io

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from fupin.core.models import AuditEvent
from fupin.outreach import services
from fupin.outreach.models import (
    LiaisonVisit,
    PolicyDocument,
    PolicyLecture,
    StudyTrip,
    TownshipSubsidy,
)
from tests.factories import CHANGFA, HADANALA, LEAGUE, YINDEER, ZHALAITE, make_user
from tests.outreach.helpers import cadre, leader_link, xlsx

pytestmark = pytest.mark.django_db
KINDS = ("lectures", "trips", "visits", "subsidies", "documents")


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _lecture(area=CHANGFA, topic="产业扶贫政策解读", day=datetime.date(2016, 5, 4)):
    return PolicyLecture.objects.create(
        area_id=area, date=day, place="村委会", speaker="张三", topic=topic, audience=60
    )


@pytest.mark.parametrize("kind", KINDS)
def test_every_list_opens_for_a_reader(kind):
    _lecture()
    client = _client(make_user("supervisor", LEAGUE))
    response = client.get(f"/outreach/{kind}/?area={ZHALAITE}&year=2016")
    assert response.status_code == 200
    assert b'id="new"' not in response.content  # a supervisor writes nothing
    export = client.get(f"/outreach/{kind}/export/?area={ZHALAITE}")
    assert export.status_code == 200
    assert openpyxl.load_workbook(io.BytesIO(export.content)).active.max_row >= 1
    assert AuditEvent.objects.filter(action=f"outreach.{kind}_exported").exists()


def test_the_list_filters_by_area_and_year():
    _lecture(topic="甲")
    _lecture(area=HADANALA, topic="乙")
    _lecture(topic="丙", day=datetime.date(2015, 3, 1))
    client = _client(make_user("league_hq", LEAGUE))
    page = client.get(f"/outreach/lectures/?area={ZHALAITE}&year=2016").content.decode()
    assert "甲" in page and "乙" not in page and "丙" not in page
    assert 'data-figure="lectures">1<' in page


def test_a_lecture_is_created_and_changed_with_its_history():
    user = make_user("village_team", CHANGFA)
    client = _client(user)
    form = {
        "area_id": CHANGFA,
        "date": "2016-05-04",
        "place": "村委会",
        "speaker": "张三",
        "topic": "主题",
        "audience": "60",
        "note": "",
    }
    response = client.post(f"/outreach/lectures/new/?area={CHANGFA}", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    lecture = PolicyLecture.objects.get()
    response = client.post(f"/outreach/lectures/{lecture.pk}/", {**form, "audience": "80"})
    assert response.status_code == 302
    lecture.refresh_from_db()
    assert lecture.audience == 80
    assert [h.history_type for h in lecture.history.all()] == ["~", "+"]
    assert AuditEvent.objects.filter(action="outreach.lectures_saved").count() == 2
    page = client.get(f"/outreach/lectures/{lecture.pk}/").content.decode()
    assert 'id="history"' in page
    # Bad input: the service's message on the field.
    response = client.post(
        f"/outreach/lectures/new/?area={CHANGFA}", {**form, "date": "2018-01-01"}
    )
    assert response.status_code == 400
    assert "日期不能晚于 2017-06-30" in response.content.decode()
    duplicate = client.post(f"/outreach/lectures/new/?area={CHANGFA}", {**form, "audience": "80"})
    assert duplicate.status_code == 400 and "已有相同记录" in duplicate.content.decode()


def test_a_visit_finds_the_leaders_link_and_checks_the_problems():
    leader = cadre()
    link = leader_link(leader)
    user = make_user("township_officer", YINDEER)
    visit = services.record_save(
        actor=user,
        kind="visits",
        values={
            "area_id": CHANGFA,
            "cadre_id": leader.pk,
            "date": datetime.date(2016, 4, 1),
            "problems_raised": 2,
            "problems_solved": 1,
            "note": "",
        },
    )
    assert visit.link_id == link.pk
    with pytest.raises(ValidationError) as error:
        services.record_save(
            actor=user,
            kind="visits",
            values={
                "area_id": CHANGFA,
                "cadre_id": leader.pk,
                "date": datetime.date(2016, 4, 2),
                "problems_raised": 0,
                "problems_solved": 1,
                "note": "",
            },
        )
    assert str(services.MSG_SOLVED_OVER_RAISED) in str(error.value)
    with pytest.raises(ValidationError):
        # A household is not a liaison point.
        services.record_save(
            actor=user,
            kind="visits",
            values={
                "area_id": ZHALAITE,
                "cadre_id": leader.pk,
                "date": datetime.date(2016, 4, 3),
                "problems_raised": 0,
                "problems_solved": 0,
                "note": "",
            },
        )
    assert LiaisonVisit.objects.count() == 1


def test_a_subsidy_is_written_at_the_cadres_area_by_the_paying_roles():
    who = cadre("赵干部", CHANGFA, "township_cadre")
    values = {"cadre_id": who.pk, "year": 2016, "amount": 4200, "note": ""}
    with pytest.raises(PermissionDenied):
        services.record_save(
            actor=make_user("village_team", CHANGFA), kind="subsidies", values=values
        )
    with pytest.raises(ValidationError):
        # A cadre outside the writer's scope is not found.
        services.record_save(
            actor=make_user("county_office", HADANALA[:6]), kind="subsidies", values=values
        )
    paid = services.record_save(
        actor=make_user("organization", LEAGUE), kind="subsidies", values=values
    )
    assert paid.area_id == CHANGFA and TownshipSubsidy.objects.count() == 1


@pytest.mark.parametrize(
    ("role", "code", "kind", "allowed"),
    [
        ("village_team", CHANGFA, "lectures", True),
        ("pairing_cadre", CHANGFA, "lectures", False),
        ("supervisor", LEAGUE, "visits", False),
        ("organization", LEAGUE, "trips", True),
        ("township_officer", YINDEER, "subsidies", False),
        ("county_office", ZHALAITE, "subsidies", True),
        ("village_team", CHANGFA, "documents", False),
        ("league_hq", LEAGUE, "documents", True),
    ],
)
def test_the_write_pages_follow_the_roles(role, code, kind, allowed):
    client = _client(make_user(role, code))
    for url in (f"/outreach/{kind}/new/?area={code}", f"/outreach/{kind}/import/?area={code}"):
        assert client.get(url).status_code == (200 if allowed else 403), url


def test_records_outside_the_scope_are_not_found_and_documents_are_read_by_all():
    lecture = _lecture(area=HADANALA)
    document = PolicyDocument.objects.create(area_id=LEAGUE, issuer="兴安盟", title="文件")
    client = _client(make_user("county_office", ZHALAITE))
    assert client.get(f"/outreach/lectures/{lecture.pk}/").status_code == 404
    assert client.get(f"/outreach/lectures/?area={HADANALA}").status_code == 404
    page = client.get(f"/outreach/documents/{document.pk}/")
    assert page.status_code == 200 and 'id="record-form"' not in page.content.decode()
    assert client.post(f"/outreach/documents/{document.pk}/", {"title": "x"}).status_code == 403


def test_a_document_links_what_it_grounds():
    user = make_user("league_hq", LEAGUE)
    client = _client(user)
    response = client.post(
        f"/outreach/documents/new/?area={LEAGUE}",
        {
            "area_id": LEAGUE,
            "issuer": "兴安盟",
            "title": "教育扶贫《政策措施》",
            "measure_types": ["education"],
            "safetynet_policies": ["education"],
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    document = PolicyDocument.objects.get()
    assert document.measure_types == ["education"] and document.doc_number == ""


def test_the_import_page_refuses_a_bad_file_and_offers_the_error_workbook(tmp_path):
    client = _client(make_user("township_officer", YINDEER))
    path = xlsx(
        tmp_path, "lectures", [[HADANALA, "", "2016-05-04", "村委会", "张三", "主题", 1, ""]]
    )
    with open(path, "rb") as handle:
        response = client.post(f"/outreach/lectures/import/?area={YINDEER}", {"file": handle})
    assert response.status_code == 400
    assert "第2行“区划代码”" in response.content.decode()
    errors = client.get("/outreach/lectures/import/errors/")
    assert errors.status_code == 200
    assert client.get("/outreach/lectures/import/template.xlsx").status_code == 200


def test_a_trip_form_links_its_cadres():
    leader = cadre()
    client = _client(make_user("township_officer", YINDEER))
    form = {
        "area_id": YINDEER,
        "start_date": "2016-04-01",
        "end_date": "2016-04-02",
        "destination": "赤峰市",
        "topic": "设施农业",
        "persons": "20",
        "note": "",
        "cadre_ids": str(leader.pk),
    }
    assert client.post(f"/outreach/trips/new/?area={YINDEER}", form).status_code == 302
    trip = StudyTrip.objects.get()
    assert list(trip.cadres.all()) == [leader]
    page = client.get(f"/outreach/trips/{trip.pk}/").content.decode()
    assert f'value="{leader.pk}"' in page
    bad = client.post(f"/outreach/trips/new/?area={YINDEER}", {**form, "cadre_ids": "x"})
    assert bad.status_code == 400


@pytest.mark.parametrize("kind", KINDS)
def test_a_list_page_reads_a_fixed_number_of_queries(kind, django_assert_max_num_queries):
    for i in range(30):
        _lecture(topic=f"主题{i}")
    client = _client(make_user("league_hq", LEAGUE))
    client.get(f"/outreach/{kind}/?area={ZHALAITE}&year=2016")  # warm the session
    with django_assert_max_num_queries(16):
        assert client.get(f"/outreach/{kind}/?area={ZHALAITE}&year=2016").status_code == 200


def test_the_visit_form_offers_the_leaders_linked_in_the_area():
    leader = cadre("王领导")
    leader_link(leader)
    elsewhere = cadre("李领导", HADANALA[:9])
    leader_link(elsewhere, HADANALA[:9])
    page = _client(make_user("township_officer", YINDEER)).get(
        f"/outreach/visits/new/?area={YINDEER}"
    )
    text = page.content.decode()
    assert f'<option value="{leader.pk}">王领导</option>' in text
    assert "李领导" not in text
