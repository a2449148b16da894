"""The OpenAPI schema (valid, no warnings), the offline Swagger UI, and the views' scope marks."""

import re

import pytest
import yaml
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from fupin import api_urls
from fupin.areas.scope import view_scope_mark
from fupin.registry.api import FiguresSerializer
from fupin.registry.stats import STAT_KEYS


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
        "/api/token/",
    }
    list_params = {p["name"] for p in schema["paths"]["/api/households/"]["get"]["parameters"]}
    assert list_params >= {"area", "year", "status", "attribute", "cause", "search", "page"}
    stats = schema["paths"]["/api/areas/{code}/stats/"]["get"]
    assert {p["name"] for p in stats["parameters"]} >= {"code", "year"}
    # Read-only: no write method on the data endpoints.
    for path, item in schema["paths"].items():
        if path != "/api/token/":
            assert set(item) <= {"get", "parameters"}, path


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
