"""Delivering outbox rows: exactly once per row, as far as the mail server can tell.

Each row is claimed with ``SELECT ... FOR UPDATE SKIP LOCKED`` in its own transaction, sent,
and marked sent in that same transaction. A worker that dies mid-send rolls the transaction
back (the row is queued again and nobody else could have taken it meanwhile); a second task
for the same row skips it (locked) or finds it sent. The one window left is between the
server's "250 OK" and our COMMIT, a few hundred microseconds.

One SMTP connection serves all rows of a task. Temporary failures (4xx, connection refused,
timeouts) put the row back with a backoff; permanent ones (5xx) mark it failed with the reason.
"""

from __future__ import annotations

import contextlib
import logging
import smtplib
from collections.abc import Iterable
from datetime import timedelta
from email.mime.text import MIMEText
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from outreach.models import EmailState, OutboundEmail

logger = logging.getLogger(__name__)


def build_message(row: OutboundEmail, connection: Any = None) -> EmailMultiAlternatives:
    to = f"{row.to_name} <{row.to_email}>" if row.to_name else row.to_email
    message = EmailMultiAlternatives(
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
    return message


def _is_permanent(error: Exception) -> bool:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _msg in error.recipients.values()]
        return bool(codes) and all(500 <= code < 600 for code in codes)
    code = getattr(error, "smtp_code", None)
    return isinstance(code, int) and 500 <= code < 600


def backoff(attempts: int) -> timedelta:
    base = settings.OUTREACH_RETRY_BASE_SECONDS
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), settings.OUTREACH_RETRY_MAX_SECONDS))


def _blocked(row: OutboundEmail) -> str:
    """Why an outreach row must not go out after all (checked at send time), or ""."""
    if not row.is_outreach or row.invitation_id is None:
        return ""
    person = row.invitation.contact_person
    if person.opted_out_at is not None:
        return "opted out before sending"
    if person.employer.do_not_contact:
        return "employer is do-not-contact"
    return ""


class Outcome:
    SENT = "sent"
    SKIPPED = "skipped"
    RETRY = "retry"
    FAILED = "failed"


def deliver_one(row_id: int, connection: Any) -> str:
    """Claim, send and mark one row. Raises nothing for SMTP trouble: it is on the row."""
    now = timezone.now()
    with transaction.atomic():
        row = (
            OutboundEmail.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("invitation__contact_person__employer")
            .filter(pk=row_id, state=EmailState.QUEUED, next_attempt_at__lte=now)
            .first()
        )
        if row is None:
            return Outcome.SKIPPED
        row.attempts += 1
        row.claimed_at = now
        reason = _blocked(row)
        if reason:
            _mark(row, EmailState.FAILED, reason)
            return Outcome.FAILED
        try:
            build_message(row, connection).send()
        except (smtplib.SMTPException, OSError) as error:
            return _failed(row, error, connection)
        row.sent_at = timezone.now()
        _mark(row, EmailState.SENT, "")
        return Outcome.SENT


def _failed(row: OutboundEmail, error: Exception, connection: Any) -> str:
    text = f"{type(error).__name__}: {error}"[:500]
    # A broken connection may fail to close; it is dropped anyway.
    with contextlib.suppress(Exception):
        connection.close()
    if _is_permanent(error) or row.attempts >= settings.OUTREACH_MAX_ATTEMPTS:
        _mark(row, EmailState.FAILED, text)
        logger.warning("outbox %s failed for good: %s", row.pk, text)
        return Outcome.FAILED
    row.next_attempt_at = timezone.now() + backoff(row.attempts)
    _mark(row, EmailState.QUEUED, text)
    logger.info("outbox %s will be retried at %s: %s", row.pk, row.next_attempt_at, text)
    return Outcome.RETRY


def _mark(row: OutboundEmail, state: str, error: str) -> None:
    row.state = state
    row.last_error = error
    row.save(update_fields=["state", "last_error", "attempts", "claimed_at", "sent_at", "next_attempt_at"])


def deliver(ids: Iterable[int]) -> dict[str, int]:
    """Deliver these rows over one SMTP connection. After a temporary failure the rest of the
    batch is left queued for the sweep (the server is likely away for all of them)."""
    counts = {Outcome.SENT: 0, Outcome.SKIPPED: 0, Outcome.RETRY: 0, Outcome.FAILED: 0}
    connection = get_connection(fail_silently=False)
    try:
        for row_id in ids:
            outcome = deliver_one(row_id, connection)
            counts[outcome] += 1
            if outcome == Outcome.RETRY:
                break
    finally:
        with contextlib.suppress(Exception):  # closing a dead connection must not hide the result
            connection.close()
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
