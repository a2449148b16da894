"""Admin of cases, notices and rounds: read through the scope; writes belong to the services."""

from django.contrib import admin

from fupin.areas.scope import ScopedModelAdmin

from .models import AdjustmentRound, Case, CaseStep, Notice, NoticePeriod, Objection


class ReadOnlyScopedAdmin(ScopedModelAdmin):
    """The workflow moves only through its services (role checks, steps, audit)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CaseStepInline(admin.TabularInline):
    model = CaseStep
    extra = 0
    can_delete = False
    fields = ("step", "decision", "reason", "acted_on", "actor", "role", "record")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(ReadOnlyScopedAdmin):
    list_display = ("applicant_name", "kind", "village", "year", "state", "paused", "outcome")
    list_filter = ("kind", "year", "outcome", "paused")
    search_fields = ("applicant_name",)
    raw_id_fields = ("household", "adjustment_round")
    inlines = [CaseStepInline]


@admin.register(Objection)
class ObjectionAdmin(ReadOnlyScopedAdmin):
    list_display = ("filer_name", "case", "state", "filed_at", "answered_on")
    list_filter = ("state",)


@admin.register(Notice)
class NoticeAdmin(ReadOnlyScopedAdmin):
    list_display = ("title", "kind", "level", "published_on", "ends_on")
    list_filter = ("kind", "level", "case_kind")
    filter_horizontal = ()
    raw_id_fields = ("cases",)


@admin.register(AdjustmentRound)
class AdjustmentRoundAdmin(ReadOnlyScopedAdmin):
    list_display = ("county", "year", "opened_on", "closed_on")


@admin.register(NoticePeriod)
class NoticePeriodAdmin(ScopedModelAdmin):
    """Notice durations per area (the nearest area up the code prefixes applies)."""

    list_display = ("area", "days")
    raw_id_fields = ("area",)
