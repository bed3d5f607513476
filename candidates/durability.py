"""Durable work as the programme counts it, computed from a placement's checks and end date,
never typed in by hand.

A placement is *durable* when its check at ``PLACEMENT_DURABLE_MONTHS`` (default 6) answered
"still working" and it did not end before that mark. It is *not durable* when it ended before
the mark or the check answered "no longer working". Otherwise, once the mark has passed, it
is *unknown*: shown as such and never counted as durable. Before the mark it is *running*.
The 12-month check is shown beside it, the same way.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import DateTimeField, ExpressionWrapper, F, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone

from crm.dates import add_months

if TYPE_CHECKING:
    from candidates.models import Placement

DURABLE = "durable"
NOT_DURABLE = "not_durable"
UNKNOWN = "unknown"
RUNNING = "running"


def durable_months() -> int:
    months = settings.PLACEMENT_DURABLE_MONTHS
    if months not in (6, 12):
        raise ValueError("PLACEMENT_DURABLE_MONTHS is 6 or 12: the months a placement has a check for")
    return months


def _check_field(months: int) -> str:
    return f"durable_{months}m"


def status(placement: Placement, *, months: int | None = None, today: date | None = None) -> str:
    """One placement's durability at ``months`` (default the setting)."""
    months = months or durable_months()
    today = today or timezone.localdate()
    mark = add_months(placement.start_date, months)
    end = placement.end_date
    if end is not None and end < mark:
        return NOT_DURABLE
    if today < mark:
        return RUNNING
    answer = getattr(placement, _check_field(months))
    if answer is True:
        return DURABLE
    if answer is False:
        return NOT_DURABLE
    return UNKNOWN


def mark_in_year(year: int, *, months: int | None = None) -> Q:
    """Placements whose durability mark (start + months) falls in ``year``: the year rule."""
    months = months or durable_months()
    return Q(
        start_date__gte=add_months(date(year, 1, 1), -months), start_date__lt=add_months(date(year + 1, 1, 1), -months)
    )


def _not_ended_before_mark(months: int) -> Q:
    """Not ended before start + months. PostgreSQL adds calendar months and clamps the day at
    the month's end, as ``add_months`` does."""
    mark = ExpressionWrapper(
        F("start_date") + RawSQL("interval %s", (f"{months} months",)), output_field=DateTimeField()
    )
    return Q(end_date__isnull=True) | Q(end_date__gte=mark)


def durable_q(*, months: int | None = None) -> Q:
    """Durable placements, as a filter."""
    months = months or durable_months()
    return Q(**{_check_field(months): True}) & _not_ended_before_mark(months)


def ended_early_q(*, months: int | None = None) -> Q:
    months = months or durable_months()
    return ~_not_ended_before_mark(months)


def unknown_q(*, months: int | None = None, today: date | None = None) -> Q:
    """The mark has passed, not ended before it, and no answer to its check."""
    months = months or durable_months()
    today = today or timezone.localdate()
    return Q(
        start_date__lte=add_months(today, -months), **{f"{_check_field(months)}__isnull": True}
    ) & _not_ended_before_mark(months)
