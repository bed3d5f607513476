"""JSON log lines with the request id: in the web process for a request, and in a real Celery
worker for a task that request queued (the id travels in the task's headers)."""

from __future__ import annotations

import io
import json
import logging
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from crm import logs, queue
from crm.celery import app
from tests.polling import wait_until
from tests.workers import ROOT
from tests.workers import test_database_url as database_url


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    """What the root handler of settings.LOGGING writes, into a buffer: the same filter and
    formatter (pytest's own capture replaces the console handler's stream)."""
    assert settings.LOGGING["handlers"]["console"]["formatter"] == "json"  # DEBUG=0: JSON
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.addFilter(logs.ContextFilter())
    handler.setFormatter(logs.JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    yield buffer
    root.removeHandler(handler)


def parsed(buffer: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in buffer.getvalue().splitlines() if line]


@pytest.mark.django_db
def test_a_request_gets_an_id_in_its_response_and_in_its_json_log_lines(client: Any, log_lines: io.StringIO) -> None:
    response = client.get("/login/")
    given = client.get("/login/", HTTP_X_REQUEST_ID="proxy-7f3a")
    forged = client.get("/login/", HTTP_X_REQUEST_ID='"}\n{"level": "CRITICAL')
    client.get("/healthz")  # a passing probe: DEBUG only, not in the INFO log

    own = response["X-Request-ID"]
    assert len(own) == 32 and given["X-Request-ID"] == "proxy-7f3a"
    assert forged["X-Request-ID"] not in {"", '"}\n{"level": "CRITICAL'}  # not well-formed: a new one
    access = [line for line in parsed(log_lines) if line["logger"] == "crm.request" and line["level"] == "INFO"]
    assert [(a["message"], a["request_id"], a["status"]) for a in access] == [
        ("GET /login/ 200", own, 200),
        ("GET /login/ 200", "proxy-7f3a", 200),
        ("GET /login/ 200", forged["X-Request-ID"], 200),
    ]
    assert all(isinstance(a["duration_ms"], int) for a in access)
    assert logs.request_id.get() == ""  # nothing leaks into the next request


def test_an_exception_is_one_json_line_with_its_traceback(log_lines: io.StringIO) -> None:
    try:
        raise ValueError("kapot")
    except ValueError:
        logging.getLogger("crm.test").exception("it broke")

    (line,) = parsed(log_lines)
    assert line["message"] == "it broke" and "ValueError: kapot" in line["exc_info"]


@pytest.fixture
def worker(tmp_path: Path) -> Iterator[Path]:
    """A real worker (solo pool) on the test broker, its log (stderr) in a file."""
    app.control.purge()  # tasks other tests left on the test broker
    log = tmp_path / "worker.log"
    environment = {"DATABASE_URL": database_url(), "LOG_LEVEL": "INFO", "LOG_FORMAT": "json"}
    command = [sys.executable, "-m", "celery", "-A", "crm", "worker", "--pool=solo", "--without-gossip"]
    with log.open("w") as sink:
        process = subprocess.Popen(
            [*command, "--without-mingle"],
            cwd=ROOT,
            env={**_environ(), **environment},
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    yield log
    process.terminate()
    process.wait(timeout=30)


def _environ() -> dict[str, str]:
    import os

    environment = dict(os.environ)
    environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return environment


@pytest.mark.slow
@pytest.mark.django_db
def test_a_task_queued_by_a_request_logs_with_that_request_id_in_the_worker(worker: Path) -> None:
    token = logs.request_id.set("req-from-the-web-42")
    try:
        queue.send("crm.tasks.heartbeat")
    finally:
        logs.request_id.reset(token)

    def heartbeat_line() -> dict[str, Any] | None:
        for raw in worker.read_text().splitlines():
            if raw.startswith("{") and (line := json.loads(raw))["logger"] == "crm.tasks":
                return line
        return None

    line = wait_until(heartbeat_line, timeout=60)
    assert line["request_id"] == "req-from-the-web-42"
    assert line["task"].startswith("crm.tasks.heartbeat[") and line["message"].startswith("heartbeat ")
    started = [raw for raw in worker.read_text().splitlines() if "ready" in raw]
    assert started and all(raw.startswith("{") for raw in started)  # Celery's own lines are JSON too
