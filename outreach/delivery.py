"""Delivering outbox rows: exactly once per row, as far as the mail server can tell.

Each row is claimed with ``UPDATE ... WHERE id = (SELECT ... FOR UPDATE SKIP LOCKED)`` in its
own transaction, which marks it sent; the message is sent while that transaction holds the row,
and an SMTP error rolls the mark back. A worker that dies mid-send rolls the transaction
back (the row is queued again and nobody else could have taken it meanwhile); a second task
for the same row skips it (locked) or finds it sent. The one window left is between the
server's "250 OK" and our COMMIT, well under a millisecond: a worker killed exactly there
would send that one message again. (The fault tests kill the worker mid-SMTP-transaction,
before the server has accepted the message; no test can aim at that sub-millisecond window.)
With ``OUTREACH_DURABLE_SENT_MARKS`` off (the default) a crash of the database server itself
may also lose the last fraction of a second of "sent" marks; see ``_relax_commit_durability``.

One SMTP connection serves all rows of a task. Temporary failures (4xx, connection refused,
timeouts) put the row back with a backoff; permanent ones (5xx) mark it failed with the reason.
"""

from __future__ import annotations

import contextlib
import logging
import re
import smtplib
from collections.abc import Iterable
from datetime import timedelta
from email.mime.text import MIMEText
from email.utils import quote
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection as db_connection
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from outreach.models import TRANSACTIONAL_KINDS, EmailState, OutboundEmail

logger = logging.getLogger(__name__)


class _StoredMime:
    """Stands in for the MIME object Django's SMTP backend would build: the stored bytes."""

    def __init__(self, raw: bytes) -> None:
        self.raw = raw

    def as_bytes(self, *args: Any, **kwargs: Any) -> bytes:
        return self.raw


class StoredEmail(EmailMultiAlternatives):
    """A message whose wire form was built when its row was stored (``OutboundEmail.mime``)."""

    stored: bytes = b""

    def message(self, *args: Any, **kwargs: Any) -> Any:
        return _StoredMime(self.stored) if self.stored else super().message(*args, **kwargs)


# RFC 5322 "specials": a display name with one of them must be a quoted string.
SPECIALS = re.compile(r'[][\\()<>@,:;".]')


def mailbox(name: str, address: str) -> str:
    """``Name <address>``, the name quoted when it holds a special: "Vries, de" is one person,
    not two addresses. (Not ``email.utils.formataddr``: Django encodes non-ASCII names itself.)"""
    if not name:
        return address
    return f'"{quote(name)}" <{address}>' if SPECIALS.search(name) else f"{name} <{address}>"


def build_message(row: OutboundEmail, connection: Any = None) -> StoredEmail:
    to = mailbox(row.to_name, row.to_email)
    message = StoredEmail(
        subject=row.subject,
        body=row.body_text,
        from_email=row.from_email or settings.DEFAULT_FROM_EMAIL,
        to=[to],
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
    message.stored = bytes(row.mime or b"")
    return message


def wire_bytes(row: OutboundEmail) -> bytes:
    """The message as the SMTP backend sends it (built fresh, ignoring any stored copy)."""
    return EmailMultiAlternatives.message(build_message(row)).as_bytes(linesep="\r\n")


def _is_permanent(error: Exception) -> bool:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _msg in error.recipients.values()]
        return bool(codes) and all(500 <= code < 600 for code in codes)
    code = getattr(error, "smtp_code", None)
    return isinstance(code, int) and 500 <= code < 600


def backoff(attempts: int) -> timedelta:
    base = settings.OUTREACH_RETRY_BASE_SECONDS
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), settings.OUTREACH_RETRY_MAX_SECONDS))


def blocked_rows(ids: list[int]) -> dict[int, str]:
    """Outreach rows of this batch that must not go out after all (checked at send time):
    the person opted out, or the employer became do-not-contact, since the row was queued."""
    rows = (
        OutboundEmail.objects.filter(pk__in=ids, state=EmailState.QUEUED, invitation__isnull=False)
        .exclude(kind__in=TRANSACTIONAL_KINDS)
        .filter(
            Q(invitation__contact_person__opted_out_at__isnull=False)
            | Q(invitation__contact_person__employer__do_not_contact=True)
        )
        .values_list("pk", "invitation__contact_person__opted_out_at")
    )
    return {pk: "opted out before sending" if opted_out else "employer is do-not-contact" for pk, opted_out in rows}


class Outcome:
    SENT = "sent"
    SKIPPED = "skipped"
    RETRY = "retry"
    FAILED = "failed"


class _SendFailed(Exception):
    def __init__(self, error: Exception, attempts: int) -> None:
        self.error, self.attempts = error, attempts


_COLUMNS = [f.column for f in OutboundEmail._meta.concrete_fields]


