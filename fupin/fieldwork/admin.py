"""Admin: field-work rows read through the scope; cadences are league settings."""

from django.contrib import admin

from fupin.accounts.models import Role
from fupin.areas.scope import ScopedModelAdmin

from .models import Cadence, CheckIn, Concern, ReviewMeeting, Visit


@admin.register(Cadence)
class CadenceAdmin(admin.ModelAdmin):
    """Editable by the league headquarters only; no area data."""

    list_display = ("key", "value")

    def has_add_permission(self, request):
        return request.user.has_role_anywhere({Role.LEAGUE_HQ}) and super().has_add_permission(
            request
        )

    def has_change_permission(self, request, obj=None):
        return request.user.has_role_anywhere({Role.LEAGUE_HQ}) and super().has_change_permission(
            request, obj
        )


@admin.register(Visit)
class VisitAdmin(ScopedModelAdmin):
    list_display = ("visited_on", "kind", "cadre", "village")
    list_filter = ("kind",)
    raw_id_fields = ("cadre", "household", "created_by")


@admin.register(CheckIn)
class CheckInAdmin(ScopedModelAdmin):
    list_display = ("day", "cadre", "village")
    raw_id_fields = ("cadre",)


@admin.register(Concern)
class ConcernAdmin(ScopedModelAdmin):
    list_display = ("raised_on", "category", "state", "level", "village", "deadline")
    list_filter = ("state", "level", "category")
    raw_id_fields = ("household", "raised_by", "visit", "owner")
    readonly_fields = ("state", "level", "satisfied", "feedback_on", "source_hash")


@admin.register(ReviewMeeting)
class ReviewMeetingAdmin(ScopedModelAdmin):
    list_display = ("held_on", "level", "area")
    list_filter = ("level",)
    raw_id_fields = ("concerns", "created_by")
