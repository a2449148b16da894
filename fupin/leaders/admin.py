"""Admin: leader rows read through the scope."""

from django.contrib import admin

from fupin.areas.scope import ScopedModelAdmin

from .models import EntrepreneurLeader, LeaderIncome, LeaderLink


@admin.register(EntrepreneurLeader)
class EntrepreneurLeaderAdmin(ScopedModelAdmin):
    list_display = ("business_name", "party_member", "kind", "industry", "area")
    list_filter = ("kind",)
    raw_id_fields = ("party_member", "area")


@admin.register(LeaderLink)
class LeaderLinkAdmin(ScopedModelAdmin):
    list_display = ("leader", "household", "kind", "since", "until")
    raw_id_fields = ("leader", "household", "village")


@admin.register(LeaderIncome)
class LeaderIncomeAdmin(ScopedModelAdmin):
    list_display = ("link", "year", "amount")
    raw_id_fields = ("link", "village")
