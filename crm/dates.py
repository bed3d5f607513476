"""Calendar arithmetic every app shares."""

from __future__ import annotations

import calendar
from datetime import date, datetime
from typing import Any

from django.utils import dateformat, timezone
from django.utils.translation import get_language


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


# Dutch month abbreviations as Dutch style guides write them (Taalunie): a full stop after the
# cut, none after "mei", which is not shortened. Django's "M" gives "Dec"/"Okt" (capitalised, no
# point) and "N" "dec" (no point) in Dutch.
DUTCH_MONTHS = ("jan.", "feb.", "mrt.", "apr.", "mei", "jun.", "jul.", "aug.", "sep.", "okt.", "nov.", "dec.")


def short_date(value: Any, rest: str = "") -> str:
    """ "3 dec." in Dutch, "3 Dec" in English, then ``rest`` (a Django date format: "Y", "Y, H:i")
    for the year and time. A datetime is shown in the local time zone."""
    if not value:
        return ""
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    if (get_language() or "nl").startswith("nl"):
        month = DUTCH_MONTHS[value.month - 1]
    else:
        month = dateformat.format(value, "M")
    text = f"{value.day} {month}"
    return f"{text} {dateformat.format(value, rest)}" if rest else text
