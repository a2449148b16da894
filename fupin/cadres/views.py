"""Pages of the cadre roster. Reads go through ``accessible_to`` / ``access_*``; writes through
:mod:`fupin.cadres.services` (which check the role at the area again)."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fupin.accounts import actions
from fupin.accounts.actions import EDIT_CADRES, Action
from fupin.areas import selectors as area_selectors
from fupin.areas.models import Area
from fupin.areas.params import page_area
from fupin.areas.scope import scope_safe
from fupin.core.audit import audit
from fupin.core.clock import as_of
from fupin.core.sheets import xlsx_response

from . import exporting, selectors, services
from .forms import EvaluationForm, RecallForm, RecordForm
from .models import RESIDENT_KINDS, CadrePost, CadreRecord, Evaluation, PostKind

PAGE_SIZE = 50
ROSTER_EXPORTED = "cadres.roster_exported"


def _nav(user, area, **keep) -> dict:
    """Breadcrumbs, the areas one level down (to drill into) and the query to keep."""
    keep = {k: v for k, v in keep.items() if v not in (None, "")}
    return {
        "crumbs": area_selectors.breadcrumbs(user, area),
        "children": area_selectors.areas_accessible_to(user)
        .filter(parent=area)
        .order_by("code")
        .values_list("code", "name"),
        "keep": f"&{urlencode(keep)}" if keep else "",
    }


def _day(value: str | None, default: datetime.date | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if value else default
    except ValueError:
        return default


def _error_text(error: ValidationError) -> str:
    return "；".join(str(m) for m in error.messages)


@scope_safe
@login_required
@require_GET
def roster(request):
    """One roster of first secretaries, work teams, reserve cadres, village secretaries and
    township / county leaders: where each serves, since when, for how long."""
    area = page_area(request)
    if area is None:
        return render(request, "cadres/roster.html", {"area": None})
    today = as_of()
    kind, everyone, day, name, posts = _roster_query(request, area)
    page = Paginator(posts, PAGE_SIZE).get_page(request.GET.get("page"))
    until = day or today
    rows = selectors.roster_rows(list(page), until)
    warnings = selectors.work_team_warnings(request.user, area.code, day or today)
    query = {"area": area.code, "kind": kind, "on": "all" if everyone else (day or today)}
    if name:
        query["q"] = name
    context = {
        "area": area,
        **_nav(request.user, area, kind=kind, on="all" if everyone else day),
        "kinds": PostKind.choices,
        "kind": kind,
        "day": day,
        "everyone": everyone,
        "q": name,
        "page": page,
        "rows": rows,
        "warnings": warnings,
        "base": f"{reverse('cadres:roster')}?{urlencode(query)}",
        "export": f"{reverse('cadres:roster-export')}?{urlencode(query)}",
    }
    return render(request, "cadres/roster.html", context)


def _roster_query(request, area):
    """The roster's filters from the query string: (kind, everyone, day, name, posts)."""
    kind = request.GET.get("kind") or ""
    kind = kind if kind in PostKind.values else ""
    everyone = request.GET.get("on") == "all"
    day = None if everyone else _day(request.GET.get("on"), as_of())
    posts = selectors.roster(request.user, area.code, kind=kind or None, day=day)
    name = (request.GET.get("q") or "").strip()
    if name:
        posts = posts.filter(cadre__name__contains=name)
    return kind, everyone, day, name, posts.order_by("area_id", "kind", "start_date", "pk")


@scope_safe
@login_required
@require_GET
def roster_export(request):
    """The roster as filtered, as an .xlsx (the same selector as the page)."""
    area = page_area(request, required=True)
    _kind, _everyone, day, _name, posts = _roster_query(request, area)
    content = exporting.roster_xlsx(posts, day or as_of())
    audit(request.user, ROSTER_EXPORTED, area.code, filters=request.GET.dict())
    filename = f"{_('干部名册')}-{area.name}-{(day or as_of()).isoformat()}.xlsx"
    return xlsx_response(content, filename)


