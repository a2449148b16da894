from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin

from fupin.areas.scope import ScopedModelAdmin

from .models import Household, ImportJob, IncomeRecord, Member, StatusRecord


class ScopedHistoryAdmin(SimpleHistoryAdmin, ScopedModelAdmin):
    """History pages too go through the scope: simple-history falls back to the historical
    rows when the object is not in ``get_queryset``, which would show an out-of-scope record."""

    def _in_scope_or_404(self, request, object_id):
        if not self.get_queryset(request).filter(pk=unquote(object_id)).exists():
            raise Http404

    def history_view(self, request, object_id, extra_context=None):
        self._in_scope_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._in_scope_or_404(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)


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
    list_display = ("original_name", "user", "state", "total", "created_at")
    list_filter = ("state",)
