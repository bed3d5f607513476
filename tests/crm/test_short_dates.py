"""Short dates as Dutch writes them (issue 17): "3 dec.", "24 okt.", "5 mei", not "3 Dec" or
"24 Okt"; English keeps "3 Dec". Pages use the ``short_date`` filter for them."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.template import Context, Template
from django.utils import translation

from crm.dates import short_date


@pytest.mark.parametrize(
    ("day", "dutch", "english"),
    [
        (date(2026, 12, 3), "3 dec.", "3 Dec"),
        (date(2026, 10, 24), "24 okt.", "24 Oct"),
        (date(2026, 5, 5), "5 mei", "5 May"),
    ],
)
def test_dutch_short_months_end_in_a_point_except_mei(day, dutch, english):
    with translation.override("nl"):
        assert short_date(day) == dutch
    with translation.override("en"):
        assert short_date(day) == english


def test_the_filter_adds_year_and_local_time():
    moment = datetime(2026, 12, 3, 13, 30, tzinfo=UTC)  # 14:30 in Amsterdam
    template = Template('{% load short_dates %}{{ d|short_date:"Y, H:i" }}|{{ none|short_date|default:"–" }}')

    with translation.override("nl"):
        assert template.render(Context({"d": moment, "none": None})) == "3 dec. 2026, 14:30|–"
