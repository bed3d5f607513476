"""Start a real Celery worker process for tests that need one."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_database_url() -> str:
    """The URL of the database this test run uses (pytest-django's test database)."""
    from django.db import connection

    db = connection.settings_dict
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{host}/{db['NAME']}"


def start_worker(
    *, queue: str | None = None, env: Mapping[str, str] | None = None, name: str | None = None
) -> subprocess.Popen:
    """``celery -A crm worker`` (solo pool) on the database Django is connected to (in a test,
    pytest-django's test database) and the configured broker. ``name`` tells apart several
    workers on one host."""
    environment = {**os.environ, "DATABASE_URL": test_database_url(), **(env or {})}
    # The browser tests' async flag must not reach a process that is not in a browser test.
    environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "crm",
        "worker",
        "--pool=solo",
        "--without-gossip",
        "--without-mingle",
        "--loglevel=WARNING",
    ]
    if queue:
        command += ["-Q", queue]
    if name:
        command += ["-n", name]
    return subprocess.Popen(command, cwd=ROOT, env=environment)


def stop_worker(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)
