"""The write matrix (issue 13), generated from the URL conf and the API router like the outsider
matrix: every route that serves POST, PUT or PATCH is in ``write_routes.CASES`` (once per field
that takes an id of region data) or in ``BODY_FREE`` (with the reason), so a new write route
without either fails ``test_every_write_route_is_covered``.

For each case, each cast member submits a request that is valid except for one id, which comes
from the other region (and, where matching is concerned, is also a do-not-contact employer of
the member's own region): the answer is 400 or 404 (403 for a member who may not write the route
at all), and no table changed. The same request with the member's own id must succeed (the
control), so a refusal is the foreign id's doing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from copy import copy
from types import SimpleNamespace
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from outreach.models import PoolSpeaker
from tests.candidates.factories import CandidateFactory, MatchFactory
from tests.contacts.factories import ContactFactory
from tests.factories import ContactPersonFactory, EmployerFactory, NetworkFactory, OpeningFactory
from tests.outreach.factories import EventFactory, InvitationFactory
from tests.quality.snapshot import changes, snapshot
from tests.quality.write_routes import BODY_FREE, CASES, Case

WRITE_METHODS = ("post", "put", "patch")


def _write_routes(patterns: list[Any], namespace: str = "") -> Iterator[str]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _write_routes(
                entry.url_patterns, f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            )
        elif (
            isinstance(entry, URLPattern)
            and entry.name
            and not (namespace + entry.name).startswith("admin:")
            and _serves_writes(entry.callback)
        ):
            yield namespace + entry.name


def _serves_writes(view: Any) -> bool:
    """DRF viewset actions and class-based views say which methods they serve; a function view
    cannot be asked, so it counts as a write route until listed."""
    if hasattr(view, "actions"):
        return bool(set(view.actions) & set(WRITE_METHODS))
    if hasattr(view, "view_class"):
        cls = view.view_class
        return any(hasattr(cls, m) and m in cls.http_method_names for m in WRITE_METHODS)
    return True


def write_routes() -> set[str]:
    return set(_write_routes(get_resolver().url_patterns))


def test_every_write_route_is_covered() -> None:
    uncovered = sorted(write_routes() - {case.route for case in CASES} - set(BODY_FREE))

    assert not uncovered, (
        "Write routes need a write-matrix case per field that takes an id of region data "
        f"(tests/quality/write_routes.py CASES), or a BODY_FREE entry saying why none: {uncovered}"
    )


def test_the_write_matrix_has_no_stale_entries() -> None:
    stale = sorted(({case.route for case in CASES} | set(BODY_FREE)) - write_routes())

    assert not stale, f"write-matrix entries for routes that no longer exist or take no writes: {stale}"


# --- The world: one of everything in each region --------------------------------------------


def _region(code: str, postcode: str, place: str, adviser: Any, guide: Any) -> SimpleNamespace:
    employer = EmployerFactory(region_id=code, postcode=postcode, place=place, owner=adviser)
    matched = EmployerFactory(region_id=code, postcode=postcode, place=place, owner=adviser)
    candidate = CandidateFactory(guide=guide, region_id=code, pc4=postcode[:4], max_travel_km=15)
    event = EventFactory(region_id=code, owner=adviser)
    attendee = ContactPersonFactory(employer=employer)
    world = SimpleNamespace(
        region=code,
        adviser=adviser,
        employer=employer,
        network=NetworkFactory(region_id=code),
        person=ContactPersonFactory(employer=employer),
        walk_in=ContactPersonFactory(employer=employer),
        opening=OpeningFactory(employer=employer),
        contact=ContactFactory(employer=employer, by=adviser),
        event=event,
        held=event,
        held_invitation=InvitationFactory(event=event, contact_person=attendee),
        earlier=EventFactory(region_id=code, owner=adviser, state="held"),
        candidate=candidate,
        matched_employer=matched,
        matched_opening=OpeningFactory(employer=matched),
        match=MatchFactory(candidate=candidate, employer=matched),
        # Not listed for other regions: another region's organiser cannot pick or name it.
        pool_speaker=PoolSpeaker.objects.create(region_id=code, kind="researcher", name=f"Dr. {place}"),
    )
    world.contact_of = lambda user: ContactFactory(employer=employer, by=user)
    return world


def _blocked(world: SimpleNamespace) -> SimpleNamespace:
    """The member's own region, but every employer a matching write could name is do-not-contact."""
    blocked = copy(world)
    blocked.employer = EmployerFactory(region_id=world.region, postcode=world.employer.postcode, do_not_contact=True)
    was_matched = EmployerFactory(region_id=world.region, postcode=world.employer.postcode)
    MatchFactory(candidate=world.candidate, employer=was_matched)
    was_matched.do_not_contact = True
    was_matched.save()
    blocked.matched_employer = was_matched
    return blocked


@pytest.fixture
def worlds(cast: dict[str, Any]) -> dict[str, SimpleNamespace]:
    return {
        "AM18": _region("AM18", "1012 AB", "Amsterdam", cast["adviser_a"], cast["guide_a"]),
        "AM13": _region("AM13", "3511 AA", "Utrecht", cast["adviser_b"], cast["guide_b"]),
    }


HOME = {"adviser_a": "AM18", "coordinator_a": "AM18", "guide_a": "AM18", "adviser_b": "AM13", "guide_b": "AM13"}


def _send(client: Any, url: str, method: str, body: dict[str, Any]) -> Any:
    if url.startswith("/api/"):
        return getattr(client, method)(url, body, format="json")
    return client.post(url, body)


def _method(case: Case) -> str:
    return "patch" if case.route.endswith("-detail") else "post"


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.route}.{c.field}")
def test_a_foreign_id_changes_nothing(
    case: Case, cast: dict[str, Any], worlds: dict[str, SimpleNamespace], api: Callable, web: Callable
) -> None:
    for who, user in cast.items():
        home = HOME.get(who, "AM18")
        own, other = worlds[home], worlds["AM13" if home == "AM18" else "AM18"]
        variants = [("another region", other)]
        if case.matching and who in case.writers:
            variants.append(("do-not-contact", _blocked(own)))
        for label, foreign in variants:
            kwargs, body = case.build(own, foreign, user)
            url = reverse(case.route, kwargs=kwargs)
            client = api(user) if url.startswith("/api/") else web(user)
            before = snapshot()  # every table's rows, not only the counts of the ones a route names
            answer = _send(client, url, _method(case), body)
            allowed = (400, 404) if who in case.writers else (400, 403, 404)
            assert answer.status_code in allowed, (
                f"{who} {url} with {case.field} of {label}: {answer.status_code} {answer.content[:300]!r}"
            )
            changed = changes(before, snapshot())
            assert not changed, f"{who} {url} with {case.field} of {label} changed {changed}"


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.route}.{c.field}")
def test_the_same_request_with_an_own_id_succeeds(
    case: Case, cast: dict[str, Any], worlds: dict[str, SimpleNamespace], api: Callable, web: Callable
) -> None:
    who = case.writers[0]
    own = worlds[HOME[who]]
    kwargs, body = case.build(own, own, cast[who])
    url = reverse(case.route, kwargs=kwargs)
    client = api(cast[who]) if url.startswith("/api/") else web(cast[who])

    answer = _send(client, url, _method(case), body)

    assert answer.status_code in case.control_status, f"{who} {url}: {answer.status_code} {answer.content[:400]!r}"
