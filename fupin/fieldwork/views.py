"""Phone-first pages of field work. Every read goes through ``accessible_to`` / ``access_*``;
every write through :mod:`fupin.fieldwork.services` (which checks scope again)."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from fupin.accounts import actions
from fupin.accounts.actions import Action
from fupin.areas import period_views, periods
from fupin.areas.models import Area
from fupin.areas.params import page_area
from fupin.areas.scope import public, scope_safe
from fupin.assistance.models import Pairing
from fupin.core.clock import as_of
from fupin.registry.models import Household

from . import forms, permissions, selectors, services
from .models import CheckIn, Concern, FeedbackVia, Visit

PAGE_SIZE = 50


linked_cadre = permissions.linked_cadre
cadres_for = forms.cadres_for
active_pairings = forms.active_pairings


def week_start(day):
    return selectors.week_of(day)[0]


def _chosen_household(request):
    """The household named by ``?household=`` if the user may see it (else none, not a 404:
    the page then asks for one)."""
    value = request.GET.get("household", "")
    if not value.isdigit():
        return None
    return (
        Household.objects.accessible_to(request.user)
        .select_related("village", "village__parent")
        .filter(pk=value)
        .first()
    )


@scope_safe
@login_required
@require_http_methods(["GET", "POST"])
def visit_new(request):
    """记录走访: find the household first (a search the server answers, at most
    ``forms.PICKER_LIMIT`` matches), then its paired cadre is offered, preselected when alone."""
    if not permissions.can_open_visit_form(request.user):
        raise PermissionDenied
    household = None if request.method == "POST" else _chosen_household(request)
    form = forms.VisitForm(request.POST or None, user=request.user, household=household)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        concerns = (
            [{"text": data["concern"], "category": data["category"]}] if data["concern"] else []
        )
        try:
            services.visit_log(
                user=request.user,
                cadre=data["cadre"],
                household=data["household"],
                visited_on=data["visited_on"],
                kind=data["kind"],
                content=data["content"],
                concerns=concerns,
                backdate_reason=data["backdate_reason"],
                correction_reason=data["correction_reason"],
            )
        except ValidationError as error:
            # A refused date names its field; a closed period asks for the correction's reason.
            form.add_error(None if hasattr(error, "error_dict") else "correction_reason", error)
        else:
            messages.success(request, _("已记录走访。"))
            return redirect("fieldwork:my" if linked_cadre(request.user) else "fieldwork:visit-new")
    q = request.GET.get("q", "").strip()
    context = {
        "form": form,
        "household": form.household,
        "q": q,
        "matches": forms.search_households(request.user, q) if q and not form.own_cadre else [],
        "household_label": forms.household_label(form.household) if form.household else "",
    }
    status = 400 if form.errors else 200
    return render(request, "fieldwork/visit_form.html", context, status=status)


@scope_safe
@login_required
@require_GET
def visit_households(request):
    """The household picker's answer (htmx): the matches of ``q``, as links choosing one."""
    if not permissions.can_open_visit_form(request.user):
        raise PermissionDenied
    q = request.GET.get("q", "").strip()
    own = linked_cadre(request.user)
    matches = forms.search_households(request.user, q, cadre=own) if q else []
    return render(request, "fieldwork/_household_matches.html", {"matches": matches, "q": q})


@scope_safe
@login_required
@require_GET
def cadre_options(request):
    """The owner picker's answer (htmx): ``<option>``s of the cadres matching ``q``."""
    q = (request.GET.get("q") or request.GET.get("owner_q") or "").strip()
    return render(
        request,
        "fieldwork/_cadre_options.html",
        {"cadres": forms.search_cadres(request.user, q), "q": q},
    )


