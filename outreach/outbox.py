"""The outbox's front door: store rows and have them delivered after commit.

Every message of every app becomes an ``OutboundEmail`` row in the transaction that decided
to send it (a key already there means the message exists: it is skipped), and its delivery is
queued by task name once that transaction commits (``crm.queue``), so nothing here imports
``outreach.tasks``. With the broker away the rows are committed all the same, and the beat
tick's sweep hands them to a worker once it is back.
"""

from __future__ import annotations

import logging
from functools import partial

from django.conf import settings
from django.db import transaction

from crm import queue
from crm.emails import QueuedMessage
from outreach.delivery import wire_bytes
from outreach.mail import new_message_id
from outreach.models import EmailState, OutboundEmail

logger = logging.getLogger(__name__)

ENQUEUE_CHUNK = 100  # ids per delivery task: one SMTP connection serves a chunk
DELIVER_TASK = "outreach.tasks.deliver_emails"


def _wire(row: OutboundEmail) -> None:
    """Build the wire form now; a message that cannot be built is stored failed, with the
    reason, instead of breaking the whole fan-out (the other rows go out)."""
    try:
        row.mime = wire_bytes(row)
    except Exception as error:  # noqa: BLE001 - whatever stops this one message stays on its row
        row.mime = b""
        row.state = EmailState.FAILED
        row.last_error = f"The message cannot be built: {type(error).__name__}: {error}"[:500]
        logger.warning("outbox %s cannot be built: %s", row.idempotency_key, row.last_error)


def store(rows: list[OutboundEmail]) -> list[int]:
    """Insert rows whose key is new (a key already there means that message exists: skip it)
    and have them delivered after commit. Returns the ids of the rows inserted now."""
    if not rows:
        return []
    for row in rows:
        _wire(row)
    keys = [r.idempotency_key for r in rows]
    existing = set(OutboundEmail.objects.filter(idempotency_key__in=keys).values_list("idempotency_key", flat=True))
    fresh = [r for r in rows if r.idempotency_key not in existing]
    OutboundEmail.objects.bulk_create(fresh, ignore_conflicts=True, batch_size=500)
    # ignore_conflicts gives no pks back: read them by key (a concurrent writer may have won a key).
    ids = list(
        OutboundEmail.objects.filter(
            idempotency_key__in=[r.idempotency_key for r in fresh], message_id__in=[r.message_id for r in fresh]
        ).values_list("pk", flat=True)
    )
    deliver_after_commit(ids)
    return ids


def store_message(message: QueuedMessage) -> bool:
    """``crm.emails``' outbox (registered in ``outreach.apps``): a message of another app
    (digest, warm introduction) as one row, no event. False when its key exists already."""
    row = OutboundEmail(
        idempotency_key=message.key,
        kind=message.kind,
        to_email=message.to_email,
        to_name=message.to_name,
        language=message.language,
        from_email=settings.DEFAULT_FROM_EMAIL,
        subject=message.subject[:300],
        body_text=message.text,
        body_html=message.html,
        headers=dict(message.headers),
        message_id=new_message_id(),
    )
    return bool(store([row]))


def deliver(ids: list[int]) -> None:
    """Hand these rows to delivery tasks now, a chunk per task."""
    for start in range(0, len(ids), ENQUEUE_CHUNK):
        queue.send(DELIVER_TASK, ids[start : start + ENQUEUE_CHUNK])


def deliver_after_commit(ids: list[int]) -> None:
    if ids:
        # robust: a broker error is logged; the committed rows wait for the sweep.
        transaction.on_commit(partial(deliver, ids), robust=True)
