from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import RoleAssignment, User


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    raw_id_fields = ("area",)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Users are managed by superusers only: a role grants scope, so granting is not scoped."""

    inlines = [RoleAssignmentInline]
    fieldsets = (*BaseUserAdmin.fieldsets, ("fupin", {"fields": ("full_name", "phone")}))
    list_display = ("username", "full_name", "is_active", "is_superuser")

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser
