"""Admin of the cadre roster: every list, form and save through the scope."""

from django.contrib import admin

from fupin.areas.scope import ScopedModelAdmin

from .models import CadrePost, CadreRecord, Evaluation, WorkTeam


@admin.register(WorkTeam)
class WorkTeamAdmin(ScopedModelAdmin):
    list_display = ("village", "sending_unit", "leader", "start_date", "planned_end")
    raw_id_fields = ("leader",)
    search_fields = ("sending_unit",)


@admin.register(CadrePost)
class CadrePostAdmin(ScopedModelAdmin):
    list_display = ("cadre", "kind", "title", "area", "start_date", "end_date", "end_reason")
    list_filter = ("kind", "end_reason")
    raw_id_fields = ("cadre", "team")
    search_fields = ("cadre__name", "title")


@admin.register(Evaluation)
class EvaluationAdmin(ScopedModelAdmin):
    list_display = ("cadre", "year", "area", "score", "grade", "outcome")
    list_filter = ("year", "outcome", "grade")
    raw_id_fields = ("cadre", "created_by")
    search_fields = ("cadre__name",)


@admin.register(CadreRecord)
class CadreRecordAdmin(ScopedModelAdmin):
    list_display = ("cadre", "kind", "date", "area")
    list_filter = ("kind",)
    raw_id_fields = ("cadre", "created_by")
    search_fields = ("cadre__name",)
