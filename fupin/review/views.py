"""Pages of the 回头看 review round (docs/data-quality.md, "回头看 review round"): the rounds
(a county opens one), a round's figures (close, publish, the published files), the items of an
area (a village team's own village) and one item's outcome."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fupin.accounts.actions import Action, allowed
from fupin.areas import selectors as area_selectors
from fupin.areas.models import Level
from fupin.areas.params import page_area, page_years
from fupin.areas.scope import scope_safe
from fupin.core.clock import as_of

from . import figures, queries, rendering, services
from .models import ReviewItem, ReviewRound


def _errors(error: ValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {field: [str(m) for m in found] for field, found in error.message_dict.items()}
    return {"all": [str(m) for m in error.messages]}


@scope_safe
@login_required
@require_http_methods(["GET", "POST"])
def rounds(request):
    """The rounds the user sees; league HQ and county offices open one here."""
    area = page_area(request, post_field="county")
    counties = [
        a
        for a in area_selectors.areas_accessible_to(request.user).filter(level=Level.COUNTY)
        if allowed(request.user, Action.REVIEW_MANAGE, a.code)
    ]
    today = as_of()
    form = {
        "county": counties[0].code if len(counties) == 1 else "",
        "year": today.year,
        "name": "",
        "starts_on": today.isoformat(),
        "ends_on": today.isoformat(),
        "sample_rate": "5",
    }
    errors: dict = {}
    if request.method == "POST":
        if not counties:
            raise PermissionDenied(gettext("您无权组织回头看"))
        form.update({k: request.POST.get(k, "").strip() for k in form})
        try:
            found = services.round_open(actor=request.user, **form)
        except ValidationError as error:
            errors = _errors(error)
        else:
            messages.success(request, gettext("回头看已发起"))
            return redirect("review:round", pk=found.pk)
    found_rounds = list(queries.rounds(request.user)[:100])
    return render(
        request,
        "review/rounds.html",
        {
            "area": area,
            "rounds": found_rounds,
            "readable": set(
                queries.county_rounds(request.user)
                .filter(pk__in=[r.pk for r in found_rounds])
                .values_list("pk", flat=True)
            ),
            "counties": counties,
            "years": page_years(),
            "form": form,
            "errors": errors,
        },
        status=400 if errors else 200,
    )


def _round(request, pk) -> ReviewRound:
    return get_object_or_404(queries.county_rounds(request.user), pk=pk)


@scope_safe
@login_required
@require_GET
def round_detail(request, pk):
    found = _round(request, pk)
    may_manage = allowed(request.user, Action.REVIEW_MANAGE, found.county_id)
    return render(
        request,
        "review/round.html",
        {
            "round": found,
            "c": figures.content(found, queries.items(request.user, found)),
            "publications": queries.publications(request.user, found),
            "may_close": may_manage and found.is_open,
            "may_publish": may_manage and not found.is_open,
        },
    )


def _write(request, pk, write, done: str):
    found = _round(request, pk)
    try:
        write(found)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect("review:round", pk=found.pk)


@scope_safe
@login_required
@require_POST
def round_close(request, pk):
    return _write(
        request,
        pk,
        lambda r: services.round_close(actor=request.user, review_round=r),
        gettext("回头看已结束"),
    )


@scope_safe
@login_required
@require_POST
def round_publish(request, pk):
    return _write(
        request,
        pk,
        lambda r: services.round_publish(actor=request.user, review_round=r),
        gettext("回头看结果已发布"),
    )


@scope_safe
@login_required
@require_GET
def publication_file(request, pk, fmt):
    publication = get_object_or_404(queries.all_publications(request.user), pk=pk)
    if fmt not in ("xlsx", "pdf"):
        raise Http404
    stored = publication.xlsx if fmt == "xlsx" else publication.pdf
    if stored:
        return FileResponse(stored.open("rb"), as_attachment=True)
    if fmt == "xlsx":
        raise Http404(gettext("文件不存在"))
    # Published without its PDF (the demo): laid out now from the frozen content, the same file.
    response = HttpResponse(
        rendering.render_pdf(publication.content), content_type="application/pdf"
    )
    name = (
        f"review-{publication.county_id}-{publication.review_round_id}-v{publication.version}.pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@scope_safe
@login_required
@require_GET
def items(request):
    """The items of an area (a village team's own village) in the rounds it takes part in."""
    area = page_area(request, required=True)
    taking = queries.rounds(request.user)
    chosen = request.GET.get("round", "")
    found = taking.filter(pk=chosen).first() if chosen.isdigit() else taking.first()
    rows = (
        queries.items(request.user, found).within(area.code).order_by("village_id", "pk")
        if found is not None
        else ReviewItem.objects.none()
    )
    may_record = (
        found is not None
        and found.is_open
        and (allowed(request.user, Action.REVIEW_OUTCOME, area.code))
    )
    return render(
        request,
        "review/items.html",
        {
            "area": area,
            "crumbs": area_selectors.breadcrumbs(request.user, area),
            "round": found,
            "rounds": taking[:20],
            "rows": rows[:500],
            "figures": figures.content(found, rows)["total"] if found is not None else None,
            "may_add": may_record and area.level == Level.VILLAGE,
        },
    )


def _item(request, pk) -> ReviewItem:
    return get_object_or_404(queries.items(request.user), pk=pk)


@scope_safe
@login_required
@require_http_methods(["GET", "POST"])
def item(request, pk):
    found = _item(request, pk)
    may_record = (
        found.review_round.is_open
        and not found.outcome
        and found.household_id is not None
        and allowed(request.user, Action.REVIEW_OUTCOME, found.village_id)
    )
    errors: dict = {}
    posted = {}
    if request.method == "POST":
        posted = {
            k: request.POST.get(k, "").strip()
            for k in ("outcome", "outcome_on", "note", "correction_link")
        }
        try:
            services.item_outcome(
                actor=request.user, item=found, evidence=request.FILES.get("evidence"), **posted
            )
        except ValidationError as error:
            errors = _errors(error)
        else:
            messages.success(request, gettext("核查结果已保存"))
            return redirect(
                f"{reverse('review:items')}?area={found.village_id}&round={found.review_round_id}"
            )
    return render(
        request,
        "review/item.html",
        {
            "item": found,
            "flags": queries.item_flags(request.user, found),
            "may_record": may_record,
            "outcomes": [
                (v, label)
                for v, label in ReviewItem.Outcome.choices
                if v not in ("", ReviewItem.Outcome.ADDED)
            ],
            "posted": posted,
            "errors": errors,
            "today": as_of().isoformat(),
        },
        status=400 if errors else 200,
    )


@scope_safe
@login_required
@require_POST
def found(request, pk):
    """A missed household the village team found during the round (新识别/补录)."""
    review_round = get_object_or_404(queries.rounds(request.user), pk=pk)
    village = request.POST.get("village", "").strip()
    back = f"{reverse('review:items')}?area={village}&round={review_round.pk}"
    try:
        services.item_found(
            actor=request.user,
            review_round=review_round,
            village=village,
            name=request.POST.get("found_name", ""),
            id_number=request.POST.get("found_id_number", "").strip(),
            outcome_on=request.POST.get("outcome_on", "").strip() or None,
            note=request.POST.get("note", ""),
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(back)
    messages.success(request, gettext("已补录"))
    return redirect(back)
