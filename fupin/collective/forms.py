"""The form of a village's income lines of one year: one amount and note per source."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Source

AMOUNT_ERRORS = {
    "min_value": _("金额不能为负数"),
    "invalid": _("请输入有效金额（数字）"),
    "max_decimal_places": _("金额最多两位小数"),
    "max_digits": _("金额过大"),
    "max_whole_digits": _("金额过大"),
}


class IncomeForm(forms.Form):
    """Fields ``amount_<source>`` and ``note_<source>`` for every source; empty: no line."""

    def __init__(self, *args, lines=None, **kwargs):
        super().__init__(*args, **kwargs)
        lines = lines or {}
        for source, label in Source.choices:
            line = lines.get(source)
            self.fields[f"amount_{source}"] = forms.DecimalField(
                label=label,
                max_digits=14,
                decimal_places=2,
                min_value=0,
                required=False,
                error_messages=AMOUNT_ERRORS,
                initial=line.amount if line else None,
                widget=forms.NumberInput(
                    attrs={"step": "0.01", "min": "0", "inputmode": "decimal"}
                ),
            )
            self.fields[f"note_{source}"] = forms.CharField(
                label=_("备注"),
                max_length=200,
                required=False,
                initial=line.note if line else "",
            )

    def rows(self):
        """(label, amount field, note field) per source, for the template."""
        return [
            (label, self[f"amount_{source}"], self[f"note_{source}"])
            for source, label in Source.choices
        ]

    def lines(self) -> dict:
        return {
            source: (self.cleaned_data[f"amount_{source}"], self.cleaned_data[f"note_{source}"])
            for source in Source.values
        }
