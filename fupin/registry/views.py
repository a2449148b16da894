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

from . import record, selectors, services
from .codes import Cause
from .forms import HouseholdFilterForm, MemberForm
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
