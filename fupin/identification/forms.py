"""Forms of the case pages: the application, the next step's decision, objection answers."""

from django import forms
from django.utils.translation import gettext_lazy as _

from fupin.core.uploads import check_upload_size
from fupin.registry import codes

from .models import Case, CaseStep
from .services import MSG_MEMBER_PROBLEM

FIELD_TYPES = {
    "date": lambda label: forms.DateField(
        label=label, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    ),
    "int": lambda label: forms.IntegerField(label=label, min_value=0),
    "bool": lambda label: forms.BooleanField(label=label, required=False),
    "text": lambda label: forms.CharField(label=label, widget=forms.Textarea(attrs={"rows": 2})),
}


class _Bootstrap:
    def _style(self):
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                widget.attrs.setdefault("class", "form-select form-select-sm")
            else:
                widget.attrs.setdefault("class", "form-control form-control-sm")


class CaseFilterForm(_Bootstrap, forms.Form):
    kind = forms.ChoiceField(
        label=_("类型"), required=False, choices=[("", _("全部"))] + Case.Kind.choices
    )
    state = forms.CharField(label=_("环节"), required=False, max_length=24)
    year = forms.IntegerField(label=_("年度"), required=False, min_value=2013, max_value=2100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class ApplicationForm(_Bootstrap, forms.Form):
    village = forms.ChoiceField(label=_("嘎查村"))
    year = forms.IntegerField(label=_("年度"), min_value=2013, max_value=2100)
    attribute = forms.ChoiceField(label=_("贫困户属性"), choices=codes.Attribute.choices)
    main_cause = forms.ChoiceField(label=_("主要致贫原因"), choices=codes.Cause.choices)
    other_causes = forms.MultipleChoiceField(
        label=_("其他致贫原因"),
        choices=codes.Cause.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    dangerous_housing = forms.BooleanField(label=_("是否危房户"), required=False)
    safe_water = forms.BooleanField(label=_("是否饮水安全"), required=False, initial=True)
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    scan = forms.FileField(label=_("纸质申请扫描件"), required=False)

    def __init__(self, *args, villages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].choices = [(v.code, v.name) for v in villages]
        self._style()

    def clean_scan(self):
        scan = self.cleaned_data.get("scan")
        check_upload_size(scan or None)
        return scan

    def household(self) -> dict:
        data = self.cleaned_data
        return {
            "attribute": data["attribute"],
            "main_cause": data["main_cause"],
            "other_causes": list(data["other_causes"]),
            "dangerous_housing": data["dangerous_housing"],
            "safe_water": data["safe_water"],
            "phone": data["phone"],
        }


# Required selects start blank, so the formset's untouched extra rows count as unchanged.
BLANK = [("", "—")]


class MemberRowForm(_Bootstrap, forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    id_number = forms.CharField(label=_("证件号码"), max_length=18)
    relation = forms.ChoiceField(label=_("与户主关系"), choices=BLANK + codes.Relation.choices)
    ethnicity = forms.ChoiceField(label=_("民族"), choices=BLANK + codes.Ethnicity.choices)
    education = forms.ChoiceField(
        label=_("文化程度"), choices=[("", "—")] + codes.Education.choices, required=False
    )
    school_status = forms.ChoiceField(
        label=_("在校生状况"), choices=[("", "—")] + codes.SchoolStatus.choices, required=False
    )
    health = forms.ChoiceField(label=_("健康状况"), choices=BLANK + codes.Health.choices)
    labour = forms.ChoiceField(
        label=_("劳动技能"), choices=[("", "—")] + codes.Labour.choices, required=False
    )
    migrant_months = forms.IntegerField(
        label=_("务工时间（月）"), min_value=0, max_value=12, initial=0
    )
    medical_insurance = forms.BooleanField(
        label=_("参加基本医疗保险"), required=False, initial=True
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


# Two blank rows work without JavaScript (and 添加成员 re-renders with one more); with it, the
# page clones ``empty_form``. A row is removed by its 删除 box (can_delete).
MEMBER_EXTRA = 2


class _MemberRows(forms.BaseFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("删除此成员")
            form.fields["DELETE"].widget.attrs["class"] = "form-check-input"


MemberFormSet = forms.formset_factory(
    MemberRowForm,
    formset=_MemberRows,
    extra=MEMBER_EXTRA,
    min_num=1,
    validate_min=True,
    can_delete=True,
    max_num=30,
    validate_max=True,
)

# The import's columns (the field names of its messages) → the application form's fields.
HOUSEHOLD_FIELDS = {"主要致贫原因": "main_cause", "其他致贫原因": "other_causes"}
MEMBER_FIELDS = {
    "证件号码": "id_number",
    "与户主关系": "relation",
    "劳动技能": "labour",
    "在校生状况": "school_status",
    "务工时间（月）": "migrant_months",
    "健康状况": "health",
}


def member_rows(members) -> list[tuple[forms.Form, dict]]:
    """The filled, not deleted rows of the member formset, each with its cleaned values."""
    rows = []
    for row in members.forms:
        data = dict(row.cleaned_data or {})
        if not data or data.pop("DELETE", False):
            continue
        rows.append((row, data))
    return rows


def add_application_problems(form, members, problems) -> list[str]:
    """Attach each problem (``(member position, Problem)``) to its field; return the messages
    of those that belong to no field."""
    rows = member_rows(members)
    loose = []
    for position, problem in problems:
        if position is None:
            field = HOUSEHOLD_FIELDS.get(problem.field)
            if field:
                form.add_error(field, str(problem.reason))
            else:
                loose.append(str(problem.reason) if not problem.field else str(problem))
            continue
        row, data = rows[position]
        field = MEMBER_FIELDS.get(problem.field)
        if field:
            row.add_error(field, str(problem.reason))
        else:
            loose.append(
                str(MSG_MEMBER_PROBLEM % {"name": data.get("name") or "—", "problem": problem})
            )
    return loose


class HouseholdCaseForm(_Bootstrap, forms.Form):
    """Exit, relapse or monitoring of a registered household (found by its number)."""

    kind = forms.ChoiceField(
        label=_("类型"), choices=[c for c in Case.Kind.choices if c[0] != Case.Kind.IDENTIFICATION]
    )
    household_number = forms.CharField(
        label=_("户编号"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"placeholder": _("16位，如 1522231002340001"), "inputmode": "numeric"}
        ),
    )
    year = forms.IntegerField(label=_("年度"), min_value=2013, max_value=2100)
    reason = forms.CharField(
        label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class ActionForm(_Bootstrap, forms.Form):
    """The decision on the case's next step, with that step's record fields."""

    decision = forms.ChoiceField(
        label=_("决定"),
        choices=[
            (CaseStep.Decision.APPROVE, _("通过")),
            (CaseStep.Decision.RETURN, _("退回上一环节")),
            (CaseStep.Decision.REJECT, _("不予通过（办结）")),
        ],
    )
    reason = forms.CharField(
        label=_("理由"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    # No date field: the server dates a step by its clock (services._step_date), so a step
    # cannot be dated into a notice period that never ran.

    def __init__(self, *args, step=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.record_names = []
        for name, label, kind in step.record if step else ():
            self.fields[name] = FIELD_TYPES[kind](label)
            self.fields[name].required = False
            self.record_names.append(name)
        self._style()

    def record(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.record_names}


class ObjectionAnswerForm(_Bootstrap, forms.Form):
    result = forms.ChoiceField(
        label=_("处理结果"),
        choices=[
            ("dismissed", _("异议不成立，继续办理")),
            ("return", _("异议成立，退回上一环节")),
            ("reject", _("异议成立，不予通过")),
        ],
    )
    answer = forms.CharField(label=_("处理答复"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class RoundOpenForm(_Bootstrap, forms.Form):
    county = forms.ChoiceField(label=_("旗县市"))
    year = forms.IntegerField(label=_("年度"), min_value=2013, max_value=2100)

    def __init__(self, *args, counties=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].choices = [(c.code, c.name) for c in counties]
        self._style()