@scope_safe
@login_required
@require_http_methods(["GET", "POST"])
def cadre_detail(request, pk):
    """A cadre's profile, posts, evaluations, records and pairings; add a record."""
    cadre = selectors.access_cadre(request.user, pk)
    today = as_of()
    user = request.user
    posts = list(
        CadrePost.objects.filter(cadre=cadre)
        .filter(Q(pk__in=CadrePost.objects.accessible_to(user).values("pk")))
        .select_related("area", "team")
        .order_by("-start_date", "-pk")
    )
    areas = {cadre.area_id} | {p.area_id for p in posts}
    editable = [code for code in sorted(areas) if user.has_role_at(EDIT_CADRES, code)]
    names = dict(Area.objects.filter(code__in=editable).values_list("code", "name"))
    area_choices = [(code, names.get(code, code)) for code in editable]
    form = RecordForm(areas=area_choices, initial={"date": today})
    if request.method == "POST":
        if not editable:
            raise PermissionDenied(_("您没有管理该干部的权限"))
        form = RecordForm(request.POST, areas=area_choices)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.record_create(
                    actor=user,
                    cadre=cadre,
                    kind=data["kind"],
                    date=data["date"],
                    area_code=data["area"],
                    note=data["note"],
                )
            except ValidationError as error:
                messages.error(request, _error_text(error))
            else:
                messages.success(request, _("已添加记录。"))
                return redirect("cadres:cadre", pk=cadre.pk)
    rows = [
        (
            p,
            selectors.service_length(p.start_date, p.end_date, today),
            p.kind in RESIDENT_KINDS
            and (p.end_date is None or p.end_date >= today)
            and p.area_id in editable,
        )
        for p in posts
    ]
    context = {
        "cadre": cadre,
        "age": selectors.age_at(cadre.birth_date, today),
        "grassroots": selectors.cadre_grassroots_years(cadre, today),
        "rows": rows,
        "evaluations": Evaluation.objects.accessible_to(user)
        .filter(cadre=cadre)
        .select_related("area")
        .order_by("-year"),
        "records": CadreRecord.objects.accessible_to(user)
        .filter(cadre=cadre)
        .select_related("area")
        .order_by("-date", "-pk"),
        "pairings": selectors.pairings_count(cadre, user),
        "form": form,
        "recall_form": RecallForm(initial={"date": today}),
        "can_edit": bool(editable),
        "edit_area": editable[-1] if editable else "",
        "as_of": today,
    }
    return render(request, "cadres/cadre.html", context)


@scope_safe
@login_required
@require_POST
def cadre_recall(request, pk):
    """组织召回 from one serving resident post."""
    cadre = selectors.access_cadre(request.user, pk)
    # The role before the form; the service checks it again at the post's own area.
    actions.require(request.user, Action.CADRES_EDIT)
    form = RecallForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写召回日期。"))
        return redirect("cadres:cadre", pk=cadre.pk)
    post = (
        CadrePost.objects.accessible_to(request.user)
        .filter(pk=form.cleaned_data["post"], cadre=cadre)
        .first()
    )
    if post is None:
        raise Http404(_("任职记录不存在或不在您的权限范围内"))
    try:
        services.cadre_recall(
            actor=request.user,
            post=post,
            date=form.cleaned_data["date"],
            note=form.cleaned_data["note"],
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("已召回，任职记录已结束。"))
    return redirect("cadres:cadre", pk=cadre.pk)


@scope_safe
@login_required
@require_GET
def team_list(request):
    area = page_area(request)
    if area is None:
        return render(request, "cadres/teams.html", {"area": None})
    day = _day(request.GET.get("on"), as_of())
    only = request.GET.get("warn") == "1"
    if only:
        rows = selectors.work_team_warnings(request.user, area.code, day)
        page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    else:
        teams = selectors.work_teams(request.user, area.code, day).order_by("village_id", "pk")
        page = Paginator(teams, PAGE_SIZE).get_page(request.GET.get("page"))
        page.object_list = selectors.team_rows(page.object_list)
    query = {"area": area.code, "on": day, **({"warn": "1"} if only else {})}
    context = {
        "area": area,
        **_nav(request.user, area, on=day, warn="1" if only else ""),
        "day": day,
        "only": only,
        "page": page,
        "warnings": len(selectors.work_team_warnings(request.user, area.code, day)),
        "base": f"{reverse('cadres:teams')}?{urlencode(query)}",
    }
    return render(request, "cadres/teams.html", context)


@scope_safe
@login_required
@require_GET
def team_detail(request, pk):
    team = selectors.access_team(request.user, pk)
    day = as_of()
    posts = (
        CadrePost.objects.accessible_to(request.user)
        .filter(team=team)
        .select_related("cadre")
        .order_by("end_date", "start_date", "pk")
    )
    serving = [
        p for p in posts if p.start_date <= day and (p.end_date is None or p.end_date >= day)
    ]
    members = len({p.cadre_id for p in serving})
    context = {
        "team": team,
        "posts": [(p, selectors.service_length(p.start_date, p.end_date, day)) for p in posts],
        "members": members,
        "warnings": selectors.team_warnings(members, team.start_date, team.planned_end),
        "as_of": day,
    }
    return render(request, "cadres/team.html", context)


