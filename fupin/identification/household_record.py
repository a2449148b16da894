"""The household page's cases and notices, and the cases' steps (see fupin.registry.record)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from fupin.registry.record import Event, Section, provider

from .models import Case, CaseStep, Notice
from .workflow import label

TIMELINE_ROWS = 100


@provider(30)
def cases_and_notices(user, household):
    cases = list(
        Case.objects.accessible_to(user).filter(household_id=household.pk).order_by("-year", "-pk")
    )
    ids = [c.pk for c in cases]
    kinds = {c.pk: c.kind for c in cases}
    steps = list(
        # With the cases' villages: the steps' partition key (docs/scale.md).
        CaseStep.objects.filter(case_id__in=ids, village_id__in={c.village_id for c in cases})
        .select_related("actor")
        .order_by("-acted_on", "-pk")[:TIMELINE_ROWS]
    )
    notices = list(Notice.objects.filter(cases__in=ids).distinct().order_by("-published_on", "-pk"))
    events = []
    for s in steps:
        text = f"{Case.Kind(kinds[s.case_id]).label} · {label(kinds[s.case_id], s.step)}"
        if s.decision:
            text = f"{text}（{s.get_decision_display()}）"
        if s.reason:
            text = f"{text}：{s.reason}"
        who = (s.actor.get_full_name() or s.actor.username) if s.actor else ""
        url = reverse("identification:case_detail", args=[s.case_id])
        events.append(Event(s.acted_on, _("识别退出"), text, who=who, url=url))
    for n in notices:
        events.append(
            Event(n.published_on, _("公示公告"), n.title, url=reverse("notices:page", args=[n.pk]))
        )
    if not cases:
        return None, events
    section = Section(
        "cases",
        _("识别退出与公示"),
        "identification/_household_record.html",
        {"cases": cases, "notices": notices},
    )
    return section, events
