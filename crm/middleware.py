from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class DutchFirstLocaleMiddleware(LocaleMiddleware):
    """Dutch unless the person chose otherwise with the language switch (its cookie).

    Django's own middleware follows the browser's Accept-Language; our users work for Dutch
    public bodies on machines that often say English, and the product is Dutch first.
    """

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
