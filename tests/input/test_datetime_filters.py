"""Datetime and date parameters of every filter (API, pages, exports): a value PostgreSQL cannot
store is a 400 naming the parameter, never a 500."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.django_db

# Python's ISO parser takes offsets up to +-23:59; PostgreSQL's timestamptz only +-15:59.
FAR_OFFSET = "2026-01-01T10:00:00+23:00"

API_DATETIME_PARAMS = [
    ("/api/v1/employers/", "updated_since"),
    ("/api/v1/contact-persons/", "updated_since"),
    ("/api/v1/openings/", "updated_since"),
    ("/api/v1/contacts/", "when_after"),
    ("/api/v1/contacts/", "when_before"),
    ("/api/v1/events/", "starts_after"),
    ("/api/v1/events/", "starts_before"),
]


@pytest.mark.parametrize(("path", "param"), API_DATETIME_PARAMS)
def test_api_datetime_filter_with_an_offset_postgresql_cannot_store_is_a_400_naming_it(
    api: Any, adviser_a: Any, path: str, param: str
) -> None:
    response = api(adviser_a).get(path, {param: FAR_OFFSET})

    assert response.status_code == 400, response.content[:300]
    assert param in response.json()


def test_the_list_page_shows_the_far_offset_as_an_error_of_its_field(web: Any, adviser_a: Any) -> None:
    response = web(adviser_a).get(reverse("employers:list"), {"updated_since": FAR_OFFSET})

    assert response.status_code == 200
    assert "Geef een tijdzoneverschil tussen -15:59 en +15:59" in response.content.decode()  # Dutch first


def test_the_export_with_a_far_offset_is_a_400_naming_the_parameter_not_everything(web: Any, adviser_a: Any) -> None:
    response = web(adviser_a).get(reverse("employers:export"), {"updated_since": FAR_OFFSET})

    assert response.status_code == 400
    assert b"updated_since" in response.content


# --- Property: no datetime or date parameter of any filter answers 5xx ---------------------------

DATE_PARAMS = [
    ("/api/v1/follow-ups/", "due_before"),
    ("/api/v1/follow-ups/", "due_after"),
    ("/api/v1/candidates/", "trajectory_end_before"),
    ("/api/v1/placements/", "start_after"),
    ("/api/v1/placements/", "start_before"),
]
PAGE_PARAMS = [("/employers/", "updated_since"), ("/employers/export/", "updated_since")]


def _offset(minutes: int) -> str:
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


iso_datetimes = st.builds(
    lambda moment, offset, sep: moment.isoformat(sep=sep) + offset,
    st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59, 59)),
    st.one_of(st.just(""), st.just("Z"), st.integers(-24 * 60 + 1, 24 * 60 - 1).map(_offset)),
    st.sampled_from(["T", " "]),
)
iso_dates = st.dates().map(date.isoformat)
anything = st.one_of(iso_datetimes, iso_dates, st.text(max_size=40))


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(value=anything)
def test_no_datetime_or_date_filter_value_is_a_server_error(
    api: Any, web: Any, cast: dict[str, Any], value: str
) -> None:
    adviser, guide = api(cast["adviser_a"]), api(cast["guide_a"])
    for path, param in API_DATETIME_PARAMS + DATE_PARAMS:
        client = guide if path.startswith(("/api/v1/candidates/", "/api/v1/placements/")) else adviser
        response = client.get(path, {param: value})
        assert response.status_code in (200, 400), (path, param, value, response.status_code)
    pages = web(cast["adviser_a"])
    for path, param in PAGE_PARAMS:
        response = pages.get(path, {param: value})
        assert response.status_code in (200, 400), (path, param, value, response.status_code)
