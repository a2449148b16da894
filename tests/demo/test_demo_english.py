"""The English interface is complete: no Chinese is left on a page or in an API error but data.

Pages are read in English (the ``django_language`` cookie) by several roles of the small demo;
API errors with ``Accept-Language: en``. Every text a user reads (text nodes and the ``title``,
``placeholder``, ``aria-label`` and ``alt`` attributes) is cut into runs of Chinese characters;
a run is allowed only when it is data: the name of an area, a person or an organisation, or any
other value the database or an uploaded file holds. Whatever remains is interface text that
missed gettext, and the failure names the page and the text.
"""

from __future__ import annotations

import datetime
import re
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import translation

from fupin.accounts.models import User
from fupin.assistance.cards import build_cards, render_cards_html
from fupin.demo import users
from fupin.funds.models import Fund, Project
from fupin.identification.models import Case, Notice
from fupin.registry import exporting
from fupin.registry.models import Household, ImportJob
from fupin.reports.models import Report
from tests.registry.helpers import household_rows, write_csv

# Han characters (with the compatibility blocks) and the full-width forms used as Chinese
# punctuation inside a sentence ("：", "（"). A run of them is what must be data.
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
ALWAYS_ALLOWED: set[str] = set()
# JSON fields written by the code, not typed by a user: the reasons of an assessment are
# interface text, shown in the reader's language.
GENERATED_JSON = {"reasons", "summary"}
READ_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")
SKIPPED_ELEMENTS = {"script", "style", "template"}
VOID_ELEMENTS = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}

COUNTY = "152223"
COUNTY_OFFICE = f"county_office-{COUNTY}"
VILLAGE_TEAM = f"village_team-{users.CHANGFA}"


class _Texts(HTMLParser):
    """Collect the texts a reader sees, skipping scripts and styles.

    An element marked ``lang="zh…"`` is Chinese on purpose and skipped too: the language
    switch naming Chinese in Chinese, and the column headers of the national sheet formats
    (the file format, not interface text).
    """

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._open: list[tuple[str, bool]] = []  # each open element, and is it skipped

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        skipped = (
            tag in SKIPPED_ELEMENTS
            or (tag != "html" and (attrs.get("lang") or "").lower().startswith("zh"))
            or self._skipping
        )
        if tag not in VOID_ELEMENTS:
            self._open.append((tag, skipped))
        if not skipped:
            self.texts.extend(attrs[name] for name in READ_ATTRIBUTES if attrs.get(name))

    def handle_endtag(self, tag):
        # Pop up to the matching element: an unclosed <li> or <p> closes with its parent.
        tags = [t for t, _ in self._open]
        if tag in tags:
            del self._open[len(tags) - 1 - tags[::-1].index(tag) :]

    @property
    def _skipping(self) -> bool:
        return bool(self._open) and self._open[-1][1]

    def handle_data(self, data):
        if not self._skipping and data.strip():
            self.texts.append(data.strip())


def _data_values() -> set[str]:
    """Every Chinese text the database holds in a free-text field (names, places, notes).

    Fields with choices are left out: they hold codes, and their labels are interface text.
    """
    values: set[str] = set()
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.JSONField) and field.name not in GENERATED_JSON:
                for value in model._base_manager.values_list(field.attname, flat=True):
                    values.update(s for s in _strings(value) if HAN.search(s))
            if not isinstance(field, models.CharField | models.TextField) or field.choices:
                continue
            queryset = model._base_manager.exclude(**{field.attname: ""})
            for value in queryset.values_list(field.attname, flat=True).distinct():
                if value and HAN.search(value):
                    values.add(value)
    return values


def _strings(value):
    """Yield the strings of a JSON value (an API answer, a record kept as JSON)."""
    if isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)
    elif isinstance(value, str):
        yield value


