from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
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


class SignInGateMiddleware:
    """Two rules for a signed-in session, before any view (crm/mfa.py keeps the state):

    - inactivity: a session without a request for ``SESSION_IDLE_HOURS`` is signed out (the
      time of the last request is written at most once a minute, not on every request);
    - two-factor: a session that still owes a code (or must enrol first) reaches only the
      verification or enrolment page, the log-out and the language switch; every other page
      sends it there (the API answers 403).

    Reads only the session, which the authentication middleware loads anyway: no query.
    """

    REFRESH_SECONDS = 60

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.contrib.auth import SESSION_KEY

        session = request.session
        if SESSION_KEY not in session:
            return self.get_response(request)
        answer = self._idle(request) or self._second_factor(request)
        return answer if answer is not None else self.get_response(request)

    def _idle(self, request: HttpRequest) -> HttpResponse | None:
        import time

        from django.contrib import messages
        from django.contrib.auth import logout
        from django.contrib.auth.views import redirect_to_login
        from django.utils.translation import gettext as _

        from crm.mfa import SEEN

        now, seen = int(time.time()), request.session.get(SEEN)
        if isinstance(seen, int) and now - seen > settings.SESSION_IDLE_HOURS * 3600:
            logout(request)
            if request.path_info.startswith("/api/"):
                return JsonResponse({"detail": _("Your session ended after a period of inactivity.")}, status=401)
            messages.info(request, _("You were signed out after a period of inactivity. Please sign in again."))
            return redirect_to_login(request.get_full_path())
        if not isinstance(seen, int) or now - seen >= self.REFRESH_SECONDS:
            request.session[SEEN] = now
        return None

    def _second_factor(self, request: HttpRequest) -> HttpResponse | None:
        from django.shortcuts import redirect
        from django.urls import reverse
        from django.utils.http import urlencode
        from django.utils.translation import gettext as _

        from crm.mfa import ENROL, PENDING

        pending = request.session.get(PENDING)
        if pending is None:
            return None
        target = reverse("mfa-setup" if pending == ENROL else "mfa-verify")
        allowed = {target, reverse("logout"), reverse("set_language"), reverse("javascript-catalog")}
        path = request.path_info
        # The security key's ceremonies (crm/mfa_webauthn.py): the library lets a session that
        # owes a code only use its key, or register one if it has no second factor yet.
        if path.startswith(reverse("otp_webauthn:js-i18n-catalog").removesuffix("jsi18n/")):
            return None
        if path in allowed or path.startswith("/" + settings.STATIC_URL.lstrip("/")):
            return None
        if path.startswith("/api/"):
            return JsonResponse({"detail": _("Two-factor sign-in is not complete for this session.")}, status=403)
        query = urlencode({"next": request.get_full_path()}) if request.method == "GET" else ""
        return redirect(f"{target}?{query}" if query else target)
