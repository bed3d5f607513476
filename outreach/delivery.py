"""Delivering outbox rows: claim a batch, commit, send one by one, mark each.

1. Claim: one autocommitted statement claims up to ``CLAIM_BATCH`` rows of the task, by primary
   key (``id = ANY(...) ... ORDER BY id FOR UPDATE SKIP LOCKED``, with a state test no
   index can serve, so the plan is the same whatever the statistics say): each moves to
   ``sending`` with ``attempts + 1``, a lease and the worker's name, committed before the mail
   server hears of any of them, so no fault can undo the attempt count: a row cannot loop, and
   after ``OUTREACH_MAX_ATTEMPTS`` it is ``failed``. The first row of the batch is handed over
   at once; the others are ``held_in_batch``.
2. Send: the stored bytes go through the worker's SMTP connection; no transaction is open.
3. Mark: after the server's 250, one statement marks the row ``sent`` and hands the next row
   of the batch over (``held_in_batch`` off, a fresh lease), if that row is still ours. If the
   database link died meanwhile the statement is retried on a fresh connection (a few times,
   with backoff): the message is delivered, and a failed mark must not make it go out again.
   Within a batch the mark is sent without waiting (``start_mark``) while the next row's MAIL
   FROM and RCPT TO go out; its answer is read before that row's DATA.

The one window left is a worker that dies (or a database that stays away) between the 250 and
the mark. The row then stays ``sending`` until its lease expires; the sweep gives it back,
flagged ``uncertain`` ("may have gone out twice"), within its attempt budget. The rest of its
batch was still waiting: the sweep gives those back as never tried (attempt undone, no flag).
So a crash costs at most one extra copy of the one message that was in flight, batch or not,
and the page says which.

Trouble with one recipient (4xx/5xx at RCPT or DATA, or a message that cannot be built) stays
on that row: 5xx fails it, 4xx retries it with backoff, the batch goes on. Only
connection-level failures (refused, 421, timeout, disconnect) end the batch; the rest of it is
given back untried and the rest of the task stays queued for the sweep.
"""

from __future__ import annotations

import contextlib
import logging
import smtplib
import time
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend
from django.db import connection as db_connection
from django.db.models import Q
from django.utils import timezone

from crm.senders import mailbox
from outreach import sending
from outreach.delivery_steps import (
    CLAIM_BATCH,
    LEASE_EXPIRED,
    Outcome,
    PendingMark,
    claim,
    fail_blocked,
    give_back_untried,
    hand_over,
    mark_sent,
    record_failure,
    start_mark,
    untried_again,
    worker_name,
)
from outreach.models import EmailState, OutboundEmail
from outreach.sending import ConnectionLost, InConversation, build_message, per_recipient, wire_bytes

__all__ = ["build_message", "deliver", "mailbox", "wire_bytes", "worker_name"]

logger = logging.getLogger(__name__)

# --- The batch --------------------------------------------------------------------------------


def deliver_one(
    row: OutboundEmail,
    connection: Any,
    following: int | None = None,
    worker: str = "",
    previous: PendingMark | None = None,
) -> tuple[str, bool | PendingMark]:
    """Send one row, mark it and hand ``following`` over. ``previous``: the unanswered mark that
    hands this row over (settled before this row's DATA or any other use of the database).
    Returns the outcome and whether ``following`` is ours (or the mark that will say so).
    Raises ``ConnectionLost`` (row given back first)."""
    smtp = isinstance(connection, SmtpBackend)
    message = None
    try:
        raw = bytes(row.mime or b"")
        if not (raw and smtp):
            message = build_message(row, connection)
            raw = raw or message.message().as_bytes(linesep="\r\n")
    except Exception as error:  # noqa: BLE001 - any reason a message cannot be built fails that row alone
        if previous is not None and not previous.settle():
            return Outcome.SKIPPED, hand_over(following, worker)
        outcome = record_failure(row, f"The message cannot be built: {type(error).__name__}: {error}", permanent=True)
        return outcome, hand_over(following, worker)
    try:
        if smtp and previous is not None:  # MAIL FROM and RCPT TO while the database commits the mark
            early: Exception | None = None
            try:
                sending.envelope(connection, row, raw)
            except Exception as error:  # noqa: BLE001 - dealt with below, once the mark has answered
                early = error
            if not previous.settle():  # the sweep gave this row back meanwhile: not ours to send
                if early is None:
                    sending.abandon(connection)
                elif isinstance(early, InConversation) or per_recipient(early) is None:
                    raise ConnectionLost(str(early)) from early
                return Outcome.SKIPPED, hand_over(following, worker)
            if early is not None:
                raise early
            sending.payload(connection, raw)
        elif smtp:
            sending.send_raw(connection, row, raw)
        else:  # console, file and locmem backends (development, unit tests): no SMTP replies
            connection.send_messages([message])
    except InConversation as broken:
        # Perhaps before, perhaps after the server stored it: the retry may be a second copy.
        record_failure(row, broken.error, permanent=False, uncertain=True)
        raise ConnectionLost(str(broken)) from broken.error
    except (smtplib.SMTPException, OSError) as error:
        permanent = per_recipient(error)
        if permanent is None:
            record_failure(row, error, permanent=False)
            raise ConnectionLost(str(error)) from error
        return record_failure(row, error, permanent=permanent), hand_over(following, worker)
    if smtp and following is not None:
        return Outcome.SENT, start_mark(row.pk, following, worker)
    return Outcome.SENT, mark_sent(row.pk, following, worker)