class _Data:
    """The data values, found in a text longest first, indexed by their first characters."""

    def __init__(self, values):
        self.by_start: dict[str, list[str]] = {}
        for value in {v.strip() for v in values} | ALWAYS_ALLOWED:
            if value:
                self.by_start.setdefault(value[:2], []).append(value)
        for candidates in self.by_start.values():
            candidates.sort(key=len, reverse=True)

    def extended(self, values) -> _Data:
        data = _Data(values)
        for start, candidates in self.by_start.items():
            data.by_start.setdefault(start, []).extend(candidates)
            data.by_start[start].sort(key=len, reverse=True)
        return data

    def interface_runs(self, text: str) -> list[str]:
        """Return the Chinese runs left in ``text`` once every data value is taken out."""
        kept, i = [], 0
        while i < len(text):
            for start in (text[i : i + 2], text[i]):
                match = next(
                    (v for v in self.by_start.get(start, ()) if text.startswith(v, i)), None
                )
                if match:
                    kept.append(" ")
                    i += len(match)
                    break
            else:
                kept.append(text[i])
                i += 1
        return HAN.findall("".join(kept))


@pytest.fixture(scope="module")
def data(demo, django_db_blocker):
    with django_db_blocker.unblock():
        return _Data(_data_values())


def _english(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    client.cookies["django_language"] = "en"
    return client


def _chinese_on(response, data: _Data) -> list[str]:
    assert response.status_code == 200, response.status_code
    assert response.headers.get("Content-Language") == "en"
    parser = _Texts()
    parser.feed(response.content.decode())
    found = []
    for text in parser.texts:
        if data.interface_runs(text):
            found.append(text)
    return sorted(set(found))


def _assert_english(client: Client, url: str, data: _Data, **extra):
    found = _chinese_on(client.get(url, follow=True, **extra), data)
    assert not found, f"Chinese interface text on {url}:\n" + "\n".join(found[:40])


def _first(queryset):
    obj = queryset.order_by("pk").first()
    assert obj is not None
    return obj


# --- pages ------------------------------------------------------------------------------------

PAGES_ADMIN = (
    "/",
    "/areas/",
    f"/areas/{COUNTY}/",
    "/warmap/",
    f"/warmap/?area={COUNTY}",
    "/households/",
    "/cases/",
    "/rounds/",
    "/funds/",
    "/funds/summary/",
    "/projects/",
    "/reports/",
    "/reports/new/",
    "/reports/new/?kind=monthly&area=1522&period=2017-06-30",
    "/reports/new/?kind=dekad&area=1522&period=2017-06-30",
    "/imports/",
    "/funds/import/",
    "/assessment/",
    "/monitoring/",
    "/coverage/",
    "/plans/checks/",
    "/pairings/import/",
    "/cadres/",
    "/cadres/teams/",
    "/cadres/evaluations/",
    "/cadres/structure/",
    "/collective/",
    "/collective/villages/",
    "/collective/shares/",
    "/collective/import/",
    "/command/",
    "/duties/",
    "/duties/ranking/",
    "/duties/overdue/",
    "/concerns/",
    "/reviews/",
    "/compliance/",
    "/leaders/",
    "/party/",
    "/party/compliance/",
    "/safety-net/",
    "/safety-net/enrolments/",
)


@pytest.mark.parametrize("url", PAGES_ADMIN)
def test_the_league_administrator_reads_english(url, data, db):
    _assert_english(_english(users.ADMIN), url, data)


@pytest.mark.parametrize("url", ("/", "/households/", f"/areas/{COUNTY}/", "/imports/", "/warmap/"))
def test_a_county_office_reads_english(url, data, db):
    _assert_english(_english(COUNTY_OFFICE), url, data)


@pytest.mark.parametrize(
    "url", ("/", "/households/", f"/areas/{users.CHANGFA}/", "/my/", "/checkin/", "/visits/new/")
)
def test_a_village_team_reads_english(url, data, db):
    _assert_english(_english(VILLAGE_TEAM), url, data)


def test_a_household_page_is_english(data, db):
    household = _first(Household.objects.filter(village_id=users.CHANGFA))
    client = _english(VILLAGE_TEAM)
    _assert_english(client, reverse("registry:household_detail", args=[household.pk]), data)


def test_a_case_page_is_english(data, db):
    case = _first(Case.objects.filter(village__code__startswith=COUNTY).exclude(steps=None))
    _assert_english(
        _english(COUNTY_OFFICE), reverse("identification:case_detail", args=[case.pk]), data
    )


def test_the_fund_and_project_pages_are_english(data, db):
    client = _english(users.ADMIN)
    _assert_english(client, reverse("funds:fund_detail", args=[_first(Fund.objects).pk]), data)
    _assert_english(
        client, reverse("funds:project_detail", args=[_first(Project.objects).pk]), data
    )


def test_a_report_is_english(data, db):
    report = Report.objects.order_by("pk").first()
    if report is None:
        pytest.skip("the small demo writes no report")
    _assert_english(_english(users.ADMIN), reverse("reports:detail", args=[report.pk]), data)


def test_the_public_notices_are_english(data, db):
    client = Client()
    client.cookies["django_language"] = "en"
    _assert_english(client, "/notices/", data)
    notice = _first(Notice.objects.exclude(published_on=None))
    _assert_english(client, reverse("notices:page", args=[notice.pk]), data)


def test_the_household_card_is_english(data, db):
    first = Household.objects.filter(village_id=users.CHANGFA).order_by("pk")[:3]
    households = Household.objects.filter(pk__in=[h.pk for h in first])
    with translation.override("en"):
        cards = build_cards(households, year=2016, today=datetime.date(2017, 6, 30))
        html = render_cards_html(cards, year=2016, today=datetime.date(2017, 6, 30))
    parser = _Texts()
    parser.feed(html)
    found = sorted({t for t in parser.texts if data.interface_runs(t)})
    assert not found, "Chinese on the household card:\n" + "\n".join(found)


# --- a refused import -------------------------------------------------------------------------


@pytest.fixture
def _immediate_tasks(settings, tmp_path):
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default"],
        }
    }
    settings.MEDIA_ROOT = tmp_path / "media"


