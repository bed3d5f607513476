from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
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


class ProbeMiddleware:
    """``/healthz`` and ``/readyz`` answered before the host check and the HTTPS redirect: an
    orchestrator probes the container's own address (not an ALLOWED_HOSTS name) over plain HTTP
    from inside the network. Right after the request-id middleware; the same views as the URLconf's."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        from crm import views

        self.get_response = get_response
        self.probes: dict[str, Callable[[HttpRequest], HttpResponse]] = {
            "/healthz": views.healthz,
            "/readyz": views.readyz,
        }

    def __call__(self, request: HttpRequest) -> HttpResponse:
        probe = self.probes.get(request.path_info)
        return probe(request) if probe is not None else self.get_response(request)
