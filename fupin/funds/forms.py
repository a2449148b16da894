"""Forms of the funds pages. Amounts are text parsed with Decimal (``services.parse_money``):
a browser's number field and a float never touch the money."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from fupin.core.clock import as_of

from . import services
from .models import BenefitModel, Dividend, FundLevel, Project, ProjectType, Source


class MoneyField(forms.CharField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 20)
        super().__init__(*args, **kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off"})

    def clean(self, value):
        value = super().clean(value)
        if value in ("", None):
            return None
        try:
            return services.parse_money(value)
        except ValidationError as error:
            raise ValidationError(services.MSG_AMOUNT % {"value": value}) from error


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def _not_future(day):
    if day and day > as_of():
        raise ValidationError(services.MSG_DATE_FUTURE % {"today": as_of().isoformat()})
    return day


class FundForm(forms.Form):
    name = forms.CharField(label=_("资金名称"), max_length=100)
    source = forms.ChoiceField(label=_("资金来源"), choices=Source.choices)
    level = forms.ChoiceField(label=_("资金级次"), choices=FundLevel.choices)
    department = forms.CharField(label=_("帮扶部门"), max_length=100, required=False)
    area = forms.ChoiceField(label=_("持有区划"))
    amount = MoneyField(label=_("金额（元）"))
    received_on = forms.DateField(label=_("到位日期"), widget=DateInput())
    purpose = forms.CharField(label=_("用途"), max_length=200, required=False)
    conditions = forms.CharField(label=_("使用条件"), max_length=200, required=False)

    def __init__(self, *args, areas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [(a.code, a.name) for a in areas]
        self.fields["received_on"].initial = as_of()

    def clean_received_on(self):
        return _not_future(self.cleaned_data["received_on"])

    def clean(self):
        data = super().clean()
        if data.get("source") == Source.DEPARTMENT and not data.get("department"):
            self.add_error("department", _("区直部门帮扶资金须填写帮扶部门"))
        return data


class TransferForm(forms.Form):
    area = forms.ChoiceField(label=_("下拨至"))
    amount = MoneyField(label=_("金额（元）"))
    date = forms.DateField(label=_("下拨日期"), widget=DateInput())

    def __init__(self, *args, areas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [(a.code, a.name) for a in areas]
        self.fields["date"].initial = as_of()

    def clean_date(self):
        return _not_future(self.cleaned_data["date"])


class AllocateForm(forms.Form):
    project = forms.ModelChoiceField(label=_("项目"), queryset=Project.objects.none())
    amount = MoneyField(label=_("金额（元）"))
    date = forms.DateField(label=_("下达日期"), widget=DateInput())

    def __init__(self, *args, projects=None, **kwargs):
        super().__init__(*args, **kwargs)
        if projects is not None:
            self.fields["project"].queryset = projects
        self.fields["date"].initial = as_of()

    def clean_date(self):
        return _not_future(self.cleaned_data["date"])


class ProjectForm(forms.Form):
    name = forms.CharField(label=_("项目名称"), max_length=100)
    type = forms.ChoiceField(label=_("项目类型"), choices=ProjectType.choices)
    area = forms.ChoiceField(label=_("项目区划"))
    start_date = forms.DateField(label=_("开工日期"), widget=DateInput(), required=False)
    end_date = forms.DateField(label=_("完工日期"), widget=DateInput(), required=False)
    budget = MoneyField(label=_("预算（元）"), required=False)
    status = forms.ChoiceField(label=_("项目状态"), choices=Project.Status.choices)
    operator = forms.CharField(label=_("运营主体"), max_length=100, required=False)

    def __init__(self, *args, areas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [(a.code, f"{a.code} {a.name}") for a in areas]


class VillageShareForm(forms.Form):
    village = forms.ChoiceField(label=_("嘎查村"))
    amount = MoneyField(label=_("金额（元）"))

    def __init__(self, *args, villages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].choices = [(a.code, a.name) for a in villages]


class HouseholdShareForm(forms.Form):
    benefit_model = forms.ChoiceField(label=_("带贫模式"), choices=BenefitModel.choices)
    amount_each = MoneyField(label=_("每户金额（元）"))
    since = forms.DateField(label=_("受益起始日期"), widget=DateInput())
    households = forms.MultipleChoiceField(
        label=_("受益户"), widget=forms.CheckboxSelectMultiple, choices=()
    )

    def __init__(self, *args, households=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["households"].choices = [
            (str(h.pk), f"{h.number} {h.head_name}") for h in households
        ]
        self.fields["since"].initial = as_of()


class DividendForm(forms.Form):
    year = forms.IntegerField(label=_("分红年度"), min_value=2013)
    paid_on = forms.DateField(label=_("发放日期"), widget=DateInput())
    amount_each = MoneyField(label=_("每户金额（元）"), required=False)
    rate_percent = MoneyField(label=_("按份额比例（%）"), required=False)
    kind = forms.ChoiceField(label=_("计入"), choices=Dividend.Kind.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["paid_on"].initial = as_of()
        self.fields["year"].initial = as_of().year

    def clean_paid_on(self):
        return _not_future(self.cleaned_data["paid_on"])

    def clean(self):
        data = super().clean()
        if (data.get("amount_each") is None) == (data.get("rate_percent") is None):
            raise ValidationError(services.MSG_DIVIDEND_HOW)
        year = data.get("year")
        if year and year > as_of().year:
            self.add_error("year", _("分红年度不能晚于当前年度"))
        return data


class ProgressForm(forms.Form):
    reported_on = forms.DateField(label=_("报告日期"), widget=DateInput())
    percent = forms.IntegerField(label=_("完成进度（%）"), min_value=0, max_value=100)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reported_on"].initial = as_of()
