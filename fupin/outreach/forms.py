"""Forms of the outreach ledgers: one per ledger, giving the service its values. Areas are
typed as codes and cadres as their 干部编号 (the roster's number): a league holds thousands of
each, too many for a drop-down. The services check everything again."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from fupin.assessment.models import RuleSet
from fupin.assistance.models import MeasureType
from fupin.safetynet.models import Policy


def _date(label, required=True):
    # An <input type="date"> takes ISO dates only, whatever the language.
    return forms.DateField(
        label=label,
        required=required,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


def _area(label):
    return forms.CharField(label=label, max_length=12, help_text=_("区划代码，如 152223100"))


def _count(label, minimum=0):
    return forms.IntegerField(label=label, min_value=minimum, max_value=1_000_000)


NOTE = _("备注")


class _Form(forms.Form):
    """A form drawn with the site's input styles."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if not isinstance(field.widget, forms.CheckboxSelectMultiple):
                field.widget.attrs.setdefault("class", "form-control")


def _note(label=NOTE, max_length=200):
    return forms.CharField(label=label, max_length=max_length, required=False)


class LectureForm(_Form):
    area_id = _area(_("宣讲区划"))
    date = _date(_("宣讲日期"))
    place = forms.CharField(label=_("宣讲地点"), max_length=100)
    speaker = forms.CharField(label=_("宣讲人"), max_length=50)
    topic = forms.CharField(label=_("宣讲主题"), max_length=100)
    audience = _count(_("听众人数"))
    note = _note()


class TripForm(_Form):
    area_id = _area(_("组织区划"))
    start_date = _date(_("出发日期"))
    end_date = _date(_("返回日期"))
    destination = forms.CharField(label=_("学习地点"), max_length=100)
    topic = forms.CharField(label=_("学习内容"), max_length=100)
    persons = _count(_("人数"), minimum=1)
    note = _note()
    cadre_ids = forms.CharField(
        label=_("带队干部（干部编号，以“、”分隔）"), max_length=500, required=False
    )

    def clean_cadre_ids(self):
        parts = [p.strip() for p in self.cleaned_data["cadre_ids"].replace(",", "、").split("、")]
        if not all(p.isdigit() for p in parts if p):
            raise forms.ValidationError(_("干部编号应为数字"))
        return [int(p) for p in parts if p]


class VisitForm(_Form):
    area_id = _area(_("调研区划"))
    cadre_id = forms.IntegerField(
        label=_("领导干部（干部编号）"), min_value=1, widget=forms.NumberInput({"list": "cadres"})
    )
    date = _date(_("调研日期"))
    problems_raised = _count(_("发现问题（项）"))
    problems_solved = _count(_("解决问题（项）"))
    note = _note(_("问题及解决情况"), 300)


class SubsidyForm(_Form):
    cadre_id = forms.IntegerField(
        label=_("干部（干部编号）"), min_value=1, widget=forms.NumberInput({"list": "cadres"})
    )
    year = forms.IntegerField(label=_("年度"), min_value=2014, max_value=2100)
    amount = forms.DecimalField(
        label=_("补贴金额（元）"), min_value=0, max_digits=10, decimal_places=2
    )
    note = _note()


class DocumentForm(_Form):
    area_id = _area(_("发文区划"))
    issuer = forms.CharField(label=_("发文机关"), max_length=100)
    doc_number = forms.CharField(label=_("文号"), max_length=50, required=False)
    date = _date(_("发文日期"), required=False)
    title = forms.CharField(label=_("标题"), max_length=200)
    summary = forms.CharField(label=_("摘要"), required=False, widget=forms.Textarea({"rows": 3}))
    full_text = forms.CharField(label=_("全文"), required=False, widget=forms.Textarea({"rows": 6}))
    pdf = forms.FileField(label=_("PDF 文件"), required=False)
    measure_types = forms.MultipleChoiceField(
        label=_("依据的帮扶措施类型"),
        choices=MeasureType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    safetynet_policies = forms.MultipleChoiceField(
        label=_("依据的保障政策"),
        choices=Policy.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    rule_sets = forms.ModelMultipleChoiceField(
        label=_("依据的规则版本"),
        queryset=RuleSet.objects.order_by("version"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def clean_pdf(self):
        pdf = self.cleaned_data.get("pdf")
        if pdf and not pdf.name.lower().endswith(".pdf"):
            raise forms.ValidationError(_("请上传 PDF 文件"))
        return pdf


FORMS = {
    "lectures": LectureForm,
    "trips": TripForm,
    "visits": VisitForm,
    "subsidies": SubsidyForm,
    "documents": DocumentForm,
}
