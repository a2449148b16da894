from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Cadre, Link, Measure, MeasureType


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


# -- Links and pairings kept by hand (fupin.assistance.link_views) ----------------------------


class _Styled(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)


def _date(label):
    return forms.DateField(label=label, widget=forms.DateInput(attrs={"type": "date"}))


def _reason(label=None):
    return forms.CharField(label=label or _("原因"), max_length=200)


class CadreChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.unit}）"


class PairingForm(_Styled):
    cadre = CadreChoiceField(label=_("帮扶责任人"), queryset=Cadre.objects.none())
    start_date = _date(_("开始日期"))

    def __init__(self, *args, cadres=None, **kwargs):
        super().__init__(*args, **kwargs)
        if cadres is not None:
            self.fields["cadre"].queryset = cadres


class EndForm(_Styled):
    end_date = _date(_("结束日期"))
    reason = _reason(_("结束原因"))


class PairingReassignForm(PairingForm):
    reason = _reason(_("调整原因"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cadre"].label = _("新的帮扶责任人")
        self.fields["start_date"].label = _("调整日期")


class LinkForm(_Styled):
    kind = forms.ChoiceField(label=_("类型"), choices=Link.Kind.choices)
    area = forms.ChoiceField(label=_("联系区划"))
    cadre = CadreChoiceField(label=_("联系人"), queryset=Cadre.objects.none(), required=False)
    department = forms.CharField(label=_("帮扶单位"), max_length=100, required=False)
    start_date = _date(_("开始日期"))

    def __init__(self, *args, cadres=None, areas=(), **kwargs):
        super().__init__(*args, **kwargs)
        if cadres is not None:
            self.fields["cadre"].queryset = cadres
        self.fields["area"].choices = [(a.code, a.name) for a in areas]


class LinkReassignForm(_Styled):
    cadre = CadreChoiceField(label=_("新的联系人"), queryset=Cadre.objects.none(), required=False)
    department = forms.CharField(label=_("帮扶单位"), max_length=100, required=False)
    start_date = _date(_("调整日期"))
    reason = _reason(_("调整原因"))

    def __init__(self, *args, cadres=None, **kwargs):
        super().__init__(*args, **kwargs)
        if cadres is not None:
            self.fields["cadre"].queryset = cadres
