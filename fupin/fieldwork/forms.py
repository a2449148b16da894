"""The field-work forms of the pages, and the searchable pickers they use.

No picker renders every cadre or household of the user's scope (league HQ sees about 70,000
households): the visit form starts from one household, found by a search the server answers
with at most :data:`PICKER_LIMIT` matches, and offers only the cadres paired with it. Every
chosen id is validated against a queryset scoped through ``accessible_to``.
"""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fupin.areas import periods
from fupin.areas.models import Area, Level
from fupin.areas.scope import prefix_upper_bound
from fupin.assistance.models import Cadre, Pairing
from fupin.core import dates
from fupin.core.clock import as_of
from fupin.registry.models import Household, Member

from . import permissions
from .models import Concern, Visit

# A search lists this many matches at most: enough to spot the right one, small to send.
PICKER_LIMIT = 20
# A name or village search reads this many candidate households before ordering.
_CANDIDATES = 200

MSG_NOT_PAIRED = _("只能为与该户结对的帮扶干部记录走访。")


def cadres_for(user):
    """Cadres the user may pick: in scope, or paired with a household in scope (a department
    cadre of the county working in the user's village)."""
    paired = Pairing.objects.accessible_to(user).values("cadre_id")
    return Cadre.objects.filter(
        Q(pk__in=Cadre.objects.accessible_to(user).values("pk")) | Q(pk__in=paired), active=True
    ).order_by("name", "pk")


def active_pairings(cadre, day):
    return Pairing.objects.filter(cadre=cadre, start_date__lte=day).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=day)
    )


def cadre_label(cadre: Cadre) -> str:
    """A cadre told apart from his namesakes: name, unit and the area he works in."""
    parts = [cadre.name, cadre.unit]
    if cadre.area_id:
        parts.append(cadre.area.name)
    return " · ".join(p for p in parts if p)


def household_label(household: Household) -> str:
    """A household as a picker shows it: head, number, village and township."""
    village = household.village
    parts = [household.head_name or "—", household.number, village.name]
    if village.parent_id:
        parts.append(village.parent.name)
    return " · ".join(parts)


def search_households(user, text: str, *, cadre: Cadre | None = None, limit: int = PICKER_LIMIT):
    """The households in the user's scope matching ``text``: a member's name (any part), an ID
    number's tail or head, the household number (any part) or the village's name. A pairing
    cadre searches his own households only (the scoped manager does that for his login)."""
    households = Household.objects.accessible_to(user)
    if cadre is not None:
        households = households.filter(
            pk__in=active_pairings(cadre, as_of()).values("household_id")
        )
    text = text.strip().upper()
    if text:
        members = Member.objects.accessible_to(user)
        if text.rstrip("X").isdigit():
            by_id = members.filter(
                Q(id_number__endswith=text)
                | Q(id_number__gte=text, id_number__lt=prefix_upper_bound(text))
            )
            ids = list(by_id.values_list("household_id", flat=True)[:_CANDIDATES])
            households = households.filter(Q(number__contains=text) | Q(pk__in=ids))
        else:
            by_name = members.filter(name__contains=text).values_list("household_id", flat=True)
            villages = (
                Area.objects.accessible_to(user)
                .filter(level=Level.VILLAGE, name__contains=text)
                .values_list("code", flat=True)
            )
            households = households.filter(
                Q(pk__in=list(by_name[:_CANDIDATES])) | Q(village_id__in=list(villages[:50]))
            )
    elif cadre is None:
        return Household.objects.none()
    return households.select_related("village", "village__parent").order_by("village_id", "number")[
        :limit
    ]


def search_cadres(user, text: str, *, limit: int = PICKER_LIMIT):
    """Active cadres the user may pick whose name, unit or phone contains ``text``."""
    text = text.strip()
    if not text:
        return Cadre.objects.none()
    q = Q(name__contains=text) | Q(unit__contains=text)
    if text.isdigit():
        q |= Q(phone__contains=text)
    return cadres_for(user).filter(q).select_related("area")[:limit]


class CadreChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return cadre_label(obj)


class HouseholdChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return household_label(obj)


