"""Beat work of the reports: the contact rollups."""

from __future__ import annotations

from celery import shared_task

from reports.rollups import refresh_rollups


@shared_task(name="reports.tasks.refresh_contact_rollups")
def refresh_contact_rollups() -> int:
    """Recount the days marked since the last tick (``reports.rollups``). Idempotent: a day is
    recounted whole, a rerun or a doubled tick finds nothing left to do."""
    return refresh_rollups()
