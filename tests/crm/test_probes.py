"""The orchestrator's probes: /healthz (liveness, touches nothing) and /readyz (database,
migrations, broker and cache), each failure a 503 naming what is wrong."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection

from crm import views

pytestmark = pytest.mark.django_db


def test_healthz_answers_without_touching_the_database(client: Any, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(0):
        response = client.get("/healthz")

    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_readyz_reports_database_migrations_broker_and_cache(client: Any) -> None:
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "migrations": "ok", "broker": "ok", "cache": "ok"}
    assert response["Cache-Control"].startswith("max-age=0")


def test_probes_answer_any_host_over_plain_http(client: Any, settings: Any) -> None:
    """The orchestrator asks the container's own address, not the site's name, without TLS."""
    settings.SECURE_SSL_REDIRECT = True

    assert client.get("/healthz", HTTP_HOST="10.1.2.3:8000").status_code == 200
    assert client.get("/readyz", HTTP_HOST="10.1.2.3:8000").status_code == 200
    assert client.get("/login/", HTTP_HOST="10.1.2.3:8000").status_code == 400  # pages still check it
    assert client.get("/login/").status_code == 301  # and redirect to HTTPS


@pytest.fixture
def database_on_a_wrong_port() -> Iterator[None]:
    """The default connection pointed at a port nothing listens on, put back afterwards."""
    original = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = "1"
    yield
    connection.close()
    connection.settings_dict["PORT"] = original


@pytest.mark.django_db(transaction=True)
def test_readyz_says_503_when_the_database_is_unreachable_and_healthz_stays_200(
    client: Any, database_on_a_wrong_port: None
) -> None:
    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json() | {"broker": "-", "cache": "-"} == {
        "status": "error",
        "database": "unreachable",
        "migrations": "unknown",
        "broker": "-",
        "cache": "-",
    }
    assert client.get("/healthz").status_code == 200


def test_readyz_says_503_when_a_migration_is_not_applied(client: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    code = views._code_migrations() | {("crm", "9999_from_the_next_release")}
    monkeypatch.setattr(views, "_code_migrations", lambda: code)

    response = client.get("/readyz")

    assert response.status_code == 503 and response.json()["migrations"] == "1 not applied"


def test_readyz_says_503_when_redis_is_unreachable(client: Any, settings: Any) -> None:
    from crm.celery import app

    original = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 1},
        }
    }
    try:
        response = client.get("/readyz")
    finally:
        app.conf.broker_url = original

    assert response.status_code == 503
    assert (response.json()["broker"], response.json()["cache"]) == ("unreachable", "unreachable")
