"""Two-factor sign-in through the real pages: enrolment with the QR code, the code after the
password, replays, recovery codes, the lock-out, the reset and the role setting. The codes are
computed here from the device's secret with django-otp's own TOTP (RFC 6238), as an app would."""

from __future__ import annotations

import re
from base64 import b32encode
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from crm.models import AuditEntry, RecoveryCode
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _mfa_on(settings: Any) -> None:
    settings.MFA_REQUIRED = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # the back-off has its own test below


def code_for(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + steps_ahead * device.step
    return f"{totp.token():06d}"


def sign_in(username: str) -> Client:
    client = Client()
    response = client.post("/login/", {"username": username, "password": TEST_PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def enrol(client: Client, username: str) -> tuple[TOTPDevice, list[str]]:
    """Enrol through the pages; returns the device and the recovery codes the page showed."""
    client.get(reverse("mfa-setup"))
    device = TOTPDevice.objects.get(user__username=username, confirmed=False)
    response = client.post(reverse("mfa-setup"), {"code": code_for(device)})
    assert response.status_code == 200
    codes = re.findall(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>", response.content.decode())
    device.refresh_from_db()
    return device, codes


def security_key(user: Any) -> Any:
    """A registered security key (the browser test registers a real one, tests/e2e)."""
    from django_otp_webauthn.models import WebAuthnCredential

    return WebAuthnCredential.objects.create(
        user=user, name="key", confirmed=True, credential_id=b"credential-" + str(user.pk).encode(), public_key=b"-"
    )


def enrolled(username: str) -> tuple[TOTPDevice, list[str]]:
    """A user who enrolled earlier (in a session of their own, then signed out)."""
    client = sign_in(username)
    device, codes = enrol(client, username)
    client.post(reverse("logout"))
    return device, codes


def test_a_user_who_must_enrol_is_sent_to_enrolment_from_every_page(adviser_a):
    client = sign_in("adviser_a")

    for url in ["/", "/employers/", "/events/", "/reports/", "/admin/", reverse("mfa-security")]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("mfa-setup")), url
    api = client.get("/api/v1/regions/")
    assert api.status_code == 403 and api.json()["detail"]
    # A POST elsewhere does not get through either; the log-out does.
    assert client.post("/employers/new/", {"legal_name": "X"}).status_code == 302
    assert client.post(reverse("logout")).status_code == 302
    assert client.get("/").url.startswith("/login/")


def test_enrolment_shows_an_inline_svg_qr_code_and_no_inline_script(adviser_a):
    client = sign_in("adviser_a")
    response = client.get(reverse("mfa-setup"))
    page = response.content.decode()

    assert response.status_code == 200
    assert "<svg" in page and "otpauth" in page
    # A JSON data block (the security key's configuration) is not run: CSP does not cover it.
    inline = r"<script(?![^>]*\b(?:src=|type=\"application/json\"))[^>]*>"
    assert not re.search(inline, page), "an inline script would need a CSP exemption"
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    # The key for typing in is the device's secret (base32 of it), so the QR code and the key agree.
    device = TOTPDevice.objects.get(user=adviser_a, confirmed=False)
    shown = re.sub(r"\s", "", re.search(r"<code>([A-Z2-7 ]+)</code>", page).group(1))
    assert shown == b32encode(device.bin_key).decode().rstrip("=")


def test_enrolment_with_the_right_code_shows_recovery_codes_once_and_stores_only_digests(adviser_a):
    client = sign_in("adviser_a")
    client.get(reverse("mfa-setup"))
    device = TOTPDevice.objects.get(user=adviser_a, confirmed=False)

    wrong = client.post(reverse("mfa-setup"), {"code": "000000" if code_for(device) != "000000" else "111111"})
    assert wrong.status_code == 400 and "error-summary" in wrong.content.decode()
    device, codes = enrol(client, "adviser_a")

    assert device.confirmed and len(codes) == 10 and len(set(codes)) == 10
    stored = set(RecoveryCode.objects.filter(device__user=adviser_a).values_list("digest", flat=True))
    assert len(stored) == 10 and not stored & {c for code in codes for c in (code, code.replace("-", ""))}
    assert client.get("/").status_code == 200  # this session is verified now
    assert AuditEntry.objects.filter(action="crm.mfa.enrolled", target_id=str(adviser_a.pk)).count() == 1
    # The codes are not shown again: the security page tells how many are left, not which.
    security = client.get(reverse("mfa-security")).content.decode()
    assert codes[0] not in security and "10" in security


def test_sign_in_asks_for_the_code_after_the_password_and_refuses_a_wrong_one(adviser_a):
    device, _codes = enrolled("adviser_a")
    client = sign_in("adviser_a")

    assert client.get("/").url.startswith(reverse("mfa-verify"))
    wrong = client.post(reverse("mfa-verify"), {"code": "12345x"})
    assert wrong.status_code == 400 and "error-summary" in wrong.content.decode()
    assert client.get("/").status_code == 302

    right = client.post(reverse("mfa-verify"), {"code": code_for(device, steps_ahead=1), "next": "/employers/"})
    assert right.status_code == 302 and right.url == "/employers/"
    assert client.get("/").status_code == 200


def test_a_code_that_was_used_once_is_refused_the_second_time(adviser_a):
    device, _codes = enrolled("adviser_a")
    code = code_for(device, steps_ahead=1)
    first, second = sign_in("adviser_a"), sign_in("adviser_a")

    assert first.post(reverse("mfa-verify"), {"code": code}).status_code == 302
    replay = second.post(reverse("mfa-verify"), {"code": code})

    assert replay.status_code == 400
    assert second.get("/").url.startswith(reverse("mfa-verify"))


def test_a_recovery_code_works_once(adviser_a):
    _device, codes = enrolled("adviser_a")
    first, second = sign_in("adviser_a"), sign_in("adviser_a")

    assert first.post(reverse("mfa-verify"), {"code": codes[3].upper()}).status_code == 302
    assert first.get("/").status_code == 200
    assert second.post(reverse("mfa-verify"), {"code": codes[3]}).status_code == 400
    assert RecoveryCode.objects.filter(device__user=adviser_a).count() == 9
    assert AuditEntry.objects.filter(action="crm.mfa.recovery_code_used", target_id=str(adviser_a.pk)).count() == 1


def test_wrong_codes_lock_out_and_signing_in_again_does_not_reset_the_count(settings, adviser_a):
    settings.AXES_FAILURE_LIMIT = 3
    device, _codes = enrolled("adviser_a")
    client = sign_in("adviser_a")
    client.post(reverse("mfa-verify"), {"code": "999999x"})
    client.post(reverse("mfa-verify"), {"code": "zzzzz-zzzzz"})
    client = sign_in("adviser_a")  # the password is right: its own count starts again, not the codes'

    locked = client.post(reverse("mfa-verify"), {"code": "abcde-fghjk"})
    assert locked.status_code == 429
    assert client.get("/").url.startswith("/login/")  # signed out

    again = sign_in("adviser_a")
    refused = again.post(reverse("mfa-verify"), {"code": code_for(device, steps_ahead=1)})
    assert refused.status_code == 429

    with time_machine.travel(timezone.now() + settings.AXES_COOLOFF_TIME + timedelta(seconds=5)):
        later = sign_in("adviser_a")
        assert later.post(reverse("mfa-verify"), {"code": code_for(device)}).status_code == 302


def test_the_device_backs_off_between_wrong_codes(settings, adviser_a):
    settings.OTP_TOTP_THROTTLE_FACTOR = 1
    device, _codes = enrolled("adviser_a")
    client = sign_in("adviser_a")
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client.post(reverse("mfa-verify"), {"code": "000000" if code_for(device) != "000000" else "111111"})
        client.post(reverse("mfa-verify"), {"code": "000001" if code_for(device) != "000001" else "111112"})
        hurried = client.post(reverse("mfa-verify"), {"code": code_for(device)})
        assert hurried.status_code == 400 and "wacht een paar seconden" in hurried.content.decode()
        traveller.shift(timedelta(seconds=3))
        assert client.post(reverse("mfa-verify"), {"code": code_for(device, steps_ahead=1)}).status_code == 302


def test_mfa_required_roles_decides_who_must_enrol(settings, adviser_a, coordinator_a, nobody):
    settings.MFA_REQUIRED_ROLES = ["coordinator"]

    assert sign_in("adviser_a").get("/").status_code == 200
    assert sign_in("coordinator_a").get("/").url.startswith(reverse("mfa-setup"))
    assert sign_in("nobody").get(reverse("mfa-security")).status_code == 200
    admin = UserFactory(username="beheer", is_staff=True, is_superuser=True)
    settings.MFA_REQUIRED_ROLES = ["staff"]
    assert admin.is_staff and sign_in("beheer").get("/admin/").url.startswith(reverse("mfa-setup"))


def test_with_mfa_off_a_user_who_enrolled_still_gives_a_code(settings, adviser_a):
    device, _codes = enrolled("adviser_a")
    settings.MFA_REQUIRED = False

    assert sign_in("adviser_a").get("/").url.startswith(reverse("mfa-verify"))


def test_the_verify_page_is_dutch_first(adviser_a):
    enrolled("adviser_a")
    page = sign_in("adviser_a").get(reverse("mfa-verify")).content.decode()

    assert "Inlogcode" in page and "herstelcode" in page


# --- Security keys (WebAuthn): the ceremonies themselves run in Chromium (tests/e2e) ---------
def test_a_security_key_is_a_second_factor_and_its_ceremony_is_open_to_a_session_owing_it(adviser_a):
    security_key(adviser_a)
    client = sign_in("adviser_a")

    assert client.get("/").url.startswith(reverse("mfa-verify"))  # a key alone: the code page
    assert "Mijn beveiligingssleutel gebruiken" in client.get(reverse("mfa-verify")).content.decode()
    begin = client.post(reverse("otp_webauthn:credential-authentication-begin"))
    assert begin.status_code == 200 and begin.json()["allowCredentials"]
    # Registering another key needs the second factor first (no way around it with a new key).
    assert client.post(reverse("otp_webauthn:credential-registration-begin")).status_code == 403


def test_a_security_key_is_never_the_first_factor():
    answer = Client().post(reverse("otp_webauthn:credential-authentication-begin"))

    assert answer.status_code == 403 and "_auth_user_id" not in Client().session
