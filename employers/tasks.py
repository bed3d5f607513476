"""Thin Celery wrappers: take ids and ISO dates (JSON only), reload, call one service."""

from __future__ import annotations

from datetime import date

from celery import shared_task

from employers import digest
from employers.importing import batches as importing


@shared_task
def send_followup_digests() -> int:
    """Beat, daily at 07:00 Europe/Amsterdam: one task per person with follow-ups due."""
    day = digest.digest_day()
    recipients = digest.digest_recipients(day)
    for user_id in recipients:
        send_followup_digest.delay_on_commit(user_id, day.isoformat())
    return len(recipients)


# No SMTP here any more: the message is an outbox row (crm.emails), delivered and retried there.
@shared_task
def send_followup_digest(user_id: int, day: str) -> str:
    return digest.digest_send(user_id=user_id, day=date.fromisoformat(day))


@shared_task
def check_import(batch_id: int) -> str:
    """The import's dry run, out of the web request; progress is kept on the batch row."""
    return importing.import_run_check(batch_id=batch_id)


@shared_task
def run_import(batch_id: int, by_id: int) -> str:
    """Write the rows the user confirmed."""
    return importing.import_run_confirm(batch_id=batch_id, by_id=by_id)
