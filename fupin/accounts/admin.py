from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _

from fupin.core.sheets import csv_bytes

from .models import ApiToken, RoleAssignment, User
from .provisioning import initial_passwords

# Each initial password is hashed on its own (a fraction of a second each).
ISSUE_LIMIT = 200


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    raw_id_fields = ("area",)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Users are managed by superusers only: a role grants scope, so granting is not scoped."""

    inlines = [RoleAssignmentInline]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        ("fupin", {"fields": ("full_name", "phone", "must_change_password")}),
    )
    list_display = ("username", "full_name", "is_active", "must_change_password", "is_superuser")
    list_filter = (*BaseUserAdmin.list_filter, "must_change_password")
    search_fields = (*BaseUserAdmin.search_fields, "full_name", "phone")
    actions = ["unlock_sign_in", "issue_initial_passwords"]

    @admin.action(description=_("发放初始密码（下载，首次登录须修改）"))
    def issue_initial_passwords(self, request, queryset):
        """A new random password for each selected user, in a CSV shown this once: the slips
        the county office hands to its cadres. At most :data:`ISSUE_LIMIT` at a time, since
        each password is hashed on its own."""
        if queryset.count() > ISSUE_LIMIT:
            self.message_user(
                request,
                _("一次最多发放 %(limit)d 个初始密码。") % {"limit": ISSUE_LIMIT},
                messages.ERROR,
            )
            return None
        issued = initial_passwords(actor=request.user, users=queryset.order_by("username"))
        rows = [["用户名", "姓名", "初始密码"]]
        rows += [[user.username, user.full_name, password] for user, password in issued]
        response = HttpResponse(csv_bytes(rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="initial-passwords.csv"'
        response["Cache-Control"] = "no-store"
        return response

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
