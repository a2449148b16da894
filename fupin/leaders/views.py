"""Pages of entrepreneurship leaders. Reads go through ``accessible_to`` / ``access_area`` and
the one selector module; writes through :mod:`fupin.leaders.services`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from fupin.areas import selectors as area_selectors
from fupin.areas.params import page_area, page_year, page_years
from fupin.areas.scope import scope_safe
from fupin.core.clock import as_of
from fupin.core.sheets import xlsx_response
from fupin.party.models import PartyMember
from fupin.registry.models import Household

from . import permissions, selectors, services
from .forms import EndForm, IncomeForm, LeaderForm, LinkForm
from .models import EntrepreneurLeader, LeaderIncome, LeaderLink

PAGE_SIZE = 50


def _year(request) -> int:
    # A year's leaders are counted once the year has ended.
    return page_year(request, default=selectors.default_year(), last=as_of().year)


@scope_safe
@login_required
def leader_list(request):
    area = page_area(request)
    if area is None:
        return render(request, "leaders/index.html", {"area": None})
    year = _year(request)
    result = selectors.leader_figures(request.user, area, year)
    page = Paginator(selectors.leader_table(request.user, area.code, year), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "area": area,
        "year": year,
        "years": page_years(),
        "result": result,
        "page": page,
        "crumbs": area_selectors.breadcrumbs(request.user, area),
        "extra": f"&year={year}",
        "can_add": permissions.can_edit(request.user, area.code),
    }
    return render(request, "leaders/index.html", context)


@scope_safe
@login_required
def leader_export(request):
    from .exporting import leaders_xlsx

    area = page_area(request, required=True)
    year = _year(request)
    rows = selectors.leader_table(request.user, area.code, year)
    return xlsx_response(leaders_xlsx(rows, year), f"leaders-{area.code}-{year}.xlsx")


@scope_safe
@login_required
@require_http_methods(["GET", "POST"])
def leader_new(request):
    area = page_area(request, required=True)
    if not permissions.can_edit(request.user, area.code):
        raise PermissionDenied(_("您没有在该区划记录致富带头人信息的权限。"))
    members = (
        PartyMember.objects.accessible_to(request.user)
        .within(area.code)
        .filter(status=PartyMember.Status.ACTIVE, leader__isnull=True)
        .select_related("organization")
        .order_by("organization__name", "name", "pk")
    )
    form = LeaderForm(request.POST or None, members=members)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            leader = services.leader_create(
                user=request.user,
                area_code=area.code,
                member=data["party_member"],
                business_name=data["business_name"],
                kind=data["kind"],
                industry=data["industry"],
                since=data["since"],
                note=data["note"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("已登记致富带头人。"))
            return redirect("leaders:leader", pk=leader.pk)
    status = 400 if form.errors else 200
    return render(request, "leaders/leader_form.html", {"area": area, "form": form}, status=status)


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        for message in error.messages:
            form.add_error(None, message)


def _leader(request, pk) -> EntrepreneurLeader:
    return get_object_or_404(
        EntrepreneurLeader.objects.accessible_to(request.user).select_related(
            "party_member", "party_member__organization", "area"
        ),
        pk=pk,
    )


def _leader_page(request, leader, *, link_form=None, income_form=None, status=200):
    year = _year(request)
    rows, years = selectors.leader_links(request.user, leader, year)
    can_edit = permissions.can_edit(request.user, leader.area_id)
    member_visible = PartyMember.objects.accessible_to(request.user).filter(
        pk=leader.party_member_id
    )
    context = {
        "leader": leader,
        "year": year,
        "rows": rows,
        "years": years,
        "active": sum(1 for r in rows if r.active),
        "member_visible": member_visible.exists(),
        "can_edit": can_edit,
        "link_form": link_form or LinkForm(),
        "income_form": income_form or IncomeForm(),
        "end_form": EndForm(initial={"until": as_of()}),
        "editable_links": {
            r.link.pk for r in rows if permissions.can_edit(request.user, r.link.village_id)
        },
        "crumbs": area_selectors.breadcrumbs(request.user, leader.area),
    }
    return render(request, "leaders/leader.html", context, status=status)


@scope_safe
@login_required
def leader_detail(request, pk):
    return _leader_page(request, _leader(request, pk))


@scope_safe
@login_required
@require_POST
def link_new(request, pk):
    leader = _leader(request, pk)
    if not permissions.can_edit(request.user, leader.area_id):
        raise PermissionDenied(_("您没有在该区划记录致富带头人信息的权限。"))
    form = LinkForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            household = services.find_household(request.user, leader, data["household"])
            services.link_create(
                user=request.user,
                leader=leader,
                household=household,
                kind=data["kind"],
                since=data["since"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("已关联带动户 %s。") % household.number)
            return redirect("leaders:leader", pk=leader.pk)
    return _leader_page(request, leader, link_form=form, status=400)


def _link(request, pk) -> LeaderLink:
    link = get_object_or_404(
        LeaderLink.objects.accessible_to(request.user).select_related("leader", "household"),
        pk=pk,
    )
    if not permissions.can_edit(request.user, link.village_id):
        raise PermissionDenied(_("您没有在该区划记录致富带头人信息的权限。"))
    return link


@scope_safe
@login_required
@require_POST
def link_end(request, pk):
    link = _link(request, pk)
    form = EndForm(request.POST)
    if form.is_valid():
        try:
            services.link_end(user=request.user, link=link, until=form.cleaned_data["until"])
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
        else:
            messages.success(request, _("已结束带动关系。"))
    else:
        messages.error(request, _("请填写有效的带动结束日期。"))
    return _back(request, link)


def _back(request, link):
    leader_visible = EntrepreneurLeader.objects.accessible_to(request.user).filter(
        pk=link.leader_id
    )
    if leader_visible.exists():
        return redirect("leaders:leader", pk=link.leader_id)
    return redirect("leaders:household", pk=link.household_id)


@scope_safe
@login_required
@require_POST
def income_new(request, pk):
    link = _link(request, pk)
    form = IncomeForm(request.POST)
    if form.is_valid():
        try:
            services.income_record(
                user=request.user,
                link=link,
                year=form.cleaned_data["year"],
                amount=form.cleaned_data["amount"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("已记录带动增收。"))
            return _back(request, link)
    leader = EntrepreneurLeader.objects.accessible_to(request.user).filter(pk=link.leader_id)
    if leader.exists():
        form.link = link
        return _leader_page(request, _leader(request, link.leader_id), income_form=form, status=400)
    for message in [m for errors in form.errors.values() for m in errors]:
        messages.error(request, message)
    return redirect("leaders:household", pk=link.household_id)


@scope_safe
@login_required
def household_leaders(request, pk):
    """A household's leaders (the registry's pages stay as they are)."""
    household = get_object_or_404(
        Household.objects.accessible_to(request.user).select_related("village"), pk=pk
    )
    links = list(
        LeaderLink.objects.accessible_to(request.user)
        .filter(household=household)
        .select_related("leader", "leader__party_member")
        .order_by("-since", "pk")
    )
    incomes: dict[int, dict[int, object]] = {}
    for link_id, year, amount in LeaderIncome.objects.filter(
        link_id__in=[link.pk for link in links]
    ).values_list("link_id", "year", "amount"):
        incomes.setdefault(link_id, {})[year] = amount
    visible = set(
        EntrepreneurLeader.objects.accessible_to(request.user)
        .filter(pk__in=[link.leader_id for link in links])
        .values_list("pk", flat=True)
    )
    years = sorted({y for per in incomes.values() for y in per})
    rows = [
        (link, link.active_in(as_of().year), [incomes.get(link.pk, {}).get(y) for y in years])
        for link in links
    ]
    context = {
        "household": household,
        "rows": rows,
        "years": years,
        "visible": visible,
        "can_edit": permissions.can_edit(request.user, household.village_id),
        "year": selectors.default_year(),
        "household_url": reverse("registry:household_detail", args=[household.pk]),
    }
    return render(request, "leaders/household.html", context)
