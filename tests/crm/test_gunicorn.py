"""gunicorn starts with deploy/gunicorn.conf.py, serves the probes, logs JSON with the request
id (its own lines too), and stops cleanly on SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.outreach.harness import free_port, wait_for_port
from tests.workers import ROOT
from tests.workers import test_database_url as database_url

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


@pytest.fixture
def gunicorn(tmp_path: Path) -> Iterator[tuple[str, Path, subprocess.Popen]]:
    port = free_port()
    log = tmp_path / "gunicorn.log"
    environment = {**os.environ, "DATABASE_URL": database_url(), "GUNICORN_BIND": f"127.0.0.1:{port}"}
    environment |= {"WEB_CONCURRENCY": "1", "LOG_FORMAT": "json", "LOG_LEVEL": "INFO"}
    environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    with log.open("w") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py"],
            cwd=ROOT,
            env=environment,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for_port(port, timeout=30)
        yield f"http://127.0.0.1:{port}", log, process
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)


def get(url: str, request_id: str = "") -> tuple[int, dict[str, str], Any]:
    request = urllib.request.Request(url, headers={"X-Request-ID": request_id} if request_id else {})  # noqa: S310 - loopback http only
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback http only
            return response.status, dict(response.headers), json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read())


def test_gunicorn_serves_the_probes_with_the_config_module(gunicorn: tuple[str, Path, subprocess.Popen]) -> None:
    base, log, process = gunicorn

    status, headers, body = get(f"{base}/healthz", "gunicorn-probe-1")
    assert (status, body, headers["X-Request-ID"]) == (200, {"status": "ok"}, "gunicorn-probe-1")
    status, _, body = get(f"{base}/readyz")
    assert status == 200 and body["migrations"] == "ok", body
    status, _, _ = get(f"{base}/api/v1/", "gunicorn-api-2")
    assert status in {401, 403}

    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=40) == 0
    lines = [json.loads(raw) for raw in log.read_text().splitlines() if raw.startswith("{")]
    assert any(line["logger"] == "gunicorn.error" and "Starting gunicorn" in line["message"] for line in lines)
    (access,) = [line for line in lines if line.get("request_id") == "gunicorn-api-2"]
    assert access["logger"] == "crm.request" and access["status"] == status
