"""The Party pages: organisations, the meeting record form (validation in Chinese), meeting
detail, the political life archive and its PDF, transfers; scope."""

from __future__ import annotations

import datetime
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from fupin.assistance.models import Cadre, Pairing
from fupin.party import services
from fupin.party.models import ArchiveEntry, MeetingAbsence, PartyMeeting, PartyMember
from fupin.party.selectors import archive
from tests.factories import CHANGFA, HADANALA, YINDEER, make_household, make_user

from .helpers import make_branch, make_meeting, make_org

D = datetime.date


@pytest.fixture
def branch(db):
    return make_branch(CHANGFA)


def _post(client, org, **extra):
    data = {"kind": "members_meeting", "held_on": "2017-06-30", "topic": "学习党章", "minutes": ""}
    data.update(extra)
    return client.post(f"/party/organizations/{org.pk}/meetings/new/", data)


def test_record_a_meeting_with_an_absentee(client, branch):
    org, _groups, people = branch
    client.force_login(make_user("village_team", CHANGFA))
    form = client.get(f"/party/organizations/{org.pk}/meetings/new/")
    assert form.status_code == 200 and people[4].name in form.content.decode()
    response = _post(
        client,
        org,
        **{
            f"absent_{people[4].pk}": "1",
            f"reason_{people[4].pk}": "work_away",
            f"note_{people[4].pk}": "在外务工",
        },
    )
    meeting = PartyMeeting.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/party/meetings/{meeting.pk}/"
    assert meeting.area_id == CHANGFA and meeting.attendee_count == len(people) - 1
    absence = MeetingAbsence.objects.get()
    assert (absence.member, absence.reason, absence.note) == (people[4], "work_away", "在外务工")
    page = client.get(f"/party/meetings/{meeting.pk}/").content.decode()
    assert "外出务工" in page and people[0].name in page


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"held_on": "2017-07-01"}, "召开日期：不能晚于今天"),
        ({"absent_PK": "1"}, "未填写缺席原因"),
        ({"absent_999999": "1", "reason_999999": "illness"}, "缺席党员不属于本组织"),
        ({"topic": ""}, "必填"),
    ],
)
def test_form_errors_in_chinese_and_nothing_written(client, branch, extra, message):
    org, _groups, people = branch
    extra = {k.replace("PK", str(people[3].pk)): v for k, v in extra.items()}
    client.force_login(make_user("village_team", CHANGFA))
    response = _post(client, org, **extra)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not PartyMeeting.objects.exists() and not MeetingAbsence.objects.exists()


def test_a_committee_meeting_is_for_the_committee(client, branch):
    org, _groups, people = branch
    client.force_login(make_user("village_team", CHANGFA))
    ordinary = people[5]
    response = _post(
        client,
        org,
        kind="committee_meeting",
        **{f"absent_{ordinary.pk}": "1", f"reason_{ordinary.pk}": "leave"},
    )
    assert response.status_code == 400
    assert "不是本次会议的应到人员" in response.content.decode()
    assert not PartyMeeting.objects.exists()
    _post(client, org, kind="committee_meeting")
    assert PartyMeeting.objects.get().attendee_count == 3


