"""Two-factor sign-in (django-otp): who must use it, enrolment, the check after the password,
recovery codes, the reset by a coordinator or a staff admin, and signing out everywhere.

The state of a signed-in session is two keys in the session, written when the user signs in
(``on_login``, for every kind of sign-in: the log-in page, the admin's, a test's ``force_login``):
``PENDING`` ("verify": the user has an authenticator and must give a code; "enrol": the user
must set one up first) and ``SEEN`` (when the session last made a request, for the sign-out
after inactivity). ``crm.middleware.SignInGateMiddleware`` reads them on every request, from
the session it loads anyway: no query of its own.

Wrong codes count twice: django-otp's device throttle (1, 2, 4, 8 ... seconds between tries)
and django-axes' lock-out under the key ``mfa:<username>`` with the client address, so signing
in again with the password (which resets the password's count) does not reset the codes' count.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from enum import Enum
from typing import TYPE_CHECKING, Any

import segno
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.contrib.sessions.models import Session
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone
from django_otp import login as otp_login
from django_otp import verify_token
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential
from rest_framework.authtoken.models import Token

from crm.mfa_codes import digest, new_codes
from crm.models import AuditEntry, RecoveryCode, RecoveryCodeDevice
from crm.roles import ALL_ROLES, Role, has_role, region_codes
from crm.scoping import members_of

if TYPE_CHECKING:
    from crm.types import AnyUser, AuthUser

PENDING = "wsp_mfa_pending"
SEEN = "wsp_seen"
VERIFY, ENROL = "verify", "enrol"


class Outcome(Enum):
    OK = "ok"
    WRONG = "wrong"
    THROTTLED = "throttled"  # the device's back-off: wait a few seconds
    LOCKED = "locked"  # the lock-out: too many wrong codes from this address


def required_for(user: AnyUser) -> bool:
    """Whether ``user`` must sign in with a second factor (MFA_REQUIRED, MFA_REQUIRED_ROLES)."""
    if not settings.MFA_REQUIRED or not user.is_authenticated:
        return False
    wanted = set(settings.MFA_REQUIRED_ROLES)
    if "staff" in wanted and (user.is_staff or user.is_superuser):
        return True
    return has_role(user, wanted - {"staff"})


def authenticator(user: AuthUser) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def has_second_factor(user: AuthUser) -> bool:
    """An authenticator app or a security key (passkey); recovery codes alone are not one."""
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return True
    return WebAuthnCredential.objects.filter(user=user, confirmed=True).exists()


def on_login(sender: Any, request: HttpRequest | None, user: AuthUser, **kwargs: Any) -> None:
    session = getattr(request, "session", None)
    if session is None:
        return
    session[SEEN] = int(time.time())
    if getattr(request, "wsp_sso_mfa", False):  # the identity provider's MFA, trusted (crm/sso.py)
        session.pop(PENDING, None)
    elif has_second_factor(user):
        session[PENDING] = VERIFY
    elif required_for(user):
        session[PENDING] = ENROL
    else:
        session.pop(PENDING, None)


user_logged_in.connect(on_login, dispatch_uid="crm.mfa.on_login")


# --- Enrolment ---------------------------------------------------------------------------
def enrolment_device(user: AuthUser) -> TOTPDevice:
    """The authenticator being set up: one unconfirmed device per user, kept across reloads."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    device.user = user  # the QR code names the user: no second read of them
    return device


def qr_svg(device: TOTPDevice) -> str:
    """The ``otpauth://`` URL as an inline SVG (no script, no image request: CSP-safe)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=5, border=2, title="otpauth")


def manual_key(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for typing into an app that cannot scan."""
    from base64 import b32encode

    raw = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def confirm_enrolment(request: HttpRequest, user: AuthUser, code: str) -> tuple[Outcome, list[str]]:
    """Check the first code from the new authenticator; on success it replaces any earlier
    one, the session counts as verified and new recovery codes are returned (shown once)."""
    if locked_out(request, user):
        return Outcome.LOCKED, []
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("-pk").first()
        if device is None:
            return Outcome.WRONG, []
        if not device.verify_is_allowed()[0]:
            return Outcome.THROTTLED, []
        if not device.verify_token(_clean(code)):
            _count_failure(request, user)
            return Outcome.WRONG, []
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = replace_recovery_codes(user)
        AuditEntry.record("crm.mfa.enrolled", target=user, actor=user)
    _verified(request, device)
    return Outcome.OK, codes


def replace_recovery_codes(user: AuthUser) -> list[str]:
    """A new set of recovery codes (the old ones stop working); only digests are stored."""
    codes = new_codes()
    with transaction.atomic():
        RecoveryCodeDevice.objects.filter(user=user).delete()
        device = RecoveryCodeDevice.objects.create(user=user, name="recovery codes", confirmed=True)
        RecoveryCode.objects.bulk_create([RecoveryCode(device=device, digest=digest(code)) for code in codes])
    return codes


