"""Reporting periods, with boundaries in Amsterdam time (stored times are UTC)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _

from crm.dates import add_months

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


@dataclass(frozen=True)
class Period:
    key: str
    label: str
    start: datetime  # inclusive, aware
    end: datetime  # exclusive, aware

    @property
    def months(self) -> list[date]:
        """First day of each calendar month the period touches, in order."""
        first = self.start.astimezone(AMSTERDAM).date().replace(day=1)
        last = (self.end.astimezone(AMSTERDAM) - _EPSILON).date().replace(day=1)
        months = []
        while first <= last:
            months.append(first)
            first = add_months(first, 1)
        return months


_EPSILON = timedelta(microseconds=1)
_QUARTER = re.compile(r"^(\d{4})Q([1-4])$")


def _local_midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=AMSTERDAM)


def year_bounds(year: int) -> tuple[datetime, datetime]:
    return _local_midnight(date(year, 1, 1)), _local_midnight(date(year + 1, 1, 1))


def parse_period(key: str | None, *, now: datetime | None = None) -> Period:
    """``year`` (this calendar year, the default), ``12m`` (the last 12 whole months plus this
    one) or a quarter such as ``2026Q3``. Unknown keys fall back to this year."""
    today = (now or timezone.now()).astimezone(AMSTERDAM).date()
    if key == "12m":
        start_month = add_months(today.replace(day=1), -11)
        end = _local_midnight(add_months(today.replace(day=1), 1))
        return Period("12m", _("Last 12 months"), _local_midnight(start_month), end)
    match = _QUARTER.match(key or "")
    if match:
        year, quarter = int(match[1]), int(match[2])
        first = date(year, 3 * quarter - 2, 1)
        return Period(match.string, f"{year} Q{quarter}", _local_midnight(first), _local_midnight(add_months(first, 3)))
    start, end = year_bounds(today.year)
    return Period("year", _("This year (%(year)s)") % {"year": today.year}, start, end)


def period_choices(*, now: datetime | None = None) -> list[tuple[str, str]]:
    today = (now or timezone.now()).astimezone(AMSTERDAM).date()
    quarters = []
    year, quarter = today.year, (today.month - 1) // 3 + 1
    for _step in range(4):
        quarters.append((f"{year}Q{quarter}", f"{year} Q{quarter}"))
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    return [("year", _("This year")), ("12m", _("Last 12 months")), *quarters]


def current_quarter_start(*, now: datetime | None = None) -> datetime:
    today = (now or timezone.now()).astimezone(AMSTERDAM).date()
    return _local_midnight(date(today.year, 3 * ((today.month - 1) // 3) + 1, 1))
