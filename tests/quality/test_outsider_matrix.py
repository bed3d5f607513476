"""The outsider matrix, generated from the URL conf and the API router.

Every route that takes an object id must be listed in ``COVERAGE`` (how to make an object of
region A, and who is an outsider to it) or in ``EXEMPT`` (with the reason). A new route
without either fails ``test_every_object_route_is_covered``; each covered route is then
requested by each outsider with every method, and must answer 404.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.quality.outsider_routes import COVERAGE, EXEMPT, OBJECT_KWARGS
from tests.quality.snapshot import nothing_changes


@dataclass(frozen=True)
class Route:
    name: str
    pattern: str
    kwargs: frozenset[str]


def _kwargs_of(pattern: Any) -> set[str]:
    regex = pattern.regex
    return set(regex.groupindex)


def iter_routes(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[Route]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from iter_routes(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern) and entry.name:
            kwargs = _kwargs_of(entry.pattern) - {"format"}
            yield Route(namespace + entry.name, prefix + str(entry.pattern), frozenset(kwargs))


def object_routes() -> dict[str, Route]:
    routes: dict[str, Route] = {}
    for route in iter_routes(get_resolver().url_patterns):
        if route.kwargs & OBJECT_KWARGS and not route.name.startswith("admin:"):
            routes.setdefault(route.name, route)
    return routes


def test_every_object_route_is_covered():
    uncovered = sorted(set(object_routes()) - set(COVERAGE) - set(EXEMPT))

    assert not uncovered, (
        "Routes that take an object id need an outsider test: add them to COVERAGE (or EXEMPT with a reason) "
        f"in tests/quality/outsider_routes.py: {uncovered}"
    )


def test_the_matrix_has_no_stale_entries():
    stale = sorted((set(COVERAGE) | set(EXEMPT)) - set(object_routes()))

    assert not stale, f"entries for routes that no longer exist: {stale}"


@pytest.mark.django_db
@pytest.mark.parametrize("route_name", sorted(COVERAGE))
def test_outsiders_get_404_on_every_method(route_name: str, cast: dict[str, Any], api: Callable, web: Callable):
    make, outsiders = COVERAGE[route_name]
    url = reverse(route_name, kwargs=make(cast))
    is_api = url.startswith("/api/")
    for outsider in outsiders:
        client = api(cast[outsider]) if is_api else web(cast[outsider])
        answers = {}
        for method in ("get", "post", "put", "patch", "delete"):
            with nothing_changes():  # an outsider's request writes nothing (no half-done change)
                answers[method] = getattr(client, method)(url).status_code
            # 405 is for a method the route does not serve at all, for anyone.
            assert answers[method] in (404, 405), (
                f"{outsider} {method.upper()} {url} -> {answers[method]}, expected 404"
            )
        assert 404 in answers.values(), f"{outsider}: {url} served no method with 404: {answers}"
