"""Start-up checks: what must be true before fupin serves anyone."""

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def check_secret_key(app_configs, **kwargs):
    # With the development key anyone holding the database could reverse the objection filers'
    # address HMAC (docs/notices.md) and forge sessions: `fupin serve` refuses to start on it.
    if not settings.DEBUG and settings.SECRET_KEY == settings.DEV_SECRET_KEY:
        return [
            Error(
                "SECRET_KEY is the development key and DEBUG is off.",
                hint=(
                    "Set SECRET_KEY in the environment (or in the file SECRET_KEY_FILE names,"
                    " var/secret_key by default); see docs/operations.md."
                ),
                id="fupin.E002",
            )
        ]
    return []


@register()
def check_as_of(app_configs, **kwargs):
    import datetime

    if settings.FUPIN_AS_OF:
        try:
            datetime.date.fromisoformat(settings.FUPIN_AS_OF)
        except ValueError:
            return [Error("FUPIN_AS_OF is not a date (YYYY-MM-DD).", id="fupin.E001")]
    return []
