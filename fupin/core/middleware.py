from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

from .setting_values import settings_once

API_PREFIX = "/api/"


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    """Chinese unless the user chose otherwise (the language switch sets a cookie).

    On the pages the browser's Accept-Language is not consulted: cadres' machines often run
    an English system, and the system's working language is Chinese. The API (``/api/``)
    answers programs, which state the language they want: there Accept-Language is honoured
    when no language was chosen with the switch.
    """

    def process_request(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in dict(settings.LANGUAGES):
            if request.path_info.startswith(API_PREFIX):
                language = translation.get_language_from_request(request)
            else:
                language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class SettingsOncePerRequest:
    """Each system setting (the as-of date, the data still being built) read at most once per
    request (:func:`fupin.core.setting_values.settings_once`)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with settings_once():
            return self.get_response(request)
