"""Pages of the duty lists: a unit's list, a task with its reports, the ranking, the overdue list.

Every read goes through :mod:`fupin.duties.selectors` (scoped by the user and by the area of
``?area=``, which :func:`fupin.areas.selectors.access_area` checks first); the progress form
writes through :func:`fupin.duties.services.task_progress_report`, which checks the right
(``EDIT_DUTIES`` at the task's unit) again.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from fupin.accounts.actions import EDIT_DUTIES
from fupin.areas import selectors as area_selectors
from fupin.areas.models import Area, Level
from fupin.areas.params import page_area, page_year, page_years
from fupin.areas.scope import scope_safe
from fupin.core.clock import as_of
from fupin.core.sheets import workbook_bytes, xlsx_response

from . import permissions, selectors, services

PAGE_SIZE = 50


def _level(request, area) -> str:
    level = request.GET.get("level") or ""
    return level if level in selectors.RANKING_LEVELS else selectors.default_level(area)


def _children(user, area):
    """The next level's units inside the user's scope (the drill-down from a list)."""
    return Area.objects.filter(parent_id=area.code).accessible_to(user).order_by("code")


@scope_safe
@login_required
@require_GET
def duty_list(request):
    area = page_area(request)
    year = page_year(request)
    context = {
        "area": area,
        "year": year,
        "years": page_years(first=as_of().year - 2),
        "rule": selectors.RULE,
    }
    if area is not None:
        context.update(selectors.duty_list(request.user, area.code, year))
        context["crumbs"] = area_selectors.breadcrumbs(request.user, area)
        context["children"] = _children(request.user, area) if area.level != Level.VILLAGE else []
        context["ranking_level"] = selectors.default_level(area)
    return render(request, "duties/list.html", context)


class AssessForm(forms.Form):
    score = forms.DecimalField(
        label=_("考核得分"),
        required=False,
        min_value=0,
        max_digits=6,
        decimal_places=2,
        help_text=_("留空即撤销考核"),
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.5"}),
    )


class ProgressForm(forms.Form):
    # An <input type="date"> takes ISO dates only, whatever the language.
    reported_on = forms.DateField(
        label=_("填报日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    percent = forms.IntegerField(
        label=_("进度（%）"),
        min_value=0,
        max_value=100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": 5}),
        error_messages={
            "min_value": _("进度：应为 0 至 100 之间的整数。"),
            "max_value": _("进度：应为 0 至 100 之间的整数。"),
            "invalid": _("进度：应为 0 至 100 之间的整数。"),
        },
    )
    note = forms.CharField(label=_("进展说明"), required=False, widget=forms.Textarea({"rows": 3}))


@scope_safe
@login_required
@require_http_methods(["GET", "POST"])
def task_detail(request, pk):
    task = selectors.access_task(request.user, pk)
    can_report = request.user.has_role_at(EDIT_DUTIES, task.area_id)
    can_assess = permissions.can_assess(request.user, task.area_id)
    assessing = request.method == "POST" and request.POST.get("action") == "assess"
    form = ProgressForm(
        request.POST if request.method == "POST" and not assessing else None,
        initial={"reported_on": as_of(), "percent": task.progress},
    )
    assess_form = AssessForm(request.POST if assessing else None, initial={"score": task.score})
    status = 200
    if request.method == "POST":
        if not (can_assess if assessing else can_report):
            raise PermissionDenied(services.MSG_NO_ASSESS if assessing else services.MSG_NO_RIGHT)
        active = assess_form if assessing else form
        if active.is_valid():
            data = active.cleaned_data
            try:
                if assessing:
                    services.task_assess(user=request.user, task=task, score=data["score"])
                else:
                    services.task_progress_report(
                        user=request.user,
                        task=task,
                        reported_on=data["reported_on"],
                        percent=data["percent"],
                        note=data["note"],
                    )
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    for message in errors:
                        active.add_error(field if field in active.fields else None, message)
            else:
                messages.success(request, _("已保存考核得分。") if assessing else _("已填报进度。"))
                return redirect("duties:task", pk=task.pk)
        status = 400
    task.overdue = selectors.is_overdue(task)
    task.done = selectors.is_done(task)
    context = {
        "task": task,
        "reports": selectors.task_reports(request.user, task).order_by("-reported_on", "-pk"),
        "form": form,
        "assess_form": assess_form,
        "can_report": can_report,
        "can_assess": can_assess,
        "counted_score": selectors.task_score(task),
        "as_of": as_of(),
    }
    return render(request, "duties/task.html", context, status=status)


@scope_safe
@login_required
@require_GET
def ranking(request):
    area = page_area(request)
    year = page_year(request)
    context = {
        "area": area,
        "year": year,
        "years": page_years(first=as_of().year - 2),
        "levels": [(lvl, lvl.label) for lvl in selectors.RANKING_LEVELS],
        "rule": selectors.RULE,
    }
    if area is not None:
        level = _level(request, area)
        rows = selectors.ranking(request.user, area.code, level, year)
        context.update(
            level=level,
            rows=rows,
            totals=selectors.ranking_totals(rows),
            crumbs=area_selectors.breadcrumbs(request.user, area),
        )
    return render(request, "duties/ranking.html", context)


@scope_safe
@login_required
@require_GET
def ranking_xlsx(request):
    from openpyxl import Workbook
    from openpyxl.styles import Font

    area = page_area(request, required=True)
    year = page_year(request)
    level = _level(request, area)
    rows = selectors.ranking(request.user, area.code, level, year)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = gettext("清单制排名")
    sheet.append([f"{area.name} {year} {gettext('年度清单制任务排名')}（{Level(level).label}）"])
    sheet["A1"].font = Font(bold=True, size=14)
    headings = [
        gettext("名次"),
        gettext("区划代码"),
        gettext("单位"),
        gettext("总分"),
        gettext("任务数"),
        gettext("已完成"),
        gettext("超期"),
        gettext("已考核"),
        gettext("分值合计"),
        gettext("得分合计"),
    ]
    sheet.append(headings)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for r in rows:
        sheet.append(
            [
                r.rank,
                r.code,
                r.name,
                r.score,
                r.tasks,
                r.done,
                r.overdue,
                r.assessed,
                r.weight if r.rank else None,
                r.earned if r.rank else None,
            ]
        )
    sheet.append([])
    sheet.append([str(selectors.RULE)])
    for letter, width in zip("ABCDEFGHIJ", (6, 14, 24, 10, 8, 8, 8, 8, 10, 10), strict=True):
        sheet.column_dimensions[letter].width = width
    return xlsx_response(workbook_bytes(workbook), f"duty-ranking-{area.code}-{level}-{year}.xlsx")


@scope_safe
@login_required
@require_GET
def overdue(request):
    area = page_area(request)
    year_param = request.GET.get("year")
    year = page_year(request) if year_param else None
    context = {
        "area": area,
        "year": year,
        "years": page_years(first=as_of().year - 2),
        "as_of": as_of(),
    }
    if area is not None:
        tasks = selectors.overdue_tasks(request.user, area.code, year)
        context["page"] = Paginator(tasks, PAGE_SIZE).get_page(request.GET.get("page"))
        context["crumbs"] = area_selectors.breadcrumbs(request.user, area)
        query = f"area={area.code}" + (f"&year={year}" if year else "")
        context["base"] = f"{reverse('duties:overdue')}?{query}"
    return render(request, "duties/overdue.html", context)
