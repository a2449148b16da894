"""An import cannot skip the public procedure: a new identification or an exit needs a case,
unless league HQ marks the import as a historical load with a reason (docs/security.md,
"Procedures that cannot be skipped")."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse

from fupin.accounts.models import Role
from fupin.registry import codes, importing
from fupin.registry.models import Household, ImportJob, StatusRecord
from fupin.registry.stats import area_stats
from tests.factories import CHANGFA, LEAGUE, ZHALAITE, make_user
from tests.registry.helpers import household_rows, write_csv

pytestmark = pytest.mark.django_db

YEAR = 2016
REASON = "2016年建档立卡数据补录"


@pytest.fixture
def league():
    return make_user(Role.LEAGUE_HQ, LEAGUE)


@pytest.fixture
def county():
    return make_user(Role.COUNTY_OFFICE, ZHALAITE)


def _new_identification(tmp_path):
    return write_csv(tmp_path / "new.csv", household_rows(**{"识别年度": str(YEAR)}))


def test_new_identification_is_refused_without_the_mark(county, tmp_path):
    result = importing.import_file(actor=county, path=_new_identification(tmp_path), year=YEAR)
    assert not result.ok
    message = "\n".join(result.messages())
    assert "第2行" in message and "识别年度" in message
    assert "新识别/脱贫须经申请、评议、公示程序（识别流程）" in message
    assert not Household.objects.exists()


def test_exit_is_refused_without_the_mark(county, tmp_path):
    rows = household_rows()
    importing.import_file(actor=county, path=write_csv(tmp_path / "a.csv", rows), year=2016)
    exited = [{**row, "脱贫状态": "已脱贫", "脱贫年度": str(YEAR)} for row in rows]
    result = importing.import_file(
        actor=county, path=write_csv(tmp_path / "b.csv", exited), year=YEAR
    )
    assert not result.ok
    assert "脱贫状态" in "\n".join(result.messages())
    assert Household.objects.get().status == codes.Status.POOR


def test_county_office_may_not_mark_a_historical_load(county, tmp_path):
    with pytest.raises(PermissionDenied):
        importing.import_file(
            actor=county, path=_new_identification(tmp_path), year=YEAR, historical=REASON
        )
    assert not Household.objects.exists()


def test_the_mark_needs_a_reason(league, tmp_path):
    with pytest.raises(ValueError):
        importing.import_file(
            actor=league, path=_new_identification(tmp_path), year=YEAR, historical="  "
        )
    assert not Household.objects.exists()


def test_league_hq_marks_a_historical_load_shown_on_household_and_figures(client, league, tmp_path):
    rows = household_rows(**{"识别年度": str(YEAR)})
    result = importing.import_file(
        actor=league, path=write_csv(tmp_path / "h.csv", rows), year=YEAR, historical=REASON
    )
    assert result.ok, result.messages()
    household = Household.objects.get()
    assert household.historical_load and household.historical_reason == REASON

    stats = area_stats(league, ZHALAITE, YEAR)
    assert stats.identified_households == 1
    assert stats.historical_identified_households == 1
    assert stats.historical_exited_households == 0

    client.force_login(league)
    page = client.get(reverse("registry:household_detail", args=[household.pk])).content.decode()
    assert f"历史数据导入：{REASON}" in page
    overview = client.get(reverse("areas:overview", args=[CHANGFA]), {"year": YEAR})
    assert 'data-stat="historical_identified_households"' in overview.content.decode()

    # The same file again changes nothing and needs no mark.
    again = importing.import_file(actor=league, path=write_csv(tmp_path / "h.csv", rows), year=YEAR)
    assert again.ok, again.messages()

    # An exit of the next year through a historical load is noted among the exited.
    exited = [{**row, "脱贫状态": "已脱贫", "脱贫年度": str(YEAR + 1)} for row in rows]
    result = importing.import_file(
        actor=league,
        path=write_csv(tmp_path / "x.csv", exited),
        year=YEAR + 1,
        historical=REASON,
    )
    assert result.ok, result.messages()
    assert StatusRecord.objects.get(year=YEAR + 1).status == codes.Status.EXITED
    stats = area_stats(league, ZHALAITE, YEAR + 1)
    assert stats.exited_households == 1 and stats.historical_exited_households == 1


@pytest.fixture
def _immediate_tasks(settings, tmp_path):
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default"],
        }
    }
    settings.MEDIA_ROOT = tmp_path / "media"


def _upload(client, path, **extra):
    with open(path, "rb") as handle:
        upload = SimpleUploadedFile(path.name, handle.read())
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(
            reverse("registry:import_upload"),
            {"file": upload, "year": YEAR, "scope": ZHALAITE, **extra},
        )


@pytest.mark.usefixtures("_immediate_tasks")
def test_upload_page_marks_only_for_league_hq_with_a_reason(client, county, league, tmp_path):
    path = _new_identification(tmp_path)
    client.force_login(county)
    assert 'name="historical"' not in client.get(reverse("registry:import_upload")).content.decode()
    response = _upload(client, path, historical="on", historical_reason=REASON)
    assert response.status_code == 200 and not ImportJob.objects.exists()

    client.force_login(league)
    assert 'name="historical"' in client.get(reverse("registry:import_upload")).content.decode()
    response = _upload(client, path, historical="on")
    assert response.status_code == 200 and not ImportJob.objects.exists()

    response = _upload(client, path, historical="on", historical_reason=REASON)
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert job.historical and job.historical_reason == REASON
    assert job.state == ImportJob.State.DONE, job.summary
    household = Household.objects.get()
    assert household.historical_load and household.historical_job_id == job.pk
