"""A real Celery worker, started as its own process, runs tasks from the real Redis broker."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache

from crm.celery import app
from tests.polling import wait_until
from tests.workers import start_worker, stop_worker

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


@pytest.fixture
def worker():
    queue = f"test-{uuid.uuid4().hex[:8]}"  # our own queue: no other worker takes our tasks
    process = start_worker(queue=queue)
    yield queue
    stop_worker(process)


def test_worker_runs_the_beat_heartbeat_through_redis(worker):
    assert settings.CELERY_BROKER_URL.startswith("redis://")
    cache.delete("crm:last-beat")

    app.send_task("crm.tasks.heartbeat", queue=worker)

    assert wait_until(lambda: cache.get("crm:last-beat") is not None, timeout=60)
