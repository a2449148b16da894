"""Template filters of the case pages."""

from django import template
from django.utils.translation import gettext

from fupin.identification import workflow

register = template.Library()


@register.filter
def record_fields(case_step, kind: str) -> list[tuple[str, object]]:
    """Return the record a step keeps as ``(label, value)`` pairs, labelled by the workflow.

    The record is stored under the workflow's field names; a reader sees their labels. A
    field the workflow no longer names keeps its stored name.
    """
    try:
        fields = workflow.step(kind, case_step.step).record
    except KeyError:
        fields = ()
    labels = {name: label for name, label, _type in fields}
    labels["backdate_reason"] = gettext("补录原因")
    out = []
    for name, value in case_step.record.items():
        if isinstance(value, bool):
            value = gettext("是") if value else gettext("否")
        out.append((str(labels.get(name, name)), value))
    return out
