"""``/api/areas/<county>/third-party/?year=Y`` through the scope, and the pages: the list, a
county's exit page with its step form, a round's page with the per-household answer form."""

import pytest

from fupin.counties import services
from fupin.counties.models import SampledHousehold
from tests.counties.conftest import ARXAN, DESIGN, YEAR
from tests.factories import HADANALA, make_user

pytestmark = pytest.mark.django_db
Stratum = SampledHousehold.Stratum


@pytest.fixture
def answered(arxan, people):
    round_ = services.round_create(
        actor=people["league"], county=arxan, year=YEAR, seed=11, design=DESIGN
    )
    for s in round_.samples.all():
        values = {"satisfied": s.position % 10 != 0}
        if s.stratum == Stratum.EXITED:
            values["truly_out"] = True
        if s.stratum == Stratum.NON_REGISTERED:
            values.update(name="张某", should_register=False)
        services.answer(actor=people["league"], sample=s, **values)
    return round_


def test_the_api(client, answered, people):
    client.force_login(people["league"])
    data = client.get(f"/api/areas/{ARXAN}/third-party/?year={YEAR}").json()
    found = services.rates.rates(answered.pk)
    assert data["round"] == answered.pk and data["seed"] == 11
    assert data["sample_size"] == found.sample_size == answered.samples.count()
    assert data["missed_rate"] == float(found.missed.rate) == 0.0
    assert data["wrong_exit_rate"] == 0.0
    assert data["approval_rate"] == float(found.approval.rate)
    assert data["approval_rate_low"] < data["approval_rate"] <= data["approval_rate_high"]
    assert data["missed_rate_low"] == 0.0 and data["missed_rate_high"] > 0
    assert data["passes"] is False
    assert "缺少农村人口数据" in data["reasons"]


def test_the_api_without_a_round(client, arxan, people):
    client.force_login(people["league"])
    data = client.get(f"/api/areas/{ARXAN}/third-party/?year=2016").json()
    assert data["round"] is None and data["sample_size"] == 0
    assert data["missed_rate"] is None and data["passes"] is False


def test_the_api_is_scoped(client, answered, people):
    client.force_login(people["other_county"])
    assert client.get(f"/api/areas/{ARXAN}/third-party/?year={YEAR}").status_code == 404
    client.force_login(people["county"])
    assert client.get(f"/api/areas/{ARXAN}/third-party/?year={YEAR}").status_code == 200
    assert client.get(f"/api/areas/{ARXAN}100/third-party/?year={YEAR}").status_code == 404
    client.force_login(make_user("village_team", HADANALA))
    assert client.get(f"/api/areas/{ARXAN}/third-party/?year={YEAR}").status_code == 404


def test_the_round_page_and_an_answer(client, arxan, people):
    round_ = services.round_create(
        actor=people["league"], county=arxan, year=YEAR, seed=3, design=DESIGN
    )
    client.force_login(people["league"])
    page = client.get(f"/counties/rounds/{round_.pk}/")
    assert page.status_code == 200
    assert 'id="rates"' in page.content.decode()
    exited = round_.samples.filter(stratum=Stratum.EXITED).first()
    response = client.post(
        f"/counties/rounds/{round_.pk}/answer/{exited.pk}/",
        {"truly_out": "no", "satisfied": "yes", "note": "收入低于贫困线"},
    )
    assert response.status_code == 302
    exited.refresh_from_db()
    assert (exited.truly_out, exited.satisfied, exited.note) == (False, True, "收入低于贫困线")
    # The county office reads the round but has no answer form.
    client.force_login(people["county"])
    page = client.get(f"/counties/rounds/{round_.pk}/").content.decode()
    assert "/answer/" not in page
    response = client.post(
        f"/counties/rounds/{round_.pk}/answer/{exited.pk}/", {"truly_out": "yes"}
    )
    assert response.status_code == 403
    client.force_login(people["other_county"])
    assert client.get(f"/counties/rounds/{round_.pk}/").status_code == 404


def test_the_list_creates_a_round(client, arxan, people):
    client.force_login(people["league"])
    assert client.get(f"/counties/?area={ARXAN}&year={YEAR}").status_code == 200
    response = client.post(
        "/counties/rounds/new/",
        {"county": ARXAN, "year": YEAR, "kind": "formal", "seed": "99", **DESIGN},
    )
    assert response.status_code == 302
    round_ = arxan and services.AssessmentRound.objects.get(county_id=ARXAN, kind="formal")
    assert round_.seed == 99 and round_.design == DESIGN
    client.force_login(people["county"])
    response = client.post("/counties/rounds/new/", {"county": ARXAN, "year": YEAR})
    assert response.status_code == 403


def test_the_county_page_and_its_step(client, arxan, people):
    client.force_login(people["county"])
    page = client.get(f"/counties/{ARXAN}/?year={YEAR}").content.decode()
    assert 'id="next-step"' in page and "旗县申请" in page
    response = client.post(f"/counties/{ARXAN}/step/", {"year": YEAR, "opinion": "申请摘帽"})
    assert response.status_code == 302
    assert services.open_case(ARXAN).state == "applied"
    # The next step is the league's: the county sees no form.
    page = client.get(f"/counties/{ARXAN}/?year={YEAR}").content.decode()
    assert '<form method="post" action="/counties/' not in page
    assert client.post(f"/counties/{ARXAN}/step/", {"year": YEAR}).status_code == 403