@scope_safe
@login_required
@require_http_methods(["GET", "POST"])
def evaluation_list(request):
    """The year's evaluation: counts by outcome (each a link to its list) and the form to
    record a cadre's evaluation."""
    area = page_area(request)
    if area is None:
        return render(request, "cadres/evaluations.html", {"area": None})
    user = request.user
    try:
        year = int(request.GET.get("year") or request.POST.get("year") or as_of().year - 1)
    except ValueError:
        year = as_of().year - 1
    can_edit = user.has_role_anywhere(EDIT_CADRES)
    cadres = selectors.cadres_visible_to(user)
    form = None
    chosen = None
    if can_edit:
        wanted = request.GET.get("cadre") or ""
        chosen = cadres.filter(pk=wanted).first() if wanted.isdigit() else None
        initial = {"year": year, "cadre": chosen.pk if chosen else None}
        form = EvaluationForm(cadres=cadres, initial=initial)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied(_("您没有录入干部考核的权限"))
        form = EvaluationForm(request.POST, cadres=cadres)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.evaluation_record(
                    actor=user,
                    cadre=data["cadre"],
                    year=data["year"],
                    score=data["score"],
                    grade=data["grade"],
                    outcome=data["outcome"],
                    note=data["note"],
                )
            except PermissionDenied:
                form.add_error("cadre", _("您没有录入该干部考核的权限"))
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("已录入年度考核。"))
                url = reverse("cadres:evaluations")
                return redirect(f"{url}?{urlencode({'area': area.code, 'year': data['year']})}")
    outcome = request.GET.get("outcome") or ""
    outcome = outcome if outcome in Evaluation.Outcome.values else ""
    rows = selectors.evaluations(user, area.code, year).select_related("cadre", "area")
    if outcome:
        rows = rows.filter(outcome=outcome)
    page = Paginator(rows.order_by("area_id", "cadre__name", "pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    counts = selectors.evaluation_counts(user, area.code, year)
    query = {"area": area.code, "year": year, **({"outcome": outcome} if outcome else {})}
    labels = dict(Evaluation.Outcome.choices)
    context = {
        "area": area,
        **_nav(user, area, year=year, outcome=outcome),
        "year": year,
        "outcome": outcome,
        "counts": [
            (key, labels[key], getattr(counts, key)) for key in (*selectors.OUTCOMES, "none")
        ],
        "total": counts.total,
        "page": page,
        "form": form,
        "chosen": chosen,
        "status": 400 if form is not None and form.errors else 200,
        "base": f"{reverse('cadres:evaluations')}?{urlencode(query)}",
    }
    return render(request, "cadres/evaluations.html", context, status=context["status"])


@scope_safe
@login_required
@require_GET
def structure(request):
    """Leadership-team structure on two days (default: two years before the as-of date, and
    the as-of date), through :func:`fupin.cadres.selectors.team_structure`."""
    area = page_area(request)
    if area is None:
        return render(request, "cadres/structure.html", {"area": None})
    level = request.GET.get("level") or "township"
    level = level if level in selectors.LEVEL_KINDS else "township"
    day_to = _day(request.GET.get("to"), as_of())
    day_from = _day(request.GET.get("from"), selectors.add_years(day_to, -2))
    data = selectors.team_structure(request.user, area.code, level, day_from, day_to)
    labels = {
        "under_35": _("35周岁以下"),
        "around_40": _("40岁左右"),
        "college": _("大专以上学历"),
        "grassroots_2y": _("2年以上基层工作经历"),
    }
    context = {
        "area": area,
        **_nav(request.user, area, level=level, to=day_to, **{"from": day_from}),
        "level": level,
        "data": data,
        "rows": [(key, labels[key], data[key]) for key in selectors.INDICATORS],
        "chart": {
            "labels": [labels[key] for key in selectors.INDICATORS],
            "series": [
                {
                    "name": day.isoformat(),
                    "data": [
                        None if data[key][side] is None else float(data[key][side])
                        for key in selectors.INDICATORS
                    ],
                }
                for side, day in (("from", day_from), ("to", day_to))
            ],
        },
        "day_from": day_from,
        "day_to": day_to,
    }
    return render(request, "cadres/structure.html", context)
