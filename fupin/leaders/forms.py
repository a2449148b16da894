"""Forms of leaders: the leader (from a Party member of the area), a linked household (by
its 户编号), a year's income. The services check everything again."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

from fupin.core.clock import as_of

from .models import EntrepreneurLeader, LeaderLink

INDUSTRIES = (
    "肉牛养殖",
    "肉羊养殖",
    "生猪养殖",
    "设施农业",
    "杂粮加工",
    "饲草种植",
    "乡村旅游",
    "民族手工艺",
    "农村电商",
)


def _date(label, required=True):
    # An <input type="date"> takes ISO dates only, whatever the language.
    return forms.DateField(
        label=label,
        required=required,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class LeaderForm(forms.Form):
    party_member = forms.ModelChoiceField(
        label=_("党员"),
        queryset=None,
        error_messages={"invalid_choice": _("党员：所选党员不是本区划的在册党员。")},
    )
    business_name = forms.CharField(label=_("经营主体名称"), max_length=100)
    kind = forms.ChoiceField(label=_("经营主体类别"), choices=EntrepreneurLeader.Kind.choices)
    industry = forms.CharField(
        label=_("主导产业"), max_length=50, widget=forms.TextInput({"list": "industries"})
    )
    since = _date(_("带头创业时间"), required=False)
    note = forms.CharField(label=_("备注"), max_length=300, required=False)

    industries = INDUSTRIES

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party_member"].queryset = members


class LinkForm(forms.Form):
    household = forms.CharField(label=_("户编号"), max_length=32)
    kind = forms.ChoiceField(label=_("带动方式"), choices=LeaderLink.Kind.choices)
    since = _date(_("带动开始日期"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["since"].initial = as_of()


class EndForm(forms.Form):
    until = _date(_("带动结束日期"))


class IncomeForm(forms.Form):
    year = forms.IntegerField(label=_("年度"))
    amount = forms.CharField(label=_("带动增收（元）"), max_length=20)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = as_of().year - 1

    def clean_amount(self):
        text = self.cleaned_data["amount"].strip().replace(",", "")
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise forms.ValidationError(_("带动增收应为金额数字（单位：元）。")) from None
        if not amount.is_finite():
            raise forms.ValidationError(_("带动增收应为金额数字（单位：元）。"))
        if amount < 0:
            raise forms.ValidationError(_("带动增收不能为负数。"))
        if amount != amount.quantize(Decimal("0.01")):
            raise forms.ValidationError(_("带动增收最多保留两位小数（单位：元）。"))
        if amount >= Decimal("1e10"):
            raise forms.ValidationError(_("带动增收金额过大。"))
        return amount.quantize(Decimal("0.01"))
