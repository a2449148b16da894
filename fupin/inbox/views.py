"""The inbox page (every role): what waits on the signed-in user, and the user's messages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from fupin.areas.scope import scope_safe
from fupin.notify.services import mark_read

from . import selectors


@scope_safe
@login_required
@require_GET
def inbox_page(request):
    box = selectors.inbox(request.user)
    messages = [i for i in box.results if i.notification is not None]
    live = [i for i in box.results if i.notification is None]
    context = {
        "box": box,
        "messages_unread": messages,
        "live": live,
        "recent": selectors.recent_messages(request.user),
    }
    return render(request, "inbox/inbox.html", context)


@scope_safe
@login_required
@require_POST
def mark_all_read(request):
    mark_read(request.user)
    return redirect("inbox:inbox")
