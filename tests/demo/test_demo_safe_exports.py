"""Every xlsx and csv the system writes keeps text as text: a value that a spreadsheet would
run as a formula (a leading =, +, -, @, tab or carriage return) comes out with a leading
apostrophe, through :func:`fupin.core.sheets.safe_cell`.

The package's small demo (tests/demo/conftest.py) gets formula payloads written into every text
field that an export shows (names, reasons, titles, units, notes, area names), and then every
exporter URL in :data:`EXPORTS` is downloaded and each cell read back (openpyxl for xlsx,
csv.reader for csv). :func:`test_every_export_view_is_in_the_table` walks the URL resolver, so
that a new view that writes a spreadsheet fails here until it is listed (and so checked).
"""

from __future__ import annotations

import csv
import datetime
import inspect
import io
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.db import transaction
from django.db.models import F
from django.urls import URLPattern, URLResolver, get_resolver

from fupin.core.sheets import PLAIN_NUMBER, ImportResult, Sheet, safe_cell, write_workbook

PAYLOADS = (
    '=HYPERLINK("http://evil.example/","x")',
    "=1+2",
    "+1+1",
    "-1+1",
    "@SUM(1,1)",
    "\tx",
    "\rx",
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
AREA = "152223"

# The text fields the exports show, as "app.Model.field"; rows get the payloads in turn.
FIELDS = (
    "registry.Household.head_name",
    "registry.Household.phone",
    "registry.Member.name",
    "registry.Member.phone",
    "identification.Case.applicant_name",
    "identification.CaseStep.reason",
    "identification.Notice.title",
    "identification.Notice.body",
    "assistance.Cadre.name",
    "assistance.Cadre.unit",
    "assistance.Cadre.title",
    "assistance.Link.department",
    "assistance.Measure.description",
    "assistance.Measure.outcome",
    "fieldwork.Visit.content",
    "fieldwork.Concern.text",
    "fieldwork.ConcernEvent.note",
    "cadres.CadrePost.title",
    "cadres.WorkTeam.sending_unit",
    "party.PartyOrganization.name",
    "party.PartyMember.name",
    "party.PartyMeeting.topic",
    "party.MeetingAbsence.note",
    "duties.Task.title",
    "duties.Task.owner_unit",
    "funds.Fund.name",
    "funds.Fund.department",
    "funds.Project.name",
    "funds.Project.operator",
    "collective.CollectiveIncome.note",
    "leaders.EntrepreneurLeader.business_name",
    "leaders.EntrepreneurLeader.industry",
    "counties.SampledHousehold.name",
    "counties.SampledHousehold.address",
    "counties.SampledHousehold.note",
    "outreach.PolicyLecture.speaker",
    "outreach.LiaisonVisit.note",
    "quality.ListRow.name",
    "review.ReviewRound.name",
)

# Every view that writes an xlsx or a csv, with the requests that download it (a request is
# a path and its query, or a callable of the test's context returning those).
EXPORTS = {
    # Every notice's sheet is written by the same code: ten spread over the demo's notices
    # carry every payload (the test counts them) at a tenth of the time of all of them.
    "notices:xlsx": lambda ctx: [
        (f"/notices/{pk}/notice.xlsx", {}) for pk in ctx.notices[:: max(1, len(ctx.notices) // 10)]
    ],
    "warmap:ledger": [
        (f"/warmap/ledgers/{kind}/", {"area": AREA, "year": "2017", "format": "xlsx"})
        for kind in ("households", "measures", "work", "links")
    ],
    "funds:export": [
        (f"/funds/export/{kind}.xlsx", {"area": AREA})
        for kind in ("funds", "allocations", "beneficiaries")
    ],
    "funds:import_template": [
        (f"/funds/import/template/{kind}.xlsx", {})
        for kind in ("funds", "allocations", "beneficiaries")
    ],
    "funds:import_errors": [("/funds/import/errors/", {})],
    "registry:household_export": [
        ("/households/export/", {"format": "csv"}),
        ("/households/export/", {}),
        ("/households/export/", {"format": "readable"}),
    ],
    "assistance:pairing_import_template": [("/pairings/import/template.xlsx", {})],
    "collective:import-template": [
        (f"/collective/import/template/{kind}.xlsx", {}) for kind in ("income", "shares")
    ],
    "registry:import_template": [
        (f"/imports/template/{kind}.{fmt}", {})
        for kind in ("members", "income")
        for fmt in ("xlsx", "csv")
    ],
    "registry:import_errors": lambda ctx: [(f"/imports/{ctx.job}/errors.xlsx", {})],
    "cadres:roster-export": [("/cadres/export/", {"area": AREA})],
    "party:compliance-export": [("/party/compliance/export/", {"area": AREA})],
    "duties:ranking-xlsx": [("/duties/ranking/xlsx/", {"area": AREA, "year": "2017"})],
    "collective:export": [
        ("/collective/export/", {"area": AREA, "kind": "income"}),
        ("/collective/export/", {"area": AREA, "kind": "shares"}),
    ],
    "collective:import-errors": [("/collective/import/errors/", {})],
    "assistance:pairing_import_errors": [("/pairings/import/errors/", {})],
    "leaders:export": [("/leaders/export/", {"area": AREA, "year": "2017"})],
    "outreach:template": [
        (f"/outreach/{kind}/import/template.xlsx", {})
        for kind in ("lectures", "trips", "visits", "subsidies", "documents")
    ],
    "outreach:export": [
        (f"/outreach/{kind}/export/", {"area": AREA})
        for kind in ("lectures", "trips", "visits", "subsidies", "documents")
    ],
    "reports:new": [
        ("/reports/new/", {"area": AREA, "kind": kind, "format": "xlsx"})
        for kind in ("weekly", "dekad", "monthly", "quarterly")
    ],
    "reports:xlsx": lambda ctx: [(f"/reports/{pk}/report.xlsx", {}) for pk in ctx.reports],
    # The demo's third-party assessment (Ulanhot's) and the answers' refused import.
    "counties:export": lambda ctx: [(f"/counties/rounds/{pk}/export/", {}) for pk in ctx.rounds],
    "counties:import-errors": [("/counties/import-errors/", {})],
    # The persons a department's list names whom the registry does not hold, and a refused list.
    "quality:unmatched": lambda ctx: [(f"/quality/lists/{pk}/unmatched/", {}) for pk in ctx.lists],
    "quality:list_errors": [("/quality/lists/errors/", {})],
    # The 回头看 round's figures, published again after the payloads (area and round names).
    "review:publication_file": lambda ctx: [
        (f"/review/published/{pk}/xlsx/", {}) for pk in ctx.review_publications
    ],
}
# Files that hold no record (the import templates): checked, but no payload can be in them.
NO_RECORDS = {
    "funds:import_template",
    "registry:import_template",
    "assistance:pairing_import_template",
    "collective:import-template",
    "outreach:template",
}
MARKERS = ("xlsx", "csv", "XLSX", "CSV", "ERRORS.response", "_download(")


def _walk(patterns, namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, [namespace, pattern.namespace])) or None
            yield from _walk(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield name, str(pattern.pattern), pattern.callback


def test_every_export_view_is_in_the_table():
    found = set()
    for name, route, callback in _walk(get_resolver().url_patterns):
        module = getattr(callback, "__module__", "")
        if not module.startswith("fupin."):
            continue
        try:
            source = inspect.getsource(inspect.unwrap(callback))
        except (OSError, TypeError):
            source = ""
        if any(m in source or m in route for m in MARKERS):
            found.add(name)
    missing = found - set(EXPORTS)
    assert not missing, f"views writing a spreadsheet missing from EXPORTS: {sorted(missing)}"
    assert set(EXPORTS) <= found, set(EXPORTS) - found


def test_every_workbook_writer_goes_through_the_helper():
    """A module that builds its own workbook or csv writer uses the safe writers of
    fupin.core.sheets (the views above are checked by download; this catches a writer
    reached by no URL, such as a management command)."""
    root = Path(__file__).resolve().parents[2] / "fupin"
    offenders = []
    for path in root.rglob("*.py"):
        if path.name == "sheets.py" and path.parent.name == "core":
            continue
        text = path.read_text(encoding="utf-8")
        if ("Workbook(" in text or "csv.writer(" in text) and not any(
            helper in text for helper in ("safe_row", "workbook_bytes", "safe_cell")
        ):
            offenders.append(str(path.relative_to(root)))
    assert not offenders


@pytest.mark.parametrize("value", PAYLOADS)
def test_safe_cell_neutralises_text_only(value):
    assert safe_cell(value) == "'" + value
    for kept in (-1, -1.5, 3, datetime.date(2017, 1, 1), None, "-12.50", "+3", "-", "张三"):
        assert safe_cell(kept) == kept


def test_write_workbook_keeps_numbers_and_dates():
    from decimal import Decimal

    from openpyxl import load_workbook

    content = write_workbook(
        [["a", "b", "c", "d"], [-1, datetime.date(2017, 1, 2), Decimal("-3.50"), "=1+2"]],
        title="t",
    )
    row = list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))[1]
    assert row[0] == -1 and row[1].date() == datetime.date(2017, 1, 2)
    assert row[2] == "-3.50" and row[3] == "'=1+2"


# -- Every exporter, on the demo with payloads ------------------------------------------------


@pytest.fixture(scope="module")
def payloads(demo, django_db_blocker, tmp_path_factory):
    """The package's demo with the payloads written in, in a savepoint undone after the module."""
    from django.apps import apps
    from django.test import override_settings

    from fupin.accounts.models import User
    from fupin.areas.models import Area
    from fupin.core.sheets import write_error_workbook
    from fupin.identification.models import Notice
    from fupin.registry.models import ImportJob
    from fupin.reports import services as reports
    from fupin.reports.content import ReportError

    media = tmp_path_factory.mktemp("media")
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media),
        transaction.atomic(),
    ):
        for path in FIELDS:
            app, model, field = path.split(".")
            Model = apps.get_model(app, model)
            # Cut to the column's width (PostgreSQL refuses longer text; the start is what counts).
            width = Model._meta.get_field(field).max_length
            rows = Model.objects.annotate(turn=F("pk") % len(PAYLOADS))
            for i, payload in enumerate(PAYLOADS):
                rows.filter(turn=i).update(**{field: payload[:width]})
        # The county's townships and villages (units of the rankings, places of the lists).
        codes = list(
            Area.objects.filter(code__startswith=AREA)
            .exclude(code=AREA)
            .order_by("code")
            .values_list("code", flat=True)
        )
        for i, payload in enumerate(PAYLOADS):
            Area.objects.filter(code__in=codes[i :: len(PAYLOADS)]).update(name=payload)
        user = User.objects.get(username=f"league_hq-{AREA[:4]}")
        path = media / "errors.xlsx"
        write_error_workbook(_payload_result("members"), path)
        job = ImportJob.objects.create(
            user=user,
            scope_code=AREA[:4],
            original_name="x.csv",
            year=2017,
            state="failed",
            file="imports/x.csv",
            error_file="errors.xlsx",
        )
        published = []
        for kind in ("weekly", "dekad", "monthly", "quarterly"):
            try:
                report = reports.report_publish(
                    actor=user,
                    area=Area.objects.get(code=AREA),
                    kind=kind,
                    day=datetime.date(2017, 6, 30),
                )
            except ReportError:
                continue
            published.append(report.pk)
        assert published
        notices = list(
            Notice.objects.filter(published_on__lte=datetime.date(2017, 6, 30)).values_list(
                "pk", flat=True
            )
        )
        from fupin.review import services as review_services
        from fupin.review.models import ReviewRound

        review_publications = [
            review_services.publish_frozen(r, actor=user, pdf=False).pk
            for r in ReviewRound.objects.all()
        ]
        yield SimpleNamespace(
            media=media,
            notices=notices,
            job=job.pk,
            reports=published,
            review_publications=review_publications,
        )
        transaction.set_rollback(True)


