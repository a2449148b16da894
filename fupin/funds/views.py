"""Pages of funds and projects: the funds of an area and year, a fund, the projects, a project,
the county / league summary, and the xlsx import and export.

Every page reads through :mod:`fupin.funds.selectors` (scoped by the user; the area of
``?area=`` is checked by :func:`fupin.areas.selectors.access_area` first) and writes through
:mod:`fupin.funds.services` (which checks the right and the limits under a lock).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from fupin.accounts.actions import EDIT_FUNDS
from fupin.areas import selectors as area_selectors
from fupin.areas.models import Area, Level
from fupin.areas.params import page_area, page_year, page_years
from fupin.areas.scope import scope_safe
from fupin.registry.models import Household

from . import forms, selectors, services
from .models import BenefitModel, Fund, HouseholdShare, Project, VillageShare

PAGE_SIZE = 50
HOUSEHOLD_PAGE = 100
MSG_NOT_FOUND = gettext_lazy("资金或项目不存在，或不在您的权限范围内")


def _scoped_areas(user, code: str, levels):
    return Area.objects.accessible_to(user).within(code).filter(level__in=levels).order_by("code")


def _fail(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


def access_fund(user, pk) -> Fund:
    fund = Fund.objects.accessible_to(user).select_related("area", "parent").filter(pk=pk).first()
    if fund is None:
        raise Http404(MSG_NOT_FOUND)
    return fund


def access_project(user, pk) -> Project:
    project = Project.objects.accessible_to(user).select_related("area").filter(pk=pk).first()
    if project is None:
        raise Http404(MSG_NOT_FOUND)
    return project


@scope_safe
@login_required
@require_http_methods(["GET", "POST"])
def fund_list(request):
    area = page_area(request, post_field="area_page")
    year = page_year(request, default=None)
    context = {"area": area, "year": year, "years": page_years()}
    if area is None:
        return render(request, "funds/fund_list.html", context)
    can_edit = request.user.has_role_at(EDIT_FUNDS, area.code)
    holders = [
        a
        for a in _scoped_areas(request.user, area.code, (Level.PREFECTURE, Level.COUNTY))
        if request.user.has_role_at(EDIT_FUNDS, a.code)
    ]
    form = forms.FundForm(areas=holders)
    if request.method == "POST":
        if not holders:
            raise PermissionDenied(_("您没有登记资金的权限"))
        form = forms.FundForm(request.POST, areas=holders)
        if form.is_valid():
            try:
                fund = services.fund_record(actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                _fail(form, error)
            else:
                return redirect("funds:fund_detail", fund.pk)
    funds = Paginator(selectors.funds_in(request.user, area.code, year), PAGE_SIZE)
    context.update(
        figures=selectors.area_funds(request.user, area.code, year),
        funds=funds.get_page(request.GET.get("page")),
        form=form,
        can_edit=can_edit and bool(holders),
        crumbs=area_selectors.breadcrumbs(request.user, area),
        query=f"area={area.code}" + (f"&year={year}" if year else ""),
    )
    return render(request, "funds/fund_list.html", context, status=400 if form.errors else 200)


@scope_safe
@login_required
@require_http_methods(["GET", "POST"])
def fund_detail(request, pk):
    fund = access_fund(request.user, pk)
    can_edit = request.user.has_role_at(EDIT_FUNDS, fund.area_id)
    lower = [
        a
        for a in _scoped_areas(
            request.user, fund.area_id, (Level.COUNTY, Level.TOWNSHIP, Level.VILLAGE)
        )
        if a.code != fund.area_id and len(a.code) <= 6
    ]
    projects = Project.objects.accessible_to(request.user).within(fund.area_id).order_by("name")
    transfer_form = forms.TransferForm(areas=lower)
    allocate_form = forms.AllocateForm(projects=projects)
    status = 200
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied(_("您没有管理该资金的权限"))
        action = request.POST.get("action")
        if action == "transfer":
            transfer_form = forms.TransferForm(request.POST, areas=lower)
            form, call = transfer_form, services.fund_transfer
            kwargs = {"parent": fund}
        else:
            allocate_form = forms.AllocateForm(request.POST, projects=projects)
            form, call = allocate_form, services.allocation_create
            kwargs = {"fund": fund}
        if form.is_valid():
            try:
                call(actor=request.user, **kwargs, **form.cleaned_data)
            except ValidationError as error:
                _fail(form, error)
            else:
                return redirect("funds:fund_detail", fund.pk)
        status = 400
    figures = (
        selectors.funds_in(request.user, fund.area_id).filter(pk=fund.pk).first()
        if fund.area_id
        else None
    )
    context = {
        "fund": fund,
        "figures": figures,
        "transfers": Fund.objects.accessible_to(request.user)
        .filter(parent=fund)
        .select_related("area")
        .order_by("received_on", "pk"),
        "allocations": fund.allocations.filter(
            pk__in=selectors.Allocation.objects.accessible_to(request.user).values("pk")
        )
        .select_related("project", "project__area")
        .order_by("allocated_on", "pk"),
        "can_edit": can_edit,
        "transfer_form": transfer_form,
        "allocate_form": allocate_form,
    }
    return render(request, "funds/fund_detail.html", context, status=status)


@scope_safe
@login_required
@require_http_methods(["GET", "POST"])
def project_list(request):
    area = page_area(request, post_field="area_page")
    context = {"area": area}
    if area is None:
        return render(request, "funds/project_list.html", context)
    places = [
        a
        for a in _scoped_areas(
            request.user, area.code, (Level.COUNTY, Level.TOWNSHIP, Level.VILLAGE)
        )
        if request.user.has_role_at(EDIT_FUNDS, a.code)
    ]
    form = forms.ProjectForm(areas=places)
    if request.method == "POST":
        if not places:
            raise PermissionDenied(_("您没有新建项目的权限"))
        form = forms.ProjectForm(request.POST, areas=places)
        if form.is_valid():
            try:
                project = services.project_create(actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                _fail(form, error)
            else:
                return redirect("funds:project_detail", project.pk)
    kind = request.GET.get("type") or ""
    projects = selectors.projects_in(request.user, area.code)
    if kind:
        projects = projects.filter(type=kind)
    context.update(
        projects=Paginator(projects, PAGE_SIZE).get_page(request.GET.get("page")),
        form=form,
        can_edit=bool(places),
        kind=kind,
        types=selectors.ProjectType.choices,
        crumbs=area_selectors.breadcrumbs(request.user, area),
        query=f"area={area.code}&type={kind}",
    )
    return render(request, "funds/project_list.html", context, status=400 if form.errors else 200)


@scope_safe
@login_required
@require_http_methods(["GET", "POST"])
def project_detail(request, pk):
    project = access_project(request.user, pk)
    user = request.user
    can_edit = user.has_role_at(EDIT_FUNDS, project.area_id)
    ancestors = [c for c in project.area.ancestor_codes() if c] + [project.area_id]
    funds = (
        selectors.funds_in(user, project.area_id[:4])
        .filter(area_id__in=ancestors, remainder__gt=0)
        .order_by("received_on", "pk")
    )
    villages = list(_scoped_areas(user, project.area_id, (Level.VILLAGE,)))
    shares = (
        VillageShare.objects.accessible_to(user).filter(project=project).select_related("village")
    )
    share = None
    if request.GET.get("share") or request.POST.get("share"):
        share = shares.filter(pk=request.GET.get("share") or request.POST.get("share")).first()
        if share is None:
            raise Http404(MSG_NOT_FOUND)
    candidates = []
    if share is not None:
        taken = HouseholdShare.objects.filter(project=project).values("household_id")
        candidates = list(
            Household.objects.accessible_to(user)
            .filter(village_id=share.village_id)
            .exclude(pk__in=taken)
            .order_by("number")
        )
    allocate_form = forms.AllocateForm()
    allocate_form.fields.pop("project")
    allocate_form.fields["fund"] = forms.forms.ModelChoiceField(label=_("资金"), queryset=funds)
    village_form = forms.VillageShareForm(villages=villages)
    household_form = forms.HouseholdShareForm(households=candidates)
    dividend_form = forms.DividendForm()
    progress_form = forms.ProgressForm()
    status = 200
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied(_("您没有管理该项目的权限"))
        action = request.POST.get("action")
        if action == "allocate":
            form = allocate_form = forms.AllocateForm(request.POST)
            form.fields.pop("project")
            form.fields["fund"] = forms.forms.ModelChoiceField(label=_("资金"), queryset=funds)

            def call(data):
                services.allocation_create(actor=user, project=project, **data)

        elif action == "village":
            form = village_form = forms.VillageShareForm(request.POST, villages=villages)

            def call(data):
                services.village_share_add(actor=user, project=project, **data)

        elif action == "households" and share is not None:
            form = household_form = forms.HouseholdShareForm(request.POST, households=candidates)

            def call(data):
                chosen = {int(x) for x in data.pop("households")}
                services.household_shares_create(
                    actor=user,
                    village_share=share,
                    households=[h for h in candidates if h.pk in chosen],
                    **data,
                )

        elif action == "dividends":
            form = dividend_form = forms.DividendForm(request.POST)

            def call(data):
                services.dividends_pay(actor=user, project=project, **data)

        elif action == "progress":
            form = progress_form = forms.ProgressForm(request.POST)

            def call(data):
                services.project_progress_report(actor=user, project=project, **data)

        else:
            raise Http404(MSG_NOT_FOUND)
        if form.is_valid():
            try:
                call(dict(form.cleaned_data))
            except ValidationError as error:
                _fail(form, error)
            else:
                return redirect(reverse("funds:project_detail", args=[project.pk]) + "#" + action)
        status = 400
    detail = selectors.project_detail(user, project)
    detail["households"] = Paginator(detail["households"], HOUSEHOLD_PAGE).get_page(
        request.GET.get("page")
    )
    context = {
        "project": project,
        **detail,
        "query": f"share={share.pk}" if share else "",
        "can_edit": can_edit,
        "share": share,
        "allocate_form": allocate_form,
        "village_form": village_form,
        "household_form": household_form,
        "dividend_form": dividend_form,
        "progress_form": progress_form,
        "asset_income": BenefitModel.ASSET_INCOME,
    }
    return render(request, "funds/project_detail.html", context, status=status)


@scope_safe
@login_required
@require_GET
def summary(request):
    area = page_area(request, post_field="area_page")
    year = page_year(request, default=None)
    context = {"area": area, "year": year, "years": page_years()}
    if area is not None:
        data = selectors.summary(request.user, area.code, year)
        rows = data["funds"]["by_source"]
        context.update(
            data=data,
            crumbs=area_selectors.breadcrumbs(request.user, area),
            # The chart draws the table's own figures (in 万元; the table keeps the fen).
            chart={
                "labels": [r["label"] for r in rows],
                "series": [
                    {"name": name, "data": [str(r[key] / 10000) for r in rows]}
                    for key, name in (
                        ("received", _("到位")),
                        ("allocated", _("下达项目")),
                        ("balance", _("结余")),
                    )
                ],
            },
        )
    return render(request, "funds/summary.html", context)