def test_attachment_type_and_size(client, branch, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    org, _groups, _people = branch
    client.force_login(make_user("village_team", CHANGFA))
    bad = SimpleUploadedFile("minutes.exe", b"MZ")
    response = _post(client, org, attachment=bad)
    assert response.status_code == 400 and "附件只接受" in response.content.decode()
    good = SimpleUploadedFile("minutes.pdf", b"%PDF-1.4 test")
    assert _post(client, org, attachment=good).status_code == 302
    meeting = PartyMeeting.objects.get()
    assert meeting.attachment.name.endswith(".pdf")
    url = f"/party/meetings/{meeting.pk}/attachment/"
    assert url in client.get(f"/party/meetings/{meeting.pk}/").content.decode()
    assert b"".join(client.get(url).streaming_content) == b"%PDF-1.4 test"
    client.force_login(make_user("village_team", HADANALA))
    assert client.get(url).status_code == 404


def test_who_may_record(client, branch):
    org, _groups, _people = branch
    client.force_login(make_user("supervisor", CHANGFA))  # sees, may not record
    assert client.get(f"/party/organizations/{org.pk}/").status_code == 200
    assert client.get(f"/party/organizations/{org.pk}/meetings/new/").status_code == 403
    client.force_login(make_user("village_team", HADANALA))
    assert client.get(f"/party/organizations/{org.pk}/").status_code == 404
    assert _post(client, org).status_code == 404
    with pytest.raises(PermissionDenied):
        services.meeting_record(
            user=make_user("village_team", HADANALA),
            organization=org,
            kind="lesson",
            held_on=D(2017, 6, 1),
            topic="x",
        )


def test_organisation_pages(client, branch):
    org, groups, people = branch
    make_meeting(org, "lesson", D(2017, 5, 20), topic="书记讲党课")
    client.force_login(make_user("township_officer", YINDEER))
    listing = client.get(f"/party/?area={YINDEER}").content.decode()
    assert org.name in listing and "2017-05-20" in listing
    detail = client.get(f"/party/organizations/{org.pk}/").content.decode()
    assert "书记讲党课" in detail and groups[1].name in detail and people[5].name in detail
    client.force_login(make_user("village_team", HADANALA))
    assert org.name not in client.get(f"/party/?area={YINDEER}").content.decode()
    assert org.name not in client.get("/party/").content.decode()


@pytest.fixture
def archived(branch):
    org, groups, people = branch
    member = people[4]  # in group 1 (index 4 → groups[0])
    cadre = Cadre.objects.create(
        name=member.name, area_id=CHANGFA, unit="长发村委会", post=Cadre.Post.VILLAGE_CADRE
    )
    household = make_household(CHANGFA, head_name="档案结对户")
    Pairing.objects.create(
        cadre=cadre, household=household, village_id=CHANGFA, start_date=D(2016, 1, 1)
    )
    member.cadre, member.is_cadre = cadre, True
    member.save()
    make_meeting(org, "members_meeting", D(2017, 5, 12), topic="学习两学一做", absent=[])
    make_meeting(
        org, "lesson", D(2017, 4, 2), topic="脱贫攻坚专题党课", absent=[(member, "illness")]
    )
    make_meeting(groups[0], "group_meeting", D(2017, 6, 2), topic="小组学习")
    make_meeting(groups[1], "group_meeting", D(2017, 6, 3), topic="别组学习")
    make_meeting(org, "committee_meeting", D(2017, 6, 4), topic="支委会议题")  # not a 委员
    make_meeting(org, "lesson", D(1999, 6, 4), topic="入党以前的党课")
    ArchiveEntry.objects.create(
        member=member,
        area_id=CHANGFA,
        kind="appraisal",
        year=2016,
        result="excellent",
        text="2016年度民主评议党员",
    )
    ArchiveEntry.objects.create(
        member=member, area_id=CHANGFA, kind="commitment", year=2017, text="帮带一户贫困户"
    )
    return member


def test_archive_attended_absences_entries_households(archived, client):
    record = archive(archived)
    assert [m.topic for m in record.attended] == ["小组学习", "学习两学一做"]
    assert [a.meeting.topic for a in record.absences] == ["脱贫攻坚专题党课"]
    assert record.counts["members_meeting"] == 1 and record.counts["lesson"] == 0
    assert [p.household.head_name for p in record.households] == ["档案结对户"]
    client.force_login(make_user("village_team", CHANGFA))
    page = client.get(f"/party/members/{archived.pk}/").content.decode()
    for text in ("政治生活档案", "学习两学一做", "因病", "优秀", "帮带一户贫困户", "档案结对户"):
        assert text in page
    assert "别组学习" not in page and "支委会议题" not in page
    client.force_login(make_user("village_team", HADANALA))
    assert client.get(f"/party/members/{archived.pk}/").status_code == 404
    assert client.get(f"/party/members/{archived.pk}/archive.pdf").status_code == 404


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils missing")
def test_archive_pdf_has_chinese_text(archived, client):
    client.force_login(make_user("village_team", CHANGFA))
    response = client.get(f"/party/members/{archived.pk}/archive.pdf")
    assert response["Content-Type"] == "application/pdf"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "a.pdf"
        path.write_bytes(response.content)
        text = subprocess.run(
            ["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"],
            check=True,
            capture_output=True,
        ).stdout.decode()
    squashed = "".join(text.split())
    for expected in ("政治生活档案", archived.name, "学习两学一做", "脱贫攻坚专题党课", "优秀"):
        assert expected in squashed


def test_transfer_moves_the_member_and_keeps_the_archive(branch):
    org, _groups, people = branch
    member = people[5]
    make_meeting(org, "lesson", D(2017, 3, 1), topic="转出前党课")
    other = make_org(CHANGFA, "branch", name="邻村党支部")
    make_meeting(other, "lesson", D(2017, 6, 1), topic="转入后党课")
    make_meeting(other, "lesson", D(2017, 3, 2), topic="转入前党课")
    officer = make_user("township_officer", YINDEER)
    services.member_transfer(
        user=officer, member=member, to_organization=other, date=D(2017, 4, 1), reason="迁居"
    )
    member.refresh_from_db()
    assert member.organization == other and member.org_since == D(2017, 4, 1)
    assert member.group is None
    topics = {m.topic for m in archive(member).attended}
    assert topics == {"转出前党课", "转入后党课"}
    # A village team of another village may not move members of this one.
    with pytest.raises(PermissionDenied):
        services.member_transfer(
            user=make_user("village_team", HADANALA),
            member=member,
            to_organization=org,
            date=D(2017, 5, 1),
        )
    # Out of the league: no receiving organisation, the member is 已转出.
    services.member_transfer(
        user=officer,
        member=member,
        to_organization=None,
        date=D(2017, 6, 10),
        destination="呼和浩特市某社区党支部",
    )
    member.refresh_from_db()
    assert member.status == PartyMember.Status.TRANSFERRED_OUT and member.left_on == D(2017, 6, 10)


def test_transfer_and_archive_entry_through_the_member_page(client, branch):
    org, _groups, people = branch
    member = people[5]
    other = make_org(CHANGFA, "branch", name="长发村第二党支部")
    foreign = make_org(HADANALA, "branch", name="哈达那拉党支部")
    client.force_login(make_user("village_team", CHANGFA))
    page = client.get(f"/party/members/{member.pk}/").content.decode()
    assert other.name in page and foreign.name not in page
    response = client.post(
        f"/party/members/{member.pk}/entries/", {"kind": "appraisal", "year": 2016, "text": ""}
    )
    assert not ArchiveEntry.objects.exists()
    assert "民主评议须填写评议结果" in client.get(response["Location"]).content.decode()
    client.post(
        f"/party/members/{member.pk}/entries/",
        {"kind": "appraisal", "year": 2016, "text": "年度评议", "result": "qualified"},
    )
    assert ArchiveEntry.objects.get().area_id == CHANGFA
    # Not to an organisation of another village.
    client.post(
        f"/party/members/{member.pk}/transfer/",
        {"to_organization": foreign.pk, "date": "2017-06-01"},
    )
    member.refresh_from_db()
    assert member.organization == org
    client.post(
        f"/party/members/{member.pk}/transfer/",
        {"to_organization": other.pk, "date": "2017-06-01", "reason": "迁居"},
    )
    member.refresh_from_db()
    assert member.organization == other and member.org_since == D(2017, 6, 1)
    assert client.get(f"/party/members/{member.pk}/transfer/").status_code == 405


def test_member_validation(branch):
    from django.core.exceptions import ValidationError

    from tests.factories import id_number_for

    org, groups, people = branch
    member = people[3]
    valid = id_number_for(CHANGFA)
    member.id_number = valid[:17] + ("0" if valid[17] != "0" else "1")  # wrong check digit
    with pytest.raises(ValidationError, match="身份证号无效"):
        member.full_clean()
    member.id_number = valid
    member.full_clean()
    member.area_id = HADANALA
    with pytest.raises(ValidationError, match="区划应与所在党组织"):
        member.full_clean()