def _payload_result(kind: str) -> ImportResult:
    """A refused import whose rows carry the payloads (an uploader's own cells)."""
    headers = ["姓名", "说明"]
    rows = [(n, [p, p]) for n, p in enumerate(PAYLOADS, start=2)]
    sheet = Sheet(name="Sheet1", headers=headers, rows=rows)
    result = ImportResult(filename="x.csv", year=2017, kind=kind, sheets=[sheet])
    for number, cells in rows:
        result.refuse(number, [f"{cells[0]}：无效"])
    result.warnings.append(PAYLOADS[0])
    return result


@pytest.fixture
def context(payloads, db, client, settings):
    from fupin.accounts.models import User
    from fupin.assistance.views import ERRORS as PAIRING_ERRORS
    from fupin.collective.views import ERRORS as COLLECTIVE_ERRORS
    from fupin.counties.models import AssessmentRound
    from fupin.counties.views import ERRORS as COUNTIES_ERRORS
    from fupin.funds.import_views import ERRORS as FUNDS_ERRORS
    from fupin.quality.comparison_views import ERRORS as QUALITY_ERRORS
    from fupin.quality.models import DepartmentList

    settings.MEDIA_ROOT = payloads.media
    user = User.objects.get(username=f"league_hq-{AREA[:4]}")
    client.force_login(user)
    request = SimpleNamespace(session=client.session)
    for errors in (
        FUNDS_ERRORS,
        COLLECTIVE_ERRORS,
        PAIRING_ERRORS,
        COUNTIES_ERRORS,
        QUALITY_ERRORS,
    ):
        assert errors.keep(request, _payload_result("x"))
    request.session.save()
    yield SimpleNamespace(
        client=client,
        notices=payloads.notices,
        job=payloads.job,
        reports=payloads.reports,
        rounds=list(AssessmentRound.objects.values_list("pk", flat=True)),
        lists=list(DepartmentList.objects.values_list("pk", flat=True)),
        review_publications=payloads.review_publications,
    )