def _claim_sql() -> str:
    """Claim and mark sent in one statement; the transaction around it stays open (the row
    locked) while the message is sent, and an SMTP error rolls the mark back."""
    table = OutboundEmail._meta.db_table
    lock = " FOR UPDATE SKIP LOCKED" if db_connection.features.has_select_for_update_skip_locked else ""
    returning = ", ".join(f'"{c}"' for c in _COLUMNS)
    # Only our own table and column names are formatted in; every value is a parameter.
    sql = (
        'UPDATE "{table}" SET "state" = %s, "attempts" = "attempts" + 1, "claimed_at" = %s, "sent_at" = %s, '
        '"last_error" = \'\' WHERE "id" = (SELECT "id" FROM "{table}" WHERE "id" = %s AND "state" = %s '
        'AND "next_attempt_at" <= %s{lock}) RETURNING {returning}'
    )
    return sql.format(table=table, lock=lock, returning=returning)


def deliver_one(row_id: int, connection: Any, blocked: str = "") -> str:
    """Claim, send and mark one row. Raises nothing for SMTP trouble: it is on the row."""
    now = timezone.now()
    if blocked:
        done = OutboundEmail.objects.filter(pk=row_id, state=EmailState.QUEUED).update(
            state=EmailState.FAILED, last_error=blocked, attempts=F("attempts") + 1, claimed_at=now
        )
        return Outcome.FAILED if done else Outcome.SKIPPED
    try:
        with transaction.atomic():
            rows = list(
                OutboundEmail.objects.raw(_claim_sql(), [EmailState.SENT, now, now, row_id, EmailState.QUEUED, now])
            )
            if not rows:
                return Outcome.SKIPPED
            row = rows[0]
            try:
                # Opened here, not by send(): a connection that send() opened it also closes,
                # and one connection is meant to serve the whole batch.
                connection.open()
                build_message(row, connection).send()
            except (smtplib.SMTPException, OSError) as error:
                raise _SendFailed(error, row.attempts) from error
    except _SendFailed as failure:
        return _failed(row_id, failure.error, failure.attempts, connection)
    return Outcome.SENT


def _failed(row_id: int, error: Exception, attempts: int, connection: Any) -> str:
    text = f"{type(error).__name__}: {error}"[:500]
    # A broken connection may fail to close; it is dropped anyway.
    with contextlib.suppress(Exception):
        connection.close()
    row = OutboundEmail.objects.filter(pk=row_id, state=EmailState.QUEUED)
    if _is_permanent(error) or attempts >= settings.OUTREACH_MAX_ATTEMPTS:
        row.update(state=EmailState.FAILED, last_error=text, attempts=attempts)
        logger.warning("outbox %s failed for good: %s", row_id, text)
        return Outcome.FAILED
    retry_at = timezone.now() + backoff(attempts)
    row.update(last_error=text, attempts=attempts, next_attempt_at=retry_at)
    logger.info("outbox %s will be retried at %s: %s", row_id, retry_at, text)
    return Outcome.RETRY


def _relax_commit_durability() -> bool:
    """For this batch, COMMIT without waiting for the WAL flush (PostgreSQL only).

    Why: one fsync per message is most of a delivery's cost. What it risks: only a crash of
    the *database server* within a fraction of a second after a commit can lose that "sent"
    mark and so send that message again; a dying worker, Redis or mail server changes nothing
    (their transactions simply roll back, as before). ``OUTREACH_DURABLE_SENT_MARKS=1`` keeps
    every mark durable at the price of the fsync.
    """
    if settings.OUTREACH_DURABLE_SENT_MARKS or db_connection.vendor != "postgresql":
        return False
    with db_connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO OFF")
    return True


def deliver(ids: Iterable[int]) -> dict[str, int]:
    """Deliver these rows over one SMTP connection. After a temporary failure the rest of the
    batch is left queued for the sweep (the server is likely away for all of them)."""
    counts = {Outcome.SENT: 0, Outcome.SKIPPED: 0, Outcome.RETRY: 0, Outcome.FAILED: 0}
    ids = list(ids)
    blocked = blocked_rows(ids)
    connection = get_connection(fail_silently=False)
    relaxed = _relax_commit_durability()
    try:
        for row_id in ids:
            outcome = deliver_one(row_id, connection, blocked.get(row_id, ""))
            counts[outcome] += 1
            if outcome == Outcome.RETRY:
                break
    finally:
        with contextlib.suppress(Exception):  # closing a dead connection must not hide the result
            connection.close()
        if relaxed:
            with contextlib.suppress(Exception), db_connection.cursor() as cursor:  # a broken DB link is dropped anyway
                cursor.execute("RESET synchronous_commit")
    return counts


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
