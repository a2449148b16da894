"""Pages of Party building. Reads go through ``accessible_to`` / ``access_area``; writes
through :mod:`fupin.party.services`, which checks ``EDIT_PARTY`` at the area again."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from fupin.accounts import actions
from fupin.accounts.actions import Action
from fupin.areas import periods
from fupin.areas import selectors as area_selectors
from fupin.areas.params import page_area
from fupin.areas.scope import scope_safe
from fupin.core.clock import as_of
from fupin.core.sheets import xlsx_response

from . import permissions, selectors, services
from .forms import ArchiveEntryForm, MeetingForm, TransferForm
from .models import MeetingKind, PartyMeeting, PartyMember, PartyOrganization

PAGE_SIZE = 50


def _range(request):
    """The quarter (``?quarter=YYYY-Qn``) or month (``?month=YYYY-MM``) asked, or the current
    quarter."""
    try:
        if request.GET.get("month"):
            return selectors.parse_month(request.GET["month"])
        if request.GET.get("quarter"):
            return selectors.parse_quarter(request.GET["quarter"])
    except ValueError:
        pass
    return selectors.current_quarter()


@scope_safe
@login_required
def organizations(request):
    area = page_area(request)
    if area is None:
        return render(request, "party/organizations.html", {"area": None})
    orgs = (
        PartyOrganization.objects.accessible_to(request.user)
        .within(area.code)
        .exclude(kind=PartyOrganization.Kind.GROUP)
        .select_related("area", "secretary")
        .annotate(n_members=Count("members", filter=Q(members__status=PartyMember.Status.ACTIVE)))
        .order_by("area_id", "kind", "name", "pk")
    )
    page = Paginator(orgs, PAGE_SIZE).get_page(request.GET.get("page"))
    last = selectors.last_meetings([o.pk for o in page])
    rows = [(o, [last.get(o.pk, {}).get(k) for k in BRANCH_COLUMNS]) for o in page]
    context = {
        "area": area,
        "crumbs": area_selectors.breadcrumbs(request.user, area),
        "page": page,
        "rows": rows,
        "columns": [MeetingKind(k).label for k in BRANCH_COLUMNS],
        "children": area.children.filter(
            code__in=PartyOrganization.objects.accessible_to(request.user)
            .within(area.code)
            .values("area_id")
        )
        if len(area.code) < 12
        else [],
    }
    return render(request, "party/organizations.html", context)


BRANCH_COLUMNS = (MeetingKind.COMMITTEE_MEETING, MeetingKind.MEMBERS_MEETING, MeetingKind.LESSON)


@scope_safe
@login_required
def organization_detail(request, pk):
    org = get_object_or_404(
        PartyOrganization.objects.accessible_to(request.user).select_related(
            "area", "parent", "secretary"
        ),
        pk=pk,
    )
    members = (
        selectors.roster(org)
        .filter(status=PartyMember.Status.ACTIVE)
        .select_related("group")
        .order_by("name", "pk")
    )
    groups = (
        PartyOrganization.objects.accessible_to(request.user)
        .filter(parent=org, kind=PartyOrganization.Kind.GROUP)
        .annotate(n_members=Count("group_members"))
        .order_by("name", "pk")
    )
    meetings = (
        PartyMeeting.objects.accessible_to(request.user)
        .filter(Q(organization=org) | Q(organization__parent=org, organization__kind="group"))
        .select_related("organization")
        .annotate(n_absent=Count("absences"))
        .order_by("-held_on", "-pk")
    )
    page = Paginator(meetings, PAGE_SIZE).get_page(request.GET.get("page"))
    children = (
        PartyOrganization.objects.accessible_to(request.user)
        .filter(parent=org)
        .exclude(kind=PartyOrganization.Kind.GROUP)
        .order_by("area_id", "name")
    )
    context = {
        "org": org,
        "children": children,
        "members": members,
        "groups": groups,
        "page": page,
        "can_edit": permissions.can_edit(request.user, org.area_id),
        "crumbs": area_selectors.breadcrumbs(request.user, org.area),
    }
    return render(request, "party/organization.html", context)


@scope_safe
@login_required
@require_http_methods(["GET", "POST"])
def meeting_new(request, pk):
    org = get_object_or_404(
        PartyOrganization.objects.accessible_to(request.user).select_related("area"), pk=pk
    )
    if not permissions.can_edit(request.user, org.area_id):
        raise PermissionDenied(_("您没有在该区划记录党建信息的权限。"))
    day = as_of()
    members = selectors.members_on(org, day).order_by("name", "pk")
    form = MeetingForm(
        request.POST or None,
        request.FILES or None,
        organization=org,
        members=members,
        closed_quarters=periods.closed_periods(request.user, periods.Kind.PARTY_QUARTER),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = services.meeting_record(
                user=request.user,
                organization=org,
                kind=data["kind"],
                held_on=data["held_on"],
                topic=data["topic"],
                minutes=data["minutes"],
                attachment=data.get("attachment"),
                absences=form.absences,
                backdate_reason=data["backdate_reason"],
                correction_reason=data["correction_reason"],
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("已记录会议。"))
            return redirect("party:meeting", pk=meeting.pk)
    status = 400 if form.errors else 200
    return render(request, "party/meeting_form.html", {"org": org, "form": form}, status=status)


@scope_safe
@login_required
def meeting_detail(request, pk):
    meeting = get_object_or_404(
        PartyMeeting.objects.accessible_to(request.user).select_related(
            "organization", "area", "recorded_by"
        ),
        pk=pk,
    )
    absences = meeting.absences.select_related("member").order_by("member__name", "pk")
    context = {
        "meeting": meeting,
        "absences": absences,
        "attendees": selectors.attendees(meeting),
    }
    return render(request, "party/meeting.html", context)


@scope_safe
@login_required
def meeting_attachment(request, pk):
    """The attachment through the scope (media files are not served as such)."""
    from django.http import FileResponse

    meeting = get_object_or_404(PartyMeeting.objects.accessible_to(request.user), pk=pk)
    if not meeting.attachment:
        raise Http404
    try:
        handle = meeting.attachment.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    name = meeting.attachment.name.rsplit("/", 1)[-1]
    return FileResponse(handle, as_attachment=False, filename=name)


def _member(request, pk) -> PartyMember:
    return get_object_or_404(
        PartyMember.objects.accessible_to(request.user).select_related(
            "organization", "group", "area", "cadre"
        ),
        pk=pk,
    )


def _transfer_targets(user, member):
    """Organisations (not groups) the user may move the member to: in scope, editable."""
    orgs = (
        PartyOrganization.objects.accessible_to(user)
        .filter(active=True)
        .exclude(kind=PartyOrganization.Kind.GROUP)
        .exclude(pk=member.organization_id)
        .select_related("area")
        .order_by("area_id", "name")
    )
    codes = [
        c for c in set(orgs.values_list("area_id", flat=True)) if permissions.can_edit(user, c)
    ]
    return orgs.filter(area_id__in=codes)


@scope_safe
@login_required
def member_archive(request, pk):
    member = _member(request, pk)
    record = selectors.archive(member)
    can_edit = permissions.can_edit(request.user, member.area_id)
    context = {
        "a": record,
        "member": member,
        "kinds": [(k, MeetingKind(k).label, record.counts[k]) for k in MeetingKind.values],
        "transfers": member.transfers.select_related("from_organization", "to_organization"),
        "as_of": as_of(),
        "can_edit": can_edit,
        "entry_form": ArchiveEntryForm(initial={"year": as_of().year - 1}) if can_edit else None,
        "transfer_form": TransferForm(organizations=_transfer_targets(request.user, member))
        if can_edit and member.status == PartyMember.Status.ACTIVE
        else None,
    }
    return render(request, "party/archive.html", context)


@scope_safe
@login_required
@require_POST
def member_entry_add(request, pk):
    member = _member(request, pk)
    if not permissions.can_edit(request.user, member.area_id):
        raise PermissionDenied(_("您没有在该区划记录党建信息的权限。"))
    form = ArchiveEntryForm(request.POST)
    if form.is_valid():
        services.archive_entry_create(
            user=request.user, member=member, entry=form.save(commit=False)
        )
        messages.success(request, _("已记入政治生活档案。"))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("party:member", pk=member.pk)


@scope_safe
@login_required
@require_POST
def member_transfer(request, pk):
    member = _member(request, pk)
    actions.require(request.user, Action.PARTY_RECORD, member.organization.area_id)
    left = member.organization_id
    form = TransferForm(request.POST, organizations=_transfer_targets(request.user, member))
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.member_transfer(
                user=request.user,
                member=member,
                to_organization=data["to_organization"],
                date=data["date"],
                reason=data["reason"],
                destination=data["destination"],
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("已办理组织关系转接。"))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    # The member may now be outside the user's scope: back to the organisation left.
    if PartyMember.objects.accessible_to(request.user).filter(pk=member.pk).exists():
        return redirect("party:member", pk=member.pk)
    return redirect("party:organization", pk=left)


@scope_safe
@login_required
def member_archive_pdf(request, pk):
    from fupin.core.pdf import render_pdf

    member = _member(request, pk)
    record = selectors.archive(member)
    html = render_to_string(
        "party/archive_print.html",
        {
            "a": record,
            "member": member,
            "kinds": [(k, MeetingKind(k).label, record.counts[k]) for k in MeetingKind.values],
            "as_of": as_of(),
        },
        request=request,
    )
    response = HttpResponse(render_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="archive-{member.pk}.pdf"'
    return response


@scope_safe
@login_required
def compliance(request):
    area = page_area(request)
    if area is None:
        return render(request, "party/compliance.html", {"area": None})
    r = _range(request)
    result = selectors.meeting_compliance(request.user, area.code, r)
    late = Paginator(result.late, PAGE_SIZE).get_page(request.GET.get("l_page"))
    absences = Paginator(result.absences, PAGE_SIZE).get_page(request.GET.get("a_page"))
    param = "quarter" if "Q" in r.label else "month"
    query = f"area={area.code}&{param}={r.label}"
    context = {
        "area": area,
        "crumbs": area_selectors.breadcrumbs(request.user, area),
        "r": r,
        "quarter": r.label if param == "quarter" else "",
        "result": result,
        "counts": result.counts(),
        "late": late,
        "absences": absences,
        "base": f"{reverse('party:compliance')}?{query}",
        "crumb_extra": f"&{param}={r.label}",
        "children": result.by_child(area.children.order_by("code")) if len(area.code) < 12 else [],
        "export": f"{reverse('party:compliance-export')}?{query}",
    }
    return render(request, "party/compliance.html", context)


@scope_safe
@login_required
def compliance_export(request):
    from .exporting import compliance_xlsx

    area = page_area(request, required=True)
    r = _range(request)
    result = selectors.meeting_compliance(request.user, area.code, r)
    return xlsx_response(
        compliance_xlsx(result, area), f"meeting-compliance-{area.code}-{r.label}.xlsx"
    )
