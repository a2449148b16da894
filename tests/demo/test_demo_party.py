"""The demo's Party records at a small scale: a branch per demo village with groups and
members, two years of 三会一课 whose gaps the compliance selector finds exactly, 长发村's story,
appraisals, transfers."""

from __future__ import annotations

import datetime

from django.db.models import Count

from fupin.party.models import (
    ArchiveEntry,
    MeetingAbsence,
    MeetingKind,
    MemberTransfer,
    PartyMeeting,
    PartyMember,
    PartyOrganization,
)
from fupin.party.selectors import meeting_compliance, parse_quarter
from fupin.registry.models import Household
from tests.demo.snapshots import snapshot_part

CHANGFA = "152223100234"


@snapshot_part("party")
def _snapshot():
    return {
        "members": list(
            PartyMember.objects.order_by("pk").values_list("name", "organization__name", "post")
        ),
        "meetings": list(
            PartyMeeting.objects.order_by("pk").values_list("organization__name", "kind", "held_on")
        ),
        "absences": list(
            MeetingAbsence.objects.order_by("pk").values_list("member__name", "reason")
        ),
    }


def test_a_branch_per_demo_village_with_groups_and_members(demo, db):
    villages = set(Household.objects.values_list("village_id", flat=True))
    branches = PartyOrganization.objects.filter(kind="branch")
    assert set(branches.values_list("area_id", flat=True)) == villages
    assert branches.count() == len(villages)
    groups = (
        PartyOrganization.objects.filter(kind="group").values("parent_id").annotate(n=Count("id"))
    )
    assert {g["n"] for g in groups} <= {2, 3} and len(groups) == len(villages)
    committees = set(
        PartyOrganization.objects.filter(kind="committee").values_list("area_id", flat=True)
    )
    assert committees == {v[:9] for v in villages}
    sizes = (
        PartyMember.objects.filter(organization__kind="branch")
        .values("organization_id")
        .annotate(n=Count("id"))
    )
    # 20–35 at the start; a transfer moves one member to the neighbouring branch.
    assert all(19 <= s["n"] <= 36 for s in sizes)
    assert PartyMember.objects.filter(is_cadre=True, cadre__isnull=False).exists()
    assert not PartyOrganization.objects.filter(kind="branch", secretary__isnull=True).exists()
    assert demo.party.members == PartyMember.objects.count()


def test_compliance_finds_exactly_the_gaps_made(demo, admin):
    """Over the two years every gap the demo made is a missing period, nothing else is."""
    total = 0
    for year, quarter in [(2015, 3), (2015, 4)] + [
        (y, q) for y in (2016, 2017) for q in (1, 2, 3, 4)
    ]:
        if (year, quarter) > (2017, 2):
            break
        result = meeting_compliance(admin, "1522", parse_quarter(f"{year}-Q{quarter}"))
        total += result.missed_meetings
    assert total == demo.party.gaps > 0


def test_changfa_story(demo, admin):
    meeting = PartyMeeting.objects.get(
        area_id=CHANGFA, kind=MeetingKind.MEMBERS_MEETING, held_on=datetime.date(2017, 5, 12)
    )
    absence = meeting.absences.get()
    assert absence.reason == "work_away"
    result = meeting_compliance(admin, CHANGFA, parse_quarter("2017-Q2"))
    assert absence.pk in {a.pk for a in result.absences}
    late = {item.organization.name: item.missing for item in result.late}
    assert any("第二党小组" in name for name in late)
    # The member's archive shows the absence, and appraisals for 2015 and 2016.
    years = set(absence.member.archive.filter(kind="appraisal").values_list("year", flat=True))
    assert years == {2015, 2016}


def test_attendee_counts_are_members_minus_absentees(demo, db):
    from fupin.party.selectors import attendees

    for meeting in PartyMeeting.objects.filter(area_id=CHANGFA).order_by("pk")[:60]:
        assert meeting.attendee_count == attendees(meeting).count()


def test_transfers_and_archive(demo, db):
    assert (
        MemberTransfer.objects.exists()
        or PartyOrganization.objects.filter(kind="branch").count() < 9
    )
    for transfer in MemberTransfer.objects.select_related("member"):
        if transfer.to_organization_id:
            assert transfer.member.organization_id == transfer.to_organization_id
            assert transfer.member.org_since == transfer.date
        else:
            assert transfer.member.status == "transferred_out"
    assert ArchiveEntry.objects.filter(kind="appraisal", year=2016).count() > 0.9 * (
        PartyMember.objects.filter(joined_on__lte=datetime.date(2016, 12, 1)).count()
    )
