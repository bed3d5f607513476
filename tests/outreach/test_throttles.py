"""The public POSTs' throttles: per person, never in the way of unsubscribing, and open (with a
warning in the log) when Redis is away. Real Redis clients only: a closed port, and a private
redis-server stopped in the middle of a test."""

from __future__ import annotations

import logging
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from django.urls import reverse

from outreach.models import Invitation, Rsvp
from tests.outreach.factories import InvitationFactory
from tests.outreach.test_public import rsvp_url, unsubscribe_url

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"


def _free_port() -> int:
    """A port nothing listens on (the kernel just handed it out and we closed it again)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _redis_cache(port: int) -> dict[str, Any]:
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }


@pytest.fixture
def low_rate(settings: Any) -> None:
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"public": "2/minute"}}


def _rsvp(client: Any, inv: Invitation, **meta: str) -> int:
    return client.post(rsvp_url(inv), {"rsvp": "yes", "people_count": 1}, **meta).status_code


def test_one_click_unsubscribe_works_after_the_preferences_window_is_used_up(client, low_rate):
    """The reproduction: the RFC 8058 POST shared the preferences page's throttle and answered
    429, and the person stayed subscribed."""
    inv = InvitationFactory()
    url = unsubscribe_url(inv)
    used_up = [client.post(url, {"subscribed": "on", "language": "nl"}).status_code for _ in range(3)]

    one_click = client.post(url, {"List-Unsubscribe": "One-Click"})

    assert used_up == [302, 302, 429]
    assert one_click.status_code == 200
    inv.contact_person.refresh_from_db()
    assert inv.contact_person.opted_out_at is not None


@pytest.mark.parametrize("data", [{"unsubscribe": "1"}, {"language": "nl"}], ids=["button", "box-unticked"])
def test_the_preferences_page_unsubscribes_after_its_window_is_used_up(client, low_rate, data):
    inv = InvitationFactory()
    url = unsubscribe_url(inv)
    for _ in range(3):
        client.post(url, {"subscribed": "on", "language": "nl"})

    response = client.post(url, data)

    assert response.status_code == 302
    inv.contact_person.refresh_from_db()
    assert inv.contact_person.opted_out_at is not None


def test_rsvp_throttle_counts_per_person_not_per_shared_address(client, low_rate, settings):
    """Behind one proxy (or one office NAT) every employer has the same address: one person's
    retries must not lock the others out."""
    settings.TRUSTED_PROXY_COUNT = 1
    first, second = InvitationFactory(), InvitationFactory()
    same_office = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "198.51.100.7"}

    codes = [_rsvp(client, first, **same_office) for _ in range(3)]
    other = _rsvp(client, second, **same_office)

    assert codes == [302, 302, 429]
    assert other == 302
    second.refresh_from_db()
    assert second.rsvp == Rsvp.YES


def test_the_fresh_link_form_counts_per_client_address_behind_the_proxy(client, low_rate, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    url = reverse("outreach:fresh-link")

    def ask(address: str, n: int) -> int:
        meta = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": f"6.6.6.{n}, {address}"}
        return client.post(url, {"email": f"x{n}@example.org"}, **meta).status_code

    assert [ask("203.0.113.9", n) for n in range(3)] == [200, 200, 429]
    assert ask("198.51.100.7", 9) == 200  # another client behind the same proxy


def test_with_the_cache_unreachable_public_posts_still_work_and_say_so_in_the_log(client, settings, caplog):
    settings.CACHES = _redis_cache(_free_port())
    inv = InvitationFactory()
    with caplog.at_level(logging.WARNING, logger="crm.throttling"):
        rsvp = _rsvp(client, inv)
        preferences = client.post(unsubscribe_url(inv), {"subscribed": "on", "language": "en"})
        one_click = client.post(unsubscribe_url(inv), {"List-Unsubscribe": "One-Click"})
        fresh = client.post(reverse("outreach:fresh-link"), {"email": "someone@example.org"})
        page = client.get(rsvp_url(inv))

    assert (rsvp, preferences.status_code, one_click.status_code, fresh.status_code) == (302, 302, 200, 200)
    assert page.status_code == 200
    inv.refresh_from_db()
    inv.contact_person.refresh_from_db()
    assert inv.rsvp == Rsvp.YES
    assert inv.contact_person.language == "en" and inv.contact_person.opted_out_at is not None
    warnings = [r for r in caplog.records if "cache unreachable" in r.getMessage()]
    assert len(warnings) == 3  # rsvp, preferences, fresh link (one-click is not throttled)


@pytest.fixture
def private_redis() -> Iterator[tuple[int, subprocess.Popen[bytes]]]:
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed")
    port = _free_port()
    server = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    probe = redis.Redis(port=port, socket_connect_timeout=0.2)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            if probe.ping():
                break
        except redis.ConnectionError:
            time.sleep(0.05)
    else:
        server.kill()
        pytest.fail("private redis-server did not start")
    yield port, server
    if server.poll() is None:
        server.kill()
    server.wait(timeout=10)


def test_rsvp_keeps_working_when_redis_stops_in_the_middle(client, settings, low_rate, private_redis):
    port, server = private_redis
    settings.CACHES = _redis_cache(port)
    inv = InvitationFactory()

    before = [_rsvp(client, inv) for _ in range(3)]
    counted = redis.Redis(port=port).keys("*throttle*")
    server.terminate()
    server.wait(timeout=10)
    after = client.post(rsvp_url(inv), {"rsvp": "no", "people_count": 1})
    inv.refresh_from_db()

    assert before == [302, 302, 429]  # the throttle really counted in that Redis
    assert counted
    assert after.status_code == 302
    assert inv.rsvp == Rsvp.NO  # with Redis gone the answer went through (fail open)
