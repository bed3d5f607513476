"""Celery tasks: thin wrappers that take ids and call one service (JSON arguments only).

Every task here is idempotent (rows are claimed before their side effect, messages and
invitations have unique keys, a round resumes from its committed progress), so each is
acknowledged late and given back when its worker dies (``acks_late``,
``reject_on_worker_lost``; the settings say the same for every task, these say it where it
is relied on). The beat tick does not depend on that redelivery: it asks the database.

A leaf: nothing imports this module. Each task has an explicit ``name`` (its module path): the
services queue work by it (``crm.queue``) and the beat schedule names it.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from celery import shared_task
from django.conf import settings
from django.core.cache import cache

from outreach import delivery, outbox, privacy, schedule
from outreach.bounces import mailbox
from outreach.services import rounds

logger = logging.getLogger(__name__)

IDEMPOTENT: dict[str, Any] = {"acks_late": True, "reject_on_worker_lost": True}


@shared_task(name="outreach.tasks.deliver_emails", bind=True, **IDEMPOTENT)
def deliver_emails(self: Any, ids: list[int]) -> dict[str, int]:
    """Deliver these outbox rows (rows already sent, claimed elsewhere or not yet due are skipped)."""
    worker = f"{self.request.hostname or delivery.worker_name()}:{os.getpid()}"
    return delivery.deliver(ids, worker=worker)


@shared_task(name="outreach.tasks.sweep_outbox", **IDEMPOTENT)
def sweep_outbox() -> int:
    """Give back rows whose lease expired (flagged uncertain), then hand every due queued row
    to a delivery task: new rows whose task the broker lost, and retries whose backoff has
    passed. A row handed out twice is still sent once (claimed)."""
    delivery.release_expired_leases()
    ids = delivery.due_ids()
    outbox.deliver(ids)
    return len(ids)


@shared_task(name="outreach.tasks.tick", **IDEMPOTENT)
def tick() -> dict[str, int]:
    """Every minute (CELERY_BEAT_SCHEDULE): queue what is due by now, restart invitation rounds
    that stalled (or were never enqueued), then sweep the outbox.

    A short cache lock keeps two overlapping ticks from planning at the same moment; the
    unique idempotency keys would make that harmless anyway.
    """
    if not cache.add("outreach:tick-lock", 1, timeout=55):
        return {"skipped": 1}
    try:
        planned = schedule.plan_due()
    finally:
        cache.delete("outreach:tick-lock")
    stalled = rounds.stalled_rounds()
    for round_id in stalled:
        run_invitation_round.delay(round_id)
    planned["rounds"] = len(stalled)
    planned["swept"] = sweep_outbox()
    return planned


@shared_task(name="outreach.tasks.run_invitation_round", **IDEMPOTENT)
def run_invitation_round(round_id: int) -> str:
    """A background invitation round (``InvitationRound``), from its committed progress."""
    return rounds.invitation_round_run(round_id=round_id)


@shared_task(name="outreach.tasks.privacy_retention")
def privacy_retention() -> dict[str, int]:
    """Beat, daily: clear access needs ACCESS_NEEDS_RETENTION_DAYS after the session, erase
    opted-out contact persons idle for CONTACT_PERSON_RETENTION_MONTHS (idempotent)."""
    return privacy.retention_run()


@shared_task(name="outreach.tasks.fetch_bounces")
def fetch_bounces() -> dict[str, int]:
    """Beat, every few minutes: read the bounce mailbox, if BOUNCE_IMAP_URL is set. Idempotent
    (a bounce counts once per outbox row); a mailbox that cannot be read is logged, and the
    next tick tries again."""
    if not settings.BOUNCE_IMAP_URL:
        return {}
    try:
        return mailbox.fetch()
    except mailbox.MailboxError as error:
        logger.warning("bounce mailbox not read: %s", error)
        return {}