def _cells(response) -> list:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if "text/csv" in response["Content-Type"]:
        text = content.decode("utf-8-sig")
        return [v for row in csv.reader(io.StringIO(text, newline="")) for v in row]
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content))
    return [
        (sheet.title, cell.value, cell.data_type)
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
    ]


def _unsafe(value) -> bool:
    return (
        isinstance(value, str)
        and value.startswith(FORMULA_STARTS)
        and value != "-"
        and not PLAIN_NUMBER.match(value)
    )


@pytest.mark.parametrize("name", sorted(EXPORTS))
def test_export_neutralises_formulas(context, name):
    requests = EXPORTS[name]
    requests = requests(context) if callable(requests) else requests
    assert requests, name
    neutralised = 0
    for path, query in requests:
        response = context.client.get(path, query)
        assert response.status_code == 200, (name, path, query, response.status_code)
        for cell in _cells(response):
            value = cell[1] if isinstance(cell, tuple) else cell
            assert not (isinstance(cell, tuple) and cell[2] == "f"), (name, path, cell)
            assert not _unsafe(value), (name, path, cell)
            if isinstance(value, str) and value.startswith("'") and _unsafe(value[1:]):
                neutralised += 1
    if name not in NO_RECORDS:
        # The payloads reached the file (else this exporter is not tested at all).
        assert neutralised, name
