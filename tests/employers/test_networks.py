"""Networks and tags (issue 20): named networks of a region, an employer in zero or more of its
own region's, free tags, and the list, export and API filtered by network, tag and source."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from crm.models import Region
from crm.roles import Role
from employers import services, services_networks
from employers.models import Employer, Network
from tests.conftest import membership
from tests.factories import EmployerFactory, NetworkFactory
from tests.quality.snapshot import nothing_changes

pytestmark = pytest.mark.django_db

EMPLOYERS = "/api/v1/employers/"


def test_tags_are_normalised_and_limited() -> None:
    assert services_networks.normalise_tags(" Horeca, techniek ,horeca,, ") == ["horeca", "techniek"]
    assert services_networks.normalise_tags(["Zorg  en welzijn"]) == ["zorg en welzijn"]
    with pytest.raises(ValidationError):
        services_networks.normalise_tags(["x" * 41])
    with pytest.raises(ValidationError):
        services_networks.normalise_tags([f"t{n}" for n in range(21)])


def test_an_employer_joins_its_regions_networks_and_carries_tags(adviser_a: Any) -> None:
    club = NetworkFactory(name="Inclusief Ondernemen Amsterdam")

    employer = services.employer_create(
        by=adviser_a, legal_name="Fietsmakerij B.V.", networks=[club], tags="Techniek, Horeca"
    )

    assert list(employer.networks.all()) == [club] and employer.tags == ["horeca", "techniek"]
    employer = services.employer_update(employer=employer, by=adviser_a, networks=[], tags=["zorg"])
    assert employer.networks.count() == 0 and Employer.objects.get(pk=employer.pk).tags == ["zorg"]


def test_a_network_of_another_region_cannot_be_attached_even_by_who_writes_both(adviser_a: Any) -> None:
    membership(adviser_a, Role.ADVISER, Region.objects.get(code="AM13"))
    utrecht = NetworkFactory(region_id="AM13")
    employer = EmployerFactory(region_id="AM18")

    with nothing_changes():
        with pytest.raises(ValidationError) as create:
            services.employer_create(by=adviser_a, legal_name="X B.V.", region=employer.region, networks=[utrecht])
        with pytest.raises(ValidationError) as update:
            services.employer_update(employer=employer, by=adviser_a, networks=[utrecht])

    assert create.value.message_dict == {"networks": ["An employer joins only networks of its own region."]}
    assert list(update.value.message_dict) == ["networks"]


def test_moving_an_employer_to_another_region_leaves_the_old_regions_networks(adviser_a: Any) -> None:
    membership(adviser_a, Role.ADVISER, Region.objects.get(code="AM13"))
    employer = EmployerFactory(region_id="AM18", kvk_number="")
    employer.networks.add(NetworkFactory())

    services.employer_update(employer=employer, by=adviser_a, region=Region.objects.get(code="AM13"))

    assert employer.networks.count() == 0


def test_api_refuses_another_regions_network_as_not_existing(adviser_a: Any, api: Callable) -> None:
    employer = EmployerFactory()
    foreign = NetworkFactory(region_id="AM13")
    client = api(adviser_a)

    with nothing_changes():
        answer = client.patch(f"{EMPLOYERS}{employer.pk}/", {"networks": [foreign.pk]}, format="json")

    assert answer.status_code == 400 and "does not exist" in answer.json()["networks"][0]


def test_list_api_and_export_filter_by_network_tag_and_source(adviser_a: Any, web: Callable, api: Callable) -> None:
    club, platform = NetworkFactory(name="Club"), NetworkFactory(name="Platform")
    both = EmployerFactory(legal_name="In beide B.V.", tags=["horeca"], source="network")
    both.networks.add(club, platform)
    one = EmployerFactory(legal_name="Alleen club B.V.", source="guide")
    one.networks.add(club)
    EmployerFactory(legal_name="Nergens B.V.", tags=["horeca", "zorg"], source="guide")

    def names(params: dict[str, Any]) -> list[str]:
        return sorted(e["legal_name"] for e in api(adviser_a).get(EMPLOYERS, params).json()["results"])

    assert names({"network": [club.pk, platform.pk]}) == ["Alleen club B.V.", "In beide B.V."]  # one row each
    assert names({"network": platform.pk}) == ["In beide B.V."]
    assert names({"tag": "Horeca"}) == ["In beide B.V.", "Nergens B.V."]
    assert names({"source": "guide"}) == ["Alleen club B.V.", "Nergens B.V."]
    assert names({"source": "guide", "network": club.pk}) == ["Alleen club B.V."]
    page = web(adviser_a).get(reverse("employers:list"), {"network": platform.pk}).content.decode()
    assert "In beide B.V." in page and "Alleen club B.V." not in page
    export = web(adviser_a).get(reverse("employers:export"), {"tag": "zorg"})
    assert export["X-Row-Count"] == "1"
    export = web(adviser_a).get(reverse("employers:export"), {"network": platform.pk})
    header, row = b"".join(export.streaming_content).decode("utf-8-sig").splitlines()
    cells = dict(zip(header.split(";"), row.split(";"), strict=True))
    assert (cells["Networks"], cells["Tags"]) == ("Club, Platform", "horeca")


def test_filtering_by_another_regions_network_is_refused(adviser_a: Any, api: Callable) -> None:
    foreign = NetworkFactory(region_id="AM13")

    answer = api(adviser_a).get(EMPLOYERS, {"network": foreign.pk})

    assert answer.status_code == 400


def test_network_pages_add_rename_and_count(adviser_a: Any, guide_a: Any, adviser_b: Any, web: Callable) -> None:
    client = web(adviser_a)
    assert client.post(reverse("employers:networks"), {"region": "AM18", "name": "Ondernemers Oost"}).status_code == 302
    network = Network.objects.get(name="Ondernemers Oost")
    again = client.post(reverse("employers:networks"), {"region": "AM18", "name": "ondernemers oost"})
    assert again.status_code == 400 and "already has a network with this name" in again.content.decode()
    EmployerFactory().networks.add(network)

    page = web(guide_a).get(reverse("employers:networks")).content.decode()
    assert "Ondernemers Oost" in page and f"?network={network.pk}" in page and "Add a network" not in page
    assert web(guide_a).post(reverse("employers:network-edit", args=[network.pk]), {"name": "X"}).status_code == 403
    client = web(adviser_a)  # the one test client, signed in as the adviser again
    answer = client.post(reverse("employers:network-edit", args=[network.pk]), {"name": "Ondernemers Oost-Amsterdam"})
    assert answer.status_code == 302
    network.refresh_from_db()
    assert network.name == "Ondernemers Oost-Amsterdam"
    assert "Ondernemers Oost" not in web(adviser_b).get(reverse("employers:networks")).content.decode()


def test_employer_form_sets_networks_and_tags(adviser_a: Any, web: Callable) -> None:
    club = NetworkFactory(name="Club Noord")
    employer = EmployerFactory(legal_name="Formulier B.V.")

    answer = web(adviser_a).post(
        reverse("employers:edit", args=[employer.pk]),
        {"legal_name": "Formulier B.V.", "region": "AM18", "networks": [club.pk], "tags": "Techniek, zorg"},
    )

    assert answer.status_code == 302
    employer.refresh_from_db()
    assert list(employer.networks.all()) == [club] and employer.tags == ["techniek", "zorg"]
    page = web(adviser_a).get(reverse("employers:detail", args=[employer.pk])).content.decode()
    assert "Club Noord" in page and "?tag=techniek" in page


def test_merging_keeps_the_networks_and_tags_of_both(adviser_a: Any) -> None:
    from employers import archive

    club, platform = NetworkFactory(), NetworkFactory()
    survivor, merged = EmployerFactory(tags=["a"]), EmployerFactory(tags=["b"])
    survivor.networks.add(club)
    merged.networks.add(platform)

    kept = archive.employer_merge(survivor=survivor, merged=merged, by=adviser_a)

    assert kept.tags == ["a", "b"] and set(kept.networks.all()) == {club, platform}
