"""Admin: the comparison rules' versions (league HQ; an edit is saved as a new version)."""

from django.contrib import admin

from fupin.assessment.admin import LeagueRulesAdmin

from .models import ComparisonRuleSet


@admin.register(ComparisonRuleSet)
class ComparisonRuleSetAdmin(LeagueRulesAdmin):
    """A rule set is never edited in place: saving a change stores a new version, so every
    flag keeps naming the version that raised it."""

    list_display = ("version", "floor_area_max", "capital_max", "created_at")
    readonly_fields = ("version", "created_at", "created_by")

    def save_model(self, request, obj, form, change):
        if change:
            obj.pk = None
            obj._state.adding = True
        obj.version = ComparisonRuleSet.next_version()
        obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def has_delete_permission(self, request, obj=None):
        return False
