"""Forms of the public notice pages: the index filters and the objection form (no login)."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from fupin.areas.models import Area, Level

from .models import Notice

TEXT_MAX = 2000
# 11-digit mobile (13x–19x), or a landline: area code 0xx/0xxx, 7–8 digits, optional extension.
MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE_RE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")


def normalise_phone(value: str) -> str:
    """Strip spaces and full-width characters a villager may type (＋86, －, spaces)."""
    value = value.translate(str.maketrans("０１２３４５６７８９－（）", "0123456789-()"))
    value = re.sub(r"[\s()]", "", value)
    if value.startswith("+86"):
        value = value[3:]
    return value


class NoticeFilterForm(forms.Form):
    WHEN_CURRENT = "current"
    WHEN_PAST = "past"

    area = forms.RegexField(
        label=_("区划代码"),
        regex=r"^\d{2,12}$",
        required=False,
        error_messages={"invalid": _("区划代码应为 2 至 12 位数字")},
        widget=forms.TextInput(attrs={"placeholder": _("如 152223"), "inputmode": "numeric"}),
    )
    # Villagers choose their area by name, county → township → village; each list holds the
    # areas inside the one chosen above it (the county list: counties that published notices).
    # A stale choice (a township of another county, after the county changed) is dropped.
    county = forms.CharField(label=_("旗县市"), required=False, max_length=12)
    township = forms.CharField(label=_("苏木乡镇"), required=False, max_length=12)
    village = forms.CharField(label=_("嘎查村"), required=False, max_length=12)
    kind = forms.ChoiceField(
        label=_("类型"), choices=[("", _("全部"))] + Notice.Kind.choices, required=False
    )
    when = forms.ChoiceField(
        label=_("时间"),
        choices=[("", _("全部")), (WHEN_CURRENT, _("公示期内")), (WHEN_PAST, _("已结束"))],
        required=False,
    )

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        data = self.data if self.is_bound else {}

        def pick(name, choices) -> str:
            value = data.get(name) or ""
            return value if value in dict(choices) else ""

        counties = _counties_with_notices(today)
        county = pick("county", counties)
        townships = _areas_in(county, Level.TOWNSHIP)
        township = pick("township", townships)
        villages = _areas_in(township, Level.VILLAGE)
        village = pick("village", villages)
        self.area_choices = {"county": counties, "township": townships, "village": villages}
        self.area_chosen = {"county": county, "township": township, "village": village}
        self.chosen = village or township or county

    def area_code(self) -> str:
        """The most precise area chosen: by name, else by code (old links)."""
        if self.chosen:
            return self.chosen
        return self.cleaned_data.get("area") or ""


def _counties_with_notices(today) -> list[tuple[str, str]]:
    from django.db.models.functions import Substr

    codes = (
        Notice.objects.filter(published_on__lte=today)
        .annotate(county=Substr("area_id", 1, 6))
        .values_list("county", flat=True)
        .distinct()
    )
    return list(
        Area.objects.filter(code__in=list(codes), level=Level.COUNTY)
        .order_by("code")
        .values_list("code", "name")
    )


def _areas_in(parent: str, level: str) -> list[tuple[str, str]]:
    if not parent:
        return []
    return list(
        Area.objects.within(parent).filter(level=level).order_by("code").values_list("code", "name")
    )


class ObjectionForm(forms.Form):
    case = forms.TypedChoiceField(label=_("对哪一户提出异议"), coerce=int)
    filer_name = forms.CharField(label=_("您的姓名"), max_length=50)
    filer_contact = forms.CharField(
        label=_("联系电话"),
        max_length=30,
        help_text=_("11 位手机号码或固定电话（如 0482-8212345），仅用于答复您"),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    text = forms.CharField(
        label=_("异议内容"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": TEXT_MAX}),
        help_text=_("请写明异议的事实和理由，不超过 2000 字"),
    )

    def __init__(self, *args, cases, **kwargs):
        super().__init__(*args, **kwargs)
        from .public_views import scrub

        self.cases = {case.pk: case for case in cases}
        self.fields["case"].choices = [("", _("请选择"))] + [
            (case.pk, f"{scrub(case.applicant_name)}（{case.village.name}）") for case in cases
        ]
        if len(self.cases) == 1:
            # A notice of one household: nothing to choose.
            self.fields["case"].initial = next(iter(self.cases))

    def clean_filer_name(self):
        name = self.cleaned_data["filer_name"].strip()
        if not name:
            raise ValidationError(_("请填写您的姓名"))
        return name

    def clean_filer_contact(self):
        value = normalise_phone(self.cleaned_data["filer_contact"])
        if not (MOBILE_RE.match(value) or LANDLINE_RE.match(value)):
            raise ValidationError(_("请填写 11 位手机号码或带区号的固定电话"))
        return value

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if not text:
            raise ValidationError(_("请填写异议内容"))
        return text

    def clean_case(self):
        pk = self.cleaned_data["case"]
        if pk not in self.cases:
            raise ValidationError(_("请选择本公示中的一户"))
        return self.cases[pk]
