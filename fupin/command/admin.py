"""Admin: the command structure is entered here (units with their members), read through the
scope; only the organisation department and the league headquarters may change it."""

from django.contrib import admin

from fupin.accounts.actions import EDIT_COMMAND
from fupin.areas.scope import ScopedModelAdmin

from .models import CommandMember, CommandUnit


class CommandMemberInline(admin.TabularInline):
    model = CommandMember
    extra = 1
    fields = ("order", "cadre", "name", "role")
    raw_id_fields = ("cadre",)


class _EditCommand:
    def _may_edit(self, request, obj=None):
        code = getattr(obj, "area_id", None)
        if code:
            return request.user.has_role_at(EDIT_COMMAND, code)
        return request.user.has_role_anywhere(EDIT_COMMAND)

    def has_add_permission(self, request, *args):
        return self._may_edit(request) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return self._may_edit(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._may_edit(request, obj) and super().has_delete_permission(request, obj)


@admin.register(CommandUnit)
class CommandUnitAdmin(_EditCommand, ScopedModelAdmin):
    list_display = ("name", "kind", "area", "parent", "leader", "leader_name")
    list_filter = ("kind",)
    search_fields = ("name", "leader_name")
    raw_id_fields = ("parent", "leader")
    inlines = [CommandMemberInline]

    def save_formset(self, request, form, formset, change):
        for member in formset.save(commit=False):
            member.area_id = form.instance.area_id
            member.save()
        for member in formset.deleted_objects:
            member.delete()
        formset.save_m2m()


@admin.register(CommandMember)
class CommandMemberAdmin(_EditCommand, ScopedModelAdmin):
    list_display = ("display_name", "role", "unit")
    search_fields = ("name", "role")
    raw_id_fields = ("unit", "cadre")
    readonly_fields = ("area",)

    def save_model(self, request, obj, form, change):
        obj.area_id = obj.unit.area_id
        super().save_model(request, obj, form, change)
