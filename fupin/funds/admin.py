"""Admin of the money records: read-only and scoped. Writes go through the pages and
``services`` (the limits are checked there under a lock; an admin form would bypass them)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from fupin.areas.scope import ScopedModelAdmin

from .models import Allocation, Dividend, Fund, HouseholdShare, Project, VillageShare


class ReadOnlyAdmin(ScopedModelAdmin, SimpleHistoryAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Fund)
class FundAdmin(ReadOnlyAdmin):
    list_display = ("name", "source", "level", "area", "amount", "received_on", "parent")
    list_filter = ("source", "level")
    search_fields = ("name", "department")


@admin.register(Project)
class ProjectAdmin(ReadOnlyAdmin):
    list_display = ("name", "type", "area", "status", "budget", "operator")
    list_filter = ("type", "status")
    search_fields = ("name", "operator")


@admin.register(Allocation)
class AllocationAdmin(ReadOnlyAdmin):
    list_display = ("fund", "project", "amount", "allocated_on")


@admin.register(VillageShare)
class VillageShareAdmin(ReadOnlyAdmin):
    list_display = ("project", "village", "amount")


@admin.register(HouseholdShare)
class HouseholdShareAdmin(ReadOnlyAdmin):
    list_display = ("project", "household", "benefit_model", "amount", "since")
    list_filter = ("benefit_model",)
    raw_id_fields = ("household",)


@admin.register(Dividend)
class DividendAdmin(ReadOnlyAdmin):
    list_display = ("project", "household", "year", "amount", "kind", "paid_on")
    list_filter = ("year", "kind")
