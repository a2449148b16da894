"""Admin of policy enrolments, through the scope (where the offices correct single rows)."""

from django.contrib import admin

from fupin.areas.scope import ScopedModelAdmin

from .models import PolicyEnrolment


@admin.register(PolicyEnrolment)
class PolicyEnrolmentAdmin(ScopedModelAdmin):
    list_display = ("member", "household", "village", "year", "policy", "amount")
    list_filter = ("year", "policy")
    raw_id_fields = ("member", "household", "village")

    def save_model(self, request, obj, form, change):
        # The member decides the household and the village (the scope), not the form.
        obj.household_id = obj.member.household_id
        obj.village_id = obj.member.village_id
        super().save_model(request, obj, form, change)
