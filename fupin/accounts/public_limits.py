"""Limits on the public forms (objections to a notice, a villager's concern): no login.

Every accepted submission is counted in :class:`~fupin.accounts.models.PublicSubmission` under
an HMAC of the client's address (:mod:`fupin.accounts.addresses`) and the target village, so
that one address that floods one village's form is refused there only, and every other village
keeps taking submissions. The limits, each a setting:

- ``FUPIN_PUBLIC_LIMIT_PER_HOUR`` and ``FUPIN_PUBLIC_LIMIT_PER_DAY``: per address, form and
  village;
- ``FUPIN_PUBLIC_VILLAGE_DAILY_CAP``: all addresses and forms together, per village and day;
- ``FUPIN_PUBLIC_CAPTCHA_AFTER``: after this many submissions in a day from one address (any
  form, any village) the form asks for a captcha (django-simple-captcha, served by fupin itself).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from .addresses import client_ip, source_hash
from .models import PublicSubmission

OBJECTION = "objection"
CONCERN = "concern"


def request_source(request) -> str:
    """The HMAC of the request's client address (what is stored and counted, never the address)."""
    return source_hash(client_ip(request))


def limit_error(source: str, *, form: str, village_code: str) -> str | None:
    """Return why a submission from ``source`` to ``village_code`` is refused, or ``None``."""
    now = timezone.now()
    day = PublicSubmission.objects.filter(at__gte=now - datetime.timedelta(days=1))
    mine = day.filter(source=source, form=form, village_code=village_code)
    per_hour = settings.FUPIN_PUBLIC_LIMIT_PER_HOUR
    if mine.filter(at__gte=now - datetime.timedelta(hours=1)).count() >= per_hour:
        return _("提交过于频繁：同一网络每小时最多向同一嘎查村提交 %(n)d 条，请稍后再试。") % {
            "n": per_hour
        }
    per_day = settings.FUPIN_PUBLIC_LIMIT_PER_DAY
    if mine.count() >= per_day:
        return _("提交过于频繁：同一网络每天最多向同一嘎查村提交 %(n)d 条，请明天再试。") % {
            "n": per_day
        }
    cap = settings.FUPIN_PUBLIC_VILLAGE_DAILY_CAP
    if day.filter(village_code=village_code).count() >= cap:
        return _(
            "该嘎查村今天收到的网上提交已达上限（%(n)d 条），请明天再试，或拨打公示上的电话。"
        ) % {"n": cap}
    return None


def needs_captcha(source: str) -> bool:
    """Tell whether the address has made enough submissions today to be asked for a captcha."""
    since = timezone.now() - datetime.timedelta(days=1)
    done = PublicSubmission.objects.filter(source=source, at__gte=since).count()
    return done >= settings.FUPIN_PUBLIC_CAPTCHA_AFTER


def record(source: str, *, form: str, village_code: str) -> None:
    """Count an accepted submission, and forget the ones no limit looks at any more."""
    now = timezone.now()
    PublicSubmission.objects.filter(at__lt=now - datetime.timedelta(days=2)).delete()
    PublicSubmission.objects.create(form=form, source=source, village_code=village_code, at=now)


def add_captcha(form) -> None:
    """Add the captcha field to a bound or unbound public form."""
    from captcha.fields import CaptchaField, CaptchaTextInput

    form.fields["captcha"] = CaptchaField(
        label=_("验证码"),
        help_text=_("请输入图片中的字符"),
        widget=CaptchaTextInput(attrs={"class": "form-control", "style": "max-width:8rem"}),
    )
