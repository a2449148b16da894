"""API tokens that expire and are revoked per device (the phone app, scripts).

``Authorization: Token <key>`` is checked by :class:`ExpiringTokenAuthentication`: an unknown,
revoked or expired key is refused with 401. A token lives ``FUPIN_API_TOKEN_DAYS`` days from
its making. The user's page lists the user's tokens with a revoke button each; a token made
there is bound to the page's session and is revoked when that session logs out
(:func:`revoke_session_tokens`, connected to ``user_logged_out``).
"""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from .models import ApiToken, User
from .signin import MSG_CHANGE_FIRST_API, password_page

MSG_TOKEN_INVALID = _("令牌无效、已撤销或已过期，请重新登录获取。")
# Writing the last use on every request would make each API call a write; a minute is enough
# for the user's page to tell which device is in use.
LAST_USED_STEP = datetime.timedelta(minutes=1)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def token_create(*, user: User, device: str, session_key: str = "") -> tuple[ApiToken, str]:
    """Make a token for ``device``; return it and its key (the only time the key is known)."""
    key = secrets.token_hex(20)
    now = timezone.now()
    token = ApiToken.objects.create(
        user=user,
        created_at=now,
        device=device.strip()[:60] or "—",
        key_hash=hash_key(key),
        prefix=key[:8],
        session_key=session_key or "",
        expires_at=now + datetime.timedelta(days=settings.FUPIN_API_TOKEN_DAYS),
    )
    return token, key


def token_revoke(*, user: User, pk: int) -> bool:
    """Revoke one of ``user``'s tokens; return whether there was one."""
    deleted, _rows = ApiToken.objects.filter(user=user, pk=pk).delete()
    return bool(deleted)


def revoke_session_tokens(sender, request, user, **kwargs) -> None:
    """On logout, revoke the tokens made from that session."""
    session = getattr(request, "session", None)
    if user is not None and session is not None and session.session_key:
        ApiToken.objects.filter(user=user, session_key=session.session_key).delete()


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's ``Token <key>`` header, checked against :class:`ApiToken` and its expiry.

    It comes first in ``DEFAULT_AUTHENTICATION_CLASSES`` so that a refused token is answered
    401 (DRF asks the first class for the challenge); a request that sent no token still gets
    the 403 that session authentication gives.
    """

    def authenticate_header(self, request):
        sent = request.META.get("HTTP_AUTHORIZATION", "").split()
        if sent and sent[0].lower() == self.keyword.lower():
            return self.keyword
        return None

    def authenticate(self, request):
        found = super().authenticate(request)
        # A handed-over password must be changed before any work: on the web first.
        if found is not None and found[0].must_change_password and not password_page(request):
            raise exceptions.PermissionDenied(MSG_CHANGE_FIRST_API)
        return found

    def authenticate_credentials(self, key):
        token = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=hash_key(key), expires_at__gt=timezone.now())
            .first()
        )
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(MSG_TOKEN_INVALID)
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_STEP:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return (token.user, token)
