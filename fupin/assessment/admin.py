"""Admin: poverty lines and rule versions (league HQ), checks and results (scoped)."""

from django.contrib import admin

from fupin.accounts.models import Role
from fupin.areas.scope import ScopedModelAdmin

from .models import (
    CountyAssessment,
    CountyCheck,
    HouseholdAssessment,
    MonitoredHousehold,
    PovertyLine,
    RuleSet,
    VillageAssessment,
)


class LeagueRulesAdmin(admin.ModelAdmin):
    """Reference data of the whole league: changed by the league headquarters only."""

    def _league(self, request) -> bool:
        return request.user.has_role_anywhere({Role.LEAGUE_HQ})

    def has_add_permission(self, request):
        return self._league(request) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return self._league(request) and super().has_change_permission(request, obj)


@admin.register(PovertyLine)
class PovertyLineAdmin(LeagueRulesAdmin):
    list_display = ("year", "standard", "amount", "source")
    list_filter = ("standard",)


@admin.register(RuleSet)
class RuleSetAdmin(LeagueRulesAdmin):
    """A rule set is never edited in place: saving a change stores a new version."""

    list_display = (
        "version",
        "village_incidence_max",
        "county_incidence_max",
        "missed_rate_max",
        "wrong_exit_rate_max",
        "approval_min",
        "created_at",
    )
    readonly_fields = ("version", "created_at", "created_by")

    def save_model(self, request, obj, form, change):
        if change:
            obj.pk = None
            obj._state.adding = True
        obj.version = RuleSet.next_version()
        obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def has_delete_permission(self, request, obj=None):
        return False


class ResultAdmin(ScopedModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(HouseholdAssessment)
class HouseholdAssessmentAdmin(ResultAdmin):
    list_display = ("household", "year", "eligible", "net_income_per_capita", "rule_set")
    list_filter = ("year", "eligible")
    raw_id_fields = ("household", "village")


@admin.register(VillageAssessment)
class VillageAssessmentAdmin(ResultAdmin):
    list_display = ("village", "year", "incidence", "eligible", "rule_set")
    list_filter = ("year", "eligible")


@admin.register(CountyAssessment)
class CountyAssessmentAdmin(ResultAdmin):
    list_display = ("county", "year", "incidence", "eligible", "rule_set")
    list_filter = ("year", "eligible")


@admin.register(CountyCheck)
class CountyCheckAdmin(ScopedModelAdmin):
    list_display = (
        "county",
        "year",
        "missed_rate",
        "wrong_exit_rate",
        "approval_rate",
        "entered_on",
    )
    list_filter = ("year",)
    readonly_fields = ("entered_by",)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.entered_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(MonitoredHousehold)
class MonitoredHouseholdAdmin(ResultAdmin):
    list_display = ("household", "kind", "year", "state", "cleared_on")
    list_filter = ("kind", "state", "year")
    raw_id_fields = ("household", "village")
