"""The OpenAPI schema (valid, no warnings), the offline Swagger UI, and the views' scope marks."""

import json
import re

import pytest
import yaml
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer

from fupin import api_urls
from fupin.accounts.models import Role
from fupin.areas import params
from fupin.areas.scope import view_scope_mark
from fupin.core import api_errors
from fupin.core.clock import FIRST_YEAR
from fupin.core.pagination import ID_MAX, ApiPagination
from fupin.registry.api import FiguresSerializer
from fupin.registry.stats import STAT_KEYS
from tests.factories import CHANGFA, LEAGUE, make_household, make_user


def test_schema_generates_valid_and_without_warnings(tmp_path):
    target = tmp_path / "schema.yaml"
    # Raises SchemaGenerationError on any warning, and a validation error on an invalid schema.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    schema = yaml.safe_load(target.read_text(encoding="utf-8"))
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) >= {
        "/api/areas/",
        "/api/areas/{code}/",
        "/api/areas/{code}/stats/",
        "/api/households/",
        "/api/households/{id}/",
        "/api/auth/token/",
    }
    list_params = {p["name"] for p in schema["paths"]["/api/households/"]["get"]["parameters"]}
    assert list_params >= {"area", "year", "status", "attribute", "cause", "search", "page"}
    stats = schema["paths"]["/api/areas/{code}/stats/"]["get"]
    assert {p["name"] for p in stats["parameters"]} >= {"code", "year"}
    # Read-only but for the token and the field writes (docs/api.md, "Field work").
    writes = {
        "/api/auth/token/",
        "/api/visits/",
        "/api/checkins/",
        "/api/concerns/",
        "/api/photos/",
    }
    for path, item in schema["paths"].items():
        if path not in writes:
            assert set(item) <= {"get", "parameters"}, path
    for path in writes - {"/api/auth/token/"}:
        assert set(schema["paths"][path]) == {"post"}, path
        assert {"200", "201", "400", "403", "404"} <= set(
            schema["paths"][path]["post"]["responses"]
        )


@pytest.mark.django_db
def test_schema_is_served_as_json():
    response = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    assert "/api/households/" in response.json()["paths"]


@pytest.mark.django_db
def test_swagger_ui_is_offline():
    response = Client().get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets
    for asset in assets:
        if asset.startswith("/api/docs/?script"):
            continue  # the start script, from this view (no inline script under the CSP)
        assert asset.startswith("/static/drf_spectacular_sidecar/"), asset
        # Served from the installed sidecar package, not from the network.
        assert finders.find(asset.removeprefix("/static/")), asset
    for cdn in ("cdn.jsdelivr.net", "unpkg.com", "cdnjs.cloudflare.com"):
        assert cdn not in html


def test_stat_serializer_matches_the_selector_keys():
    assert set(FiguresSerializer().fields) == set(STAT_KEYS)


def _walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.callback


def test_every_api_view_is_marked():
    api = [(route, view) for route, view in _walk(get_resolver().url_patterns) if "api/" in route]
    assert len(api) >= len(api_urls.urlpatterns)
    unmarked = [route for route, view in api if view_scope_mark(view) is None]
    assert unmarked == []
    data_routes = [route for route, view in api if "areas" in route or "households" in route]
    assert data_routes
    assert all(view_scope_mark(view) == "scoped" for route, view in api if route in data_routes)


# --- The schema tells the truth: bounds, patterns and error bodies -----------------------------


def _schema() -> dict:
    generated = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(generated))


def _operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                yield path, method, operation


def _parameters(operation, name):
    return [p for p in operation.get("parameters", []) if p["name"] == name]


def test_year_pattern_states_exactly_the_api_years():
    years = [f"{n:04d}" for n in range(10000)]
    matched = [y for y in years if re.fullmatch(params.YEAR_RE, y)]
    assert matched == [str(n) for n in range(params.YEAR_MIN, params.YEAR_MAX + 1)]
    assert params.YEAR_MIN == FIRST_YEAR


def test_every_checked_parameter_carries_its_bounds():
    schema = _schema()
    seen = set()
    for path, _method, operation in _operations(schema):
        for parameter in operation.get("parameters", []):
            name, where = parameter["name"], parameter["in"]
            spec = parameter["schema"]
            if name == "year":
                assert (spec["minimum"], spec["maximum"]) == (FIRST_YEAR, params.YEAR_MAX), path
            elif name == "month":
                assert spec["pattern"] == params.MONTH_PATTERN, path
            elif name == "quarter":
                assert spec["pattern"] == params.QUARTER_PATTERN, path
            elif name in {"code", "area", "parent"}:
                assert spec["pattern"] == params.AREA_CODE_PATTERN, (path, name)
            elif name == "page":
                assert spec["minimum"] == 1, path
            elif name == "page_size":
                assert (spec["minimum"], spec["maximum"]) == (1, ApiPagination.max_page_size)
            elif where == "path":
                assert (spec["minimum"], spec["maximum"]) == (1, ID_MAX), (path, name)
            else:
                continue
            seen.add(name)
    assert seen >= {"year", "month", "quarter", "code", "area", "parent", "page", "page_size"}


