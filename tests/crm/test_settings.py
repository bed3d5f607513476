"""Start-up with bad environment values stops with a message naming the variable."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from crm.env import Env

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    # A clean environment: none of what make test or the browser tests set for themselves.
    own = {"DATABASE_URL", "REDIS_URL", "DEBUG", "SECRET_KEY", "SECURE_SSL_REDIRECT", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    own |= {"HOST", "WEB_PORT", "SITE_URL"}
    base = {k: v for k, v in os.environ.items() if k not in own}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DEBUG": "maybe"}, "DEBUG='maybe' is not valid"),
        ({"DEBUG": "1", "DATABASE_URL": "postgres://u@h:port/db"}, "DATABASE_URL="),
        ({"DEBUG": "1", "DATABASE_URL": "mysql://x/db"}, "DATABASE_URL='mysql://x/db' is not valid"),
        ({"DEBUG": "1", "REDIS_URL": "localhost:6379"}, "REDIS_URL='localhost:6379' is not valid"),
        ({"DEBUG": "1", "EMAIL_URL": "smpt://mail"}, "EMAIL_URL='smpt://mail' is not valid"),
        ({"DEBUG": "1", "PUBLIC_THROTTLE_RATE": "10 a minute"}, "PUBLIC_THROTTLE_RATE='10 a minute' is not valid"),
        ({"DEBUG": "1", "TRUSTED_PROXY_COUNT": "-1"}, "TRUSTED_PROXY_COUNT='-1' is not valid"),
        ({"DEBUG": "1", "SITE_URL": "crm.example.nl"}, "SITE_URL='crm.example.nl' is not valid"),
        ({"DEBUG": "0"}, "SECRET_KEY is required"),
    ],
)
def test_malformed_environment_stops_start_up_naming_the_variable(env, message):
    result = run_manage("check", **env)

    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_production_settings_pass_the_deploy_check():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="crm.example.nl",
        SITE_URL="https://crm.example.nl",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/wsp_crm",
    )

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_strict_helpers_parse_good_values():
    env = Env({"A": "yes", "B": "0", "N": "12", "L": "a, b,,c", "U": "https://x.nl/"})

    assert env.bool("A") is True
    assert env.bool("B") is False
    assert env.int("N", minimum=1) == 12
    assert env.list("L") == ["a", "b", "c"]
    assert env.url("U", schemes={"https"}) == "https://x.nl"
    assert env.bool("MISSING", False) is False


def test_strict_int_names_the_variable():
    with pytest.raises(ImproperlyConfigured, match="TIMEOUT='-3' is not valid"):
        Env({"TIMEOUT": "-3"}).int("TIMEOUT", minimum=0)


def test_development_database_is_the_embedded_postgresql_of_make_run():
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; d = settings.DATABASES['default']; print(d['ENGINE'], d['PORT'])",
        DEBUG="1",
    )

    assert result.stdout.split() == ["django.db.backends.postgresql", "55432"]


def test_production_requires_a_database_url():
    result = run_manage("check", DEBUG="0", SECRET_KEY="x" * 60)

    assert result.returncode != 0
    assert "DATABASE_URL is required" in result.stderr


def test_sqlite_is_refused_with_a_message_naming_postgresql():
    result = run_manage("check", DEBUG="1", DATABASE_URL="sqlite:////tmp/db.sqlite3")

    assert result.returncode != 0
    assert "DATABASE_URL='sqlite:////tmp/db.sqlite3' is not valid: expected a PostgreSQL URL" in result.stderr


@pytest.mark.parametrize(
    ("env", "site_url"),
    [
        ({}, "http://127.0.0.1:8000"),
        ({"WEB_PORT": "8101"}, "http://127.0.0.1:8101"),
        ({"HOST": "0.0.0.0", "WEB_PORT": "8102"}, "http://localhost:8102"),  # noqa: S104 -- a setting's value
        ({"WEB_PORT": "8101", "SITE_URL": "https://crm.example.nl"}, "https://crm.example.nl"),
    ],
)
def test_links_follow_the_development_server(env: dict[str, str], site_url: str):
    result = run_manage(
        "shell", "--no-imports", "-c", "from django.conf import settings; print(settings.SITE_URL)", DEBUG="1", **env
    )

    assert result.stdout.strip() == site_url, result.stderr


def test_settings_used_by_the_suite_are_postgresql_and_redis(settings):
    assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    assert settings.CELERY_BROKER_URL.startswith("redis://")
    assert settings.TIME_ZONE == "Europe/Amsterdam"
    assert settings.USE_TZ is True
    assert settings.LANGUAGE_CODE == "nl"
    assert settings.CELERY_TASK_SERIALIZER == "json"


def test_bare_filesystem_broker_url_is_kept_whole():
    env = Env({"B": "filesystem://", "S": "https://crm.example.nl/"})

    assert env.url("B", schemes={"filesystem"}) == "filesystem://"
    assert env.url("S", schemes={"https"}) == "https://crm.example.nl"
