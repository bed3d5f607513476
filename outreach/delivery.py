"""Delivering outbox rows: claim, commit, send, mark.

1. Claim: one autocommitted ``UPDATE ... WHERE id = ANY(%s) AND state = 'queued' ... FOR UPDATE
   SKIP LOCKED`` moves the row to ``sending`` with ``attempts + 1``, a lease and the worker's
   name. It is committed before the mail server hears of the message, so no fault can undo the
   attempt count: a row cannot loop, and after ``OUTREACH_MAX_ATTEMPTS`` it is ``failed``.
2. Send: the stored bytes go through the SMTP connection; no database transaction is open.
3. Mark: after the server's 250 the row is ``sent``. If the database link died meanwhile the
   mark is retried on a fresh connection (a few times, with backoff): the message is delivered,
   and a failed mark must not make it go out again.

The one window left is a worker that dies (or a database that stays away) between the 250 and
the mark. The row then stays ``sending`` until its lease expires; the sweep gives it back,
flagged ``uncertain`` ("may have gone out twice"), within its attempt budget. So a crash costs
at most one extra copy of the one message that was in flight, and the page says which.

One SMTP connection serves a batch. Trouble with one recipient (4xx/5xx at RCPT or DATA, or a
message that cannot be built) stays on that row: 5xx fails it, 4xx retries it with backoff,
the batch goes on. Only connection-level failures (refused, 421, timeout, disconnect) end the
batch; the rest stays queued for the sweep.
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
from email.mime.text import MIMEText
from typing import Any, TypeVar

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend
from django.core.mail.message import sanitize_address
from django.db import InterfaceError, OperationalError
from django.db import connection as db_connection
from django.db.models import F, Q
from django.utils import timezone

from crm.senders import mailbox
from outreach.bounces import verp
from outreach.models import TRANSACTIONAL_KINDS, EmailState, OutboundEmail

logger = logging.getLogger(__name__)

T = TypeVar("T")

# A mark (or claim, or failure record) whose database link died is retried this many times on
# a fresh connection, waiting 0.1, 0.2, 0.4 ... seconds in between (about 6 s in all).
DB_RETRIES = 6
LEASE_EXPIRED = "The worker was lost while sending (lease expired): the mail server may have this message already."


def build_message(row: OutboundEmail, connection: Any = None) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=row.subject,
        body=row.body_text,
        from_email=row.from_email or settings.DEFAULT_FROM_EMAIL,
        to=[mailbox(row.to_name, row.to_email)],
        headers={**row.headers, "Message-ID": row.message_id},
        connection=connection,
    )
    if row.body_html:
        message.attach_alternative(row.body_html, "text/html")
    if row.ics:
        part = MIMEText(row.ics, "calendar", "utf-8")
        part.set_param("method", row.ics_method or "PUBLISH")
        part.add_header("Content-Disposition", "attachment", filename="event.ics")
        message.attach(part)
    return message


def wire_bytes(row: OutboundEmail) -> bytes:
    """The message as it goes over the wire (MIME, CRLF). Raises for a message that cannot be
    built (``BadHeaderError`` for a line break in a header, say)."""
    return build_message(row).message().as_bytes(linesep="\r\n")


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


_COLUMNS = [f.column for f in OutboundEmail._meta.concrete_fields]


def _claim_sql() -> str:
    table = OutboundEmail._meta.db_table
    returning = ", ".join(f'"{c}"' for c in _COLUMNS)
    # The primary key picks the rows (no plan that depends on statistics); only our own table
    # and column names are formatted in, every value is a parameter.
    sql = (
        'UPDATE "{table}" SET "state" = %s, "attempts" = "attempts" + 1, "claimed_at" = %s, '
        '"lease_expires_at" = %s, "claimed_by" = %s WHERE "id" IN (SELECT "id" FROM "{table}" '
        'WHERE "id" = ANY(%s) AND "state" = %s AND "next_attempt_at" <= %s ORDER BY "id" '
        "FOR UPDATE SKIP LOCKED) RETURNING {returning}"
    )
    return sql.format(table=table, returning=returning)


def claim(ids: list[int], worker: str) -> list[OutboundEmail]:
    """Move these rows, where still queued and due, to ``sending`` (committed on return)."""

    def step() -> list[OutboundEmail]:
        now = timezone.now()
        lease = now + timedelta(seconds=settings.OUTREACH_LEASE_SECONDS)
        params = [EmailState.SENDING, now, lease, worker, list(ids), EmailState.QUEUED, now]
        return sorted(OutboundEmail.objects.raw(_claim_sql(), params), key=lambda r: r.pk)

    return _with_db_retry(step, "claim")


def mark_sent(row_id: int) -> None:
    """The server said 250: sent, whatever the row says now (the sweep may have given it back)."""

    def step() -> None:
        OutboundEmail.objects.filter(pk=row_id).update(
            state=EmailState.SENT, sent_at=timezone.now(), lease_expires_at=None, last_error=""
        )

    _with_db_retry(step, f"marking {row_id} sent")


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
    rows = (
        OutboundEmail.objects.filter(pk__in=ids, state=EmailState.QUEUED, invitation__isnull=False)
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


# --- SMTP ---------------------------------------------------------------------------------------


class Outcome:
    SENT = "sent"
    SKIPPED = "skipped"
    RETRY = "retry"
    FAILED = "failed"


class ConnectionLost(Exception):
    """The mail server as a whole is away (refused, 421, timeout, disconnect): end the batch."""


def _codes(error: smtplib.SMTPException) -> list[int]:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return [code for code, _msg in error.recipients.values()]
    code = getattr(error, "smtp_code", None)
    return [code] if isinstance(code, int) else []


def _per_recipient(error: BaseException) -> bool | None:
    """For an error about this one message: True if permanent (5xx), False if temporary (4xx).
    None: the connection is the trouble (421 "closing", timeouts, refusals, disconnects)."""
    if not isinstance(error, smtplib.SMTPRecipientsRefused | smtplib.SMTPSenderRefused | smtplib.SMTPDataError):
        return None
    codes = _codes(error)
    if not codes or 421 in codes:
        return None
    return all(500 <= code < 600 for code in codes)


class _InConversation(Exception):
    """The connection broke (timeout, disconnect) during MAIL/RCPT/DATA, not while opening."""

    def __init__(self, error: BaseException) -> None:
        super().__init__(str(error))
        self.error = error


def _send_smtp(connection: SmtpBackend, row: OutboundEmail, raw: bytes) -> None:
    """The stored bytes straight through the open SMTP connection (no MIME object rebuilt)."""
    if connection.connection is None:
        connection.open()
    smtp = connection.connection
    if smtp is None:  # open() returns without one only when failing silently, which this never does
        raise smtplib.SMTPServerDisconnected("The SMTP connection did not open.")
    # The envelope sender (Return-Path): the row's own VERP address when BOUNCE_DOMAIN is set.
    sender = verp.return_path(row.pk) or sanitize_address(row.from_email or settings.DEFAULT_FROM_EMAIL, "utf-8")
    try:
        smtp.sendmail(sender, [sanitize_address(row.to_email, "utf-8")], raw)
    except (smtplib.SMTPServerDisconnected, TimeoutError, ConnectionError) as error:
        raise _InConversation(error) from error


def deliver_one(row: OutboundEmail, connection: Any) -> str:
    """Send one claimed row and mark it. Raises ``ConnectionLost`` (row given back first)."""
    smtp = isinstance(connection, SmtpBackend)
    try:
        message = build_message(row, connection)
        raw = bytes(row.mime or b"") or message.message().as_bytes(linesep="\r\n")
    except Exception as error:  # noqa: BLE001 - any reason a message cannot be built fails that row alone
        return record_failure(row, f"The message cannot be built: {type(error).__name__}: {error}", permanent=True)
    try:
        if smtp:
            _send_smtp(connection, row, raw)
        else:  # console, file and locmem backends (development, unit tests): no SMTP replies
            connection.send_messages([message])
    except _InConversation as broken:
        # Perhaps before, perhaps after the server stored it: the retry may be a second copy.
        record_failure(row, broken.error, permanent=False, uncertain=True)
        raise ConnectionLost(str(broken)) from broken.error
    except (smtplib.SMTPException, OSError) as error:
        permanent = _per_recipient(error)
        if permanent is None:
            record_failure(row, error, permanent=False)
            raise ConnectionLost(str(error)) from error
        return record_failure(row, error, permanent=permanent)
    mark_sent(row.pk)
    return Outcome.SENT


def _relax_commit_durability() -> bool:
    """For this batch, COMMIT without waiting for the WAL flush.

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


