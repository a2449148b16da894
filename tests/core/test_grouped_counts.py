"""No grouped count groups by a display ordering.

``qs.order_by(...).values(k).annotate(n=Count(...))`` also groups by the ORDER BY columns
(Django leaves out only the model's Meta.ordering), so a selector that orders its rows for a
list and counts them by ``values().annotate()`` counts one group per row: the assessment's
cards once showed 2 / 1 / 1 for thousands of households. This test reads every area-figure
endpoint (those of tests/demo/test_demo_figures.py) with a probe on the SQL compiler and
fails on a ``values()`` query whose ORDER BY adds a column to its GROUP BY.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db.models.sql import compiler

from fupin.accounts.models import User
from fupin.assessment.services import assessment_run, monitoring_run
from fupin.registry import codes, rollups
from tests.factories import CHANGFA, HADANALA, make_household

pytestmark = pytest.mark.django_db

ENDPOINTS = (
    "stats",
    "warmap",
    "assessment",
    "compliance",
    "coverage",
    "funds",
    "safety-net",
    "duty-ranking",
    "evaluations",
    "leaders",
)


@pytest.fixture
def leaks(monkeypatch):
    found = []
    original = compiler.SQLCompiler.get_group_by

    def probe(self, select, order_by):
        grouped = self.query.group_by
        if self.query.values_select and grouped not in (None, True) and order_by:
            keys = {str(g) for g in grouped}
            extra = [
                str(expr.get_source_expressions()[0])
                for expr, _ in order_by
                if str(expr.get_source_expressions()[0]) not in keys
                and not expr.get_source_expressions()[0].contains_aggregate
            ]
            if extra and not self._meta_ordering:
                found.append((self.query.model.__name__, extra))
        return original(self, select, order_by)

    monkeypatch.setattr(compiler.SQLCompiler, "get_group_by", probe)
    return found


def test_probe_catches_the_trap(leaks):
    from django.db.models import Count

    from fupin.registry.models import Household

    make_household(CHANGFA)
    make_household(CHANGFA)
    list(Household.objects.order_by("number").values("village_id").annotate(n=Count("id")))
    assert leaks
    leaks.clear()
    list(
        Household.objects.order_by("number").order_by().values("village_id").annotate(n=Count("id"))
    )
    assert not leaks


def test_no_figure_endpoint_groups_by_its_ordering(client, leaks):
    for village in (CHANGFA, CHANGFA, HADANALA):
        make_household(village, year=2015, income={"year": 2016, "wage_income": Decimal(9000)})
    make_household(CHANGFA, year=2016, status=codes.Status.EXITED)
    rollups.refresh()
    assessment_run(year=2016)
    monitoring_run(year=2016)
    admin = User.objects.create_superuser("root", password="pw-test-123")
    client.force_login(admin)
    for code in ("1522", "152223", CHANGFA):
        for endpoint in ENDPOINTS:
            response = client.get(f"/api/areas/{code}/{endpoint}/?year=2016")
            assert response.status_code == 200, (code, endpoint)
    for url in ("/assessment/?area=152223&year=2016", "/monitoring/?area=152223&year=2016"):
        assert client.get(url).status_code == 200
    assert leaks == []
