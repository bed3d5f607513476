from __future__ import annotations

from datetime import date

from crm.dates import add_months


def test_add_months_holds_the_day_to_the_end_of_a_shorter_month():
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert add_months(date(2028, 3, 31), -1) == date(2028, 2, 29)


def test_add_months_crosses_years_both_ways():
    assert add_months(date(2026, 1, 15), -13) == date(2024, 12, 15)
    assert add_months(date(2026, 11, 1), 3) == date(2027, 2, 1)
    assert add_months(date(2026, 12, 1), 0) == date(2026, 12, 1)
