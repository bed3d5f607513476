"""Calendar arithmetic every app shares."""

from __future__ import annotations

import calendar
from datetime import date


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (or earlier, when negative), held to the month's last day:
    31 August + 6 months is 28 February. Saturates at the ends of the calendar: a stored
    9999-12-31 plus 6 months is ``date.max``, never a ValueError that breaks the candidate's
    page or the durable-check task."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    if year > date.max.year:
        return date.max
    if year < date.min.year:
        return date.min
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
