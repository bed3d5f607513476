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
import os
import smtplib
import socket
import time
from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import Any, TypeVar

from django.conf import settings
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend
from django.db import InterfaceError, OperationalError
from django.db import connection as db_connection
from django.db.models import F, Q
from django.utils import timezone

from crm.senders import mailbox
from outreach import sending
from outreach.models import TRANSACTIONAL_KINDS, EmailState, OutboundEmail
from outreach.sending import ConnectionLost, InConversation, build_message, per_recipient, wire_bytes

__all__ = ["build_message", "deliver", "mailbox", "wire_bytes"]

logger = logging.getLogger(__name__)

T = TypeVar("T")

# A mark (or claim, or failure record) whose database link died is retried this many times on
# a fresh connection, waiting 0.1, 0.2, 0.4 ... seconds in between (about 6 s in all).
DB_RETRIES = 6
# Rows claimed by one statement. A worker lost mid-batch leaves the rest of it ``sending``
# until the lease expires (then they are given back untried): a small batch keeps that short.
CLAIM_BATCH = 20
LEASE_EXPIRED = "The worker was lost while sending (lease expired): the mail server may have this message already."


def backoff(attempts: int) -> timedelta:
    base = settings.OUTREACH_RETRY_BASE_SECONDS
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), settings.OUTREACH_RETRY_MAX_SECONDS))


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


# --- Database steps, each its own autocommitted statement -----------------------------------


def _with_db_retry(step: Callable[[], T], what: str) -> T:
    """Run ``step``; when the database link is gone, drop it and try again on a fresh one."""
    for attempt in range(DB_RETRIES):
        try:
            return step()
        except (OperationalError, InterfaceError) as error:
            if attempt == DB_RETRIES - 1 or db_connection.in_atomic_block:
                raise
            logger.warning("outbox: %s failed (%s); reconnecting", what, error)
            with contextlib.suppress(Exception):  # closing a broken connection may fail; it is dropped anyway
                db_connection.close()
            time.sleep(0.1 * 2**attempt)
    raise AssertionError("unreachable")


_TABLE = OutboundEmail._meta.db_table
# The primary key picks the rows: ``("state" || '')`` keeps the state indexes out of the plan,
# which stale statistics would otherwise choose (17.7 ms a claim instead of 0.2). Only our own
# table and column names are formatted in; every value is a parameter.
_COLUMNS = ", ".join(f't."{f.column}"' for f in OutboundEmail._meta.concrete_fields)
_CLAIM_SQL = f"""
WITH picked AS (
    SELECT "id" FROM "{_TABLE}"
    WHERE "id" = ANY(%(ids)s) AND ("state" || '') = %(queued)s AND "next_attempt_at" <= %(now)s
    ORDER BY "id" FOR UPDATE SKIP LOCKED
)
UPDATE "{_TABLE}" AS t SET "state" = %(sending)s, "attempts" = t."attempts" + 1, "claimed_at" = %(now)s,
    "lease_expires_at" = %(lease)s, "claimed_by" = %(worker)s,
    "held_in_batch" = t."id" <> (SELECT "id" FROM picked ORDER BY array_position(%(ids)s, "id") LIMIT 1)
FROM picked WHERE t."id" = picked."id" RETURNING {_COLUMNS}
"""  # noqa: S608 - our own table and column names; the values are parameters
# After the 250 of row ``done``: it is sent (whatever the row says now: the sweep may have given
# it back), and row ``next`` is handed over with a fresh lease if it is still ours and waiting.
_MARK_SQL = f"""
UPDATE "{_TABLE}" SET
    "state" = CASE WHEN "id" = %(done)s THEN %(sent)s ELSE "state" END,
    "sent_at" = CASE WHEN "id" = %(done)s THEN %(now)s ELSE "sent_at" END,
    "last_error" = CASE WHEN "id" = %(done)s THEN '' ELSE "last_error" END,
    "lease_expires_at" = CASE WHEN "id" = %(done)s THEN NULL ELSE %(lease)s END,
    "held_in_batch" = FALSE
WHERE "id" = %(done)s
    OR ("id" = %(next)s AND "state" = %(sending)s AND "claimed_by" = %(worker)s AND "held_in_batch")
RETURNING "id"
"""  # noqa: S608 - our own table name; the values are parameters


def _params(**values: Any) -> dict[str, Any]:
    now = timezone.now()
    return {
        "now": now,
        "lease": now + timedelta(seconds=settings.OUTREACH_LEASE_SECONDS),
        "queued": EmailState.QUEUED,
        "sending": EmailState.SENDING,
        "sent": EmailState.SENT,
        **values,
    }


def claim(ids: list[int], worker: str) -> list[OutboundEmail]:
    """Move these rows (a batch), where still queued and due, to ``sending`` (committed on
    return), in the order given; the first is handed over, the others wait in the batch."""
    order = {pk: position for position, pk in enumerate(ids)}

    def step() -> list[OutboundEmail]:
        params = _params(ids=list(ids), worker=worker)
        return sorted(OutboundEmail.objects.raw(_CLAIM_SQL, params), key=lambda r: order[r.pk])

    return _with_db_retry(step, "claim")


def _run(sql: str, params: dict[str, Any]) -> list[int]:
    with db_connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def mark_sent(row_id: int, following: int | None = None, worker: str = "") -> bool:
    """The server said 250: sent. True when ``following`` (the next row of the batch) was
    handed over in the same statement, False when it is no longer ours (or there is none)."""
    params = _params(done=row_id, next=following, worker=worker)
    marked = _with_db_retry(lambda: _run(_MARK_SQL, params), f"marking {row_id} sent")
    return following is not None and following in marked


