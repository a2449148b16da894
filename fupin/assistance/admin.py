"""Admin of cadres, links, pairings, plans and measures: all through the scope."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from fupin.accounts.models import Role
from fupin.areas.scope import ScopedModelAdmin

from .accounts import cadre_accounts_create
from .models import AssistancePlan, Cadre, Link, Measure, Pairing, PairingCap
from .selectors import active_q, cap_for
from .services import MSG_OVER_CAP


@admin.register(Cadre)
class CadreAdmin(ScopedModelAdmin):
    list_display = ("name", "unit", "post", "phone", "party_member", "active", "area", "user")
    list_filter = ("post", "party_member", "active")
    search_fields = ("name", "unit", "phone")
    raw_id_fields = ("user",)
    actions = ["create_logins"]

    @admin.action(description=_("为所选干部开通登录账号"))
    def create_logins(self, request, queryset):
        made = cadre_accounts_create(
            actor=request.user, cadres=list(queryset.values_list("pk", flat=True))
        )
        self.message_user(
            request,
            gettext("已开通登录账号 %(created)d 个，关联已有账号 %(linked)d 个。")
            % {"created": made.created, "linked": made.linked},
        )
        names = dict(queryset.values_list("pk", "name"))
        for refusal in made.refused:
            self.message_user(
                request,
                f"{names.get(refusal.key, refusal.key)}：{refusal.reason}",
                messages.WARNING,
            )


@admin.register(Link)
class LinkAdmin(ScopedModelAdmin):
    list_display = ("kind", "area", "cadre", "department", "start_date", "end_date")
    list_filter = ("kind",)
    raw_id_fields = ("cadre",)


class PairingAdminForm(forms.ModelForm):
    """A new pairing in the admin obeys the cap of the cadre's post, like ``services.pairing_create``."""

    class Meta:
        model = Pairing
        fields = ("cadre", "household", "start_date", "end_date")

    def clean(self):
        data = super().clean()
        cadre, start = data.get("cadre"), data.get("start_date")
        if self.instance.pk is None and cadre is not None and start is not None:
            count = Pairing.objects.filter(active_q(start), cadre=cadre).count()
            cap = cap_for(cadre.post)
            if count >= cap:
                raise forms.ValidationError(
                    MSG_OVER_CAP % {"cadre": cadre.name, "count": count, "cap": cap}
                )
        return data


@admin.register(Pairing)
class PairingAdmin(ScopedModelAdmin):
    form = PairingAdminForm
    list_display = ("cadre", "household", "village", "start_date", "end_date")
    raw_id_fields = ("cadre", "household")
    exclude = ("village",)

    def save_model(self, request, obj, form, change):
        obj.village_id = obj.household.village_id  # the household's village, not a choice
        super().save_model(request, obj, form, change)


class MeasureInline(admin.TabularInline):
    model = Measure
    extra = 0
    raw_id_fields = ("responsible",)
    fields = ("type", "year", "amount", "responsible", "status", "description", "outcome")


@admin.register(AssistancePlan)
class AssistancePlanAdmin(ScopedModelAdmin):
    list_display = ("household", "village", "year")
    list_filter = ("year",)
    raw_id_fields = ("household",)
    exclude = ("village",)
    inlines = [MeasureInline]

    def save_model(self, request, obj, form, change):
        obj.village_id = obj.household.village_id
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        for measure in formset.save(commit=False):
            measure.village_id = form.instance.village_id
            measure.save()
        for measure in formset.deleted_objects:
            measure.delete()
        formset.save_m2m()


@admin.register(Measure)
class MeasureAdmin(ScopedModelAdmin):
    list_display = ("plan", "type", "year", "amount", "responsible", "status")
    list_filter = ("type", "status", "year")
    raw_id_fields = ("plan", "responsible")
    exclude = ("village",)

    def save_model(self, request, obj, form, change):
        obj.village_id = obj.plan.village_id
        super().save_model(request, obj, form, change)


@admin.register(PairingCap)
class PairingCapAdmin(admin.ModelAdmin):
    """Reference data of the whole league: changed by the league headquarters only."""

    list_display = ("post", "cap")

    def has_add_permission(self, request):
        return request.user.has_role_anywhere({Role.LEAGUE_HQ}) and super().has_add_permission(
            request
        )

    def has_change_permission(self, request, obj=None):
        return request.user.has_role_anywhere({Role.LEAGUE_HQ}) and super().has_change_permission(
            request, obj
        )

    def has_delete_permission(self, request, obj=None):
        return request.user.has_role_anywhere({Role.LEAGUE_HQ}) and super().has_delete_permission(
            request, obj
        )
