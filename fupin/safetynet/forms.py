from django import forms
from django.utils.translation import gettext_lazy as _

from fupin.registry.models import Member

from .models import Policy


class EnrolmentForm(forms.Form):
    member = forms.ModelChoiceField(label=_("成员"), queryset=Member.objects.none())
    year = forms.IntegerField(label=_("年度"), error_messages={"invalid": _("年度应为四位数字")})
    policy = forms.ChoiceField(label=_("政策"), choices=Policy.choices)
    amount = forms.DecimalField(
        label=_("金额（元）"),
        max_digits=14,
        decimal_places=2,
        min_value=0,
        error_messages={
            "min_value": _("金额不能为负数"),
            "invalid": _("请输入有效金额（数字）"),
            "max_decimal_places": _("金额最多两位小数"),
            "required": _("请填写金额"),
        },
    )
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(self, *args, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        if members is not None:
            self.fields["member"].queryset = members
