"""Start-up checks: what must be true before fupin serves anyone."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register(Tags.security, deploy=True)
def check_secret_key(app_configs, **kwargs):
    if not settings.DEBUG and settings.SECRET_KEY == settings.DEV_SECRET_KEY:
        return [
            Warning(
                "SECRET_KEY is the development key.",
                hint="Set SECRET_KEY in the environment before serving on a network.",
                id="fupin.W001",
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
