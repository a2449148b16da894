"""Recall: the resident post ends as recalled and a recall record is written, in one
transaction; other posts cannot be recalled; out of scope is 404; records are added."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from fupin.cadres import services
from fupin.cadres.models import CadreRecord
from tests.factories import CHANGFA, HADANALA, ZHALAITE, make_user

from .helpers import make_cadre, make_post

pytestmark = pytest.mark.django_db

START = datetime.date(2016, 1, 1)


def test_recall_from_the_cadre_page(client):
    cadre = make_cadre(CHANGFA, post="first_secretary")
    post = make_post(cadre, "first_secretary", CHANGFA, START)
    client.force_login(make_user("county_office", ZHALAITE))
    page = client.get(f"/cadres/{cadre.pk}/")
    assert "recall-form" in page.content.decode()
    response = client.post(
        f"/cadres/{cadre.pk}/recall/", {"post": post.pk, "date": "2017-05-02", "note": "不在岗"}
    )
    assert response.status_code == 302
    post.refresh_from_db()
    assert (post.end_date, post.end_reason) == (datetime.date(2017, 5, 2), "recalled")
    record = CadreRecord.objects.get(cadre=cadre)
    assert (record.kind, record.area_id, record.note) == ("recall", CHANGFA, "不在岗")
    cadre.refresh_from_db()
    assert not cadre.active


def test_recall_refused_for_a_leader_post_and_nothing_written():
    cadre = make_cadre("152223100")
    post = make_post(cadre, "township_leader", "152223100", START)
    with pytest.raises(ValidationError):
        services.cadre_recall(actor=make_user("organization", ZHALAITE), post=post)
    post.refresh_from_db()
    assert post.end_date is None
    assert not CadreRecord.objects.exists()


def test_recall_of_an_ended_post_refused():
    cadre = make_cadre(CHANGFA)
    post = make_post(cadre, "work_team", CHANGFA, START, datetime.date(2017, 1, 1))
    with pytest.raises(ValidationError):
        services.cadre_recall(actor=make_user("organization", ZHALAITE), post=post)
    assert not CadreRecord.objects.exists()


def test_recall_and_cadre_page_out_of_scope_are_404(client):
    cadre = make_cadre(CHANGFA)
    post = make_post(cadre, "work_team", CHANGFA, START)
    client.force_login(make_user("organization", "152201"))
    assert client.get(f"/cadres/{cadre.pk}/").status_code == 404
    assert (
        client.post(
            f"/cadres/{cadre.pk}/recall/", {"post": post.pk, "date": "2017-05-02"}
        ).status_code
        == 404
    )
    post.refresh_from_db()
    assert post.end_date is None


def test_a_village_sees_a_cadre_sent_to_it_but_cannot_recall(client):
    cadre = make_cadre("152223", post="department_cadre", name="县直派员")
    post = make_post(cadre, "reserve_cadre", CHANGFA, START)
    client.force_login(make_user("village_team", CHANGFA))
    page = client.get(f"/cadres/{cadre.pk}/")
    assert page.status_code == 200 and "县直派员" in page.content.decode()
    assert "recall-form" not in page.content.decode()
    client.post(f"/cadres/{cadre.pk}/recall/", {"post": post.pk, "date": "2017-05-02"})
    post.refresh_from_db()
    assert post.end_date is None
    client.force_login(make_user("village_team", HADANALA))
    assert client.get(f"/cadres/{cadre.pk}/").status_code == 404


def test_add_training_record(client):
    cadre = make_cadre(CHANGFA, post="village_cadre")
    make_post(cadre, "village_secretary", CHANGFA, START)
    client.force_login(make_user("organization", ZHALAITE))
    response = client.post(
        f"/cadres/{cadre.pk}/",
        {"kind": "training", "date": "2016-06-15", "area": CHANGFA, "note": "集中培训"},
    )
    assert response.status_code == 302
    record = CadreRecord.objects.get(cadre=cadre)
    assert (record.kind, record.date, record.note) == (
        "training",
        datetime.date(2016, 6, 15),
        "集中培训",
    )
    # A future date is refused with its reason.
    response = client.post(
        f"/cadres/{cadre.pk}/",
        {"kind": "admonishment", "date": "2017-07-15", "area": CHANGFA, "note": ""},
        follow=True,
    )
    assert "日期不能晚于今天" in response.content.decode()
    assert CadreRecord.objects.count() == 1


def test_a_township_organization_user_records_for_a_county_cadre_sent_to_it(client):
    cadre = make_cadre("152223", post="department_cadre", name="县直派员")
    make_post(cadre, "reserve_cadre", CHANGFA, START)
    client.force_login(make_user("organization", "152223100"))
    page = client.get(f"/cadres/{cadre.pk}/").content.decode()
    assert f"/cadres/evaluations/?area=152223100234&cadre={cadre.pk}" in page
    evaluations = client.get(f"/cadres/evaluations/?area={CHANGFA}&cadre={cadre.pk}")
    assert evaluations.context["chosen"] == cadre
