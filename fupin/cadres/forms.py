"""Forms of the cadre roster (validation only; the writes are services)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from fupin.assistance.models import Cadre

from .models import CadreRecord, Evaluation

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class EvaluationForm(forms.Form):
    cadre = forms.ModelChoiceField(
        label=_("干部编号"),
        queryset=Cadre.objects.none(),
        widget=forms.NumberInput,
        error_messages={"invalid_choice": _("干部不存在或不在您的权限范围内。")},
    )
    year = forms.IntegerField(label=_("考核年度"), min_value=2013, max_value=2100)
    score = forms.DecimalField(
        label=_("考核得分"), max_digits=5, decimal_places=2, min_value=0, max_value=100
    )
    grade = forms.ChoiceField(label=_("考核等次"), choices=Evaluation.Grade.choices)
    outcome = forms.ChoiceField(
        label=_("考核结果运用"), choices=Evaluation.Outcome.choices, initial="none"
    )
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(self, *args, cadres, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cadre"].queryset = cadres


class RecordForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("类别"),
        choices=[c for c in CadreRecord.Kind.choices if c[0] != CadreRecord.Kind.RECALL],
    )
    date = forms.DateField(label=_("日期"), widget=DATE_WIDGET)
    area = forms.ChoiceField(label=_("区划"), choices=())
    note = forms.CharField(label=_("事由"), max_length=200, required=False)

    def __init__(self, *args, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = areas


class RecallForm(forms.Form):
    post = forms.IntegerField(widget=forms.HiddenInput)
    date = forms.DateField(label=_("召回日期"), widget=DATE_WIDGET)
    note = forms.CharField(label=_("召回原因"), max_length=200, required=False)
