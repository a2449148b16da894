"""The close and reopen buttons of a period, shared by the pages that show a period's figures.

A page (field-work compliance, the assessment) includes ``areas/_period_close.html`` with the
context of :func:`period_context` and hands its POST to :func:`close_or_reopen`; the rights are
checked again by the services of :mod:`fupin.areas.periods`.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseForbidden
from django.shortcuts import redirect
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import periods
from .models import PeriodClose

MSG_CLOSED_OK = _("已关账：%(period)s。")
MSG_REOPENED_OK = _("已重新开放：%(period)s。")


def period_context(user, kind: str, area, period: str) -> dict:
    """What the close/reopen snippet needs: the close over the area, and the user's rights."""
    close = periods.close_over(kind, area.code, period)
    closable = len(area.code) in periods.CLOSABLE_DIGITS
    return {
        "kind": kind,
        "period": period,
        "close": close,
        "can_close": close is None and closable and periods.can_close(user, area.code),
        "can_reopen": close is not None and periods.can_reopen(user, close.area_id),
    }


def close_or_reopen(request, kind: str, area, period: str, next_url: str):
    """Handle the snippet's POST (``period_action`` = close | reopen) and go back to the page."""
    action = request.POST.get("period_action")
    try:
        if action == "close":
            periods.period_close(
                actor=request.user,
                kind=kind,
                area=area.code,
                period=period,
                note=request.POST.get("note", ""),
            )
            messages.success(request, gettext(MSG_CLOSED_OK) % {"period": period})
        elif action == "reopen":
            close = PeriodClose.objects.accessible_to(request.user).get(
                pk=request.POST.get("close") or 0, kind=kind, period=period
            )
            periods.period_reopen(
                actor=request.user, close=close, reason=request.POST.get("reason", "")
            )
            messages.success(request, gettext(MSG_REOPENED_OK) % {"period": period})
    except (PermissionDenied, PeriodClose.DoesNotExist, ValueError) as error:
        return HttpResponseForbidden(str(error) or gettext(periods.MSG_NOT_ALLOWED))
    except ValidationError as error:
        messages.error(request, "; ".join(error.messages))
    return redirect(next_url)