def test_a_refused_import_is_english(
    data, db, tmp_path, _immediate_tasks, django_capture_on_commit_callbacks
):
    rows = household_rows(village=users.CHANGFA)
    rows[0]["民族"] = "火星族"
    path = write_csv(tmp_path / "bad.csv", rows)
    client = _english(COUNTY_OFFICE)
    upload = SimpleUploadedFile(path.name, path.read_bytes())
    # The job is queued when the upload commits.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("registry:import_upload"), {"file": upload, "year": 2017, "scope": COUNTY}
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    # What the file held is data too, as are the sheet's column names (the national format).
    file_data = data.extended(
        [v for row in rows for pair in row.items() for v in pair if v] + [exporting.CODES_SHEET]
    )
    job = ImportJob.objects.order_by("pk").last()
    assert job.state == ImportJob.State.REFUSED
    page = client.get(reverse("registry:import_status", args=[job.pk]))
    assert "火星族" in page.content.decode()  # the refused row is on the page, with its reason
    found = _chinese_on(page, file_data)
    assert not found, "Chinese interface text on the refused import:\n" + "\n".join(found)


# --- API errors -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "url", "status"),
    (
        pytest.param(
            users.ADMIN,
            "/api/areas/1522/stats/?year=abc",
            400,
        ),
        pytest.param(
            users.ADMIN,
            "/api/areas/1522/warmap/?year=1999",
            400,
        ),
        pytest.param(
            users.ADMIN,
            "/api/areas/9999/stats/",
            404,
        ),
        pytest.param(
            VILLAGE_TEAM,
            "/api/areas/152201/stats/",
            404,
        ),
        (None, "/api/areas/1522/stats/", 403),
    ),
)
def test_api_errors_are_english(username, url, status, data, db):
    client = Client()
    if username:
        client.force_login(User.objects.get(username=username))
    client.cookies["django_language"] = "en"
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == status, (url, response.status_code)
    found = [s for s in _strings(response.json()) if data.interface_runs(s)]
    assert not found, f"Chinese in the API error of {url}: {found}"
