"""``/api/areas/<code>/coverage/``: exactly the four counts, scoped."""

from dataclasses import asdict

import pytest

from fupin.assistance.selectors import coverage
from tests.factories import CHANGFA, HADANALA, YINDEER, make_household, make_user

pytestmark = pytest.mark.django_db


def test_coverage_api_shape_and_scope(client):
    make_household(CHANGFA)
    user = make_user("township_officer", YINDEER)
    client.force_login(user)
    response = client.get(f"/api/areas/{YINDEER}/coverage/")
    assert response.status_code == 200
    payload = response.json()
    assert set(payload) == {
        "villages_without_link",
        "households_without_cadre",
        "cadres_over_cap",
        "cadres_registered_poor",
    }
    assert payload == asdict(coverage(user, YINDEER).counts)
    assert payload["households_without_cadre"] == 1
    client.force_login(make_user("village_team", HADANALA))
    assert client.get(f"/api/areas/{CHANGFA}/coverage/").status_code == 404
    assert client.get("/api/areas/999999/coverage/").status_code == 404
