from django import forms
from django.utils.translation import gettext_lazy as _

from fupin.areas.models import Level

from . import codes
from .models import Member
from .services import MEMBER_FIELDS

EMPTY = [("", _("全部"))]


class HouseholdFilterForm(forms.Form):
    area = forms.ChoiceField(label=_("区划"), required=False)
    year = forms.TypedChoiceField(label=_("年度"), required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(
        label=_("脱贫状态"),
        required=False,
        choices=EMPTY
        + [(codes.IN_POVERTY, _("贫困（未脱贫或返贫）"))]
        + codes.Status.choices
        + [
            (codes.IDENTIFIED_IN_YEAR, _("当年识别（需选年度）")),
            (codes.EXITED_IN_YEAR, _("当年脱贫（需选年度）")),
        ],
    )
    attribute = forms.ChoiceField(
        label=_("贫困户属性"), required=False, choices=EMPTY + codes.Attribute.choices
    )
    cause = forms.ChoiceField(
        label=_("致贫原因"), required=False, choices=EMPTY + codes.Cause.choices
    )
    main_cause = forms.ChoiceField(
        label=_("主要致贫原因"), required=False, choices=EMPTY + codes.Cause.choices
    )
    q = forms.CharField(
        label=_("搜索"),
        required=False,
        max_length=50,
        widget=forms.TextInput(attrs={"placeholder": _("姓名、证件号码或户编号")}),
    )
    order = forms.ChoiceField(
        label=_("排序"),
        required=False,
        choices=[
            ("number", _("户编号")),
            ("head", _("户主")),
            ("-size", _("人口（多到少）")),
            ("identified", _("识别年度")),
        ],
    )

    def __init__(self, *args, areas=(), years=(), **kwargs):
        super().__init__(*args, **kwargs)
        indent = {Level.COUNTY: "", Level.TOWNSHIP: "　", Level.VILLAGE: "　　"}
        self.fields["area"].choices = EMPTY + [
            (a.code, f"{indent.get(a.level, '')}{a.name}") for a in areas
        ]
        self.fields["year"].choices = EMPTY + [(y, y) for y in years]

    def selects(self) -> list[dict]:
        """Return the dropdowns with their options marked, computed once (not per option in
        the template: the area dropdown of a league user has ~100 options)."""
        out = []
        for name, field in self.fields.items():
            if name == "q":
                continue
            current = str(self[name].value() or "")
            out.append(
                {
                    "name": name,
                    "id": f"id_{name}",
                    "label": field.label,
                    "options": [(str(v), label, str(v) == current) for v, label in field.choices],
                }
            )
        return out


class MemberForm(forms.ModelForm):
    reason = forms.CharField(
        label=_("修改原因"), required=False, max_length=200, widget=forms.TextInput()
    )

    class Meta:
        model = Member
        fields = list(MEMBER_FIELDS)
        widgets = {"pension": forms.NullBooleanSelect()}

    def validate_unique(self):
        """Uniqueness is checked by the service, with a message naming the other household."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            if isinstance(field.widget, forms.CheckboxInput):
                css = "form-check-input"
            field.widget.attrs.setdefault("class", css)
