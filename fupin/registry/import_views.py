"""The import pages: upload a registry file, watch its progress, fetch its error workbook and
the templates.

Only the roles in ``IMPORT_REGISTRY`` (and superusers) may use them (403 otherwise). A job is
fetched through :func:`access_import_job`: its own uploader, or a user whose scope covers the
job's scope (``ImportJob.objects.accessible_to``); anything else is the same 404.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template import engines
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from fupin.accounts.actions import IMPORT_REGISTRY, Action, allowed
from fupin.areas.models import Area, Level
from fupin.areas.scope import EVERYTHING, scope_safe
from fupin.core import clock
from fupin.core.sheets import xlsx_response
from fupin.core.uploads import check_upload_size

from . import exporting, importing, rules
from .models import ImportJob
from .tasks import run_import_job

RECENT_JOBS = 10
FIRST_ERRORS = 10
ALLOWED_SUFFIXES = (".xlsx", ".csv")
# The status fragment extends this when htmx asks for it, base.html otherwise.
_FRAGMENT_BASE = "{% block content %}{% endblock %}"


def _require_importer(user) -> None:
    if not user.has_role_anywhere(IMPORT_REGISTRY):
        raise PermissionDenied(importing.MSG_NOT_ALLOWED)


def import_prefixes(user) -> tuple[str, ...]:
    """Return the area codes the user may import into."""
    if user.is_superuser:
        return (EVERYTHING,)
    return tuple(sorted({area for role, area in user.assignments() if role in IMPORT_REGISTRY}))


def scope_choices(user) -> list[tuple[str, str]]:
    """The areas a user may pick as an import's scope: own areas and what lies inside them,
    down to the townships."""
    prefixes = import_prefixes(user)
    areas = Area.objects.within(prefixes).filter(
        level__in=[Level.PROVINCE, Level.PREFECTURE, Level.COUNTY, Level.TOWNSHIP],
    ) | Area.objects.filter(code__in=[p for p in prefixes if p])
    return [(a.code, f"{a.name}（{a.code}）") for a in areas.order_by("code")]


def access_import_job(user, pk: int) -> ImportJob:
    """Return the job if it is the user's own or within the user's scope; 404 otherwise."""
    job = (
        (ImportJob.objects.filter(user=user) | ImportJob.objects.accessible_to(user))
        .select_related("user")
        .filter(pk=pk)
        .first()
    )
    if job is None:
        raise Http404(_("导入任务不存在或不在您的权限范围内"))
    return job


class ImportForm(forms.Form):
    file = forms.FileField(label=_("文件（.xlsx 或 .csv）"))
    year = forms.TypedChoiceField(label=_("数据年度"), coerce=int)
    scope = forms.ChoiceField(label=_("导入范围"))
    # League HQ only (checked in clean, again by the import and its service).
    historical = forms.BooleanField(label=_("标记为历史数据导入"), required=False)
    historical_reason = forms.CharField(
        label=_("历史数据导入原因"),
        required=False,
        max_length=importing.MAX_HISTORICAL_REASON,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.may_mark_historical = allowed(user, Action.IMPORT_HISTORICAL)
        current = clock.current_year()
        self.fields["year"].choices = [
            (y, str(y)) for y in range(current, rules.FIRST_IDENTIFIED_YEAR - 1, -1)
        ]
        self.fields["year"].initial = current
        self.fields["scope"].choices = scope_choices(user)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        # Before the job stores the file in MEDIA_ROOT.
        check_upload_size(upload)
        if Path(upload.name).suffix.lower() not in ALLOWED_SUFFIXES:
            raise forms.ValidationError(_("只接受 .xlsx 或 .csv 文件"))
        return upload

    def clean(self):
        data = super().clean()
        if data.get("historical"):
            if not allowed(self.user, Action.IMPORT_HISTORICAL, data.get("scope") or None):
                self.add_error("historical", importing.MSG_HISTORICAL_NOT_ALLOWED)
            elif not (data.get("historical_reason") or "").strip():
                self.add_error("historical_reason", importing.MSG_HISTORICAL_REASON)
        return data


@scope_safe
@login_required
def upload(request):
    """Show the upload form and the user's recent imports; on POST queue the import."""
    _require_importer(request.user)
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["file"]
        job = ImportJob.objects.create(
            user=request.user,
            scope_code=form.cleaned_data["scope"],
            file=upload_file,
            original_name=Path(upload_file.name).name[:255],
            year=form.cleaned_data["year"],
            historical=form.cleaned_data["historical"],
            historical_reason=(
                form.cleaned_data["historical_reason"].strip()
                if form.cleaned_data["historical"]
                else ""
            ),
        )
        # The job reads the row this transaction writes: queue it once the row is committed,
        # in the uploader's language (its messages are stored with the job).
        language = get_language()
        transaction.on_commit(partial(run_import_job.enqueue, job.pk, language))
        return redirect(f"{reverse('registry:import_upload')}?job={job.pk}")
    jobs = ImportJob.objects.accessible_to(request.user).filter(user=request.user)[:RECENT_JOBS]
    current = None
    if request.GET.get("job", "").isdigit():
        current = access_import_job(request.user, int(request.GET["job"]))
    return render(
        request,
        "registry/import_upload.html",
        {"form": form, "jobs": jobs, "current": current, "kinds": exporting.KINDS},
    )


@scope_safe
@login_required
def template(request, kind, fmt):
    """Download the import template of ``kind`` (members|income) as ``fmt`` (xlsx|csv)."""
    _require_importer(request.user)
    if kind not in exporting.KINDS or fmt not in exporting.FORMATS:
        raise Http404(_("没有这种模板"))
    content, content_type, filename = exporting.template_file(kind, fmt)
    if fmt == "xlsx":
        return xlsx_response(content, filename)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@scope_safe
@login_required
def status(request, pk):
    """The job's progress and outcome; a fragment when htmx polls it, a page otherwise."""
    _require_importer(request.user)
    job = access_import_job(request.user, pk)
    fragment = request.headers.get("HX-Request") == "true"
    summary = job.summary or {}
    counts = [
        (importing.COUNT_LABELS.get(key, key), value)
        for key, value in (summary.get("counts") or {}).items()
    ]
    return render(
        request,
        "registry/import_status.html",
        {
            "job": job,
            "base_template": (
                engines["django"].from_string(_FRAGMENT_BASE).template if fragment else "base.html"
            ),
            "finished": job.state not in (ImportJob.State.QUEUED, ImportJob.State.RUNNING),
            "counts": counts,
            "errors": (summary.get("errors") or [])[:FIRST_ERRORS],
            "error_rows": summary.get("error_rows", 0),
            "warnings": summary.get("warnings") or [],
        },
    )


@scope_safe
@login_required
def errors(request, pk):
    """Download the error workbook of a refused import."""
    _require_importer(request.user)
    job = access_import_job(request.user, pk)
    if not job.error_file:
        raise Http404(_("此导入没有错误清单"))
    name = f"{Path(job.original_name).stem or 'import'}.errors.xlsx"
    return xlsx_response(job.error_file.open("rb"), name)
