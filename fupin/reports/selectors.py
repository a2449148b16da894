"""Reads of published reports, scoped (the content itself comes from :mod:`.content`)."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _

from .models import Report


def access_report(user, pk) -> Report:
    """The report if the user's scope reaches its area; the same 404 for missing and forbidden."""
    report = Report.objects.accessible_to(user).filter(pk=pk).select_related("area").first()
    if report is None:
        raise Http404(_("报告不存在或不在您的权限范围内"))
    return report
