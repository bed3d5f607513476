"""Two-factor sign-in in Chromium: the first sign-in enrols (the QR code's key read from the
page, the code computed here as an app would), a wrong code is refused, a recovery code works
once; a security key (Chromium's virtual authenticator, over the DevTools protocol) enrols and
signs in."""

from __future__ import annotations

import re
from base64 import b32decode
from typing import Any

import pytest
from django_otp.oath import TOTP

from crm.demo import DEMO_PASSWORD, seed_users
from tests.e2e.conftest import assert_accessible, shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def password_step(page: Any, username: str) -> None:
    page.goto("/login/")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()


def _code(key_b32: str, steps_ahead: int = 0) -> str:
    raw = key_b32.replace(" ", "")
    totp = TOTP(b32decode(raw + "=" * (-len(raw) % 8)))
    totp.time = totp.time + 30 * steps_ahead
    return f"{totp.token():06d}"


def test_first_sign_in_enrols_then_a_code_and_a_recovery_code_sign_in(page: Any, settings: Any) -> None:
    settings.MFA_REQUIRED = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    seed_users()

    password_step(page, "adviseur")
    page.wait_for_url(re.compile(r"/account/two-factor/"))
    assert page.locator("figure.mfa-qr svg").is_visible()
    assert_accessible(page)
    shot(page, "two-factor-enrol")
    key = page.locator("figure.mfa-qr code").inner_text()
    page.get_by_label("Code uit de app").fill(_code(key))
    page.get_by_role("button", name="Bevestigen").click()
    codes = page.locator(".recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    shot(page, "two-factor-recovery-codes")
    page.get_by_role("link", name="Ik heb ze bewaard, verder").click()
    page.get_by_role("button", name="Uitloggen").click()
    page.wait_for_url("**/login/")

    password_step(page, "adviseur")
    page.wait_for_url(re.compile(r"/login/code/"))
    page.get_by_label("Code").fill("abcde-abcde")
    page.get_by_role("button", name="Bevestigen").click()
    assert page.get_by_role("alert").is_visible()
    assert_accessible(page)
    page.get_by_label("Code").fill(_code(key, steps_ahead=1))
    page.get_by_role("button", name="Bevestigen").click()
    page.wait_for_url(lambda url: "/login/" not in url and "/account/" not in url)
    page.get_by_role("button", name="Uitloggen").click()
    page.wait_for_url("**/login/")

    for attempt in ("works", "refused"):
        password_step(page, "adviseur")
        page.wait_for_url(re.compile(r"/login/code/"))
        page.get_by_label("Code").fill(codes[0])
        page.get_by_role("button", name="Bevestigen").click()
        if attempt == "works":
            page.wait_for_url(lambda url: "/login/" not in url and "/account/" not in url)
            page.get_by_role("button", name="Uitloggen").click()
            page.wait_for_url("**/login/")
        else:
            assert page.get_by_role("alert").is_visible()
            assert "/login/code/" in page.url


def test_a_security_key_enrols_and_signs_in(page: Any, settings: Any, live_server: Any) -> None:
    from django_otp_webauthn.models import WebAuthnCredential

    from crm.models import AuditEntry

    settings.MFA_REQUIRED = True
    settings.OTP_WEBAUTHN_RP_ID = "localhost"  # live_server.url is http://localhost:<port>
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [live_server.url]
    seed_users()
    devtools = page.context.new_cdp_session(page)
    devtools.send("WebAuthn.enable")
    devtools.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "usb",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )

    password_step(page, "adviseur")
    page.wait_for_url(re.compile(r"/account/two-factor/"))
    page.get_by_role("button", name="Beveiligingssleutel registreren").click()
    page.wait_for_url(re.compile(r"/account/security-key/added/"))
    assert len(page.locator(".recovery-codes code").all_inner_texts()) == 10
    assert WebAuthnCredential.objects.filter(user__username="adviseur", confirmed=True).count() == 1
    page.get_by_role("link", name="Ik heb ze bewaard, verder").click()
    page.get_by_role("button", name="Uitloggen").click()
    page.wait_for_url("**/login/")

    password_step(page, "adviseur")
    page.wait_for_url(re.compile(r"/login/code/"))
    assert_accessible(page)
    shot(page, "two-factor-security-key")
    page.get_by_role("button", name="Mijn beveiligingssleutel gebruiken").click()
    page.wait_for_url(lambda url: "/login/" not in url and "/account/" not in url)
    assert page.get_by_role("button", name="Uitloggen").is_visible()
    assert AuditEntry.objects.filter(action="crm.mfa.security_key_used").count() == 1
