"""Admin: Party rows read through the scope; the 三会一课 requirements are league settings."""

from django.contrib import admin

from fupin.accounts.models import Role
from fupin.areas.scope import ScopedModelAdmin

from .models import (
    ArchiveEntry,
    MeetingAbsence,
    MeetingRequirement,
    MemberTransfer,
    PartyMeeting,
    PartyMember,
    PartyOrganization,
)

SETTERS = {Role.LEAGUE_HQ, Role.ORGANIZATION}


@admin.register(MeetingRequirement)
class MeetingRequirementAdmin(admin.ModelAdmin):
    """Editable by the league headquarters and the organisation department; no area data."""

    list_display = ("kind", "every_months", "organization_kinds")

    def has_add_permission(self, request):
        return request.user.has_role_anywhere(SETTERS) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return request.user.has_role_anywhere(SETTERS) and super().has_change_permission(
            request, obj
        )


@admin.register(PartyOrganization)
class PartyOrganizationAdmin(ScopedModelAdmin):
    list_display = ("name", "kind", "area", "active")
    list_filter = ("kind", "active")
    search_fields = ("name",)
    raw_id_fields = ("parent", "secretary")


@admin.register(PartyMember)
class PartyMemberAdmin(ScopedModelAdmin):
    list_display = ("name", "organization", "post", "joined_on", "status")
    list_filter = ("status", "post", "is_cadre")
    search_fields = ("name",)
    raw_id_fields = ("organization", "group", "cadre")


@admin.register(MemberTransfer)
class MemberTransferAdmin(ScopedModelAdmin):
    list_display = ("date", "member", "from_organization", "to_organization")
    raw_id_fields = ("member", "from_organization", "to_organization")


@admin.register(PartyMeeting)
class PartyMeetingAdmin(ScopedModelAdmin):
    list_display = ("held_on", "kind", "organization", "topic", "attendee_count")
    list_filter = ("kind",)
    raw_id_fields = ("organization", "recorded_by")


@admin.register(MeetingAbsence)
class MeetingAbsenceAdmin(ScopedModelAdmin):
    list_display = ("meeting", "member", "reason")
    list_filter = ("reason",)
    raw_id_fields = ("meeting", "member")


@admin.register(ArchiveEntry)
class ArchiveEntryAdmin(ScopedModelAdmin):
    list_display = ("member", "kind", "year", "result")
    list_filter = ("kind", "year", "result")
    raw_id_fields = ("member",)
