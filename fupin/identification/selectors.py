"""Reads of cases and rounds, always through the user's scope."""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from fupin.areas.models import Area

from . import workflow
from .models import AdjustmentRound, Case, Objection
from .services import NOTICE_AREA_DIGITS

CASE_NOT_FOUND = _("案件不存在或不在您的权限范围内")
ROUND_NOT_FOUND = _("动态调整不存在或不在您的权限范围内")
OBJECTION_NOT_FOUND = _("异议不存在或不在您的权限范围内")


def access_case(user, pk) -> Case:
    """Return a case the user may see; missing and forbidden are the same 404."""
    case = Case.objects.accessible_to(user).select_related("village").filter(pk=pk).first()
    if case is None:
        raise Http404(CASE_NOT_FOUND)
    return case


def access_objection(user, pk) -> Objection:
    objection = (
        Objection.objects.accessible_to(user).select_related("case", "notice").filter(pk=pk).first()
    )
    if objection is None:
        raise Http404(OBJECTION_NOT_FOUND)
    return objection


def access_round(user, pk) -> AdjustmentRound:
    found = AdjustmentRound.objects.accessible_to(user).select_related("county").filter(pk=pk)
    adjustment_round = found.first()
    if adjustment_round is None:
        raise Http404(ROUND_NOT_FOUND)
    return adjustment_round


def case_list(user, *, kind: str = "", state: str = "", year: int | None = None, outcome=None):
    """Return the cases in the user's scope, newest first, filtered."""
    cases = Case.objects.accessible_to(user).select_related("village")
    if kind:
        cases = cases.filter(kind=kind)
    if state:
        cases = cases.filter(state=state)
    if year:
        cases = cases.filter(year=year)
    if outcome is not None:
        cases = cases.filter(outcome=outcome)
    return cases.order_by("-created_on", "-pk")


def case_steps(case: Case):
    return case.steps.select_related("actor").order_by("created_at", "pk")


def round_list(user):
    return (
        AdjustmentRound.objects.accessible_to(user)
        .select_related("county")
        .order_by("-year", "county_id")
    )


def round_summary(adjustment_round: AdjustmentRound) -> list[dict]:
    """Return the round's cases counted by kind and outcome."""
    from django.db.models import Count

    rows = adjustment_round.cases.values("kind", "outcome").annotate(n=Count("pk"))
    return [dict(row) for row in rows.order_by("kind")]


def application_display(case: Case) -> dict | None:
    """Return the household applied for with its code values as labels (for the case page)."""
    from fupin.registry import codes

    application = case.application or {}
    if not application.get("members"):
        return None
    house = application.get("household", {})

    def label(choices, value):
        return dict(choices.choices).get(value, value or "")

    household = {
        "attribute": label(codes.Attribute, house.get("attribute")),
        "causes": "、".join(
            str(label(codes.Cause, c))
            for c in [house.get("main_cause"), *house.get("other_causes", [])]
            if c
        ),
        "dangerous_housing": house.get("dangerous_housing"),
        "safe_water": house.get("safe_water"),
        "phone": house.get("phone", ""),
    }
    members = [
        {
            "name": m.get("name", ""),
            "id_number": m.get("id_number", ""),
            "relation": label(codes.Relation, m.get("relation")),
            "ethnicity": label(codes.Ethnicity, m.get("ethnicity")),
            "school_status": label(codes.SchoolStatus, m.get("school_status")),
            "health": label(codes.Health, m.get("health")),
            "labour": label(codes.Labour, m.get("labour")),
            "medical_insurance": m.get("medical_insurance"),
        }
        for m in application["members"]
    ]
    return {"household": household, "members": members}


NOTICE_GROUP_LIMIT = 500


def cases_awaiting_notice(user, *, adjustment_round: AdjustmentRound | None = None) -> list[dict]:
    """Return the open cases whose next step publishes a notice this user may publish, grouped
    as one notice can hold them: the same kind of case, step and area of the notice's level.

    Each group is ``{"key", "kind", "step", "level", "notice_kind", "area", "cases"}``, the
    groups ordered by area; ``key`` names the group in the publishing form.
    """
    waiting: dict[str, list[str]] = {}
    for kind, chain in workflow.STEPS.items():
        waiting[kind] = [
            before.name for before, step in zip(chain, chain[1:], strict=False) if step.publishes
        ]
    cases = Case.objects.accessible_to(user).filter(outcome=Case.Outcome.OPEN)
    if adjustment_round is not None:
        cases = cases.filter(adjustment_round=adjustment_round)
    wanted = Q(pk__in=[])
    for kind, states in waiting.items():
        wanted |= Q(kind=kind, state__in=states)
    groups: dict[tuple, dict] = {}
    for case in (
        cases.filter(wanted)
        .select_related("village")
        .order_by("village_id", "pk")[:NOTICE_GROUP_LIMIT]
    ):
        step = workflow.next_step(case.kind, case.state)
        if (
            step is None
            or step.publishes is None
            or not user.has_role_at(step.roles, case.village_id)
        ):
            continue
        level, notice_kind = step.publishes
        area_code = case.village_id[: NOTICE_AREA_DIGITS[level]]
        key = (case.kind, step.name, area_code)
        group = groups.setdefault(
            key,
            {
                "key": "|".join(key),
                "kind": case.kind,
                "kind_label": Case.Kind(case.kind).label,
                "step": step,
                "level": level,
                "notice_kind": notice_kind,
                "area_code": area_code,
                "cases": [],
            },
        )
        group["cases"].append(case)
    names = dict(
        Area.objects.filter(code__in={g["area_code"] for g in groups.values()}).values_list(
            "code", "name"
        )
    )
    out = sorted(groups.values(), key=lambda g: (g["area_code"], g["kind"], g["step"].name))
    for group in out:
        group["area_name"] = names.get(group["area_code"], group["area_code"])
    return out
