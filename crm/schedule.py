"""What Celery beat runs, and when (the CELERY_BEAT_SCHEDULE setting).

Times are local (CELERY_TIMEZONE, Europe/Amsterdam). Every task here is idempotent: a rerun
after a missed or doubled tick does no harm (see each task's docstring).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from celery.schedules import crontab


def beat(*, outreach_tick_seconds: int) -> dict[str, dict[str, Any]]:
    return {
        "heartbeat": {"task": "crm.tasks.heartbeat", "schedule": timedelta(minutes=1)},
        # Follow-ups due and overdue, one mail per person per day (DigestRun makes a rerun harmless).
        "followup-digest": {"task": "employers.tasks.send_followup_digests", "schedule": crontab(hour=7, minute=0)},
        # Outreach: queue the reminders and follow-ups that are due, then sweep the outbox.
        "outreach-tick": {"task": "outreach.tasks.tick", "schedule": timedelta(seconds=outreach_tick_seconds)},
        # Candidates: prompt the guides for durable checks; anonymise after CANDIDATE_RETENTION_MONTHS.
        "candidate-durable-checks": {
            "task": "candidates.tasks.prompt_durable_checks",
            "schedule": crontab(hour=6, minute=30),
        },
        # Open registrations never confirmed are deleted after 30 days (the privacy notice).
        "registration-retention": {
            "task": "outreach.tasks.purge_unconfirmed_registrations",
            "schedule": crontab(hour=3, minute=30),
        },
        "candidate-retention": {
            "task": "candidates.tasks.anonymise_candidates",
            "schedule": crontab(hour=3, minute=15),
        },
        # Contact persons: access needs cleared after the session, idle opt-outs erased (PRIVACY.md).
        "privacy-retention": {"task": "outreach.tasks.privacy_retention", "schedule": crontab(hour=3, minute=30)},
        # Reports: recount the days whose contacts changed (the dashboards are exact without it,
        # they count those days live; the tick keeps that live part small).
        "report-rollups": {"task": "reports.tasks.refresh_contact_rollups", "schedule": timedelta(minutes=1)},
        # Bounces and complaints from the bounce mailbox (a no-op without BOUNCE_IMAP_URL).
        "fetch-bounces": {"task": "outreach.tasks.fetch_bounces", "schedule": timedelta(minutes=5)},
    }
