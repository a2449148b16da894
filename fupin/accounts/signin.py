"""Sign-in lockout (django-axes), idle session expiry and the forced first password change.

Repeated wrong passwords lock the pair of account and client address (``AXES_LOCKOUT_PARAMETERS``)
for a cool-down (``FUPIN_LOGIN_FAILURE_LIMIT`` failures, ``FUPIN_LOGIN_COOLOFF_MINUTES``), so a
guesser is stopped without letting anyone lock a colleague out from another address. The client
address is :func:`fupin.accounts.addresses.client_ip`, the same the public forms' limits use.
An administrator unlocks in the admin (axes' access attempts, or the users' "unlock" action).
"""

from __future__ import annotations

import time

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_cool_off, get_failure_limit
from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class LockoutBackend(AxesStandaloneBackend):
    """Axes' lockout check, skipped when ``authenticate`` is called without a request.

    Every sign-in over the web (the login page, the admin's, the token endpoint) passes its
    request; only code running in the server itself (the test client's ``login``, a shell)
    does not, and it has no client address to lock.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def lockout_response(request, original_response=None, credentials=None):
    """The answer to a locked-out sign-in: JSON on the API, the translated page elsewhere."""
    minutes = int(get_cool_off(request).total_seconds() // 60) if get_cool_off(request) else 0
    limit = get_failure_limit(request, credentials)
    message = _(
        "连续 %(limit)d 次密码错误，该账号已在此网络上锁定 %(minutes)d 分钟。"
        "请稍后再试，或请系统管理员解锁。"
    ) % {"limit": limit, "minutes": minutes}
    status = settings.AXES_HTTP_RESPONSE_CODE
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=status)
    return render(request, "registration/locked_out.html", {"message": message}, status=status)


class IdleSessionMiddleware:
    """Expire a signed-in session after ``SESSION_COOKIE_AGE`` seconds without a request.

    Saving the session on every request (``SESSION_SAVE_EVERY_REQUEST``) would make each page a
    database write, queued behind a long import on SQLite; marking it at most every
    ``SESSION_REFRESH_SECONDS`` extends the expiry just as well.
    """

    KEY = "fupin_seen"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if session is not None and user is not None and user.is_authenticated:
            now = int(time.time())
            if now - int(session.get(self.KEY, 0)) >= settings.SESSION_REFRESH_SECONDS:
                session[self.KEY] = now
        return response

    @classmethod
    def mark_login(cls, sender, request, user, **kwargs) -> None:
        """A fresh sign-in has just been saved with a full expiry: no refresh is due yet."""
        if getattr(request, "session", None) is not None:
            request.session[cls.KEY] = int(time.time())


# -- the first password ----------------------------------------------------------------------

MSG_CHANGE_FIRST_API = gettext_lazy("请先在网页上修改初始密码（/accounts/password/），再使用接口。")
# What a user who must change the password may still open: the password pages, signing out,
# the language switch and the API's token endpoint (so the phone app can sign in and out).
PASSWORD_PAGES = frozenset(
    {
        "login",
        "logout",
        "password_change",
        "password_change_done",
        "set_language",
        "javascript-catalog",
        "api-token",
    }
)


def must_change_password(user) -> bool:
    return bool(
        user is not None and user.is_authenticated and getattr(user, "must_change_password", False)
    )


def password_page(request) -> bool:
    match = getattr(request, "resolver_match", None)
    return match is not None and match.url_name in PASSWORD_PAGES


def refused_until_changed(request) -> HttpResponse:
    """A page: to the password form (which says why); the API: 403 with the reason."""
    if request.path_info.startswith("/api/"):
        return JsonResponse(
            {"detail": str(MSG_CHANGE_FIRST_API)},
            status=403,
            json_dumps_params={"ensure_ascii": False},
        )
    return redirect("password_change")


class FirstPasswordMiddleware:
    """Send a user whose password was handed over (``must_change_password``) to the password
    form until it is changed: every page but :data:`PASSWORD_PAGES` redirects there, and the
    API answers 403. A token's user is only known inside the API view: the token
    authentication (:mod:`fupin.accounts.tokens`) refuses it there the same way."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if must_change_password(getattr(request, "user", None)) and not password_page(request):
            return refused_until_changed(request)
        return None
