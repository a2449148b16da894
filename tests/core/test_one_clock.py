"""One clock: with the system date frozen (FUPIN_AS_OF), the moments a page shows as the
campaign's — the war map's 数据截至, an objection's date, an import's 上传时间, a report's
发布时间, a message's 发送时间, a month's 关账时间 — are on the system date, never the real one."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from fupin.core import clock
from fupin.identification import services as identification_services
from fupin.notify.services import notify
from fupin.registry import rollups
from fupin.registry.models import ImportJob
from fupin.reports.models import Report
from tests.factories import CHANGFA, YINDEER, ZHALAITE, make_household, make_user
from tests.identification.helpers import MEETING, approve, new_case, users
from tests.registry.helpers import household_rows, write_csv
from tests.reports.conftest import township  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

SYSTEM = "2017-06-30"


@pytest.fixture(autouse=True)
def frozen(settings, tmp_path):
    settings.FUPIN_AS_OF = SYSTEM
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.VAR_DIR = tmp_path / "var"
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default"],
        }
    }
    real = timezone.localdate()
    assert real.isoformat() != SYSTEM, "the real date must differ from the frozen one"
    return real


def assert_system_date_only(html: str, real: datetime.date) -> None:
    assert SYSTEM in html
    for stamp in (real.isoformat(), real.strftime("%Y/%m/%d"), f"{real.year}年{real.month}月"):
        assert stamp not in html


def test_clock_now_is_on_the_system_date(frozen, settings):
    assert timezone.localtime(clock.now()).date() == datetime.date(2017, 6, 30)
    assert timezone.is_aware(clock.now())
    settings.FUPIN_AS_OF = ""
    # With no system date set the system's now is the real one.
    assert abs(clock.now() - timezone.now()) < datetime.timedelta(seconds=5)


def test_war_map_data_as_of(client, frozen):
    make_household(CHANGFA, year=2017)
    rollups.refresh()
    client.force_login(make_user("county_office", ZHALAITE))
    html = client.get(f"/warmap/?area={ZHALAITE}").content.decode()
    assert f"数据截至 {SYSTEM}" in html
    assert_system_date_only(html, frozen)


def test_objection_date(client, frozen):
    u = users()
    case = new_case(u["village"])
    approve(u["village"], case, MEETING)
    case = approve(u["village"], case)
    objection = identification_services.objection_file(
        notice=case.notices.get(),
        case=case,
        filer_name="村民甲",
        filer_contact="13800000000",
        text="该户有轿车",
        source="hash",
    )
    assert timezone.localtime(objection.filed_at).date().isoformat() == SYSTEM
    client.force_login(u["village"])
    html = client.get(reverse("identification:case_detail", args=[case.pk])).content.decode()
    assert f"（{SYSTEM}）" in html
    assert_system_date_only(html, frozen)


def test_import_upload_time(client, frozen, tmp_path):
    client.force_login(make_user("county_office", ZHALAITE))
    path = write_csv(tmp_path / "good.csv", household_rows())
    with open(path, "rb") as handle, TestCase.captureOnCommitCallbacks(execute=True):
        client.post(
            reverse("registry:import_upload"),
            {
                "file": SimpleUploadedFile("good.csv", handle.read()),
                "year": 2017,
                "scope": ZHALAITE,
            },
        )
    job = ImportJob.objects.get()
    assert timezone.localtime(job.created_at).date().isoformat() == SYSTEM
    html = client.get(reverse("registry:import_upload")).content.decode()
    assert_system_date_only(html, frozen)


def test_report_publish_time(client, frozen, township):  # noqa: F811
    client.force_login(make_user("county_office", ZHALAITE))
    client.post("/reports/new/", {"kind": "weekly", "area": YINDEER, "period": SYSTEM})
    report = Report.objects.get()
    assert timezone.localtime(report.published_at).date().isoformat() == SYSTEM
    assert report.content["generated_label"].startswith(SYSTEM)
    assert_system_date_only(client.get(f"/reports/{report.pk}/").content.decode(), frozen)
    assert_system_date_only(client.get("/reports/?kind=weekly&year=2017").content.decode(), frozen)


def test_inbox_message_time(client, frozen):
    user = make_user("village_team", CHANGFA)
    notify(user, kind="test", title="测试消息")
    client.force_login(user)
    assert_system_date_only(client.get("/inbox/").content.decode(), frozen)


def test_month_close_time(client, frozen):
    from fupin.areas import periods

    hq = make_user("league_hq", "1522")
    close = periods.period_close(
        actor=hq, kind=periods.Kind.FIELDWORK_MONTH, area=ZHALAITE, period="2017-05"
    )
    assert timezone.localtime(close.closed_at).date().isoformat() == SYSTEM
