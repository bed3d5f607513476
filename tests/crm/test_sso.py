"""Single sign-on (OpenID Connect) against a real provider started by the test on loopback:
django-oauth-toolkit's OIDC in its own process (tests/crm/oidc_provider.py). The browser's side
of the redirects is a ``requests`` session at the provider and Django's test client at the CRM;
the CRM's back channel (token, keys, userinfo) is real HTTP to the provider."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests
from django.urls import reverse

from crm.models import AuditEntry, SsoIdentity
from tests.crm.oidc_provider import OidcProvider
from tests.factories import EmployerFactory, UserFactory

pytestmark = pytest.mark.django_db

USERS = {
    "anna": ("anna-wachtwoord-1", "Anna.de.Vries@Gemeente.example", ["pwd"]),
    "onbekend": ("onbekend-wachtwoord-1", "onbekend@gemeente.example", ["pwd"]),
    "kees": ("kees-wachtwoord-1", "kees@gemeente.example", ["pwd"]),
    "mfa": ("mfa-wachtwoord-1", "mfa@gemeente.example", ["pwd", "mfa"]),
}


@pytest.fixture(scope="module")
def provider() -> Iterator[OidcProvider]:
    server = OidcProvider(users=USERS).start()
    yield server
    server.stop()


@pytest.fixture
def sso(provider: OidcProvider, settings: Any) -> OidcProvider:
    for name, value in provider.settings().items():
        setattr(settings, name, value)
    settings.OIDC_PROVIDER_NAME = "Gemeente-ID"
    settings.MFA_REQUIRED = True
    return provider


def sign_in(client: Any, provider: OidcProvider, username: str) -> Any:
    """The browser's round trip: the CRM's button, the provider's sign-in form, back to the CRM."""
    start = client.get(reverse("oidc_authentication_init"))
    assert start.status_code == 302 and start["Location"].startswith(provider.url)
    browser = requests.Session()
    to_login = browser.get(start["Location"], allow_redirects=False, timeout=10)
    login_url = urljoin(provider.url, to_login.headers["Location"])
    form = browser.get(login_url, timeout=10)
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)
    assert csrf is not None
    signed_in = browser.post(
        login_url,
        data={
            "csrfmiddlewaretoken": csrf[1],
            "username": username,
            "password": USERS[username][0],
            "next": parse_qs(urlsplit(login_url).query)["next"][0],
        },
        allow_redirects=False,
        timeout=10,
    )
    authorized = browser.get(urljoin(provider.url, signed_in.headers["Location"]), allow_redirects=False, timeout=10)
    back = urlsplit(authorized.headers["Location"])
    assert back.path == reverse("oidc_authentication_callback") and "code=" in back.query
    return client.get(f"{back.path}?{back.query}")


def test_a_known_user_signs_in_through_the_provider_and_still_owes_the_crms_second_factor(
    client: Any, sso: OidcProvider, adviser_a: Any
):
    adviser_a.email = "anna.de.vries@gemeente.example"  # matched without regard to case
    adviser_a.save()
    assert "Gemeente-ID" in client.get(reverse("login")).content.decode()

    answer = sign_in(client, sso, "anna")

    assert answer.status_code == 302 and client.session["_auth_user_id"] == str(adviser_a.pk)
    identity = SsoIdentity.objects.get(user=adviser_a)
    assert AuditEntry.objects.filter(action="crm.sso.linked", target_id=str(adviser_a.pk)).count() == 1
    # The provider's password is a first factor: the CRM asks for its own second one.
    home = client.get(reverse("home"))
    assert home.status_code == 302 and home["Location"].startswith(reverse("mfa-setup"))

    # The stored subject matches from now on, even after the CRM's address changed.
    client.logout()
    adviser_a.email = "anna@elders.example"
    adviser_a.save()
    sign_in(client, sso, "anna")
    assert client.session["_auth_user_id"] == str(adviser_a.pk)
    assert list(SsoIdentity.objects.values_list("sub", flat=True)) == [identity.sub]


def test_an_unknown_user_gets_a_clear_page_and_no_session(client: Any, sso: OidcProvider, adviser_a: Any):
    answer = sign_in(client, sso, "onbekend")

    assert answer.status_code == 403
    page = answer.content.decode()
    assert "Gemeente-ID" in page and "onbekend@gemeente.example" in page
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("employers:list")).status_code == 302  # to the sign-in page
    assert not SsoIdentity.objects.exists()


def test_a_user_without_membership_sees_no_region_data(client: Any, sso: OidcProvider, settings: Any):
    settings.MFA_REQUIRED = False  # the point here is the data, not the second factor
    UserFactory(username="kees", email="kees@gemeente.example")
    employer = EmployerFactory(region_id="AM18", legal_name="Geheim Bouw B.V.")

    sign_in(client, sso, "kees")

    assert client.session["_auth_user_id"]  # signed in, but no role was given
    for url in (reverse("employers:list"), reverse("employers:detail", args=[employer.pk]), "/api/v1/employers/"):
        answer = client.get(url)
        assert answer.status_code == 404 and "Geheim Bouw" not in answer.content.decode(), url
    assert "Geheim Bouw" not in client.get(reverse("home")).content.decode()


def test_the_providers_mfa_counts_only_when_the_deployment_trusts_it(client: Any, sso: OidcProvider, settings: Any):
    UserFactory(username="mfa-user", email="mfa@gemeente.example")
    settings.MFA_REQUIRED_ROLES = ["staff"]
    settings.MFA_REQUIRED = True
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=UserFactory(username="mfa-user"), name="app", confirmed=True)

    sign_in(client, sso, "mfa")
    assert client.get(reverse("home"))["Location"].startswith(reverse("mfa-verify"))  # not trusted: the code

    client.logout()
    settings.OIDC_TRUST_AMR = ["mfa", "hwk"]
    sign_in(client, sso, "mfa")
    assert client.get(reverse("home")).status_code == 200


def test_single_sign_on_is_off_when_not_configured(client: Any):
    assert client.get(reverse("oidc_authentication_init")).status_code == 404
    assert client.get(reverse("oidc_authentication_callback")).status_code == 404
    assert "oidc" not in client.get(reverse("login")).content.decode()
