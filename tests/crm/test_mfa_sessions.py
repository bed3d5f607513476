"""Around two-factor sign-in: API tokens (need the code, expire), the reset by a coordinator or
staff admin (with its audit entry), sign-out after inactivity and sign-out everywhere."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from crm.models import AuditEntry, RecoveryCodeDevice
from tests.crm.test_mfa import code_for, enrolled, security_key, sign_in
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
TOKEN_URL = "/api/v1/auth/token/"


@pytest.fixture(autouse=True)
def _mfa_on(settings: Any) -> None:
    settings.MFA_REQUIRED = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def verified(user: Any) -> Client:
    """A session of ``user`` past both steps (enrolled earlier, then signed in with a code)."""
    device, _codes = enrolled(user.username)
    client = sign_in(user.username)
    assert client.post(reverse("mfa-verify"), {"code": code_for(device, steps_ahead=1)}).status_code == 302
    return client


def _token(**body: str) -> Any:
    return APIClient().post(TOKEN_URL, {"username": "adviser_a", "password": TEST_PASSWORD, **body})


# --- API tokens -----------------------------------------------------------------------------
def test_a_user_who_must_use_two_factor_but_has_not_enrolled_gets_no_token(adviser_a):
    response = _token()

    assert response.status_code == 403 and "token" not in response.json()
    assert not Token.objects.filter(user=adviser_a).exists()


def test_an_enrolled_user_gets_a_token_only_with_a_valid_code(adviser_a):
    device, codes = enrolled("adviser_a")

    assert _token().status_code == 400
    assert _token(code="000000" if code_for(device) != "000000" else "111111").status_code == 400
    code = code_for(device, steps_ahead=1)
    response = _token(code=code)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["token"] and body["expires"]
    assert _token(code=code).status_code == 400  # the same code a second time
    assert _token(code=codes[0]).status_code == 200  # a recovery code also works, once

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {body['token']}")
    assert api.get("/api/v1/regions/").status_code == 200


def test_a_token_expires_and_the_endpoint_then_gives_a_new_one(settings, adviser_a):
    settings.MFA_REQUIRED = False  # a user without two-factor, where that is allowed
    settings.API_TOKEN_DAYS = 30
    old = _token().json()["token"]
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {old}")
    assert api.get("/api/v1/regions/").status_code == 200

    with time_machine.travel(timezone.now() + timedelta(days=31)):
        refused = api.get("/api/v1/regions/")
        assert refused.status_code == 403 and "verlopen" in refused.json()["detail"]
        new = _token().json()["token"]
    assert new != old
    assert not Token.objects.filter(key=old).exists()


def test_wrong_codes_at_the_token_endpoint_count_towards_the_lockout(settings, adviser_a):
    settings.AXES_FAILURE_LIMIT = 2
    device, _codes = enrolled("adviser_a")
    _token(code="abcde-abcde")
    _token(code="abcde-abcdf")

    assert _token(code=code_for(device, steps_ahead=1)).status_code == 429
    client = sign_in("adviser_a")
    assert client.post(reverse("mfa-verify"), {"code": code_for(device, steps_ahead=2)}).status_code == 429


def test_an_unverified_session_cannot_use_the_api(adviser_a):
    enrolled("adviser_a")
    client = sign_in("adviser_a")

    assert client.get("/api/v1/regions/").status_code == 403


# --- Reset by a coordinator or staff admin -----------------------------------------------------
def test_a_coordinator_resets_a_colleagues_second_factor_with_an_audit_entry(coordinator_a, adviser_a):
    colleague = verified(adviser_a)
    assert colleague.get("/").status_code == 200
    security_key(adviser_a)
    coordinator = verified(coordinator_a)

    page = coordinator.get(reverse("mfa-reset-list"))
    assert page.status_code == 200 and adviser_a.first_name in page.content.decode()
    response = coordinator.post(reverse("mfa-reset", kwargs={"user_id": adviser_a.pk}))

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=adviser_a).exists()
    assert not RecoveryCodeDevice.objects.filter(user=adviser_a).exists()
    assert not WebAuthnCredential.objects.filter(user=adviser_a).exists()
    assert colleague.get("/").url.startswith("/login/")  # signed out everywhere
    entry = AuditEntry.objects.get(action="crm.mfa.reset")
    assert entry.actor == coordinator_a and entry.target_id == str(adviser_a.pk)
    assert entry.data["sessions_ended"] == 1 and entry.data["security_keys"] == 1
    # At the next sign-in the colleague must enrol again.
    assert sign_in("adviser_a").get("/").url.startswith(reverse("mfa-setup"))


def test_a_coordinator_cannot_reset_someone_outside_their_regions_and_an_adviser_cannot_reset(
    coordinator_a, adviser_a, adviser_b
):
    enrolled("adviser_b")
    coordinator = verified(coordinator_a)

    assert coordinator.post(reverse("mfa-reset", kwargs={"user_id": adviser_b.pk})).status_code == 404
    assert adviser_b.first_name not in coordinator.get(reverse("mfa-reset-list")).content.decode()
    adviser = verified(adviser_a)
    assert adviser.get(reverse("mfa-reset-list")).status_code == 404
    assert TOTPDevice.objects.filter(user=adviser_b, confirmed=True).exists()
    assert not AuditEntry.objects.filter(action="crm.mfa.reset").exists()


def test_a_staff_admin_resets_anyone(settings, adviser_b):
    settings.MFA_REQUIRED = False
    enrolled("adviser_b")
    admin = Client()
    admin.force_login(
        UserFactory(username="beheer", is_staff=True), backend="django.contrib.auth.backends.ModelBackend"
    )

    assert admin.post(reverse("mfa-reset", kwargs={"user_id": adviser_b.pk})).status_code == 302
    assert not TOTPDevice.objects.filter(user=adviser_b).exists()


# --- Sessions ---------------------------------------------------------------------------------
def test_a_session_idle_for_longer_than_the_setting_is_signed_out(settings, adviser_a):
    settings.MFA_REQUIRED = False
    settings.SESSION_IDLE_HOURS = 8
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        client = sign_in("adviser_a")
        traveller.shift(timedelta(hours=7))
        assert client.get("/").status_code == 200  # activity: the clock starts again
        traveller.shift(timedelta(hours=7))
        assert client.get("/").status_code == 200
        traveller.shift(timedelta(hours=8, minutes=1))
        response = client.get("/employers/")
    assert response.status_code == 302 and response.url.startswith("/login/?next=/employers/")
    assert client.get("/").url.startswith("/login/")


def test_sign_out_everywhere_ends_every_session_of_the_user_and_no_one_elses(settings, adviser_a, guide_a):
    settings.MFA_REQUIRED = False
    laptop, phone, other = sign_in("adviser_a"), sign_in("adviser_a"), sign_in("guide_a")

    response = phone.post(reverse("mfa-sign-out-everywhere"))

    assert response.status_code == 302 and response.url == reverse("login")
    assert laptop.get("/").url.startswith("/login/")
    assert phone.get("/").url.startswith("/login/")
    assert other.get("/").status_code == 200
    assert AuditEntry.objects.filter(action="crm.session.signed_out_everywhere", actor=adviser_a).count() == 1
    assert Session.objects.count() == 1
