"""Registry pages: the household list (search, filters, export), a household, a member form."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from fupin.accounts.actions import EDIT_REGISTRY, EXPORT_REGISTRY
from fupin.areas.models import Level
from fupin.areas.params import page_years
from fupin.areas.scope import scope_safe, user_scope_has_village, user_sees_everything
from fupin.areas.selectors import areas_accessible_to
from fupin.core.audit import HOUSEHOLD_VIEWED, REGISTRY_EXPORTED, audit
from fupin.core.clock import current_year
from fupin.core.sheets import xlsx_response

from . import changes, record, rules, selectors, services
from .codes import Cause, Relation
from .forms import (
    HouseholdEditForm,
    HouseholdFilterForm,
    IncomeForm,
    MemberForm,
    MemberJoinForm,
    MemberLeaveForm,
    SplitForm,
)
from .models import Member

PAGE_SIZE = 50


def _filter_form(request) -> HouseholdFilterForm:
    # Dropdowns list down to townships, or the user's own villages (village-scoped users).
    areas = areas_accessible_to(request.user).exclude(level=Level.PROVINCE)
    if user_sees_everything(request.user):
        # Everything: list only the prefectures that hold households.
        held = selectors.registry_prefixes(4)
        areas = areas.within(held) if held else areas.none()
    if not user_scope_has_village(request.user):
        # A village asked for by a link (the war map's drill-down) stays a valid choice.
        asked = request.GET.get("area", "")
        areas = areas.exclude(Q(level=Level.VILLAGE) & ~Q(code=asked))
    return HouseholdFilterForm(
        request.GET or None, areas=areas.order_by("code"), years=page_years()
    )


def _filters(form: HouseholdFilterForm) -> selectors.HouseholdFilter:
    if not form.is_bound or not form.is_valid():
        return selectors.HouseholdFilter()
    data = form.cleaned_data
    return selectors.HouseholdFilter(
        area=data["area"] or "",
        year=data["year"],
        status=data["status"] or "",
        attribute=data["attribute"] or "",
        cause=data["cause"] or "",
        main_cause=data["main_cause"] or "",
        q=data["q"] or "",
        order=data["order"] or "number",
    )


@scope_safe
@login_required
@require_GET
def household_list(request):
    form = _filter_form(request)
    filters = _filters(form)
    paginator = Paginator(selectors.household_list(request.user, filters), PAGE_SIZE)
    paginator.count = selectors.household_count(request.user, filters)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "registry/household_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "can_export": request.user.has_role_anywhere(EXPORT_REGISTRY),
        },
    )


@scope_safe
@login_required
@require_GET
def household_export(request):
    if not request.user.has_role_anywhere(EXPORT_REGISTRY):
        raise PermissionDenied(_("您没有导出数据的权限"))
    from .exporting import export_members, export_readable

    filters = _filters(_filter_form(request))
    fmt = request.GET.get("format")
    households = selectors.household_list(request.user, filters)
    if fmt == "readable":
        content, content_type, filename = export_readable(households)
        fmt = "xlsx"
    else:
        fmt = "csv" if fmt == "csv" else "xlsx"
        content, content_type, filename = export_members(households, fmt)
    audit(request.user, REGISTRY_EXPORTED, filename, filters=request.GET.dict())
    if fmt == "xlsx":
        return xlsx_response(content, filename)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


@scope_safe
@login_required
@require_GET
def household_detail(request, pk):
    """The household's single record: its facts and members, then the sections the apps above
    the registry add (fupin.registry.record) and one timeline of everything that happened."""
    household = selectors.access_household(request.user, pk)
    audit(request.user, HOUSEHOLD_VIEWED, household.number)
    members = list(selectors.household_members(household))
    left_members = [m for m in members if m.left_on is not None]
    members = [m for m in members if m.left_on is None]
    history = selectors.household_history(household)
    sections, events = record.household_record(request.user, household)
    for section in sections:
        # Without the request: the context processors (the navigation's counts) are the
        # page's, run once by its own render, not once per section.
        section.context["html"] = render_to_string(section.template, section.context)
    events += [
        record.Event(
            e.when,
            _("档案变更"),
            f"{_HISTORY_KINDS.get(e.kind, '')} {e.what}".strip()
            + (f"（{e.reason}）" if e.reason else ""),
            who=e.who,
        )
        for e in history
    ]
    return render(
        request,
        "registry/household_detail.html",
        {
            "household": household,
            "members": members,
            "left_members": left_members,
            "other_causes": [Cause(c).label for c in household.other_causes if c in Cause.values],
            "years": selectors.household_years(household),
            "history": history,
            "sections": sections,
            "timeline": record.timeline(events),
            "can_edit": request.user.has_role_at(EDIT_REGISTRY, household.village_id),
            "as_of_year": current_year(),
        },
    )


_HISTORY_KINDS = {
    "+": gettext_lazy("新建"),
    "-": gettext_lazy("删除"),
    "~": pgettext_lazy("history", "修改"),
}


@scope_safe
@login_required
@require_http_methods(["GET", "POST"])
def member_edit(request, pk):
    member = selectors.access_member(request.user, pk)
    if not request.user.has_role_at(EDIT_REGISTRY, member.village_id):
        raise PermissionDenied(services.MSG_NO_RIGHT)
    form = MemberForm(request.POST or None, instance=Member.objects.get(pk=member.pk))
    if request.method == "POST" and form.is_valid():
        data = {field: form.cleaned_data[field] for field in services.MEMBER_FIELDS}
        try:
            services.member_update(
                actor=request.user, member=member, data=data, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            for field, reasons in error.message_dict.items():
                for reason in reasons:
                    form.add_error(field if field in form.fields else None, reason)
        else:
            messages.success(request, _("已保存 %(name)s 的信息。") % {"name": data["name"]})
            return redirect("registry:household_detail", pk=member.household_id)
    return render(
        request,
        "registry/member_form.html",
        {"form": form, "member": member, "household": member.household},
    )


# -- The day-to-day forms (fupin.registry.changes) ---------------------------------------------


def _editable_household(request, pk):
    """The household, if the user sees it (else 404) and may edit it (else 403)."""
    household = selectors.access_household(request.user, pk)
    if not request.user.has_role_at(EDIT_REGISTRY, household.village_id):
        raise PermissionDenied(services.MSG_NO_RIGHT)
    return household


def _add_errors(form, error: ValidationError) -> None:
    """A service's refusal on the form: each reason under its field, the rest above."""
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    for field, reasons in error.message_dict.items():
        for reason in reasons:
            form.add_error(field if field in form.fields else None, reason)