def hand_over(row_id: int | None, worker: str) -> bool:
    """Hand this waiting row of our batch over (after its predecessor failed or was skipped)."""
    if row_id is None:
        return False
    return bool(
        _with_db_retry(
            lambda: OutboundEmail.objects.filter(
                pk=row_id, state=EmailState.SENDING, claimed_by=worker, held_in_batch=True
            ).update(held_in_batch=False, lease_expires_at=_params()["lease"]),
            f"handing {row_id} over",
        )
    )


def give_back_untried(ids: list[int], worker: str) -> int:
    """Rows of our batch never handed over (the batch ended early): queued again as they were."""
    if not ids:
        return 0
    return _with_db_retry(
        lambda: OutboundEmail.objects.filter(
            pk__in=ids, state=EmailState.SENDING, claimed_by=worker, held_in_batch=True
        ).update(
            state=EmailState.QUEUED,
            attempts=F("attempts") - 1,
            held_in_batch=False,
            lease_expires_at=None,
            claimed_at=None,
            claimed_by="",
        ),
        "giving back untried rows",
    )


def record_failure(row: OutboundEmail, error: BaseException | str, *, permanent: bool, uncertain: bool = False) -> str:
    """Give the row back with a backoff, or fail it (5xx, unbuildable, or out of attempts).
    ``uncertain``: the link broke after the message was handed over (no reply to DATA)."""
    text = (error if isinstance(error, str) else f"{type(error).__name__}: {error}")[:500]
    failed = permanent or row.attempts >= settings.OUTREACH_MAX_ATTEMPTS
    changes: dict[str, Any] = {"last_error": text, "lease_expires_at": None}
    if uncertain:
        changes["uncertain"] = True
    if failed:
        changes["state"] = EmailState.FAILED
    else:
        changes.update(state=EmailState.QUEUED, next_attempt_at=timezone.now() + backoff(row.attempts))
    _with_db_retry(
        lambda: OutboundEmail.objects.filter(pk=row.pk, state=EmailState.SENDING).update(**changes),
        f"recording the failure of {row.pk}",
    )
    if failed:
        logger.warning("outbox %s failed for good: %s", row.pk, text)
        return Outcome.FAILED
    logger.info("outbox %s will be retried at %s: %s", row.pk, changes["next_attempt_at"], text)
    return Outcome.RETRY


def fail_blocked(ids: list[int]) -> int:
    """Outreach rows of this batch that must not go out after all (checked at send time): the
    person opted out, the employer became do-not-contact or the address bounced, since the row
    was queued."""
    # By primary key only: a state test here lets stale statistics walk the whole queued index
    # (0.3 s a task); the update below keeps only the rows still queued.
    rows = (
        OutboundEmail.objects.filter(pk__in=ids, invitation__isnull=False)
        .order_by()
        .exclude(kind__in=TRANSACTIONAL_KINDS)
        .filter(
            Q(invitation__contact_person__opted_out_at__isnull=False)
            | Q(invitation__contact_person__employer__do_not_contact=True)
            | Q(invitation__contact_person__email_invalid_at__isnull=False)
        )
        .values_list("pk", "invitation__contact_person__opted_out_at", "invitation__contact_person__email_invalid_at")
    )
    done = 0
    for pk, opted_out, invalid in rows:
        reason = "opted out before sending" if opted_out else "employer is do-not-contact"
        reason = "the address bounced before sending" if invalid else reason
        done += OutboundEmail.objects.filter(pk=pk, state=EmailState.QUEUED).update(
            state=EmailState.FAILED, last_error=reason, attempts=F("attempts") + 1, claimed_at=timezone.now()
        )
    return done


# --- The batch --------------------------------------------------------------------------------


class Outcome:
    SENT = "sent"
    SKIPPED = "skipped"
    RETRY = "retry"
    FAILED = "failed"


def deliver_one(
    row: OutboundEmail, connection: Any, following: int | None = None, worker: str = ""
) -> tuple[str, bool]:
    """Send one handed-over row, mark it and hand ``following`` over. Returns the outcome and
    whether ``following`` is now ours to send. Raises ``ConnectionLost`` (row given back first)."""
    smtp = isinstance(connection, SmtpBackend)
    message = None
    try:
        raw = bytes(row.mime or b"")
        if not (raw and smtp):
            message = build_message(row, connection)
            raw = raw or message.message().as_bytes(linesep="\r\n")
    except Exception as error:  # noqa: BLE001 - any reason a message cannot be built fails that row alone
        outcome = record_failure(row, f"The message cannot be built: {type(error).__name__}: {error}", permanent=True)
        return outcome, hand_over(following, worker)
    try:
        if smtp:
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
    ours = True
    for index, row in enumerate(rows):
        more = index + 1 < len(rows)
        following = rows[index + 1].pk if more and time.monotonic() <= budget else None
        if not ours:  # the sweep gave it back meanwhile (our lease ran out): someone else's now
            counts[Outcome.SKIPPED] += 1
            ours = hand_over(following, worker)
        else:
            try:
                outcome, ours = deliver_one(row, connection, following, worker)
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
    untried = expired.filter(held_in_batch=True).update(
        state=EmailState.QUEUED,
        attempts=F("attempts") - 1,
        held_in_batch=False,
        lease_expires_at=None,
        claimed_at=None,
        claimed_by="",
        next_attempt_at=now,
    )
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
