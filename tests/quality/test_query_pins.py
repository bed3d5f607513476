"""Query counts pinned on every GET route, generated from the URL conf (as the outsider matrix).

Every named route (the admin's aside) must be in ``PINS`` (the queries its GET runs, by name),
``NO_GET`` (it serves no GET: checked to answer 405) or ``EXEMPT`` (with the reason), in
tests/quality/query_pins.py. Each pin is measured with 1 and with 6 rows of what the page lists,
after one warm-up request (caches of roles and translations are then as within a session), so a
query per row (N+1) fails as one more query with the same name.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import get_resolver, reverse

from tests.quality.query_pins import EXEMPT, NO_GET, PINS, QUERY, describe
from tests.quality.test_outsider_matrix import iter_routes


def _routes() -> set[str]:
    return {r.name for r in iter_routes(get_resolver().url_patterns) if not r.name.startswith("admin:")}


def test_every_route_has_a_query_pin():
    unpinned = sorted(_routes() - set(PINS) - set(NO_GET) - set(EXEMPT))

    assert not unpinned, (
        "Routes without a query-count pin: add them to PINS (or NO_GET, or EXEMPT with a reason) "
        f"in tests/quality/query_pins.py: {unpinned}"
    )


def test_the_pins_have_no_stale_or_double_entries():
    entries = [*PINS, *NO_GET, *EXEMPT]

    assert not sorted(set(entries) - _routes()), "pins for routes that no longer exist"
    assert len(entries) == len(set(entries)), "a route in more than one of PINS, NO_GET and EXEMPT"


def _get(route: str, who: str | None, kwargs: dict[str, Any], cast: dict[str, Any], api: Callable) -> Callable:
    query = kwargs.pop(QUERY, "")
    url = reverse(route, kwargs=kwargs) + (f"?{query}" if query else "")
    if url.startswith("/api/"):
        client = api(cast[who] if who else None)
    else:
        client = Client()
        if who:
            client.force_login(cast[who], backend="django.contrib.auth.backends.ModelBackend")
    return lambda: client.get(url)


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [1, 6])
@pytest.mark.parametrize("route", sorted(PINS))
def test_query_count_is_pinned(route: str, rows: int, cast: dict[str, Any], api: Callable) -> None:
    pin = PINS[route]
    get = _get(route, pin.who, pin.make(cast, rows), cast, api)
    assert get().status_code == pin.status  # the warm-up request

    with CaptureQueriesContext(connection) as queries:
        response = get()

    assert response.status_code == pin.status
    ran = [describe(q["sql"]) for q in queries.captured_queries]
    sql = "\n".join(f"  {describe(q['sql'])}: {q['sql'][:300]}" for q in queries.captured_queries)
    assert Counter(ran) == Counter(pin.queries), (
        f"{route} with {rows} rows ran {len(ran)} queries, pinned {len(pin.queries)}; "
        f"more: {sorted((Counter(ran) - Counter(pin.queries)).elements())}, "
        f"fewer: {sorted((Counter(pin.queries) - Counter(ran)).elements())}\n{sql}"
    )


@pytest.mark.django_db
@pytest.mark.parametrize("route", sorted(NO_GET))
def test_routes_without_get_answer_405(route: str, cast: dict[str, Any], api: Callable) -> None:
    who, make = NO_GET[route]

    assert _get(route, who, make(cast, 1), cast, api)().status_code == 405
