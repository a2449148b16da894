from django.contrib import admin

from .models import Area, PeriodClose, PeriodCorrection, RuralPopulation
from .scope import ScopedModelAdmin


@admin.register(Area)
class AreaAdmin(ScopedModelAdmin):
    list_display = ("code", "name", "level", "participates")
    list_filter = ("level", "participates")
    search_fields = ("code", "name")
    readonly_fields = ("code", "level", "parent")
    fields = ("code", "name", "name_mn", "level", "parent", "participates", "bilingual")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RuralPopulation)
class RuralPopulationAdmin(ScopedModelAdmin):
    list_display = ("village", "year", "population")
    list_filter = ("year",)
    search_fields = ("village__code", "village__name")
    raw_id_fields = ("village",)


@admin.register(PeriodClose)
class PeriodCloseAdmin(ScopedModelAdmin):
    """Read-only: a period is closed and reopened through fupin.areas.periods (with audit)."""

    list_display = ("kind", "area", "period", "closed_by", "closed_at", "reopened_at")
    list_filter = ("kind", "period")
    search_fields = ("area__code", "area__name", "period")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PeriodCorrection)
class PeriodCorrectionAdmin(ScopedModelAdmin):
    """Read-only: corrections are written by the services that write into a closed period."""

    list_display = ("close", "area", "day", "record", "record_id", "reason", "corrected_by")
    list_filter = ("close__kind",)
    search_fields = ("area__code", "record_id", "reason")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
