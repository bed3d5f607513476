"""Thin Celery wrappers: take ids (JSON only), reload, call one service. A leaf: nothing imports
this module; each task has an explicit ``name`` (the services enqueue by it, ``crm.queue``,
and the beat schedule names it), kept as the module path it always had."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from candidates import intro, services


# No SMTP here any more: the message is an outbox row (crm.emails), delivered and retried there.
@shared_task(name="candidates.tasks.send_warm_intro")
def send_warm_intro(match_id: int, guide_id: int) -> str:
    return intro.intro_send(match_id=match_id, guide_id=guide_id)


@shared_task(name="candidates.tasks.prompt_durable_checks")
def prompt_durable_checks() -> int:
    """Beat, daily: a follow-up for each placement whose 6- or 12-month check is due."""
    prompted = 0
    for placement_id, months in services.durable_checks_due(timezone.localdate()):
        prompted += services.durable_check_prompt(placement_id=placement_id, months=months)
    return prompted


@shared_task(name="candidates.tasks.anonymise_candidates")
def anonymise_candidates() -> int:
    """Beat, daily: anonymise candidates CANDIDATE_RETENTION_MONTHS after their trajectory ended."""
    return sum(services.candidate_anonymise(candidate_id=pk) for pk in services.anonymise_due())