def _relax_commit_durability() -> bool:
    """For this task, COMMIT without waiting for the WAL flush.

    Why: one fsync per claim and per mark is most of a delivery's cost. What it risks: only a
    crash of the *database server* within a fraction of a second after a commit can lose that
    claim or mark and so send that message again; a dying worker, Redis or mail server changes
    nothing. ``OUTREACH_DURABLE_SENT_MARKS=1`` keeps every commit durable at the fsync's price.
    """
    if settings.OUTREACH_DURABLE_SENT_MARKS:
        return False
    with db_connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO OFF")
    return True


def _send_batch(rows: list[OutboundEmail], connection: Any, worker: str, counts: dict[str, int], budget: float) -> bool:
    """Send a claimed batch in order, each row handed over just before its send (the claim
    handed the first). False when the batch ended early (connection lost, time budget)."""
    ours: bool | PendingMark = True
    for index, row in enumerate(rows):
        more = index + 1 < len(rows)
        following = rows[index + 1].pk if more and time.monotonic() <= budget else None
        if ours is False:  # the sweep gave it back meanwhile (our lease ran out): someone else's now
            counts[Outcome.SKIPPED] += 1
            ours = hand_over(following, worker)
        else:
            previous = ours if isinstance(ours, PendingMark) else None
            try:
                outcome, ours = deliver_one(row, connection, following, worker, previous)
            except ConnectionLost:
                counts[Outcome.RETRY] += 1
                give_back_untried([r.pk for r in rows[index + 1 :]], worker)
                return False
            counts[outcome] += 1
        if more and following is None:  # out of time: the rest waits for the sweep
            give_back_untried([r.pk for r in rows[index + 1 :]], worker)
            return False
    return True


def deliver(ids: Iterable[int], worker: str = "") -> dict[str, int]:
    """Deliver these rows over the worker's SMTP connection, claimed a batch at a time (each
    claim committed before its first send). Stops claiming after half the task's soft time
    limit; the rest stays queued."""
    counts = {Outcome.SENT: 0, Outcome.SKIPPED: 0, Outcome.RETRY: 0, Outcome.FAILED: 0}
    pending = list(dict.fromkeys(ids))
    worker = worker or worker_name()
    counts[Outcome.FAILED] += fail_blocked(pending)
    budget = time.monotonic() + settings.CELERY_TASK_SOFT_TIME_LIMIT / 2
    connection = sending.connection()
    relaxed = _relax_commit_durability()
    lost = False
    try:
        while pending and time.monotonic() <= budget:
            batch, pending = pending[:CLAIM_BATCH], pending[CLAIM_BATCH:]
            rows = claim(batch, worker)
            counts[Outcome.SKIPPED] += len(batch) - len(rows)  # sent, claimed elsewhere or not due
            if rows and not _send_batch(rows, connection, worker, counts, budget):
                lost = counts[Outcome.RETRY] > 0
                break
    finally:
        if lost:
            sending.drop()
        sending.done_with(connection)
        if relaxed:
            with contextlib.suppress(Exception), db_connection.cursor() as cursor:  # a broken DB link is dropped anyway
                cursor.execute("RESET synchronous_commit")
    return counts


# --- The sweep's questions ----------------------------------------------------------------------


def release_expired_leases() -> int:
    """Rows left ``sending`` past their lease (their worker died, or its database link never
    came back): the one in flight queued again, flagged uncertain, or failed when its attempts
    are used up; the rest of its batch, never handed over, queued again as it was."""
    now = timezone.now()
    expired = OutboundEmail.objects.filter(state=EmailState.SENDING, lease_expires_at__lt=now)
    untried = expired.filter(held_in_batch=True).update(**untried_again(), next_attempt_at=now)
    common = {"uncertain": True, "last_error": LEASE_EXPIRED, "lease_expires_at": None}
    failed = expired.filter(attempts__gte=settings.OUTREACH_MAX_ATTEMPTS).update(state=EmailState.FAILED, **common)
    again = expired.update(state=EmailState.QUEUED, next_attempt_at=now, **common)
    if failed or again:
        logger.warning("outbox: %d expired leases given back, %d failed (may have gone out twice)", again, failed)
    return failed + again + untried


def due_ids(limit: int = 5000) -> list[int]:
    """Queued rows whose time has come: a retry whose backoff has passed, or a new row that
    was not picked up within the grace period (its task was lost with the broker)."""
    now = timezone.now()
    grace = timedelta(seconds=settings.OUTREACH_SWEEP_GRACE_SECONDS)
    return list(
        OutboundEmail.objects.filter(state=EmailState.QUEUED)
        .filter(Q(attempts=0, next_attempt_at__lte=now - grace) | Q(attempts__gt=0, next_attempt_at__lte=now))
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