def deliver(ids: Iterable[int], worker: str = "") -> dict[str, int]:
    """Deliver these rows over one SMTP connection, each claimed (and committed) just before
    its send. Stops claiming after half the task's soft time limit; the rest stays queued."""
    counts = {Outcome.SENT: 0, Outcome.SKIPPED: 0, Outcome.RETRY: 0, Outcome.FAILED: 0}
    ids = list(ids)
    worker = worker or worker_name()
    counts[Outcome.FAILED] += fail_blocked(ids)
    budget = time.monotonic() + settings.CELERY_TASK_SOFT_TIME_LIMIT / 2
    connection = get_connection(fail_silently=False)
    relaxed = _relax_commit_durability()
    try:
        for row_id in ids:
            if time.monotonic() > budget:
                break
            # One row per claim: a crash then leaves exactly the one row in flight "sending",
            # so only that row is flagged uncertain (see the module's docstring).
            rows = claim([row_id], worker)
            if not rows:
                counts[Outcome.SKIPPED] += 1
                continue
            try:
                counts[deliver_one(rows[0], connection)] += 1
            except ConnectionLost:
                counts[Outcome.RETRY] += 1
                break
    finally:
        with contextlib.suppress(Exception):  # closing a dead connection must not hide the result
            connection.close()
        if relaxed:
            with contextlib.suppress(Exception), db_connection.cursor() as cursor:  # a broken DB link is dropped anyway
                cursor.execute("RESET synchronous_commit")
    return counts


# --- The sweep's questions ----------------------------------------------------------------------


def release_expired_leases() -> int:
    """Rows left ``sending`` past their lease (their worker died, or its database link never
    came back): queued again, flagged uncertain, or failed when their attempts are used up."""
    now = timezone.now()
    expired = OutboundEmail.objects.filter(state=EmailState.SENDING, lease_expires_at__lt=now)
    common = {"uncertain": True, "last_error": LEASE_EXPIRED, "lease_expires_at": None}
    failed = expired.filter(attempts__gte=settings.OUTREACH_MAX_ATTEMPTS).update(state=EmailState.FAILED, **common)
    again = expired.update(state=EmailState.QUEUED, next_attempt_at=now, **common)
    if failed or again:
        logger.warning("outbox: %d expired leases given back, %d failed (may have gone out twice)", again, failed)
    return failed + again


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
