"""The cast used everywhere, and the rule that the suite runs on PostgreSQL and Redis."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from crm.models import Region, Role
from tests.factories import UserFactory, membership

REGION_A = "AM18"  # Groot Amsterdam
REGION_B = "AM13"  # Midden-Utrecht


def pytest_configure(config: pytest.Config) -> None:
    # The database is PostgreSQL by construction (crm/settings.py accepts no other).
    if not settings.REDIS_URL:
        raise pytest.UsageError("The test suite needs Redis: use `make test` (or set REDIS_URL=redis://...).")
    # Tests run with production settings (DEBUG=0) but without a collectstatic step: serve
    # static files from the finders instead of the manifest that collectstatic would write.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.WHITENOISE_USE_FINDERS = True
    settings.STATIC_ROOT.mkdir(parents=True, exist_ok=True)
    # Production hashes passwords with PBKDF2 at a million iterations (0.4 s here); the cast alone
    # would spend minutes of the suite on it. Django's documentation suggests a fast hasher for
    # tests; the login tests still check the password.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Two-factor sign-in is required by default (MFA_REQUIRED=1); the suite signs its cast in
    # with force_login, so it is off here and on in tests/crm/test_mfa*.py, which test it.
    settings.MFA_REQUIRED = False


def _is_transactional(request: pytest.FixtureRequest) -> bool:
    marker = request.node.get_closest_marker("django_db")
    return bool(marker and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & set(request.fixturenames)
    )


@pytest.fixture(autouse=True)
def _reference_data(request: pytest.FixtureRequest) -> None:
    """Transactional tests flush every table afterwards, the rows our data migrations loaded
    (regions, PC4 areas, accommodations) included; put them back before such a test."""
    if not _is_transactional(request):
        return
    request.getfixturevalue("transactional_db")
    from crm.models import PostcodeArea
    from crm.reference_data import load_postcode_areas, load_regions
    from employers.models import Accommodation, AccommodationCode

    if not Region.objects.exists():
        load_regions(Region)
        load_postcode_areas(PostcodeArea)
    Accommodation.objects.bulk_create([Accommodation(code=c) for c in AccommodationCode.values], ignore_conflicts=True)


@pytest.fixture
def eager() -> Any:
    """Celery runs tasks in the calling process. On the app's configuration, not the Django
    setting: the app reads its settings once, so a changed setting is not seen after that."""
    from crm.celery import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


@pytest.fixture
def region_a(db: Any) -> Region:
    return Region.objects.get(code=REGION_A)


@pytest.fixture
def region_b(db: Any) -> Region:
    return Region.objects.get(code=REGION_B)


@pytest.fixture
def adviser_a(region_a: Region) -> Any:
    return membership(UserFactory(username="adviser_a", first_name="Anna"), Role.ADVISER, region_a)


@pytest.fixture
def guide_a(region_a: Region) -> Any:
    return membership(UserFactory(username="guide_a", first_name="Sam"), Role.GUIDE, region_a)


@pytest.fixture
def coordinator_a(region_a: Region) -> Any:
    return membership(UserFactory(username="coordinator_a", first_name="Karin"), Role.COORDINATOR, region_a)


@pytest.fixture
def adviser_b(region_b: Region) -> Any:
    return membership(UserFactory(username="adviser_b", first_name="Pieter"), Role.ADVISER, region_b)


@pytest.fixture
def guide_b(region_b: Region) -> Any:
    return membership(UserFactory(username="guide_b", first_name="Fatima"), Role.GUIDE, region_b)


@pytest.fixture
def awvn(db: Any) -> Any:
    return membership(UserFactory(username="awvn", first_name="Eva"), Role.AWVN, None)


@pytest.fixture
def nobody(db: Any) -> Any:
    """Signed in, but without any role."""
    return UserFactory(username="nobody")


@pytest.fixture
def cast(adviser_a: Any, guide_a: Any, coordinator_a: Any, adviser_b: Any, guide_b: Any, awvn: Any) -> dict[str, Any]:
    return {
        "adviser_a": adviser_a,
        "guide_a": guide_a,
        "coordinator_a": coordinator_a,
        "adviser_b": adviser_b,
        "guide_b": guide_b,
        "awvn": awvn,
    }


@pytest.fixture
def api() -> Callable[[Any], APIClient]:
    """``api(user)``: an API client signed in as ``user`` (``api(None)`` for anonymous)."""

    def make(user: Any) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return make


@pytest.fixture
def web(client: Any) -> Callable[[Any], Any]:
    """``web(user)``: Django's test client with a session for ``user``."""

    def make(user: Any) -> Any:
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return make


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Throttles and locks live in the (Redis) cache: every test starts without them."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def smtp() -> Any:
    """A real SMTP server on loopback (aiosmtpd) that stores each message before its 250."""
    from tests.outreach.harness import SmtpServer

    server = SmtpServer().start()
    yield server
    server.stop()
