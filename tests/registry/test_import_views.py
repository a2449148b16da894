"""The import pages end to end, with the immediate task backend."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse

from fupin.accounts.models import Role
from fupin.registry import exporting
from fupin.registry.models import Household, ImportJob
from tests.factories import CHANGFA, HADANALA, ZHALAITE, make_user
from tests.registry.helpers import household_rows, read_xlsx, write_csv

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _immediate_tasks(settings, tmp_path):
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default"],
        }
    }
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def officer(client):
    user = make_user(Role.COUNTY_OFFICE, ZHALAITE)
    client.force_login(user)
    return user


def _upload(client, path, *, scope=ZHALAITE, year=2017):
    with open(path, "rb") as handle:
        upload = SimpleUploadedFile(path.name, handle.read())
    # The job is queued when the upload's transaction commits.
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(
            reverse("registry:import_upload"), {"file": upload, "year": year, "scope": scope}
        )


def test_upload_page_shows_form_scopes_and_templates(client, officer):
    response = client.get(reverse("registry:import_upload"))
    assert response.status_code == 200
    content = response.content.decode()
    assert 'name="file"' in content and f'value="{ZHALAITE}"' in content
    assert 'value="152223100"' in content  # a township inside the county
    assert 'value="152201"' not in content  # another county
    assert reverse("registry:import_template", args=["members", "xlsx"]) in content


def test_good_upload_imports_and_reports_counts(client, officer, tmp_path):
    path = write_csv(tmp_path / "good.csv", household_rows())
    response = _upload(client, path)
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"?job={job.pk}")
    assert job.state == ImportJob.State.DONE
    assert job.user == officer and job.kind == "members" and job.percent == 100
    assert job.summary["counts"]["members_created"] == 3
    assert Household.objects.count() == 1
    assert Household.objects.get().history.get().history_change_reason == "导入 good.csv"

    page = client.get(response["Location"])
    assert reverse("registry:import_status", args=[job.pk]) in page.content.decode()
    fragment = client.get(reverse("registry:import_status", args=[job.pk]), HTTP_HX_REQUEST="true")
    html = fragment.content.decode()
    assert "progress-bar" in html and "新增成员" in html
    assert "<nav" not in html and "hx-trigger" not in html  # finished: polling stops
    full = client.get(reverse("registry:import_status", args=[job.pk]))
    assert "<nav" in full.content.decode()


def test_refused_upload_offers_the_error_workbook(client, officer, tmp_path):
    rows = household_rows()
    rows[0]["民族"] = "火星族"
    path = write_csv(tmp_path / "bad.csv", rows)
    _upload(client, path)
    job = ImportJob.objects.get()
    assert job.state == ImportJob.State.REFUSED
    assert Household.objects.count() == 0
    fragment = client.get(reverse("registry:import_status", args=[job.pk]), HTTP_HX_REQUEST="true")
    html = fragment.content.decode()
    assert "火星族" in html and reverse("registry:import_errors", args=[job.pk]) in html

    response = client.get(reverse("registry:import_errors", args=[job.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == exporting.XLSX_TYPE
    out = tmp_path / "downloaded.xlsx"
    out.write_bytes(b"".join(response.streaming_content))
    assert "火星族" in read_xlsx(out)["bad"][1][-1]


def test_running_job_polls(client, officer):
    job = ImportJob.objects.create(
        user=officer,
        scope_code=ZHALAITE,
        original_name="x.csv",
        year=2017,
        file="x.csv",
        state=ImportJob.State.RUNNING,
        total=10,
        done=5,
    )
    html = client.get(
        reverse("registry:import_status", args=[job.pk]), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert 'hx-trigger="every 1s"' in html and "50%" in html


def test_out_of_scope_village_is_refused_through_the_page(client, officer, tmp_path):
    path = write_csv(tmp_path / "other.csv", household_rows(village=HADANALA))
    _upload(client, path)
    job = ImportJob.objects.get()
    assert job.state == ImportJob.State.REFUSED
    assert HADANALA in job.summary["errors"][0]


def test_scope_outside_the_users_is_not_a_choice(client, officer, tmp_path):
    path = write_csv(tmp_path / "a.csv", household_rows())
    response = _upload(client, path, scope="152201")
    assert response.status_code == 200
    assert ImportJob.objects.count() == 0


def test_other_users_jobs_are_404(client, officer, tmp_path):
    path = write_csv(tmp_path / "bad.csv", [{**household_rows()[0], "民族": "x"}])
    _upload(client, path)
    job = ImportJob.objects.get()
    outsider = make_user(Role.COUNTY_OFFICE, "152201")
    client.force_login(outsider)
    for name in ("registry:import_status", "registry:import_errors"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404
    # The same scope may see it.
    client.force_login(make_user(Role.LEAGUE_HQ, "1522"))
    assert client.get(reverse("registry:import_errors", args=[job.pk])).status_code == 200


def test_roles_that_may_not_import_get_403(client):
    client.force_login(make_user(Role.VILLAGE_TEAM, CHANGFA))
    assert client.get(reverse("registry:import_upload")).status_code == 403
    assert (
        client.get(reverse("registry:import_template", args=["members", "xlsx"])).status_code == 403
    )


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("registry:import_upload"))
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.parametrize("kind", ["members", "income"])
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_template_download(client, officer, kind, fmt):
    response = client.get(reverse("registry:import_template", args=[kind, fmt]))
    assert response.status_code == 200
    if fmt == "csv":
        assert response.content == exporting.template_file(kind, fmt)[0]
    else:  # the same cells (an .xlsx also stores the moment it was written)
        assert _cells(response.content) == _cells(exporting.template_file(kind, fmt)[0])
    assert f"{kind}-template.{fmt}" in response["Content-Disposition"]


def _cells(content: bytes) -> list:
    import io

    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(content))
    return [list(sheet.iter_rows(values_only=True)) for sheet in workbook.worksheets]


def test_unknown_template_is_404(client, officer):
    assert client.get(reverse("registry:import_template", args=["x", "xlsx"])).status_code == 404
    assert (
        client.get(reverse("registry:import_template", args=["members", "pdf"])).status_code == 404
    )


def test_workbook_with_both_sheets_through_the_page(client, officer, tmp_path):
    from tests.registry.helpers import income_row, members_xlsx

    rows = household_rows()
    path = members_xlsx(tmp_path / "both.xlsx", rows, [income_row(rows[0]["户编号"])])
    _upload(client, path)
    job = ImportJob.objects.get()
    assert job.state == ImportJob.State.DONE and job.kind == "both"
    assert job.summary["counts"]["incomes_created"] == 1
