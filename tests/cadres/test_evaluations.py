"""The yearly evaluation: the form records one per cadre and year (a duplicate is refused
with a Chinese message), a cadre outside the user's scope or a user without the right is
refused, counts by outcome on the page and the API agree, a recall outcome recalls."""

from __future__ import annotations

import datetime
from dataclasses import asdict
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fupin.cadres import selectors, services
from fupin.cadres.models import CadrePost, CadreRecord, Evaluation
from tests.factories import CHANGFA, HADANALA, ZHALAITE, make_user

from .helpers import make_cadre, make_post

pytestmark = pytest.mark.django_db

START = datetime.date(2016, 1, 1)


@pytest.fixture
def cadre():
    cadre = make_cadre("152223", post="department_cadre", name="下派甲")
    make_post(cadre, "reserve_cadre", CHANGFA, START)
    return cadre


def _form(cadre, **extra):
    data = {
        "cadre": cadre.pk,
        "year": 2016,
        "score": "96.5",
        "grade": "excellent",
        "outcome": "commended",
        "note": "",
    }
    data.update(extra)
    return data


def test_record_and_duplicate_refused(client, cadre):
    user = make_user("organization", ZHALAITE)
    client.force_login(user)
    url = f"/cadres/evaluations/?area={ZHALAITE}&year=2016"
    response = client.post(url, _form(cadre))
    assert response.status_code == 302
    evaluation = Evaluation.objects.get(cadre=cadre, year=2016)
    assert evaluation.area_id == CHANGFA  # where the cadre served
    assert evaluation.score == Decimal("96.50")
    response = client.post(url, _form(cadre, outcome="promoted"))
    assert response.status_code == 400
    assert "下派甲 的 2016 年度考核已录入，不能重复录入" in response.content.decode()
    assert Evaluation.objects.filter(cadre=cadre).count() == 1
    assert Evaluation.objects.get(cadre=cadre).outcome == "commended"


def test_cadre_outside_scope_is_refused(client, cadre):
    client.force_login(make_user("organization", "152201"))
    response = client.post("/cadres/evaluations/?area=152201&year=2016", _form(cadre))
    assert response.status_code == 400
    assert "干部不存在或不在您的权限范围内" in response.content.decode()
    assert not Evaluation.objects.exists()


def test_user_without_the_right_is_refused(client, cadre):
    client.force_login(make_user("village_team", CHANGFA))
    response = client.post(f"/cadres/evaluations/?area={CHANGFA}&year=2016", _form(cadre))
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        services.evaluation_record(
            actor=make_user("village_team", CHANGFA),
            cadre=cadre,
            year=2016,
            score=Decimal(90),
            grade="excellent",
            outcome="none",
        )
    assert not Evaluation.objects.exists()


def test_score_out_of_range_refused(cadre):
    with pytest.raises(ValidationError):
        services.evaluation_record(
            actor=make_user("organization", ZHALAITE),
            cadre=cadre,
            year=2016,
            score=Decimal(101),
            grade="excellent",
            outcome="none",
        )


def test_counts_page_and_api_agree(client):
    user = make_user("organization", ZHALAITE)
    outcomes = ["commended"] * 3 + ["promoted"] * 2 + ["recalled", "trained", "none"]
    for outcome in outcomes:
        c = make_cadre("152223", post="department_cadre")
        make_post(c, "reserve_cadre", CHANGFA, START)
        services.evaluation_record(
            actor=user, cadre=c, year=2016, score=Decimal(80), grade="competent", outcome=outcome
        )
    elsewhere = make_cadre("152201", post="department_cadre")
    make_post(elsewhere, "reserve_cadre", HADANALA, START)
    Evaluation.objects.create(
        cadre=elsewhere,
        year=2016,
        area_id=HADANALA,
        score=99,
        grade="excellent",
        outcome="commended",
    )
    counts = selectors.evaluation_counts(user, ZHALAITE, 2016)
    assert asdict(counts) == {
        "year": 2016,
        "commended": 3,
        "promoted": 2,
        "recalled": 1,
        "admonished": 0,
        "trained": 1,
        "none": 1,
        "total": 8,
    }
    client.force_login(user)
    body = client.get(f"/api/areas/{ZHALAITE}/evaluations/?year=2016").json()
    assert body == asdict(counts)
    league = make_user("organization", "1522")
    client.force_login(league)
    assert client.get("/api/areas/1522/evaluations/?year=2016").json()["commended"] == 4
    page = client.get("/cadres/evaluations/?area=1522&year=2016&outcome=commended")
    assert page.context["page"].paginator.count == 4
    assert 'href="?area=1522&year=2016&outcome=promoted"' in page.content.decode()
    client.force_login(make_user("village_team", HADANALA))
    assert client.get(f"/api/areas/{ZHALAITE}/evaluations/?year=2016").status_code == 404


def test_recall_outcome_ends_the_resident_post(cadre):
    services.evaluation_record(
        actor=make_user("organization", ZHALAITE),
        cadre=cadre,
        year=2016,
        score=Decimal(50),
        grade="incompetent",
        outcome="recalled",
    )
    post = CadrePost.objects.get(cadre=cadre)
    assert post.end_date == datetime.date(2017, 6, 30)
    assert post.end_reason == "recalled"
    assert CadreRecord.objects.filter(cadre=cadre, kind="recall").count() == 1
    cadre.refresh_from_db()
    assert not cadre.active
