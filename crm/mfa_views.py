"""The pages of two-factor sign-in: the code after the password, enrolment with a QR code,
recovery codes (shown once), the user's own security page (sign out everywhere) and the reset
of someone else's second factor by a coordinator or staff admin. The rules are in crm/mfa.py."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from crm import mfa, mfa_webauthn
from crm.mfa import Outcome

CODE_MAX = 32  # longer input is not a code; refused before any lookup


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return settings.LOGIN_REDIRECT_URL


def _message(outcome: Outcome) -> str:
    return {
        Outcome.WRONG: _("That code is not correct. Enter the current code from your app, or a recovery code."),
        Outcome.THROTTLED: _("Too many wrong codes in a row: wait a few seconds and try again."),
        Outcome.LOCKED: _("Too many wrong codes: sign-in with a code is blocked for a while from this address."),
    }.get(outcome, "")


def _code(request: HttpRequest) -> str:
    return str(request.POST.get("code", ""))[:CODE_MAX]


@never_cache
@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: a code from the app, or one recovery code."""
    user: Any = request.user
    if request.session.get(mfa.PENDING) != mfa.VERIFY:
        return redirect(_next(request))
    error = ""
    if request.method == "POST":
        outcome = mfa.verify_session(request, user, _code(request))
        if outcome is Outcome.OK:
            return redirect(_next(request))
        error = _message(outcome)
        if outcome is Outcome.LOCKED:
            logout(request)
            return render(request, "registration/locked_out.html", status=429)
    status = 400 if error else 200
    context = {"error": error, "next": _next(request), "has_key": mfa_webauthn.has_key(user)}
    return render(request, "registration/mfa_verify.html", context, status=status)


@never_cache
@login_required
def setup(request: HttpRequest) -> HttpResponse:
    """Enrolment: scan the QR code (or type the key), confirm with the first code; then the
    recovery codes, once. Open to a session that must enrol, and to a verified user who wants to
    replace their authenticator (a session still owing a code is sent to the code first)."""
    user: Any = request.user
    pending = request.session.get(mfa.PENDING)
    if pending == mfa.VERIFY:
        return redirect("mfa-verify")
    device = mfa.enrolment_device(user)
    error = ""
    if request.method == "POST":
        outcome, codes = mfa.confirm_enrolment(request, user, _code(request))
        if outcome is Outcome.OK:
            return render(request, "crm/mfa_recovery_codes.html", {"codes": codes, "next": _next(request)})
        if outcome is Outcome.LOCKED:
            logout(request)
            return render(request, "registration/locked_out.html", status=429)
        error = (
            _message(outcome)
            if outcome is not Outcome.WRONG
            else _("That code is not correct: check the time on your phone and enter the current code.")
        )
    context = {
        "qr": mfa.qr_svg(device),
        "key": mfa.manual_key(device),
        "error": error,
        "must": pending == mfa.ENROL,
        "replacing": mfa.has_second_factor(user),
        "next": _next(request),
    }
    return render(request, "crm/mfa_setup.html", context, status=400 if error else 200)


@never_cache
@login_required
def security(request: HttpRequest) -> HttpResponse:
    """The user's own page: whether two-factor is on, recovery codes left, sign out everywhere."""
    user: Any = request.user
    context = {
        "enrolled": mfa.has_second_factor(user),
        "required": mfa.required_for(user),
        "codes_left": mfa.recovery_codes_left(user),
        "may_reset": mfa.may_reset(user),
        "idle_hours": settings.SESSION_IDLE_HOURS,
    }
    return render(request, "crm/mfa_security.html", context)


@never_cache
@login_required
@require_POST
def new_recovery_codes(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not mfa.has_second_factor(user):
        messages.error(request, _("Set up an authenticator app first."))
        return redirect("mfa-security")
    codes = mfa.replace_recovery_codes(user)
    return render(request, "crm/mfa_recovery_codes.html", {"codes": codes, "next": settings.LOGIN_REDIRECT_URL})


@login_required
@require_POST
def sign_out_everywhere(request: HttpRequest) -> HttpResponse:
    """End every session of this user, this one included."""
    user: Any = request.user
    from crm.models import AuditEntry

    ended = mfa.sign_out_everywhere(user)
    AuditEntry.record("crm.session.signed_out_everywhere", target=user, actor=user, data={"sessions_ended": ended})
    logout(request)
    messages.success(request, _("You were signed out on every device."))
    return redirect("login")


@never_cache
@login_required
def reset_list(request: HttpRequest) -> HttpResponse:
    """The users whose second factor this coordinator or staff admin may reset."""
    user: Any = request.user
    if not mfa.may_reset(user):
        raise Http404
    people = list(mfa.resettable_by(user).exclude(pk=user.pk))
    enrolled = set(TOTPDevice.objects.filter(user__in=people, confirmed=True).values_list("user_id", flat=True))
    enrolled |= set(
        WebAuthnCredential.objects.filter(user__in=people, confirmed=True).values_list("user_id", flat=True)
    )
    rows = [{"person": person, "enrolled": person.pk in enrolled} for person in people]
    return render(request, "crm/mfa_reset.html", {"rows": rows})


@login_required
@require_POST
def reset(request: HttpRequest, user_id: int) -> HttpResponse:
    user: Any = request.user
    if not mfa.may_reset(user):
        raise Http404
    target = get_object_or_404(mfa.resettable_by(user).exclude(pk=user.pk), pk=user_id)
    mfa.reset(user, target)
    name = target.get_full_name() or target.get_username()
    messages.success(
        request,
        _("The second factor of %(name)s was reset: they set up a new one at their next sign-in.") % {"name": name},
    )
    return redirect("mfa-reset-list")