def test_every_operation_documents_its_json_errors():
    schema = _schema()
    assert schema["components"]["schemas"]["Error"]["required"] == ["detail"]
    for path, method, operation in _operations(schema):
        responses = operation["responses"]
        expected = {"404"}
        if operation.get("parameters") and any(p["in"] == "query" for p in operation["parameters"]):
            expected.add("400")
        if path == "/api/auth/token/":
            expected.add("401")  # anyone may ask for a token; a stale one sent is refused
        elif path != "/api/schema/":
            expected |= {"401", "403"}
        assert set(responses) >= expected, (method, path, sorted(responses))
        for status, response in responses.items():
            if status.startswith(("4", "5")):
                assert "application/json" in response["content"], (method, path, status)


@pytest.fixture
def hq_client(db):
    household = make_household(CHANGFA)
    client = Client()
    client.force_login(make_user(Role.LEAGUE_HQ, LEAGUE))
    client.household = household
    return client


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ({"page": "0"}, "page"),
        ({"page": "-1"}, "page"),
        ({"page": "last"}, "page"),
        ({"page_size": "0"}, "page_size"),
        ({"page_size": "501"}, "page_size"),
        ({"page_size": "x"}, "page_size"),
    ],
)
@pytest.mark.parametrize("url", ["/api/households/", "/api/areas/"])
def test_pages_out_of_bounds_are_a_400_naming_the_parameter(hq_client, url, query, name):
    response = hq_client.get(url, query)
    assert response.status_code == 400
    assert list(response.json()) == [name]


def test_a_page_after_the_last_is_a_json_404(hq_client):
    response = hq_client.get("/api/households/", {"page": "99"})
    assert response.status_code == 404
    assert set(response.json()) == {"detail"}
    assert hq_client.get("/api/households/", {"page": "1", "page_size": "500"}).status_code == 200


@pytest.mark.parametrize(
    ("url", "name"),
    [
        (f"/api/areas/{LEAGUE}/compliance/?month=2017-6", "month"),
        (f"/api/areas/{LEAGUE}/compliance/?month=2013-12", "month"),
        (f"/api/areas/{LEAGUE}/compliance/?month=0000-01", "month"),
        (f"/api/areas/{LEAGUE}/meeting-compliance/?quarter=2017-q2", "quarter"),
        (f"/api/areas/{LEAGUE}/meeting-compliance/?quarter=2013-Q4", "quarter"),
        (f"/api/areas/{LEAGUE}/warmap/?year=0", "year"),
        (f"/api/areas/{LEAGUE}/warmap/?year=2013", "year"),
        (f"/api/areas/{LEAGUE}/warmap/?year=2100", "year"),
        ("/api/households/?area=152", "area"),
        ("/api/households/?area=１５２２", "area"),
        ("/api/areas/?parent=15222", "parent"),
    ],
)
def test_values_outside_the_schema_are_a_400(hq_client, url, name):
    response = hq_client.get(url)
    assert response.status_code == 400, response.content[:300]
    assert list(response.json()) == [name]


@pytest.mark.parametrize(
    "url",
    [
        f"/api/areas/{LEAGUE}/compliance/?month=2017-06",
        f"/api/areas/{LEAGUE}/meeting-compliance/?quarter=2017-Q2",
        f"/api/areas/{LEAGUE}/warmap/?year=2014",
        f"/api/areas/{LEAGUE}/stats/?year=2099",
        f"/api/households/?area={LEAGUE}",
    ],
)
def test_values_inside_the_schema_are_accepted(hq_client, url):
    assert hq_client.get(url).status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/api/no-such-thing/",
        "/api/households/-1/",
        f"/api/households/{ID_MAX + 1}/",
        "/api/households/99999999/",
        f"/api/reports/{ID_MAX + 1}/",
        "/api/areas/99/stats/",
    ],
)
def test_api_404s_are_json(hq_client, url):
    response = hq_client.get(url)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert set(response.json()) == {"detail"}


@pytest.mark.django_db
def test_api_refusals_are_json():
    response = Client().get("/api/households/")
    assert response.status_code in (401, 403)
    assert set(response.json()) == {"detail"}
    response = Client().put("/api/auth/token/")
    assert response.status_code == 405
    assert set(response.json()) == {"detail"}


@pytest.mark.django_db
def test_pages_outside_the_api_keep_their_html_404():
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_a_server_error_under_the_api_is_json():
    factory = RequestFactory()
    response = api_errors.server_error(factory.get("/api/households/"))
    assert response.status_code == 500
    assert set(json.loads(response.content)) == {"detail"}
    assert api_errors.bad_request(factory.get("/api/x/")).status_code == 400
    assert api_errors.permission_denied(factory.get("/api/x/")).status_code == 403