@scope_safe
@login_required
@require_http_methods(["GET", "POST"])
def checkin(request):
    if request.method == "POST":
        actions.require(request.user, Action.CHECK_IN_RECORD)
    cadre = linked_cadre(request.user)
    day = as_of()
    if cadre is None:
        return render(request, "fieldwork/checkin.html", {"cadre": None})
    village = (
        cadre.area_id
        if len(cadre.area_id) == 12
        else active_pairings(cadre, day).values_list("village_id", flat=True).first()
    )
    done = CheckIn.objects.accessible_to(request.user).filter(cadre=cadre, day=day).first()
    if request.method == "POST" and village:
        if not permissions.can_check_in(request.user, village):
            raise PermissionDenied
        try:
            services.check_in_record(
                user=request.user,
                cadre=cadre,
                village_code=village,
                lat=request.POST.get("lat") or None,
                lon=request.POST.get("lon") or None,
            )
        except PermissionDenied:
            raise Http404 from None
        messages.success(request, _("今日已打卡。"))
        return redirect("fieldwork:checkin")
    return render(
        request, "fieldwork/checkin.html", {"cadre": cadre, "village": village, "done": done}
    )


@scope_safe
@login_required
def my(request):
    cadre = linked_cadre(request.user)
    if cadre is None:
        return render(request, "fieldwork/my.html", {"cadre": None})
    day = as_of()
    monday = week_start(day)
    visits = (
        Visit.objects.accessible_to(request.user)
        .filter(cadre=cadre, visited_on__gte=monday, visited_on__lte=day)
        .co_located("household")
        .select_related("household")
        .order_by("-visited_on")
    )
    visited = visits.values("household_id")
    due = (
        Household.objects.accessible_to(request.user)
        .filter(pk__in=active_pairings(cadre, day).values("household_id"))
        .exclude(pk__in=visited)
        .order_by("number")
    )
    days = (
        CheckIn.objects.accessible_to(request.user)
        .filter(cadre=cadre, day__gte=day.replace(day=1), day__lte=day)
        .count()
    )
    context = {"cadre": cadre, "due": due, "visits": visits, "days": days, "as_of": day}
    return render(request, "fieldwork/my.html", context)