def recovery_codes_left(user: AuthUser) -> int:
    return RecoveryCode.objects.filter(device__user=user).count()


# --- The check after the password ----------------------------------------------------------
def _clean(code: str) -> str:
    return "".join(str(code).split())


def _devices_for(user: AuthUser, code: str) -> list[Any]:
    """Six digits are a code from the app; anything else is tried as a recovery code (so a
    wrong app code does not also count against the recovery codes, and the reverse)."""
    if code.isdigit() and len(code) == 6:
        return list(TOTPDevice.objects.filter(user=user, confirmed=True))
    return list(RecoveryCodeDevice.objects.filter(user=user, confirmed=True))


def _lock_key(user: AuthUser) -> dict[str, str]:
    return {"username": f"mfa:{user.get_username()}"}


def locked_out(request: HttpRequest, user: AuthUser) -> bool:
    return bool(AxesProxyHandler.is_locked(request, _lock_key(user)))


def _count_failure(request: HttpRequest, user: AuthUser) -> None:
    user_login_failed.send(sender=__name__, credentials=_lock_key(user), request=request)


def check_code(request: HttpRequest, user: AuthUser, code: str) -> tuple[Outcome, Any]:
    """Verify ``code`` for ``user``: ``(outcome, the device that accepted it or None)``. A used
    app code is refused a second time (django-otp keeps the last time step), a recovery code
    is deleted when used."""
    if locked_out(request, user):
        return Outcome.LOCKED, None
    code = _clean(code)
    devices = _devices_for(user, code) if code else []
    if any(not device.verify_is_allowed()[0] for device in devices):
        return Outcome.THROTTLED, None
    for device in devices:
        verified = verify_token(user, device.persistent_id, code)
        if verified is not None:
            if isinstance(verified, RecoveryCodeDevice):
                AuditEntry.record("crm.mfa.recovery_code_used", target=user, actor=user)
            return Outcome.OK, verified
    _count_failure(request, user)
    return (Outcome.LOCKED if locked_out(request, user) else Outcome.WRONG), None


def verify_session(request: HttpRequest, user: AuthUser, code: str) -> Outcome:
    outcome, device = check_code(request, user, code)
    if outcome is Outcome.OK:
        _verified(request, device)
    return outcome


def _verified(request: HttpRequest, device: Any) -> None:
    otp_login(request, device)
    request.session.pop(PENDING, None)
    request.session.cycle_key()  # a new session id once the session is fully signed in


# --- Reset, sign-out everywhere, API tokens ---------------------------------------------
def resettable_by(actor: AuthUser) -> models.QuerySet:
    """Whose second factor ``actor`` may reset: a staff admin anyone's, a coordinator that of
    everyone with a role in the regions they coordinate."""
    if actor.is_staff or actor.is_superuser:
        return get_user_model().objects.order_by("first_name", "last_name", "username")
    return members_of(region_codes(actor, {Role.COORDINATOR}), ALL_ROLES)


def may_reset(actor: AnyUser) -> bool:
    return actor.is_authenticated and (actor.is_staff or actor.is_superuser or has_role(actor, {Role.COORDINATOR}))


def reset(actor: AuthUser, target: AuthUser) -> None:
    """Remove ``target``'s authenticator, security keys and recovery codes and end their sessions
    and API token: they enrol again at their next sign-in. The audit entry names who did it."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=target).delete()
        keys, _by_model = WebAuthnCredential.objects.filter(user=target).delete()
        RecoveryCodeDevice.objects.filter(user=target).delete()
        Token.objects.filter(user=target).delete()
        ended = sign_out_everywhere(target)
        AuditEntry.record(
            "crm.mfa.reset", target=target, actor=actor, data={"sessions_ended": ended, "security_keys": keys}
        )


def sign_out_everywhere(user: AuthUser) -> int:
    """End every session of ``user`` (on every device); the number ended. Reads the live
    sessions once: a sign-out is rare, and the session table holds only unexpired sessions
    of a few hundred staff (``clearsessions`` removes the others)."""
    mine = [
        session.session_key
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get("_auth_user_id") == str(user.pk)
    ]
    Session.objects.filter(session_key__in=mine).delete()
    return len(mine)


def issue_token(user: AuthUser) -> tuple[Token, datetime]:
    """The user's API token (a new one once the old one expired) and when it expires."""
    token, _created = Token.objects.get_or_create(user=user)
    if token_expired(token):
        token.delete()
        token = Token.objects.create(user=user)
    return token, token.created + timedelta(days=settings.API_TOKEN_DAYS)


def token_expired(token: Token) -> bool:
    return token.created + timedelta(days=settings.API_TOKEN_DAYS) <= timezone.now()