class VisitForm(forms.Form):
    cadre = CadreChoiceField(
        label=_("帮扶干部"), queryset=Cadre.objects.none(), widget=forms.RadioSelect
    )
    household = HouseholdChoiceField(
        label=_("贫困户"), queryset=Household.objects.none(), widget=forms.HiddenInput
    )
    kind = forms.ChoiceField(
        label=_("方式"),
        choices=Visit.Kind.choices,
        initial=Visit.Kind.HOME,
        widget=forms.RadioSelect,
    )
    # An <input type="date"> takes ISO dates only, whatever the language.
    visited_on = forms.DateField(
        label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    # Needed only for a visit dated before today (补录, within the window of fupin.core.dates).
    backdate_reason = forms.CharField(
        label=_("补录原因"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    content = forms.CharField(
        label=_("走访内容"), required=False, widget=forms.Textarea({"rows": 3})
    )
    concern = forms.CharField(
        label=_("群众诉求（可选）"), required=False, widget=forms.Textarea({"rows": 2})
    )
    category = forms.ChoiceField(
        label=_("诉求类别"), choices=Concern.Category.choices, initial=Concern.Category.OTHER
    )
    # Shown when the chosen date falls in a closed month (fupin.areas.periods).
    correction_reason = forms.CharField(label=_("更正原因"), required=False, max_length=500)

    def __init__(self, *args, user, household: Household | None = None, **kwargs):
        """``household`` is the one chosen on the page (a GET parameter); a posted form reads
        it from its data. Only that household's cadres are offered."""
        super().__init__(*args, **kwargs)
        self.user = user
        self.closed_months = periods.closed_periods(user, periods.Kind.FIELDWORK_MONTH)
        day = as_of()
        self.fields["visited_on"].initial = day
        self.own_cadre = cadre = permissions.linked_cadre(user)
        households = Household.objects.accessible_to(user)
        if cadre is not None:
            # A pairing cadre picks among his own few households, in a plain drop-down.
            households = households.filter(
                pk__in=active_pairings(cadre, day).values("household_id")
            ).select_related("village", "village__parent")
            self.fields["household"].widget = forms.Select()
            self.fields["household"].queryset = households.order_by("village_id", "number")
            self.fields["cadre"].queryset = Cadre.objects.filter(pk=cadre.pk)
            self.fields["cadre"].initial = cadre.pk
            self.fields["cadre"].widget = forms.HiddenInput()
        else:
            self.fields["household"].queryset = households
        if self.is_bound:
            household = self._posted_household(households)
        self.household = household
        if household is not None:
            self.fields["household"].initial = household.pk
            if cadre is None:
                paired = Pairing.objects.filter(household_id=household.pk).values("cadre_id")
                choices = (
                    cadres_for(user)
                    .filter(pk__in=paired)
                    .select_related("area")
                    .order_by("name", "pk")
                )
                self.fields["cadre"].queryset = choices
                current = list(
                    Pairing.objects.filter(household_id=household.pk, start_date__lte=day)
                    .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
                    .values_list("cadre_id", flat=True)
                )
                if len(current) == 1:
                    self.fields["cadre"].initial = current[0]

    def _posted_household(self, households) -> Household | None:
        value = self.data.get(self.add_prefix("household"), "")
        if not str(value).isdigit():
            return None
        return households.select_related("village", "village__parent").filter(pk=value).first()

    def clean(self):
        data = super().clean()
        cadre, household = data.get("cadre"), data.get("household")
        day = data.get("visited_on") or as_of()
        too_old = (as_of() - day).days > dates.window(dates.Kind.VISIT)
        # A date outside the window is refused by the service with its own reason; the pairing
        # is checked on a date that may be recorded.
        recordable = not too_old and day <= as_of()
        if (
            recordable
            and cadre is not None
            and household is not None
            and not permissions.can_record_visit(self.user, cadre, household, day)
        ):
            raise forms.ValidationError(MSG_NOT_PAIRED)
        return data


class ConcernForm(forms.Form):
    """A concern raised by a signed-in user for one household (from the household's page)."""

    household = HouseholdChoiceField(
        label=_("贫困户"), queryset=Household.objects.none(), widget=forms.HiddenInput
    )
    text = forms.CharField(label=_("诉求内容"), max_length=2000, widget=forms.Textarea({"rows": 4}))
    category = forms.ChoiceField(
        label=_("诉求类别"), choices=Concern.Category.choices, initial=Concern.Category.OTHER
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["household"].queryset = Household.objects.accessible_to(user).select_related(
            "village"
        )


class PublicConcernForm(forms.Form):
    """群众自报: the village's public form."""

    text = forms.CharField(label=_("您的诉求"), max_length=2000, widget=forms.Textarea({"rows": 4}))
    category = forms.ChoiceField(
        label=_("类别"), choices=Concern.Category.choices, initial=Concern.Category.OTHER
    )
    filer_contact = forms.CharField(label=_("联系电话（可不填）"), max_length=50, required=False)
