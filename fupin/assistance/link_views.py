"""Links (两联一包) and pairings (结对帮扶) kept by hand from the household page: create, end
(with a date and a reason) and reassign, through fupin.assistance.services (scope, role,
caps with the pairing import's messages, one transaction, audited)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from fupin.accounts.actions import MSG_ROLE, Action, allowed
from fupin.areas.models import Area
from fupin.areas.scope import scope_safe
from fupin.core.clock import as_of
from fupin.registry.selectors import access_household

from . import services
from .forms import EndForm, LinkForm, LinkReassignForm, PairingForm, PairingReassignForm
from .models import Cadre, Link, Pairing


def _household(request, pk, action: Action):
    """The household, if the user sees it (else 404) and holds ``action`` there (else 403)."""
    household = access_household(request.user, pk)
    if not allowed(request.user, action, household.village_id):
        raise PermissionDenied(MSG_ROLE)
    return household


def household_cadres(user, household):
    """The cadres a user may pair or link: active ones in scope, and those already paired in
    the household's village (a county department's cadre is outside a village's scope)."""
    paired = Pairing.objects.filter(village_id=household.village_id).values("cadre_id")
    return Cadre.objects.filter(
        Q(pk__in=Cadre.objects.accessible_to(user).values("pk")) | Q(pk__in=paired),
        active=True,
    ).order_by("name", "pk")


# The most cadres a dropdown lists; the search (?q=) narrows a county's thousands.
CADRE_CHOICES = 100


def _cadre_choices(request, form) -> str:
    """On a GET, list at most :data:`CADRE_CHOICES` cadres matching ``?q=`` (name, unit or
    phone); a POST validates against them all. Return the search text."""
    q = request.GET.get("q", "").strip()[:50]
    if request.method == "GET":
        cadres = form.fields["cadre"].queryset
        if q:
            cadres = cadres.filter(Q(name__contains=q) | Q(unit__contains=q) | Q(phone=q))
        form.fields["cadre"].queryset = cadres[:CADRE_CHOICES]
    return q


def _errors(form, error: ValidationError) -> None:
    for message in error.messages:
        form.add_error(None, message)


def _page(request, household, form, title, search=None):
    return render(
        request,
        "registry/change_form.html",
        {"form": form, "household": household, "title": title, "search": search},
    )


def _done(request, household, message):
    messages.success(request, message)
    return redirect("registry:household_detail", pk=household.pk)


@scope_safe
@login_required
@require_http_methods(["GET", "POST"])
def pairing_new(request, pk):
    household = _household(request, pk, Action.PAIRING_EDIT)
    form = PairingForm(
        request.POST or None,
        cadres=household_cadres(request.user, household),
        initial={"start_date": as_of()},
    )
    q = _cadre_choices(request, form)
    if request.method == "POST" and form.is_valid():
        try:
            services.pairing_create(
                actor=request.user,
                cadre=form.cleaned_data["cadre"],
                household=household,
                start_date=form.cleaned_data["start_date"],
            )
        except ValidationError as error:
            _errors(form, error)
        else:
            return _done(request, household, _("已新增结对帮扶。"))
    return _page(request, household, form, _("新增结对帮扶"), search=q)


def _pairing(request, pk, pairing_pk):
    household = _household(request, pk, Action.PAIRING_EDIT)
    pairing = get_object_or_404(
        Pairing.objects.accessible_to(request.user).select_related("cadre", "household"),
        pk=pairing_pk,
        household_id=household.pk,
    )
    return household, pairing


@scope_safe
@login_required
@require_http_methods(["GET", "POST"])
def pairing_end(request, pk, pairing_pk):
    household, pairing = _pairing(request, pk, pairing_pk)
    return _end_page(
        request,
        household,
        lambda **end: services.pairing_end(actor=request.user, pairing=pairing, **end),
        done=_("已结束结对帮扶。"),
        title=_("结束结对：%(name)s") % {"name": pairing.cadre.name},
    )


