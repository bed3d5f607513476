"""Security keys and passkeys (WebAuthn) as a second factor beside the app's code, through
django-otp-webauthn: its credential is a django-otp device like the TOTP one, its views run
the two ceremonies (the browser's part is the library's script). These subclasses tie them to
the sign-in state of ``crm/mfa.py``:

- registering a key completes an enrolment that was owed (the session is then signed in fully,
  and the user sees new recovery codes once, as after setting up the app);
- using a key completes the check after the password, like a code.

Never a sign-in without the password (``OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False``): the
authentication ceremony needs a signed-in session that owes its second factor.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django_otp_webauthn.models import WebAuthnCredential
from django_otp_webauthn.views import (
    BeginCredentialAuthenticationView,
    BeginCredentialRegistrationView,
    CompleteCredentialAuthenticationView,
    CompleteCredentialRegistrationView,
)

from crm import mfa
from crm.models import AuditEntry

KEY_ADDED = "wsp_mfa_key_added"  # session: a key was registered, the recovery codes are due


def has_key(user: Any) -> bool:
    return WebAuthnCredential.objects.filter(user=user, confirmed=True).exists()


class SessionState:
    """The library asks ``user.is_verified()`` (django-otp's middleware, which the CRM does not
    run: it would read the device on every request). The CRM's answer is the session's: verified
    unless it still owes its second factor (``crm.mfa.PENDING``)."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        user: Any = request.user
        if user.is_authenticated:
            user.is_verified = lambda: mfa.PENDING not in request.session
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


class BeginRegistration(SessionState, BeginCredentialRegistrationView):
    pass


class SignedInOnly:
    """A key is used only by a signed-in session (the password given): never the first factor."""

    def check_can_authenticate(self) -> None:
        from django_otp_webauthn import exceptions

        if self.get_user() is None:  # type: ignore[attr-defined]
            raise exceptions.PasswordlessLoginDisabled()
        super().check_can_authenticate()  # type: ignore[misc]


class BeginAuthentication(SessionState, SignedInOnly, BeginCredentialAuthenticationView):
    pass


class CompleteAuthentication(SessionState, SignedInOnly, CompleteCredentialAuthenticationView):
    def complete_auth(self, device: Any) -> Any:
        super().complete_auth(device)
        self.request.session.pop(mfa.PENDING, None)
        self.request.session.cycle_key()  # a new session id once fully signed in, as with a code
        AuditEntry.record("crm.mfa.security_key_used", target=device.user, actor=device.user)


class CompleteRegistration(SessionState, CompleteCredentialRegistrationView):
    def post(self, *args: Any, **kwargs: Any) -> Any:
        answer = super().post(*args, **kwargs)
        if answer.status_code == 200:
            user: Any = self.request.user
            self.request.session.pop(mfa.PENDING, None)
            self.request.session[KEY_ADDED] = True
            self.request.session.cycle_key()
            AuditEntry.record("crm.mfa.security_key_added", target=user, actor=user)
        return answer


@never_cache
def key_added(request: HttpRequest) -> HttpResponse:
    """Where the enrolment page goes after a key was registered: new recovery codes the first
    time a second factor is set up (shown once), else back to the security page."""
    user: Any = request.user
    if not user.is_authenticated:
        return redirect("login")
    if not request.session.pop(KEY_ADDED, False) or mfa.recovery_codes_left(user):
        return redirect("mfa-security")
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        target = settings.LOGIN_REDIRECT_URL
    codes = mfa.replace_recovery_codes(user)
    return render(request, "crm/mfa_recovery_codes.html", {"codes": codes, "next": target})
