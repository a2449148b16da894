"""``notify()``: the one way any app tells users that something landed on them (docs/inbox.md).

Three channels:

* ``inapp`` — a :class:`~fupin.notify.models.Notification` row, always written, inside the
  caller's transaction (a refused write leaves no message);
* ``email`` — Django's mail (``EMAIL_BACKEND``; the console backend in the demo), to users
  with an address;
* ``sms`` — a pluggable sender (``FUPIN_SMS_SENDER``, a dotted path to a callable taking a
  list of ``(phone, text)``); the default, :func:`outbox_sms`, appends each message as a line
  to ``FUPIN_OUTBOX_DIR/sms-YYYYMMDD.log``.

The channels of a kind are the setting ``FUPIN_NOTIFY_CHANNELS`` (``"*"`` for every other
kind); a user gets email only with an address and SMS only with a phone. Email and SMS go out
once the transaction commits, so a rolled-back write sends nothing. Many users are notified
set-based: one ``bulk_create`` and one batch per channel. A trusted historical load (the
demo replaying past years through the services) notifies no one: those events are over.

Messages are stored and sent in the site's language (``LANGUAGE_CODE``, Chinese), whatever
language the acting user reads in: build them with :func:`text`.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import translation
from django.utils.module_loading import import_string

from fupin.accounts.models import User
from fupin.core.clock import as_of, in_historical_load

from .models import Notification

INAPP, EMAIL, SMS = "inapp", "email", "sms"
CHANNELS = (INAPP, EMAIL, SMS)

# Used when the setting is absent (tests of other settings modules, scripts).
DEFAULT_CHANNELS: dict[str, list[str]] = {"*": [INAPP, EMAIL]}


def channels_for(kind: str) -> list[str]:
    """The channels of ``kind`` from ``FUPIN_NOTIFY_CHANNELS``; in-app is always among them."""
    table = getattr(settings, "FUPIN_NOTIFY_CHANNELS", None) or DEFAULT_CHANNELS
    chosen = table.get(kind, table.get("*", [INAPP]))
    return [INAPP, *(c for c in chosen if c in CHANNELS and c != INAPP)]


def users_with_role_over(roles: Iterable[str], code: str) -> QuerySet[User]:
    """Active users holding one of ``roles`` over an area that contains area ``code``."""
    prefixes = [code[:n] for n in (2, 4, 6, 9, 12) if len(code) >= n]
    return User.objects.filter(
        is_active=True,
        role_assignments__role__in=list(roles),
        role_assignments__area_id__in=prefixes,
    ).distinct()


def _recipients(users) -> list[User]:
    if users is None:
        return []
    if isinstance(users, User):
        users = [users]
    seen: set[int] = set()
    out = []
    for user in users:
        if user is not None and user.pk not in seen and user.is_active:
            seen.add(user.pk)
            out.append(user)
    return out


def notify(
    user,
    *,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    channels: Sequence[str] | None = None,
    exclude: User | None = None,
) -> list[Notification]:
    """Notify ``user`` (a user, or any iterable or queryset of users) through the kind's
    channels (or ``channels``); ``exclude`` leaves out one user (the actor who caused it)."""
    if in_historical_load():
        return []
    users = [
        u for u in _recipients(user) if exclude is None or getattr(exclude, "pk", None) != u.pk
    ]
    if not users:
        return []
    wanted = channels_for(kind) if channels is None else [INAPP, *channels]
    title, body = str(title)[:200], str(body)
    rows = Notification.objects.bulk_create(
        Notification(user=u, kind=kind, title=title, body=body, url=url[:300]) for u in users
    )
    if EMAIL in wanted:
        mails = [(u.email, title, _text(body, url)) for u in users if u.email]
        if mails:
            transaction.on_commit(lambda: send_emails(mails))
    if SMS in wanted:
        texts = [(u.phone, f"{title} {_text(body, url)}".strip()) for u in users if u.phone]
        if texts:
            transaction.on_commit(lambda: send_sms(texts))
    return rows


def text(message, **params) -> str:
    """``message % params`` in the site's language (``message`` a lazy translatable string)."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(message) % {k: str(v) for k, v in params.items()} if params else str(message)


def _text(body: str, url: str) -> str:
    if not url:
        return body
    base = getattr(settings, "FUPIN_PUBLIC_URL", "") or ""
    link = base.rstrip("/") + url if url.startswith("/") else url
    return f"{body}\n{link}".strip()


def send_emails(mails: list[tuple[str, str, str]]) -> int:
    """Send ``(address, subject, text)`` messages over one connection."""
    connection = get_connection(fail_silently=True)
    messages = [EmailMessage(subject, text, to=[address]) for address, subject, text in mails]
    return connection.send_messages(messages) or 0


def send_sms(texts: list[tuple[str, str]]) -> None:
    """Hand ``(phone, text)`` messages to the configured sender (``FUPIN_SMS_SENDER``)."""
    path = getattr(settings, "FUPIN_SMS_SENDER", "") or "fupin.notify.services.outbox_sms"
    import_string(path)(texts)


def outbox_sms(texts: list[tuple[str, str]]) -> Path:
    """The default SMS sender: one line per message in ``FUPIN_OUTBOX_DIR/sms-YYYYMMDD.log``
    (dated by the system clock), for a gateway to pick up or a person to read."""
    directory = Path(getattr(settings, "FUPIN_OUTBOX_DIR", "var/outbox"))
    directory.mkdir(parents=True, exist_ok=True)
    day: datetime.date = as_of()
    path = directory / f"sms-{day:%Y%m%d}.log"
    with path.open("a", encoding="utf-8") as out:
        for phone, text in texts:
            out.write(f"{phone}\t{' '.join(text.split())}\n")
    return path


def unread(user) -> QuerySet[Notification]:
    """The user's unread messages."""
    return Notification.objects.filter(user_id=user.pk, read_at__isnull=True)


# The inbox's count (fupin.inbox registers it when the app is ready): lower layers such as
# the API's ``/api/me/`` read the navigation's number through :func:`inbox_count`.
_inbox_counter: Callable[[User], int] | None = None


def register_inbox_counter(counter: Callable[[User], int]) -> None:
    global _inbox_counter
    _inbox_counter = counter


def inbox_count(user) -> int:
    """The number the navigation shows: unread messages plus what waits on the user."""
    if user is None or not user.is_authenticated:
        return 0
    if _inbox_counter is not None:
        return _inbox_counter(user)
    return unread(user).count()


def mark_read(user, *, pk: int | None = None) -> int:
    """Mark one of the user's messages read (``pk``), or all of them."""
    from django.utils import timezone

    rows = unread(user)
    if pk is not None:
        rows = rows.filter(Q(pk=pk))
    return rows.update(read_at=timezone.now())
