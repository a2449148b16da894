from django.contrib import admin

from .models import ScheduledRun


@admin.register(ScheduledRun)
class ScheduledRunAdmin(admin.ModelAdmin):
    # The record of what ran: written only by the schedule.
    list_display = ("slot", "job", "status", "started_at", "finished_at", "summary")
    list_filter = ("job", "status")
    date_hierarchy = "slot"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
