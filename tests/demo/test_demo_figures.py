"""The figures a user reads, frozen: refactoring must not change any of them.

Every area-figure endpoint of the API (area stats and children, war map, assessment,
compliance, coverage, funds, safety net, duty ranking, evaluations, leaders) is read as the
league's administrator for the league and each county, for every year of the demo, and
compared with ``figures.json`` (after the yearly assessment of two areas), written from the code before the refactoring. To write it anew
after a *deliberate* change of a figure, run with ``FUPIN_WRITE_FIGURES=1`` and review the diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from django.test import Client

from fupin.accounts.models import User
from fupin.assessment import services as assessment_services
from fupin.demo import users

FIGURES = Path(__file__).with_name("figures.json")
AREAS = ("1522", "152201", "152223")
YEARS = (2014, 2015, 2016, 2017)
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
# Moments of reading, not figures: they follow the clock and the run.
VOLATILE = {"refreshed_at"}


def _stable(value):
    if isinstance(value, dict):
        return {k: _stable(v) for k, v in value.items() if k not in VOLATILE}
    if isinstance(value, list):
        return [_stable(v) for v in value]
    if isinstance(value, float):
        return round(value, 6)
    return value


def _read_all(client: Client) -> dict:
    out = {}
    for code in AREAS:
        for endpoint in ENDPOINTS:
            for year in YEARS:
                url = f"/api/areas/{code}/{endpoint}/?year={year}"
                response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
                assert response.status_code == 200, (url, response.status_code)
                out[url] = _stable(response.json())
    return out


def test_the_demo_figures_are_those_written_before(demo, db):
    # The demo leaves the yearly assessment to its users: run it as they would.
    assessment_services.assessment_run(year=2016, code="152223")
    assessment_services.assessment_run(year=2017, code="1522")
    client = Client()
    client.force_login(User.objects.get(username=users.ADMIN))
    figures = _read_all(client)
    if os.environ.get("FUPIN_WRITE_FIGURES"):
        FIGURES.write_text(json.dumps(figures, ensure_ascii=False, indent=1, sort_keys=True))
    expected = json.loads(FIGURES.read_text())
    assert sorted(figures) == sorted(expected)
    changed = [url for url in expected if figures[url] != expected[url]]
    assert not changed, changed[:10]