def _change_page(request, household, form, title, **extra):
    return render(
        request,
        "registry/change_form.html",
        {"form": form, "household": household, "title": title, **extra},
    )


@scope_safe
@login_required
@require_http_methods(["GET", "POST"])
def household_edit(request, pk):
    household = _editable_household(request, pk)
    initial = {field: getattr(household, field) for field in changes.HOUSEHOLD_FIELDS}
    form = HouseholdEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {field: form.cleaned_data[field] for field in changes.HOUSEHOLD_FIELDS}
        for field in ("address", "phone", "bank_account"):
            data[field] = data[field].strip()
        try:
            changes.household_edit(
                actor=request.user,
                household=household,
                data=data,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("已保存本户信息。"))
            return redirect("registry:household_detail", pk=household.pk)
    return _change_page(request, household, form, _("修改户信息"))


@scope_safe
@login_required
@require_http_methods(["GET", "POST"])
def income_edit(request, pk):
    """A year's income: the first submit shows the per-person net income computed by the
    server (the page's script shows it while typing), the second saves."""
    household = _editable_household(request, pk)
    years = list(range(current_year(), rules.FIRST_IDENTIFIED_YEAR - 1, -1))
    year = request.GET.get("year")
    initial: dict = {"year": int(year) if year and year.isdigit() else current_year()}
    record = household.incomes.filter(year=initial["year"]).first()
    if record is not None:
        initial.update({field: getattr(record, field) for field in changes.INCOME_FIELDS})
    form = IncomeForm(request.POST or None, initial=initial, years=years)
    members = changes.open_members(household).count()
    per_capita = None
    confirm = False
    if request.method == "POST" and form.is_valid():
        amounts, problems = changes.parse_amounts(form.cleaned_data)
        if not problems:
            problems = changes.income_problems(form.cleaned_data["year"], amounts, members)
        for field, reasons in problems.items():
            for reason in reasons:
                form.add_error(field, reason)
        if not problems:
            per_capita = rules.per_capita_net_income(amounts, members)
            if "confirm" in request.POST:
                try:
                    income = changes.income_set(
                        actor=request.user,
                        household=household,
                        year=form.cleaned_data["year"],
                        amounts=amounts,
                        reason=form.cleaned_data["reason"],
                    )
                except ValidationError as error:
                    _add_errors(form, error)
                else:
                    messages.success(
                        request,
                        _("已保存 %(year)s 年收入：人均纯收入 %(value)s 元。")
                        % {"year": income.year, "value": income.net_income_per_capita},
                    )
                    return redirect("registry:household_detail", pk=household.pk)
            else:
                confirm = True
    return _change_page(
        request,
        household,
        form,
        _("录入年度收入"),
        income=True,
        members=members,
        per_capita=per_capita,
        confirm=confirm,
    )


