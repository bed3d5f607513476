from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class DutchFirstLocaleMiddleware(LocaleMiddleware):
    """Pages: Dutch unless the person chose otherwise with the language switch (its cookie).
    Django's own middleware follows the browser's Accept-Language; our users work for Dutch
    public bodies on machines that often say English, and the product is Dutch first.

    The API (``/api/``): the language switch's cookie when the client sends one (a browser
    session: the person's own choice wins), else ``Accept-Language`` (a program asks for its
    language explicitly, per request), else Dutch. The stored ``UserPreference.language`` is not
    read here: it is the language of the user's *mail*, copied from the pages they last used,
    and reading it would cost a query per API request (and crm imports no app).
    """

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen in dict(settings.LANGUAGES):
            language = chosen
        elif request.path_info.startswith("/api/"):
            language = translation.get_language_from_request(request)  # cookie, then the header
        else:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