def _end_page(request, household, end, *, done, title):
    """The page that ends a pairing or a link: a date and a reason, then ``end(end_date=…,
    reason=…)`` (the service)."""
    form = EndForm(request.POST or None, initial={"end_date": as_of()})
    if request.method == "POST" and form.is_valid():
        try:
            end(end_date=form.cleaned_data["end_date"], reason=form.cleaned_data["reason"])
        except ValidationError as error:
            _errors(form, error)
        else:
            return _done(request, household, done)
    return _page(request, household, form, title)


@scope_safe
@login_required
@require_http_methods(["GET", "POST"])
def pairing_reassign(request, pk, pairing_pk):
    household, pairing = _pairing(request, pk, pairing_pk)
    form = PairingReassignForm(
        request.POST or None,
        cadres=household_cadres(request.user, household).exclude(pk=pairing.cadre_id),
        initial={"start_date": as_of()},
    )
    q = _cadre_choices(request, form)
    if request.method == "POST" and form.is_valid():
        try:
            services.pairing_reassign(
                actor=request.user,
                pairing=pairing,
                cadre=form.cleaned_data["cadre"],
                day=form.cleaned_data["start_date"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            _errors(form, error)
        else:
            return _done(request, household, _("已调整帮扶责任人。"))
    title = _("调整帮扶责任人：%(name)s") % {"name": pairing.cadre.name}
    return _page(request, household, form, title, search=q)


def _link_areas(household) -> list[Area]:
    """A household's page links its village and its township (两联一包's two levels)."""
    return list(Area.objects.filter(code__in=[household.village_id, household.village_id[:9]]))


@scope_safe
@login_required
@require_http_methods(["GET", "POST"])
def link_new(request, pk):
    household = _household(request, pk, Action.LINK_EDIT)
    areas = _link_areas(household)
    form = LinkForm(
        request.POST or None,
        cadres=household_cadres(request.user, household),
        areas=areas,
        initial={"start_date": as_of(), "area": household.village_id},
    )
    q = _cadre_choices(request, form)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.link_create(
                actor=request.user,
                kind=data["kind"],
                area=next(a for a in areas if a.code == data["area"]),
                cadre=data["cadre"],
                department=data["department"],
                start_date=data["start_date"],
            )
        except ValidationError as error:
            _errors(form, error)
        else:
            return _done(request, household, _("已新增两联一包。"))
    return _page(request, household, form, _("新增两联一包"), search=q)


def _link(request, pk, link_pk):
    household = _household(request, pk, Action.LINK_EDIT)
    codes = [household.village_id, household.village_id[:9]]
    link = get_object_or_404(
        Link.objects.accessible_to(request.user).select_related("area", "cadre"),
        pk=link_pk,
        area_id__in=codes,
    )
    return household, link


@scope_safe
@login_required
@require_http_methods(["GET", "POST"])
def link_end(request, pk, link_pk):
    household, link = _link(request, pk, link_pk)
    return _end_page(
        request,
        household,
        lambda **end: services.link_end(actor=request.user, link=link, **end),
        done=_("已结束两联一包。"),
        title=_("结束两联一包：%(kind)s") % {"kind": link.get_kind_display()},
    )


@scope_safe
@login_required
@require_http_methods(["GET", "POST"])
def link_reassign(request, pk, link_pk):
    household, link = _link(request, pk, link_pk)
    form = LinkReassignForm(
        request.POST or None,
        cadres=household_cadres(request.user, household),
        initial={"start_date": as_of()},
    )
    q = _cadre_choices(request, form)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.link_reassign(
                actor=request.user,
                link=link,
                cadre=data["cadre"],
                department=data["department"],
                day=data["start_date"],
                reason=data["reason"],
            )
        except ValidationError as error:
            _errors(form, error)
        else:
            return _done(request, household, _("已调整两联一包。"))
    title = _("调整两联一包：%(kind)s") % {"kind": link.get_kind_display()}
    return _page(request, household, form, title, search=q)
