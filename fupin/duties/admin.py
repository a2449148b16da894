"""Admin: subjects and duties are league-wide data (staff edit them); tasks and reports are
area data read through the scope."""

from django.contrib import admin

from fupin.areas.scope import ScopedModelAdmin

from .models import Duty, Subject, Task, TaskProgress
from .permissions import can_assess


class DutyInline(admin.TabularInline):
    model = Duty
    extra = 1
    fields = ("order", "title", "text")


@admin.register(Subject)
class SubjectAdmin(admin.ModelAdmin):
    list_display = ("name", "level", "order", "active")
    list_filter = ("level", "active")
    list_editable = ("order", "active")
    inlines = [DutyInline]


@admin.register(Duty)
class DutyAdmin(admin.ModelAdmin):
    list_display = ("title", "subject", "order")
    list_filter = ("subject__level", "subject")
    search_fields = ("title", "text")


class TaskProgressInline(admin.TabularInline):
    model = TaskProgress
    extra = 0
    fields = ("reported_on", "percent", "note", "reported_by")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        # Reports go through the progress form, which keeps the task's progress in step.
        return False


@admin.register(Task)
class TaskAdmin(ScopedModelAdmin):
    list_display = ("title", "area", "year", "duty", "deadline", "weight", "progress", "score")
    list_filter = ("year", "duty__subject__level", "duty__subject")
    search_fields = ("title", "owner_unit")
    raw_id_fields = ("owner",)
    readonly_fields = ("progress", "completed_on")
    inlines = [TaskProgressInline]

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if obj is not None and not can_assess(request.user, obj.area_id):
            fields = (*fields, "score")  # the level above scores a unit's task
        return fields


@admin.register(TaskProgress)
class TaskProgressAdmin(ScopedModelAdmin):
    list_display = ("task", "reported_on", "percent", "reported_by")
    raw_id_fields = ("task", "reported_by")
    readonly_fields = ("area",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
