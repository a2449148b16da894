from django.contrib import admin

from .models import Area, RuralPopulation
from .scope import ScopedModelAdmin


@admin.register(Area)
class AreaAdmin(ScopedModelAdmin):
    list_display = ("code", "name", "level", "participates")
    list_filter = ("level", "participates")
    search_fields = ("code", "name")
    readonly_fields = ("code", "level", "parent")
    fields = ("code", "name", "level", "parent", "participates")

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
