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


# -- The day-to-day forms (fupin.registry.changes) ---------------------------------------------


class StyledForm(forms.Form):
    """Bootstrap's classes on every widget (the pages render fields bare)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, (forms.CheckboxInput, forms.CheckboxSelectMultiple)):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs.setdefault("class", css)


def reason_field(label=None):
    return forms.CharField(label=label or _("变更原因"), max_length=200, widget=forms.TextInput())


class HouseholdEditForm(StyledForm):
    address = forms.CharField(label=_("家庭住址"), max_length=200, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    bank_account = forms.CharField(label=_("开户银行及账号"), max_length=60, required=False)
    attribute = forms.ChoiceField(label=_("贫困户属性"), choices=codes.Attribute.choices)
    main_cause = forms.ChoiceField(label=_("主要致贫原因"), choices=codes.Cause.choices)
    other_causes = forms.MultipleChoiceField(
        label=_("其他致贫原因"),
        choices=codes.Cause.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    dangerous_housing = forms.BooleanField(label=_("是否危房户"), required=False)
    safe_water = forms.BooleanField(label=_("是否饮水安全"), required=False)
    has_electricity = forms.BooleanField(label=_("是否通生活用电"), required=False)
    farmland_mu = forms.DecimalField(
        label=_("耕地面积（亩）"), max_digits=8, decimal_places=1, min_value=0, required=False
    )
    house_area = forms.DecimalField(
        label=_("住房面积（平方米）"), max_digits=7, decimal_places=1, min_value=0, required=False
    )
    road_km = forms.DecimalField(
        label=_("距村主干路（公里）"), max_digits=5, decimal_places=1, min_value=0, required=False
    )
    planned_exit_year = forms.IntegerField(
        label=_("计划脱贫年度"), min_value=2013, max_value=2030, required=False
    )
    reason = reason_field(_("修改原因"))


class IncomeForm(StyledForm):
    """Amounts are parsed by the import's cell rules (fupin.registry.changes.parse_amounts),
    so they are plain text here and give the import's messages."""

    year = forms.TypedChoiceField(label=_("年度"), coerce=int)
    wage_income = forms.CharField(label=_("工资性收入"), required=False)
    business_income = forms.CharField(label=_("生产经营性收入"), required=False)
    property_income = forms.CharField(label=_("财产性收入"), required=False)
    transfer_income = forms.CharField(label=_("转移性收入"), required=False)
    business_costs = forms.CharField(label=_("生产经营性支出"), required=False)
    reason = reason_field()

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, y) for y in years]
        for name in ("wage_income", "business_income", "property_income"):
            self.fields[name].widget.attrs.update(inputmode="decimal", **{"data-income": "+"})
        self.fields["transfer_income"].widget.attrs.update(
            inputmode="decimal", **{"data-income": "+"}
        )
        self.fields["business_costs"].widget.attrs.update(
            inputmode="decimal", **{"data-income": "-"}
        )


JOIN_CHOICES = [("birth", _("出生")), ("marriage_in", _("婚入"))]


class MemberJoinForm(MemberForm):
    kind = forms.ChoiceField(label=_("增员类型"), choices=JOIN_CHOICES)
    date = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("变更原因"), max_length=200, widget=forms.TextInput())

    field_order = ["kind", "date", "name", "id_number", "relation"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("kind", "date", "reason"):
            widget = self.fields[name].widget
            widget.attrs.setdefault(
                "class", "form-select" if isinstance(widget, forms.Select) else "form-control"
            )


class MemberLeaveForm(StyledForm):
    kind = forms.ChoiceField(label=_("减员类型"), choices=Member.Leave.choices)
    date = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    new_head = forms.TypedChoiceField(
        label=_("新户主"), coerce=int, required=False, empty_value=None
    )
    reason = reason_field()

    def __init__(self, *args, others=(), head=False, **kwargs):
        super().__init__(*args, **kwargs)
        if head and others:
            self.fields["new_head"].choices = [("", "—")] + [(m.pk, m.name) for m in others]
        else:
            del self.fields["new_head"]


class SplitForm(StyledForm):
    members = forms.TypedMultipleChoiceField(
        label=_("分出的成员"), coerce=int, widget=forms.CheckboxSelectMultiple
    )
    new_head = forms.TypedChoiceField(label=_("新户户主"), coerce=int)
    old_head = forms.TypedChoiceField(
        label=_("原户新户主（原户主分出时）"), coerce=int, required=False, empty_value=None
    )
    reason = reason_field(_("分户原因"))

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(m.pk, m.name) for m in members]
        self.fields["members"].choices = choices
        self.fields["new_head"].choices = choices
        self.fields["old_head"].choices = [("", "—"), *choices]
        for m in members:
            self.fields[f"relation_{m.pk}"] = forms.ChoiceField(
                label=_("%(name)s 与新户主关系（分出时）") % {"name": m.name},
                choices=codes.Relation.choices,
                initial=m.relation,
                widget=forms.Select(attrs={"class": "form-select"}),
            )

    def relations(self) -> dict[int, str]:
        return {
            int(name.removeprefix("relation_")): value
            for name, value in self.cleaned_data.items()
            if name.startswith("relation_")
        }
