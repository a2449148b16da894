"""Admin of poor villages (through the scope) and of the exit rules (versioned)."""

from django.contrib import admin

from fupin.accounts.models import Role
from fupin.areas.scope import ScopedModelAdmin

from .models import PoorVillageDesignation, VillageConditions, VillageExitCase, VillageExitRules


@admin.register(PoorVillageDesignation)
class PoorVillageDesignationAdmin(ScopedModelAdmin):
    list_display = ("village", "year", "designated_on", "exit_year")
    list_filter = ("year", "exit_year")
    search_fields = ("village__code", "village__name")
    raw_id_fields = ("village",)


@admin.register(VillageConditions)
class VillageConditionsAdmin(ScopedModelAdmin):
    list_display = ("village", "year", "road", "safe_water", "electricity", "clinic")
    list_filter = ("year",)
    raw_id_fields = ("village",)


@admin.register(VillageExitCase)
class VillageExitCaseAdmin(ScopedModelAdmin):
    """Read only: the procedure is taken on the village's page, through the services."""

    list_display = ("village", "year", "state", "outcome")
    list_filter = ("year", "outcome")
    raw_id_fields = ("village",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(VillageExitRules)
class VillageExitRulesAdmin(admin.ModelAdmin):
    """A version is never edited in place: saving a change stores a new version. League
    reference data: changed by the league headquarters only."""

    list_display = ("version", "incidence_max", "collective_income_min", "created_at")
    readonly_fields = ("version", "created_at", "created_by")

    def _league(self, request) -> bool:
        return request.user.is_superuser or request.user.has_role_anywhere({Role.LEAGUE_HQ})

    def has_add_permission(self, request):
        return self._league(request)

    def has_change_permission(self, request, obj=None):
        return self._league(request)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if change:
            obj.pk = None
            obj._state.adding = True
        obj.version = VillageExitRules.next_version()
        obj.created_by = request.user
        super().save_model(request, obj, form, change)