@scope_safe
@login_required
def concern_list(request):
    """The concerns in scope; ``?village=`` (any area code) and ``?household=`` narrow it."""
    concerns = Concern.objects.accessible_to(request.user).select_related("village", "owner")
    state = request.GET.get("state")
    if state in Concern.State.values:
        concerns = concerns.filter(state=state)
    village = request.GET.get("village", "")
    area = None
    if village.isdigit():
        area = Area.objects.accessible_to(request.user).filter(code=village).first()
        concerns = concerns.within(area.code) if area else concerns.none()
    household = _chosen_household(request)
    if request.GET.get("household"):
        concerns = concerns.filter(household=household) if household else concerns.none()
    page = Paginator(concerns.order_by("-raised_on", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "states": Concern.State.choices,
        "state": state,
        "area": area,
        "household": household,
        "query": query.urlencode(),
        "as_of": as_of(),
        "can_raise": household is not None
        and permissions.can_raise_concern(request.user, household.village_id),
    }
    return render(request, "fieldwork/concern_list.html", context)


@scope_safe
@login_required
@require_http_methods(["GET", "POST"])
def concern_new(request):
    """A concern raised for one household, from its page (``?household=``)."""
    user = request.user
    # A role that raises no concern anywhere is refused before its form is read.
    if not actions.allowed(user, Action.CONCERN_RAISE):
        raise PermissionDenied
    form = forms.ConcernForm(
        request.POST if request.method == "POST" else None,
        user=user,
        initial={"household": request.GET.get("household")},
    )
    household = _chosen_household(request) if request.method == "GET" else None
    if request.method == "POST" and form.is_valid():
        household = form.cleaned_data["household"]
        if not permissions.can_raise_concern(user, household.village_id):
            raise PermissionDenied
        try:
            concern = services.concern_raise(
                user=user,
                village_code=household.village_id,
                household=household,
                text=form.cleaned_data["text"],
                category=form.cleaned_data["category"],
                raised_by=linked_cadre(user),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("已登记诉求。"))
            return redirect("fieldwork:concern", pk=concern.pk)
    elif request.method == "POST":
        household = form.cleaned_data.get("household")
    if household is None and request.method == "GET":
        raise Http404(_("请先选择贫困户。"))
    if household is not None and not permissions.can_raise_concern(user, household.village_id):
        raise PermissionDenied
    status = 400 if form.errors else 200
    return render(
        request,
        "fieldwork/concern_form.html",
        {"form": form, "household": household},
        status=status,
    )


ACTIONS = {"assign", "start", "answer", "feedback", "escalate"}


def _owner_choices(request, concern) -> list:
    """The owner picker's first options: the current owner and the household's paired cadres,
    or the matches of a typed search (``?owner_q=``, the picker without JavaScript)."""
    user = request.user
    q = request.GET.get("owner_q", "").strip()
    if q:
        return list(forms.search_cadres(user, q))
    ids = [concern.owner_id] if concern.owner_id else []
    if concern.household_id:
        ids += Pairing.objects.filter(household_id=concern.household_id).values_list(
            "cadre_id", flat=True
        )
    return list(cadres_for(user).filter(pk__in=ids).select_related("area"))


@scope_safe
@login_required
@require_http_methods(["GET", "POST"])
def concern_detail(request, pk):
    concern = get_object_or_404(Concern.objects.accessible_to(request.user), pk=pk)
    user = request.user
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "assign":
                owner = get_object_or_404(cadres_for(user), pk=request.POST.get("owner"))
                deadline = datetime.date.fromisoformat(request.POST.get("deadline", ""))
                services.concern_assign(user=user, concern=concern, owner=owner, deadline=deadline)
            elif action == "start":
                services.concern_start(user=user, concern=concern)
            elif action == "answer":
                services.concern_answer(
                    user=user, concern=concern, answer=request.POST.get("answer", "")
                )
            elif action == "feedback":
                services.concern_feedback(
                    user=user,
                    concern=concern,
                    satisfied=request.POST.get("satisfied") == "yes",
                    via=request.POST.get("via", ""),
                    paper=request.FILES.get("paper"),
                    household_present=bool(request.POST.get("household_present")),
                    note=request.POST.get("note", ""),
                )
            elif action == "escalate":
                services.concern_escalate(
                    user=user,
                    concern=concern,
                    beyond_power=bool(request.POST.get("beyond_power")),
                    note=request.POST.get("note", ""),
                )
            else:
                raise ValidationError(_("未知操作"))
        except (ValidationError, ValueError) as error:
            messages.error(request, "; ".join(getattr(error, "messages", [str(error)])))
        return redirect("fieldwork:concern", pk=concern.pk)
    context = {
        "concern": concern,
        "events": concern.events.all(),
        "owners": _owner_choices(request, concern),
        "owner_q": request.GET.get("owner_q", "").strip(),
        "overdue": services.is_overdue(concern),
        "can_escalate": concern.state in Concern.OPEN_STATES
        and concern.level != "county"
        and permissions.can_escalate(user, concern),
        "can_assign": permissions.can_assign(user, concern),
        "can_start": permissions.can_start(user, concern),
        "can_answer": permissions.can_answer(user, concern),
        "can_feedback_paper": permissions.can_feedback_on_paper(user, concern),
        "can_feedback_in_person": permissions.can_feedback_in_person(user, concern, as_of()),
        "feedback_via": FeedbackVia,
    }
    return render(request, "fieldwork/concern_detail.html", context)


@scope_safe
@login_required
@require_http_methods(["GET", "POST"])
def compliance(request):
    area = page_area(request)
    if area is None:
        return render(request, "fieldwork/compliance.html", {"area": None})
    month = request.GET.get("month") or ""
    try:
        m = selectors.month_window(month or None)
    except (ValueError, TypeError):
        m = selectors.month_window(None)
    month = m.first.strftime("%Y-%m")
    user = request.user
    base = f"{reverse('fieldwork:compliance')}?area={area.code}&month={month}"
    if request.method == "POST" and request.POST.get("accept"):
        return _accept_check_in(request, base)
    if request.method == "POST":
        # The month's compliance is reported: close it (or, league HQ, reopen it).
        return period_views.close_or_reopen(
            request, periods.Kind.FIELDWORK_MONTH, area, month, base
        )

    behind_rows = selectors.pairings_behind(user, area.code, m)
    resident_rows = selectors.residents_under(user, area.code, m)
    reviews = [
        (level, first, last, missing.count(), list(missing.order_by("code")[:PAGE_SIZE]))
        for level, first, last, missing in selectors.reviews_missed(user, area.code, m)
    ]
    overdue_rows = selectors.concerns_overdue(user, area.code, m)
    counts = selectors.compliance_counts(
        user,
        area.code,
        month,
        behind=behind_rows,
        residents=resident_rows,
        reviews_counted=sum(n for _level, _first, _last, n, _areas in reviews),
        overdue=overdue_rows,
    )

    def page(qs, param, count=None):
        paginator = Paginator(qs, PAGE_SIZE)
        if count is not None:
            # The figure the page shows above the list: a league's count is not run twice.
            paginator.count = count
        return paginator.get_page(request.GET.get(param))

    behind = page(
        behind_rows.select_related("cadre", "household").order_by(
            "village_id", "cadre__name", "pk"
        ),
        "p_page",
        counts.pairings_behind,
    )
    residents = page(
        resident_rows.order_by("area_id", "name", "pk"),
        "r_page",
        counts.residents_under_20_days,
    )
    overdue = page(
        overdue_rows.select_related("owner", "village").order_by("deadline", "pk"),
        "c_page",
        counts.concerns_overdue,
    )
    flagged_check_ins = page(
        selectors.flagged_check_ins(user, area.code, m)
        .select_related("cadre", "village", "accepted_by")
        .order_by("accepted_at", "-day", "pk"),
        "f_page",
    )
    flagged_visits = page(
        selectors.flagged_visits(user, area.code, m)
        .select_related("cadre", "household")
        .order_by("-visited_on", "pk"),
        "v_page",
    )
    can_accept = actions.allowed(user, Action.CHECK_IN_ACCEPT)
    closed = selectors.month_close(user, area.code, month)
    corrections: dict[str, list] = {}
    for correction in closed.corrections:
        corrections.setdefault(correction.figure, []).append(correction)
    context = {
        "area": area,
        "month": month,
        "m": m,
        "counts": counts,
        "behind": behind,
        "residents": residents,
        "reviews": reviews,
        "overdue": overdue,
        "flagged_check_ins": flagged_check_ins,
        "flagged_visits": flagged_visits,
        "can_accept": can_accept,
        "base": base,
        "closed": closed,
        "corrections": corrections,
        "period_state": period_views.period_context(
            user, periods.Kind.FIELDWORK_MONTH, area, month
        ),
    }
    return render(request, "fieldwork/compliance.html", context)


def _accept_check_in(request, base: str):
    """A township officer accepts a flagged check-in with a reason (services.check_in_accept)."""
    row = CheckIn.objects.accessible_to(request.user).filter(pk=request.POST.get("accept")).first()
    if row is None or not row.pk:
        raise Http404
    try:
        services.check_in_accept(
            user=request.user, check_in=row, reason=request.POST.get("reason", "")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("已认可该打卡，计入驻村天数。"))
    return redirect(base)


# ---------------------------------------------------------------------------- public form


PublicConcernForm = forms.PublicConcernForm


@public
@require_http_methods(["GET", "POST"])
def concern_public(request, code):
    """群众自报: a village's public form (e.g. behind a QR code on the village notice board).

    Shows only the village's name; writes a concern of that village with no household."""
    from fupin.accounts import public_limits
    from fupin.areas.models import Area, Level

    village = get_object_or_404(Area, code=code, level=Level.VILLAGE)
    source = public_limits.request_source(request)
    form = PublicConcernForm(request.POST or None)
    if public_limits.needs_captcha(source):
        public_limits.add_captcha(form)
    done = False
    if request.method == "POST" and form.is_valid():
        error = public_limits.limit_error(
            source, form=public_limits.CONCERN, village_code=village.code
        )
        if error:
            form.add_error(None, error)
        else:
            data = form.cleaned_data
            reply = services.concern_raise(
                user=None,
                village_code=village.code,
                text=data["text"],
                category=data["category"],
                filer_contact=data["filer_contact"],
                source_hash=source,
            )
            public_limits.record(source, form=public_limits.CONCERN, village_code=village.code)
            done = reverse("fieldwork:concern-reply", args=[reply.reply_token])
            form = PublicConcernForm()
            if public_limits.needs_captcha(source):
                public_limits.add_captcha(form)
    status = 400 if form.errors else 200
    return render(
        request,
        "fieldwork/concern_public.html",
        {"village": village, "form": form, "done": done},
        status=status,
    )


@public
@require_http_methods(["GET", "POST"])
def concern_reply(request, token):
    """The household's own page for the concern it filed: the answer, and its yes or no."""
    concern = get_object_or_404(Concern.objects.select_related("village"), reply_token=token)
    if request.method == "POST":
        try:
            services.concern_feedback_public(
                token=token, satisfied=request.POST.get("satisfied") == "yes"
            )
        except ValidationError as error:
            messages.error(request, "; ".join(error.messages))
        else:
            messages.success(request, _("感谢您的反馈。"))
        return redirect("fieldwork:concern-reply", token=token)
    return render(request, "fieldwork/concern_reply.html", {"concern": concern})


# ---------------------------------------------------------------------------- review meetings

MEETING_LEVELS = {"village": "village", "township": "township", "county": "county"}


@scope_safe
@login_required
@require_http_methods(["GET", "POST"])
def reviews(request):
    """The review meetings of an area, and the form to record one (village, township, county)."""
    from .models import ReviewMeeting

    area = page_area(request)
    if area is None:
        return render(request, "fieldwork/reviews.html", {"area": None})
    level = MEETING_LEVELS.get(area.level)
    open_concerns = (
        Concern.objects.accessible_to(request.user)
        .within(area.code)
        .filter(state__in=Concern.OPEN_STATES)
        .order_by("deadline", "pk")[:100]
    )
    can_record = bool(level) and permissions.can_record_meeting(request.user, area.code, level)
    if request.method == "POST" and level:
        if not can_record:
            raise PermissionDenied
        try:
            held_on = datetime.date.fromisoformat(request.POST.get("held_on", ""))
        except ValueError:
            messages.error(request, _("请填写召开日期。"))
        else:
            chosen = Concern.objects.accessible_to(request.user).filter(
                pk__in=[p for p in request.POST.getlist("concerns") if p.isdigit()]
            )
            try:
                services.review_meeting_record(
                    user=request.user,
                    area_code=area.code,
                    level=level,
                    held_on=held_on,
                    attendees=request.POST.get("attendees", ""),
                    minutes=request.POST.get("minutes", ""),
                    concerns=chosen,
                    backdate_reason=request.POST.get("backdate_reason", ""),
                    correction_reason=request.POST.get("correction_reason", ""),
                )
            except ValidationError as error:
                messages.error(request, "; ".join(error.messages))
            else:
                messages.success(request, _("已记录研判会。"))
        return redirect(f"{reverse('fieldwork:reviews')}?area={area.code}")
    meetings = (
        ReviewMeeting.objects.accessible_to(request.user)
        .within(area.code)
        .select_related("area")
        .order_by("-held_on", "-pk")
    )
    page = Paginator(meetings, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "area": area,
        "level": level,
        "can_record": can_record,
        "page": page,
        "open_concerns": open_concerns,
        "as_of": as_of(),
        "closed_months": periods.closed_periods(request.user, periods.Kind.FIELDWORK_MONTH),
    }
    return render(request, "fieldwork/reviews.html", context)