@scope_safe
@login_required
@require_http_methods(["GET", "POST"])
def member_join(request, pk):
    household = _editable_household(request, pk)
    form = MemberJoinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        fields = {field: form.cleaned_data[field] for field in services.MEMBER_FIELDS}
        try:
            member = changes.member_join(
                actor=request.user,
                household=household,
                kind=form.cleaned_data["kind"],
                day=form.cleaned_data["date"],
                fields=fields,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("已登记新成员 %(name)s。") % {"name": member.name})
            return redirect("registry:household_detail", pk=household.pk)
    return _change_page(request, household, form, _("成员增加（出生、婚入）"))


@scope_safe
@login_required
@require_http_methods(["GET", "POST"])
def member_leave(request, pk):
    member = selectors.access_member(request.user, pk)
    household = _editable_household(request, member.household_id)
    others = list(changes.open_members(household).exclude(pk=member.pk).order_by("pk"))
    form = MemberLeaveForm(
        request.POST or None, others=others, head=member.relation == Relation.HEAD
    )
    if request.method == "POST" and form.is_valid():
        new_head = next((m for m in others if m.pk == form.cleaned_data.get("new_head")), None)
        try:
            changes.member_leave(
                actor=request.user,
                member=member,
                kind=form.cleaned_data["kind"],
                day=form.cleaned_data["date"],
                reason=form.cleaned_data["reason"],
                new_head=new_head,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("已登记 %(name)s 减员。") % {"name": member.name})
            return redirect("registry:household_detail", pk=household.pk)
    return _change_page(request, household, form, _("成员减少：%(name)s") % {"name": member.name})


@scope_safe
@login_required
@require_http_methods(["GET", "POST"])
def household_split(request, pk):
    household = _editable_household(request, pk)
    members = list(changes.open_members(household).order_by("pk"))
    form = SplitForm(request.POST or None, members=members)
    if request.method == "POST" and form.is_valid():
        by_pk = {m.pk: m for m in members}
        data = form.cleaned_data
        leaving = [by_pk[pk] for pk in data["members"]]
        old_head = by_pk.get(data["old_head"]) if data["old_head"] else None
        try:
            new = changes.household_split(
                actor=request.user,
                household=household,
                leaving=leaving,
                new_head=by_pk[data["new_head"]],
                relations={pk: r for pk, r in form.relations().items() if pk in data["members"]},
                old_head=old_head,
                reason=data["reason"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("已分户，新户编号 %(number)s。") % {"number": new.number})
            return redirect("registry:household_detail", pk=new.pk)
    return _change_page(request, household, form, _("分户"))
