from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import ApiToken, RoleAssignment, User


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
    actions = ["unlock_sign_in"]

    @admin.action(description=_("解除登录锁定"))
    def unlock_sign_in(self, request, queryset):
        from axes.utils import reset

        for username in queryset.values_list("username", flat=True):
            reset(username=username)
        self.message_user(request, _("已解除所选用户的登录锁定。"))

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


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are listed for revoking (deleting); their keys were never stored."""

    list_display = ("user", "device", "prefix", "created_at", "last_used_at", "expires_at")
    readonly_fields = ("user", "device", "prefix", "created_at", "last_used_at", "expires_at")
    search_fields = ("user__username", "device")

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
