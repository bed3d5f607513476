"""The client address is believed only as far as the configured proxies vouch for it: for the
token throttle, the log-in lock-out and (in tests/outreach/test_throttles.py) the public pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client, RequestFactory
from django.utils import timezone
from rest_framework.test import APIClient

from crm.throttling import client_address
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"
PROXY = "10.0.0.2"


def _meta(remote: str, forwarded: str | None = None) -> dict[str, str]:
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return meta


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "expected"),
    [
        (0, "198.51.100.7", None, "198.51.100.7"),
        (0, "198.51.100.7", "203.0.113.1", "198.51.100.7"),  # nothing in front: a header is a claim
        (1, PROXY, "198.51.100.7", "198.51.100.7"),
        (1, PROXY, "6.6.6.6, 198.51.100.7", "198.51.100.7"),  # the client's own entry is ignored
        (2, PROXY, "6.6.6.6, 198.51.100.7, 10.0.0.1", "198.51.100.7"),
        (2, PROXY, "198.51.100.7", PROXY),  # fewer entries than proxies: did not come through them
        (1, PROXY, "not-an-address", PROXY),
        (1, PROXY, None, PROXY),
        (1, PROXY, " 2001:db8::1 ", "2001:db8::1"),
    ],
)
def test_client_address_trusts_only_the_entries_the_configured_proxies_appended(
    settings, proxies, remote, forwarded, expected
):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", **_meta(remote, forwarded))
    assert client_address(request) == expected


def _guess(client: APIClient, n: int, **meta: str) -> int:
    return client.post(TOKEN_URL, {"username": "adviser_a", "password": f"guess-{n}"}, **meta).status_code


def test_rotating_x_forwarded_for_does_not_get_past_the_token_throttle(settings, adviser_a):
    """The reproduction: a fresh X-Forwarded-For per guess used to make every guess a new client
    (each answered 400, evaluated), without limit. Without a proxy configured it changes nothing."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"token": "3/minute"}}
    # Out of the way of the lock-out, which would answer 403 after 5 wrong passwords anyway.
    settings.AXES_FAILURE_LIMIT = 100
    client = APIClient()
    codes = [_guess(client, n, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}") for n in range(6)]
    assert codes == [400, 400, 400, 429, 429, 429]


def test_behind_a_proxy_the_token_throttle_counts_per_real_client(settings, adviser_a):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"token": "3/minute"}}
    settings.AXES_FAILURE_LIMIT = 100
    client = APIClient()
    guesser = [_guess(client, n, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"6.6.6.{n}, 203.0.113.9") for n in range(5)]
    colleague = client.post(
        TOKEN_URL,
        {"username": "adviser_a", "password": TEST_PASSWORD},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="198.51.100.7",
    )
    assert guesser == [400, 400, 400, 429, 429]
    assert colleague.status_code == 200 and colleague.json()["token"]


def _login(client: Client, password: str, address: str) -> int:
    response = client.post(
        "/login/", {"username": "adviser_a", "password": password}, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=address
    )
    return response.status_code


def test_a_stranger_cannot_lock_the_owner_out_from_behind_the_same_proxy(settings, adviser_a):
    """The reproduction: behind the TLS proxy every request had the proxy's address, so five
    wrong passwords from anywhere locked the user out for everyone."""
    settings.TRUSTED_PROXY_COUNT = 1
    stranger = [_login(Client(), "guess", "203.0.113.9") for _ in range(5)]
    locked = _login(Client(), TEST_PASSWORD, "203.0.113.9")
    owner = _login(Client(), TEST_PASSWORD, "198.51.100.7")

    assert stranger == [200, 200, 200, 200, 429]  # the form with its error; the fifth locks
    assert locked == 429  # even the right password: that address is locked for this username
    assert owner == 302  # signed in from their own address


def test_the_lockout_ignores_a_forged_header_without_a_proxy_and_ends_after_the_cool_off(settings, adviser_a):
    settings.TRUSTED_PROXY_COUNT = 0
    for n in range(5):
        Client().post("/login/", {"username": "adviser_a", "password": "guess"}, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
    forged = Client().post(
        "/login/", {"username": "adviser_a", "password": TEST_PASSWORD}, HTTP_X_FORWARDED_FOR="198.51.100.7"
    )
    assert forged.status_code == 429

    with time_machine.travel(timezone.now() + settings.AXES_COOLOFF_TIME + timedelta(seconds=5)):
        later = Client().post("/login/", {"username": "adviser_a", "password": TEST_PASSWORD})
    assert later.status_code == 302


def test_the_token_endpoint_shares_the_lockout(settings, adviser_a):
    """Guessing through the API counts toward the same lock as the log-in page."""
    settings.AXES_FAILURE_LIMIT = 3
    client = APIClient()
    for n in range(3):
        _guess(client, n)
    response = client.post(TOKEN_URL, {"username": "adviser_a", "password": TEST_PASSWORD})
    # Axes' backend refuses the locked pair, so the right password gets no token either.
    assert response.status_code == 400 and "token" not in response.json()


def test_with_the_cache_unreachable_the_token_endpoint_login_and_staff_pages_still_work(settings, adviser_a, caplog):
    """Redis away: the throttle fails open (and logs it), the lock-out lives in the database."""
    from tests.outreach.test_throttles import _free_port, _redis_cache

    settings.CACHES = _redis_cache(_free_port())
    with caplog.at_level("WARNING", logger="crm.throttling"):
        token = APIClient().post(TOKEN_URL, {"username": "adviser_a", "password": TEST_PASSWORD})
    browser = Client()
    login = browser.post("/login/", {"username": "adviser_a", "password": TEST_PASSWORD})
    pages = [browser.get(url).status_code for url in ("/", "/employers/", "/events/", "/api/v1/employers/")]

    assert token.status_code == 200 and token.json()["token"]
    assert login.status_code == 302
    assert pages == [200, 200, 200, 200]  # no staff page reads the cache
    assert any("cache unreachable" in r.getMessage() for r in caplog.records)
