"""Admin of collective income and distributions (through the scope) and of the threshold."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from fupin.accounts.models import Role
from fupin.areas.scope import ScopedModelAdmin

from .models import CollectiveDistribution, CollectiveIncome, CollectiveThreshold


@admin.register(CollectiveIncome)
class CollectiveIncomeAdmin(ScopedModelAdmin):
    list_display = ("village", "year", "source", "amount", "note")
    list_filter = ("year", "source")
    search_fields = ("village__code", "village__name")
    raw_id_fields = ("village",)


@admin.register(CollectiveDistribution)
class CollectiveDistributionAdmin(ScopedModelAdmin):
    list_display = ("village", "year", "household", "amount")
    list_filter = ("year",)
    raw_id_fields = ("village", "household")


@admin.register(CollectiveThreshold)
class CollectiveThresholdAdmin(SimpleHistoryAdmin):
    """Reference data of the whole league: changed by the league headquarters only."""

    list_display = ("year", "amount", "note")

    def _league(self, request) -> bool:
        return request.user.is_superuser or request.user.has_role_anywhere({Role.LEAGUE_HQ})

    def has_add_permission(self, request):
        return self._league(request) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return self._league(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._league(request) and super().has_delete_permission(request, obj)
