"""Pages of the safety-net policies: persons per policy with the gaps of each rule (drill-down
by area), the enrolments of one policy, and a household's enrolments (a block that other
pages can include: ``safetynet/_household_block.html``).

Every page reads through :mod:`fupin.safetynet.selectors` with the area of ``?area=`` checked
first by :func:`fupin.areas.selectors.access_area`; a household through
:func:`fupin.registry.selectors.access_household`. ID numbers are masked in every list, as the
registry's public and printed lists do.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods

from fupin.areas import selectors as area_selectors
from fupin.areas.models import CHILD_LEVEL
from fupin.areas.params import page_area, page_year, page_years
from fupin.areas.scope import scope_safe
from fupin.core.clock import as_of
from fupin.registry.models import StatusRecord
from fupin.registry.selectors import access_household

from . import permissions, rules, selectors, services
from .forms import EnrolmentForm
from .models import Policy, PolicyEnrolment

PAGE_SIZE = 50


def _year(request) -> int:
    # A year's enrolments are counted once the year has ended.
    return page_year(request, default=selectors.default_year(), last=as_of().year)


def _policies(figures: dict) -> list[tuple[str, str, dict]]:
    return [(value, label, figures[value]) for value, label in Policy.choices]


@scope_safe
@login_required
@require_GET
def overview(request):
    area = page_area(request)
    year = _year(request)
    context = {
        "area": area,
        "year": year,
        "years": page_years(),
        "rules": rules.RULES,
    }
    if area is not None:
        show = request.GET.get("rule") or rules.RULES[0].code
        show = show if show in rules.RULES_BY_CODE else rules.RULES[0].code
        figures = selectors.policy_counts(request.user, area.code, year)
        by_child = selectors.gap_counts_by_child(request.user, area, year)
        if CHILD_LEVEL.get(area.level):
            # The children cover the area: their gaps add up to the area's.
            gaps = {r.code: sum(c[r.code] for c in by_child.values()) for r in rules.RULES}
        else:
            gaps = selectors.gap_counts(request.user, area.code, year)
        members = selectors.gap_members(request.user, area.code, year, show)
        context.update(
            crumbs=area_selectors.breadcrumbs(request.user, area),
            figures=figures,
            policies=_policies(figures),
            gaps=[(rule, gaps[rule.code]) for rule in rules.RULES],
            show=show,
            show_rule=rules.RULES_BY_CODE[show],
            members=Paginator(members, PAGE_SIZE).get_page(request.GET.get("page")),
            children=[
                (
                    child,
                    _policies(f),
                    f,
                    [by_child.get(child.code, {}).get(r.code, 0) for r in rules.RULES],
                )
                for child, f in selectors.child_rows(request.user, area, year)
            ],
            policy_labels=Policy.choices,
        )
    return render(request, "safetynet/overview.html", context)


@scope_safe
@login_required
@require_GET
def enrolment_list(request):
    area = page_area(request)
    if area is None:
        raise Http404(gettext("没有可查看的区划"))
    year = _year(request)
    policy = request.GET.get("policy") or ""
    policy = policy if policy in Policy.values else ""
    rows = (
        selectors.enrolments(request.user, area.code, year, policy or None)
        .select_related("member", "household")
        .order_by("village_id", "household__number", "member_id", "policy")
    )
    return render(
        request,
        "safetynet/enrolment_list.html",
        {
            "area": area,
            "year": year,
            "policy": policy,
            "policy_label": Policy(policy).label if policy else gettext("全部政策"),
            "count": rows.count(),
            "rows": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
        },
    )


def household_block(user, household) -> dict:
    """The context of ``safetynet/_household_block.html``: enrolments and this year's gaps."""
    enrolments = selectors.household_enrolments(user, household)
    year = as_of().year
    status = (
        StatusRecord.objects.filter(household=household, village_id=household.village_id, year=year)
        .values("status", "attribute")
        .first()
    )
    enrolled = {}
    for e in enrolments:
        if e.year == year:
            enrolled.setdefault(e.member_id, set()).add(e.policy)
    gaps = []
    if status is not None:
        for member in household.members.filter(village_id=household.village_id).order_by("pk"):
            fields = {"school_status": member.school_status, "health": member.health}
            for rule in rules.gaps(
                fields, status["status"], status["attribute"], enrolled.get(member.pk, ())
            ):
                gaps.append((member, rule))
    return {"household": household, "enrolments": enrolments, "gaps": gaps, "gap_year": year}


@scope_safe
@login_required
@require_http_methods(["GET", "POST"])
def household(request, pk):
    household = access_household(request.user, pk)
    can_edit = permissions.can_edit(request.user, household.village_id)
    members = household.members.filter(village_id=household.village_id).order_by("pk")
    form = EnrolmentForm(members=members, initial={"year": as_of().year})
    status = 200
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied(services.MSG_NOT_ALLOWED)
        url = reverse("safetynet:household", args=[household.pk])
        remove = request.POST.get("remove")
        if remove:
            enrolment = (
                PolicyEnrolment.objects.accessible_to(request.user)
                .filter(pk=remove, household=household)
                .first()
            )
            if enrolment is None:
                raise Http404(gettext("记录不存在"))
            services.enrolment_remove(actor=request.user, enrolment=enrolment)
            return redirect(url)
        form = EnrolmentForm(request.POST, members=members)
        if form.is_valid():
            try:
                services.enrolment_set(actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                for field, messages in error.message_dict.items():
                    for message in messages:
                        form.add_error(field if field in form.fields else None, message)
            else:
                return redirect(url)
        status = 400
    context = household_block(request.user, household)
    context.update(form=form, can_edit=can_edit)
    return render(request, "safetynet/household.html", context, status=status)
