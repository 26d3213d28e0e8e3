"""Language of the interface: German for everyone unless the person chose English.

The language is only ever chosen explicitly with the switch in the page header (Django's
``set_language`` stores it in the language cookie). The browser's ``Accept-Language`` is ignored:
an English-speaking browser still gets the German administration it was set up for, and the
committee papers, exports and e-mails are German whatever the switch says (see ``german``).
"""

from __future__ import annotations

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_vary_headers

GERMAN = "de"


def language_from_cookie(request) -> str:
    """The chosen language from the cookie if it is one of ``LANGUAGES``, else the default (German)."""
    code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if code:
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            pass
    return translation.get_supported_language_variant(settings.LANGUAGE_CODE)


class ChosenLanguageMiddleware(LocaleMiddleware):
    """``LocaleMiddleware`` without URL prefixes and without following ``Accept-Language``."""

    def process_request(self, request):
        translation.activate(language_from_cookie(request))
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        # No "Vary: Accept-Language" (the header changes nothing here); the cookie does.
        response.headers.setdefault("Content-Language", translation.get_language())
        patch_vary_headers(response, ("Cookie",))
        # The page is rendered by now: back to German, so that nothing after the request in this thread
        # (signals, e-mails, the next test) inherits one person's choice.
        translation.activate(translation.get_supported_language_variant(settings.LANGUAGE_CODE))
        return response


def german():
    """Context manager for official German output (committee papers, exports, e-mails)."""
    return translation.override(GERMAN)
