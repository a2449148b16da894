from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from fupin.areas.scope import ScopedModelAdmin

from .models import Household, ImportJob, IncomeRecord, Member, StatusRecord


class ScopedHistoryAdmin(SimpleHistoryAdmin, ScopedModelAdmin):
    pass


@admin.register(Household)
class HouseholdAdmin(ScopedHistoryAdmin):
    list_display = ("number", "head_name", "village", "members_count", "attribute", "status")
    list_filter = ("status", "attribute", "main_cause", "identified_year")
    search_fields = ("=number", "head_name")
    raw_id_fields = ("village",)
    list_select_related = ("village",)


@admin.register(Member)
class MemberAdmin(ScopedHistoryAdmin):
    list_display = ("name", "id_number", "relation", "household", "health", "labour")
    search_fields = ("=id_number", "name")
    raw_id_fields = ("household", "village")
    list_select_related = ("household",)


@admin.register(IncomeRecord)
class IncomeRecordAdmin(ScopedHistoryAdmin):
    list_display = ("household", "year", "wage_income", "business_income", "members_count")
    list_filter = ("year",)
    raw_id_fields = ("household", "village")


@admin.register(StatusRecord)
class StatusRecordAdmin(ScopedHistoryAdmin):
    list_display = ("household", "year", "status", "attribute", "members_count")
    list_filter = ("year", "status")
    raw_id_fields = ("household", "village")


@admin.register(ImportJob)
class ImportJobAdmin(ScopedModelAdmin):
    scope_field = "scope_code"
    list_display = ("original_name", "user", "state", "total", "created_at")
    list_filter = ("state",)
