from django.contrib import admin

from fupin.areas.scope import ScopedModelAdmin

from .models import Report


@admin.register(Report)
class ReportAdmin(ScopedModelAdmin):
    list_display = ("label", "kind", "area", "version", "status", "published_at")
    list_filter = ("kind", "status")
    readonly_fields = [f.name for f in Report._meta.fields]

    def has_add_permission(self, request):
        return False  # reports are published from their page or the command, never typed in
