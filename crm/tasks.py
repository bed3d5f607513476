from __future__ import annotations

import logging

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

logger = logging.getLogger(__name__)


@shared_task(name="crm.tasks.heartbeat")
def heartbeat() -> str:
    """Beat's proof of life: stamps the time, shown on /healthz as ``last_beat``."""
    now = timezone.now().isoformat()
    cache.set("crm:last-beat", now, timeout=None)
    logger.info("heartbeat %s", now)
    return now


@shared_task(name="crm.tasks.ping")
def ping() -> str:
    return "pong"
