from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Cadre, Measure, MeasureType


class MeasureForm(forms.Form):
    type = forms.ChoiceField(label=_("措施类型"), choices=MeasureType.choices)
    amount = forms.DecimalField(
        label=_("金额（元）"), max_digits=12, decimal_places=2, min_value=0, required=False
    )
    responsible = forms.ModelChoiceField(
        label=_("责任人"), queryset=Cadre.objects.none(), required=False
    )
    status = forms.ChoiceField(label=_("状态"), choices=Measure.State.choices)
    description = forms.CharField(label=_("内容"), max_length=200, required=False)
    outcome = forms.CharField(
        label=_("成效"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, cadres=None, suggested=(), **kwargs):
        super().__init__(*args, **kwargs)
        if cadres is not None:
            self.fields["responsible"].queryset = cadres
        if suggested and not self.is_bound:
            self.initial.setdefault("type", suggested[0])
