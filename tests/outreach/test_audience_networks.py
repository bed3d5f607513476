"""The audience of an invitation by named network (issue 20): the people of employers in any of
the chosen networks of the organiser's regions, once each; another region's network is refused."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from outreach import selectors_staff as selectors
from tests.factories import ContactPersonFactory, EmployerFactory, NetworkFactory
from tests.outreach.factories import EventFactory

pytestmark = pytest.mark.django_db


def test_the_audience_takes_the_people_of_the_chosen_networks_once(adviser_a: Any) -> None:
    club, platform = NetworkFactory(), NetworkFactory()
    both = EmployerFactory()
    both.networks.add(club, platform)
    in_both = ContactPersonFactory(employer=both)
    only_club = EmployerFactory()
    only_club.networks.add(club)
    in_club = ContactPersonFactory(employer=only_club)
    ContactPersonFactory(employer=EmployerFactory())  # in no network

    found = selectors.audience(
        event=EventFactory(), by=adviser_a, regions=[], stages=[], sbi_sections=[], networks=[club.pk, platform.pk]
    )

    assert sorted(found.included.values_list("pk", flat=True)) == sorted([in_both.pk, in_club.pk])
    narrowed = selectors.audience(
        event=EventFactory(), by=adviser_a, regions=[], stages=["open"], sbi_sections=[], networks=[platform.pk]
    )
    assert list(narrowed.included) == [in_both]


def test_the_api_refuses_another_regions_network(adviser_a: Any, api: Callable) -> None:
    event = EventFactory(owner=adviser_a)
    foreign = NetworkFactory(region_id="AM13")

    answer = api(adviser_a).post(
        f"/api/v1/events/{event.pk}/invite/", {"networks": [foreign.pk], "dry_run": True}, format="json"
    )

    assert answer.status_code == 400 and "networks" in answer.json()
