"""Party records for tests: a township committee, a village branch with groups and members."""

from __future__ import annotations

import datetime
import itertools

from fupin.party.models import MeetingAbsence, PartyMeeting, PartyMember, PartyOrganization

_seq = itertools.count(1)


def make_org(area, kind="branch", *, name=None, parent=None, **fields):
    return PartyOrganization.objects.create(
        kind=kind, name=name or f"{kind}{next(_seq)}", area_id=area, parent=parent, **fields
    )


def make_member(org, *, name=None, group=None, post="member", joined=None, **fields):
    return PartyMember.objects.create(
        name=name or f"党员{next(_seq)}",
        sex=fields.pop("sex", "M"),
        organization=org,
        group=group,
        area_id=org.area_id,
        joined_on=joined or datetime.date(2000, 7, 1),
        org_since=joined or datetime.date(2000, 7, 1),
        post=post,
        **fields,
    )


def make_meeting(org, kind, day, *, topic=None, absent=()):
    meeting = PartyMeeting.objects.create(
        organization=org, area_id=org.area_id, kind=kind, held_on=day, topic=topic or f"主题{kind}"
    )
    for member, reason in absent:
        MeetingAbsence.objects.create(
            meeting=meeting, member=member, area_id=org.area_id, reason=reason
        )
    return meeting


def make_branch(village, *, members=6, name="长发村党支部"):
    """A branch with two groups; the first three members form the committee."""
    branch = make_org(village, "branch", name=name)
    groups = [make_org(village, "group", name=f"{name}第{i}党小组", parent=branch) for i in (1, 2)]
    posts = ["secretary", "deputy", "committee"] + ["member"] * (members - 3)
    people = [make_member(branch, group=groups[i % 2], post=post) for i, post in enumerate(posts)]
    branch.secretary = people[0]
    branch.save()
    return branch, groups, people
