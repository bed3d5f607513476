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

# Python's ISO parser takes offsets up to +-23:59 (RFC 3339 calls them valid); PostgreSQL's
# timestamptz only +-15:59. The value goes in as UTC, so it is the instant it names.
FAR_OFFSET = "2026-01-01T10:00:00+23:00"  # = 2025-12-31T11:00:00Z
UTC_BEFORE, UTC_AFTER = "2025-12-31T10:59:00Z", "2025-12-31T11:01:00Z"

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
def test_api_datetime_filter_with_an_offset_postgresql_cannot_store_is_the_instant_it_names(
    api: Any, adviser_a: Any, path: str, param: str
) -> None:
    client = api(adviser_a)
    far = client.get(path, {param: FAR_OFFSET})
    assert far.status_code == 200, far.content[:300]
    assert far.json() == client.get(path, {param: "2025-12-31T11:00:00Z"}).json()  # the same instant


def test_a_far_offset_filters_at_its_utc_instant(api: Any, adviser_a: Any, region_a: Any) -> None:
    from datetime import UTC

    from tests.contacts.factories import ContactFactory
    from tests.factories import EmployerFactory

    ContactFactory(
        employer=EmployerFactory(region=region_a), by=adviser_a, when=datetime(2025, 12, 31, 11, 0, 30, tzinfo=UTC)
    )
    client = api(adviser_a)
    count = lambda **params: client.get("/api/v1/contacts/", params).json()["count"]  # noqa: E731 -- reads as a table
    assert count(when_after=FAR_OFFSET) == count(when_after=UTC_BEFORE) == 1
    assert count(when_before=FAR_OFFSET) == count(when_before=UTC_BEFORE) == 0
    assert count(when_after=UTC_AFTER) == 0


def test_a_bound_beyond_what_python_holds_is_the_open_end_not_an_error(api: Any, adviser_a: Any) -> None:
    client = api(adviser_a)
    response = client.get("/api/v1/contacts/", {"when_before": "9999-12-31T23:59:00-15:00"})
    assert response.status_code == 200
    response = client.get("/api/v1/contacts/", {"when_after": "0001-01-01T00:00:00+10:00"})
    assert response.status_code == 200


def test_the_list_page_takes_the_far_offset(web: Any, adviser_a: Any) -> None:
    response = web(adviser_a).get(reverse("employers:list"), {"updated_since": FAR_OFFSET})

    assert response.status_code == 200
    assert "tijdzoneverschil" not in response.content.decode()


def test_the_export_takes_the_far_offset(web: Any, adviser_a: Any) -> None:
    response = web(adviser_a).get(reverse("employers:export"), {"updated_since": FAR_OFFSET})

    assert response.status_code == 200


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
