"""The comparison's pages: upload (league HQ, county offices), the flags, confirm and dismiss."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from fupin.quality.models import DepartmentList, Flag
from fupin.registry.models import Member
from tests.factories import CHANGFA, HADANALA, ZHALAITE, make_household, make_user
from tests.quality.test_compare import write_list

pytestmark = pytest.mark.django_db


def _upload(client, tmp_path, rows, area=ZHALAITE, kind="deaths"):
    path = write_list(tmp_path, kind, rows)
    with open(path, "rb") as handle:
        return client.post(
            "/quality/lists/",
            {
                "area_page": area,
                "kind": kind,
                "source": "民政局",
                "list_date": "2017-03-31",
                "file": handle,
            },
        )


def test_a_county_office_uploads_and_a_village_team_reviews(client, tmp_path):
    household = make_household(CHANGFA, members=2)
    dead, other = household.members.order_by("pk")
    client.force_login(make_user("county_office", ZHALAITE))
    rows = [
        {"证件号码": dead.id_number, "姓名": dead.name, "死亡日期": "2017-02-01"},
        {"证件号码": other.id_number, "姓名": other.name, "死亡日期": "2017-02-02"},
    ]
    response = _upload(client, tmp_path, rows)
    assert response.status_code == 302
    department_list = DepartmentList.objects.get()
    assert department_list.label == "民政局死亡名单 2017-03"
    page = client.get(response["Location"])
    assert "2017-02-01 死亡（民政局死亡名单 2017-03）" in page.content.decode()

    client.force_login(make_user("village_team", CHANGFA))
    page = client.get(f"/quality/flags/?area={CHANGFA}")
    assert page.status_code == 200 and page.content.decode().count("/quality/flags/") >= 2
    first, second = Flag.objects.get(member=dead), Flag.objects.get(member=other)
    assert client.get(f"/quality/flags/{first.pk}/").status_code == 200
    response = client.post(f"/quality/flags/{first.pk}/confirm/", {"note": "已核实"})
    assert response.status_code == 302
    assert not Member.objects.filter(pk=dead.pk).exists()
    refused = client.post(f"/quality/flags/{second.pk}/dismiss/", {"reason": "错登"})
    assert refused.status_code == 302
    second.refresh_from_db()
    assert second.status == Flag.Status.OPEN
    evidence = SimpleUploadedFile("证明.pdf", b"%PDF-1.4", content_type="application/pdf")
    client.post(f"/quality/flags/{second.pk}/dismiss/", {"reason": "错登", "evidence": evidence})
    second.refresh_from_db()
    assert second.status == Flag.Status.DISMISSED
    assert client.get(f"/quality/flags/{second.pk}/evidence/").status_code == 200


def test_a_refused_file_gives_its_error_workbook(client, tmp_path):
    client.force_login(make_user("county_office", ZHALAITE))
    response = _upload(client, tmp_path, [{"证件号码": "abc", "姓名": "甲", "死亡日期": "x"}])
    assert response.status_code == 400
    assert "第2行“证件号码”" in response.content.decode()
    assert client.get("/quality/lists/errors/").status_code == 200


def test_wrong_roles_are_refused(client, tmp_path):
    household = make_household(CHANGFA, members=1)
    member = household.members.get()
    client.force_login(make_user("village_team", CHANGFA))
    rows = [{"证件号码": member.id_number, "姓名": member.name, "死亡日期": "2017-02-01"}]
    assert _upload(client, tmp_path, rows, area=CHANGFA).status_code == 403
    client.force_login(make_user("county_office", ZHALAITE))
    _upload(client, tmp_path, rows)
    flag = Flag.objects.get()
    client.force_login(make_user("village_team", HADANALA))
    assert client.get(f"/quality/flags/{flag.pk}/").status_code == 404
    assert client.post(f"/quality/flags/{flag.pk}/confirm/").status_code == 404
    client.force_login(make_user("township_officer", "152223100"))
    assert client.post(f"/quality/flags/{flag.pk}/confirm/").status_code == 403
    assert Member.objects.filter(pk=member.pk).exists()


def test_the_village_team_finds_its_flags_in_the_inbox(client, tmp_path):
    from fupin.inbox.selectors import inbox, unread_count

    member = make_household(CHANGFA, members=1).members.get()
    client.force_login(make_user("county_office", ZHALAITE))
    rows = [{"证件号码": member.id_number, "姓名": member.name, "死亡日期": "2017-02-01"}]
    _upload(client, tmp_path, rows)
    flag = Flag.objects.get()
    team = make_user("village_team", CHANGFA)
    items = [i for i in inbox(team).results if i.kind == "quality_flag"]
    assert [i.url for i in items] == [f"/quality/flags/{flag.pk}/"]
    assert unread_count(team) >= 1
    other = make_user("village_team", HADANALA)
    assert not [i for i in inbox(other).results if i.kind == "quality_flag"]
    office = make_user("county_office", ZHALAITE)
    assert not [i for i in inbox(office).results if i.kind == "quality_flag"]
