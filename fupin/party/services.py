"""Writes of Party records; every write checks the user's right at the area again.

Transfers (docs/party.md §Transfers): the user needs ``EDIT_PARTY`` at the area of the
organisation left *and* of the one joined, so a village team cannot pull a member out of
another village. A transfer to somewhere outside the league's records has no receiving
organisation: the member keeps the old organisation, becomes 已转出 with ``left_on``.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from fupin.accounts.models import User
from fupin.areas.periods import Kind as PeriodKind
from fupin.areas.periods import period_check
from fupin.core import dates
from fupin.core.audit import (
    ARCHIVE_ENTRY_CREATED,
    MEETING_RECORDED,
    MEMBER_TRANSFERRED,
    audit,
)
from fupin.core.clock import as_of

from .models import (
    ArchiveEntry,
    MeetingAbsence,
    MemberTransfer,
    PartyMeeting,
    PartyMember,
    PartyOrganization,
)
from .permissions import can_edit
from .selectors import members_on


def _require(user: User, code: str) -> None:
    if not can_edit(user, code):
        raise PermissionDenied(_("您没有在该区划记录党建信息的权限。"))


@transaction.atomic
def meeting_record(
    *,
    user: User,
    organization: PartyOrganization,
    kind: str,
    held_on: datetime.date,
    topic: str,
    minutes: str = "",
    attachment=None,
    absences: Sequence[tuple[PartyMember | int, str, str]] = (),
    backdate_reason: str = "",
    correction_reason: str = "",
) -> PartyMeeting:
    """Record a meeting with its absentees ``[(member, reason, note)]``; all or nothing.

    The date is today's, or a backdated one within the window with a reason (fupin.core.dates).
    """
    _require(user, organization.area_id)
    dated = dates.record_date(
        dates.Kind.MEETING, held_on, reason=backdate_reason or correction_reason, field="held_on"
    )
    held_on = dated.date
    members = {m.pk: m for m in members_on(organization, held_on, kind)}
    rows = []
    for member, reason, note in absences:
        pk = member.pk if isinstance(member, PartyMember) else member
        if pk not in members:
            name = PartyMember.objects.filter(pk=pk).values_list("name", flat=True).first()
            raise ValidationError(_("缺席党员不是本次会议的应到人员：%s") % (name or pk))
        if reason not in MeetingAbsence.Reason.values:
            raise ValidationError(_("请填写缺席原因：%s") % members[pk].name)
        rows.append((pk, reason, note))
    meeting = PartyMeeting(
        organization=organization,
        area_id=organization.area_id,
        kind=kind,
        held_on=held_on,
        topic=topic,
        minutes=minutes,
        attendee_count=len(members) - len(rows),
        backdated=dated.backdated,
        backdate_reason=dated.reason,
        recorded_by=user,
    )
    if attachment:
        meeting.attachment = attachment
    meeting.full_clean()
    meeting.save()
    # A closed quarter takes the meeting only as a correction (fupin.areas.periods).
    period_check(
        PeriodKind.PARTY_QUARTER,
        meeting.area_id,
        held_on,
        correction_reason,
        record=meeting,
        actor=user,
    )
    MeetingAbsence.objects.bulk_create(
        MeetingAbsence(
            meeting=meeting, member_id=pk, area_id=organization.area_id, reason=r, note=n
        )
        for pk, r, n in rows
    )
    audit(
        user,
        MEETING_RECORDED,
        meeting.pk,
        organization=organization.pk,
        kind=kind,
        held_on=held_on.isoformat(),
        absent=[pk for pk, _r, _n in rows],
    )
    return meeting


@transaction.atomic
def member_transfer(
    *,
    user: User,
    member: PartyMember,
    to_organization: PartyOrganization | None,
    date: datetime.date,
    reason: str = "",
    destination: str = "",
) -> MemberTransfer:
    """Move the member to ``to_organization`` (or out of the league's records when None)."""
    source = member.organization
    _require(user, source.area_id)
    if to_organization is not None:
        _require(user, to_organization.area_id)
        if to_organization.pk == source.pk or to_organization.is_group:
            raise ValidationError(_("转入组织应为另一个党组织（不能是党小组）。"))
    if date > as_of():
        raise ValidationError({"date": _("转接日期不能晚于今天。")})
    transfer = MemberTransfer.objects.create(
        member=member,
        from_organization=source,
        to_organization=to_organization,
        area_id=source.area_id,
        date=date,
        reason=reason,
        destination=destination,
    )
    if to_organization is None:
        member.status = PartyMember.Status.TRANSFERRED_OUT
        member.left_on = date
    else:
        member.organization = to_organization
        member.area_id = to_organization.area_id
        member.group = None
        member.org_since = date
        if member.post != PartyMember.Post.MEMBER:
            member.post = PartyMember.Post.MEMBER
    member.save()
    audit(
        user,
        MEMBER_TRANSFERRED,
        member.pk,
        transfer=transfer.pk,
        organization=[source.pk, to_organization.pk if to_organization else None],
        date=date.isoformat(),
    )
    return transfer


@transaction.atomic
def archive_entry_create(*, user: User, member: PartyMember, entry: ArchiveEntry) -> ArchiveEntry:
    """Add a line (cleaned by the form, not yet saved) to the member's political archive."""
    _require(user, member.area_id)
    entry.member, entry.area_id = member, member.area_id
    entry.save()
    audit(user, ARCHIVE_ENTRY_CREATED, entry.pk, member=member.pk, kind=entry.kind, year=entry.year)
    return entry
