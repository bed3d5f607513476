"""Celery tasks: thin wrappers that take ids and call one service (JSON arguments only)."""

from __future__ import annotations

import logging

from celery import shared_task
from django.core.cache import cache

from outreach import delivery, schedule
from outreach.mail import ENQUEUE_CHUNK

logger = logging.getLogger(__name__)


@shared_task
def deliver_emails(ids: list[int]) -> dict[str, int]:
    """Deliver these outbox rows (rows already sent, locked elsewhere or not yet due are skipped)."""
    return delivery.deliver(ids)


@shared_task
def sweep_outbox() -> int:
    """Hand every due queued row to a delivery task: new rows whose task the broker lost, and
    retries whose backoff has passed. A row handed out twice is still sent once (claimed)."""
    ids = delivery.due_ids()
    for start in range(0, len(ids), ENQUEUE_CHUNK):
        deliver_emails.delay(ids[start : start + ENQUEUE_CHUNK])
    return len(ids)


@shared_task
def tick() -> dict[str, int]:
    """Every minute (CELERY_BEAT_SCHEDULE): queue what is due by now, then sweep the outbox.

    A short cache lock keeps two overlapping ticks from planning at the same moment; the
    unique idempotency keys would make that harmless anyway.
    """
    if not cache.add("outreach:tick-lock", 1, timeout=55):
        return {"skipped": 1}
    try:
        planned = schedule.plan_due()
    finally:
        cache.delete("outreach:tick-lock")
    planned["swept"] = sweep_outbox()
    return planned


@shared_task
def invite_persons(event_id: int, user_id: int, person_ids: list[int]) -> int:
    """A large fan-out off the request: same service, same keys (a rerun invites nobody twice)."""
    from django.contrib.auth import get_user_model

    from outreach import services
    from outreach.models import Event

    event = Event.objects.filter(pk=event_id).first()
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if event is None or user is None:
        return 0
    return len(services.invite(event=event, by=user, persons=person_ids))
