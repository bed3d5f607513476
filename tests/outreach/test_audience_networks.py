"""The audience of an invitation by named network and by tag (issue 20): the people of employers
in any of the chosen networks of the organiser's regions, or carrying any of the tags, once each;
another region's network is refused, another region's employer with the tag is not invited."""

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


def _tagged() -> tuple[Any, Any]:
    horeca = EmployerFactory(region_id="AM18", tags=["horeca", "techniek"])
    in_horeca = ContactPersonFactory(employer=horeca)
    ContactPersonFactory(employer=EmployerFactory(region_id="AM18", tags=["zorg"]))
    ContactPersonFactory(employer=EmployerFactory(region_id="AM13", tags=["horeca"]))  # another region
    return horeca, in_horeca


def test_the_audience_takes_the_people_of_employers_with_any_of_the_tags(adviser_a: Any) -> None:
    _horeca, in_horeca = _tagged()

    found = selectors.audience(
        event=EventFactory(), by=adviser_a, regions=[], stages=[], sbi_sections=[], tags=["horeca", "bakkerij"]
    )

    assert list(found.included) == [in_horeca]


def test_the_invite_page_and_api_filter_by_tag_as_employers_write_them(adviser_a: Any, web: Any, api: Any) -> None:
    from django.urls import reverse

    from outreach.models import Invitation

    _horeca, in_horeca = _tagged()
    event = EventFactory(region_id="AM18", owner=adviser_a)
    url = reverse("outreach:event-invite", args=[event.pk])

    preview = web(adviser_a).get(url, {"tags": " Horeca ,, ", "preview": "1"})
    counted = api(adviser_a).post(
        f"/api/v1/events/{event.pk}/invite/", {"tags": ["HORECA"], "dry_run": True}, format="json"
    )
    too_long = api(adviser_a).post(f"/api/v1/events/{event.pk}/invite/", {"tags": ["x" * 41]}, format="json")
    sent = web(adviser_a).post(url, {"tags": "horeca", "expected": "1"})

    assert preview.status_code == 200 and preview.context["count"] == 1
    assert counted.status_code == 200 and counted.json()["included"] == 1
    assert too_long.status_code == 400 and "tags" in too_long.json()
    assert sent.status_code == 302
    assert list(Invitation.objects.values_list("contact_person", flat=True)) == [in_horeca.pk]
