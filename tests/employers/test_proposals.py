"""Guides add to the network (issue 20): a trajectory guide's own employer contacts, checked for
duplicates, waiting in "new in the network" for the region's advisers to accept, merge or reject."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from crm.models import AuditEntry, Region
from employers import proposals
from employers.models import ContactPerson, Employer
from tests.factories import ContactPersonFactory, EmployerFactory
from tests.quality.snapshot import nothing_changes

pytestmark = pytest.mark.django_db

EMPLOYERS = "/api/v1/employers/"


def _propose(guide: Any, **fields: Any) -> Employer:
    return proposals.employer_propose(by=guide, **{"legal_name": "Fietsmakerij Oost B.V.", **fields})


def test_a_guide_adds_an_employer_for_review_with_its_contact_person(guide_a: Any, adviser_a: Any) -> None:
    employer = _propose(
        guide_a,
        postcode="1091ab",
        place="Amsterdam",
        stage="interested",
        owner=adviser_a,
        contact_person={"name": "Ilse Bakker", "email": "ilse@fietsmakerij.nl"},
    )

    assert (employer.region_id, employer.stage, employer.source) == ("AM18", "interested", "guide")
    assert employer.added_by == guide_a and employer.awaiting_review and employer.owner == adviser_a
    assert employer.postcode == "1091 AB"
    assert list(employer.contact_persons.values_list("name", flat=True)) == ["Ilse Bakker"]
    assert AuditEntry.objects.filter(action="employers.employer.proposed", actor=guide_a).count() == 1
    assert list(proposals.awaiting_review(adviser_a)) == [employer]


def test_a_guide_adds_only_prospects_and_interested_and_no_other_fields(guide_a: Any) -> None:
    with nothing_changes():
        with pytest.raises(ValidationError) as stage:
            _propose(guide_a, stage="ambassador")
        with pytest.raises(ValidationError) as field:
            _propose(guide_a, do_not_contact=True)

    assert "stage" in stage.value.message_dict
    assert "do_not_contact" in field.value.message_dict


def test_a_guide_cannot_add_to_another_region_nor_name_its_adviser(guide_a: Any, adviser_b: Any) -> None:
    with nothing_changes():
        with pytest.raises(ValidationError) as region:
            _propose(guide_a, region=Region.objects.get(code="AM13"))
        with pytest.raises(ValidationError) as owner:
            _propose(guide_a, owner=adviser_b)

    assert region.value.message_dict == {"region": ["You can only add employers to your own regions."]}
    assert list(owner.value.message_dict) == ["owner"]


@pytest.mark.parametrize(
    ("existing", "proposal"),
    [
        ({"kvk_number": "12345678"}, {"kvk_number": "12345678"}),
        ({"legal_name": "Fietsmakerij Oost B.V.", "postcode": "1091 AB"}, {"postcode": "1091 AB"}),
        ({"trade_name": "Fietsmakerij Oost B.V.", "place": "Amsterdam", "postcode": ""}, {"place": "amsterdam"}),
        ({"website": "https://www.fietsmakerij.nl"}, {"contact_person": {"name": "I", "email": "i@fietsmakerij.nl"}}),
    ],
    ids=["kvk", "name-postcode", "name-place", "mail-domain"],
)
def test_a_duplicate_in_the_region_points_to_the_existing_employer(
    guide_a: Any, existing: dict[str, Any], proposal: dict[str, Any]
) -> None:
    there = EmployerFactory(**{"legal_name": "Iets Anders B.V.", **existing})

    with nothing_changes(), pytest.raises(ValidationError) as error:
        _propose(guide_a, **proposal)

    assert reverse("employers:detail", args=[there.pk]) in str(error.value)
    assert error.value.existing == there  # type: ignore[attr-defined]


def test_a_contact_persons_mail_domain_finds_the_employer(guide_a: Any) -> None:
    there = EmployerFactory(legal_name="Bakkerij Vermeulen B.V.")
    ContactPersonFactory(employer=there, email="jan@vermeulen-bakkers.nl")

    with pytest.raises(ValidationError) as error:
        _propose(guide_a, legal_name="Vermeulen", contact_person={"name": "Els", "email": "els@vermeulen-bakkers.nl"})

    assert error.value.existing == there  # type: ignore[attr-defined]


def test_a_duplicate_in_another_region_says_only_where(guide_a: Any) -> None:
    EmployerFactory(region_id="AM13", legal_name="Geheim B.V.", kvk_number="87654321")

    with pytest.raises(ValidationError) as error:
        _propose(guide_a, kvk_number="87654321")

    assert "already exists in region Midden-Utrecht" in str(error.value) and "Geheim" not in str(error.value)


def test_guide_page_adds_and_the_adviser_accepts_with_an_owner(guide_a: Any, adviser_a: Any, web: Callable) -> None:
    page = web(guide_a).post(
        reverse("employers:create"),
        {"legal_name": "Groenbedrijf B.V.", "stage": "prospect", "contact_name": "Mo", "contact_email": "mo@groen.nl"},
    )
    employer = Employer.objects.get(legal_name="Groenbedrijf B.V.")
    assert page.status_code == 302 and employer.awaiting_review and employer.contact_persons.count() == 1

    client = web(adviser_a)
    assert "Groenbedrijf B.V." in client.get(reverse("employers:review")).content.decode()
    answer = client.post(
        reverse("employers:review-decide", args=[employer.pk]), {"decision": "accept", "owner": adviser_a.pk}
    )

    employer.refresh_from_db()
    assert answer.status_code == 302 and not employer.awaiting_review and employer.owner == adviser_a
    assert (
        reverse("employers:review-decide", args=[employer.pk])
        not in client.get(reverse("employers:review")).content.decode()
    )


def test_guide_page_shows_field_errors(guide_a: Any, web: Callable) -> None:
    client = web(guide_a)
    with nothing_changes():
        answer = client.post(reverse("employers:create"), {"legal_name": "X", "stage": "prospect", "region": "AM13"})

    assert answer.status_code == 400
    assert "region" in answer.context["form"].errors


def test_the_adviser_merges_it_into_the_existing_employer(guide_a: Any, adviser_a: Any, web: Callable) -> None:
    # Same name, but no postcode or place given: not refused, offered as the likely duplicate.
    existing = EmployerFactory(legal_name="Groenbedrijf Noord", place="Zaandam")
    employer = _propose(guide_a, legal_name="Groenbedrijf Noord", contact_person={"name": "Mo"})

    page = web(adviser_a).get(reverse("employers:review-decide", args=[employer.pk])).content.decode()
    assert f'name="other" value="{existing.pk}"' in page
    answer = web(adviser_a).post(
        reverse("employers:review-decide", args=[employer.pk]), {"decision": "merge", "other": existing.pk}
    )

    assert answer.status_code == 302
    assert not Employer.objects.filter(pk=employer.pk).exists()
    assert ContactPerson.objects.get(name="Mo").employer == existing


def test_the_adviser_rejects_it_and_it_is_archived(guide_a: Any, adviser_a: Any) -> None:
    employer = _propose(guide_a)

    employer = proposals.employer_review(employer=employer, by=adviser_a, decision="reject")

    assert employer.is_archived and not employer.awaiting_review
    with pytest.raises(ValidationError):
        proposals.employer_review(employer=employer, by=adviser_a, decision="accept")


def test_review_pages_are_for_the_regions_writers_only(guide_a: Any, adviser_b: Any, web: Callable) -> None:
    employer = _propose(guide_a)

    assert web(guide_a).get(reverse("employers:review")).status_code == 404
    assert web(guide_a).get(reverse("employers:review-decide", args=[employer.pk])).status_code == 404
    assert web(adviser_b).get(reverse("employers:review-decide", args=[employer.pk])).status_code == 404
    client = web(adviser_b)
    with nothing_changes():
        merge = client.post(reverse("employers:review-decide", args=[employer.pk]), {"decision": "reject"})
    assert merge.status_code == 404


def test_merging_into_another_regions_employer_is_a_404(guide_a: Any, adviser_a: Any, web: Callable) -> None:
    employer = _propose(guide_a)
    foreign = EmployerFactory(region_id="AM13")

    client = web(adviser_a)
    with nothing_changes():
        answer = client.post(
            reverse("employers:review-decide", args=[employer.pk]), {"decision": "merge", "other": foreign.pk}
        )

    assert answer.status_code == 404


def test_api_guide_creates_for_review_and_a_foreign_region_is_400(guide_a: Any, api: Callable) -> None:
    client = api(guide_a)

    with nothing_changes():
        foreign = client.post(EMPLOYERS, {"legal_name": "Elders B.V.", "region": "AM13"}, format="json")
    created = client.post(EMPLOYERS, {"legal_name": "Hier B.V.", "stage": "interested"}, format="json")

    assert foreign.status_code == 400 and foreign.json() == {
        "region": ["You can only add employers to your own regions."]
    }
    assert created.status_code == 201
    body = created.json()
    assert (body["source"], body["stage"], body["region"], body["added_by"]) == (
        "guide",
        "interested",
        "AM18",
        guide_a.pk,
    )
    assert body["review_requested_at"] is not None


def test_the_pages_speak_dutch_in_the_u_form(guide_a: Any, adviser_a: Any, web: Callable) -> None:
    from django.conf import settings

    _propose(guide_a)
    client = web(adviser_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"

    page = client.get(reverse("employers:review")).content.decode()
    form = web(guide_a).get(reverse("employers:create")).content.decode()

    assert "Nieuw in het netwerk" in page and "wijs deze af" in page
    assert "Een werkgever toevoegen die u kent" in form and "uw regio" in form
    assert " je " not in form and " jouw " not in form


def test_a_guide_records_networks_tags_and_the_referrer(guide_a: Any, adviser_a: Any, web: Callable) -> None:
    from tests.factories import NetworkFactory

    club, referrer = NetworkFactory(name="Club Oost"), EmployerFactory(legal_name="Ambassadeur B.V.")
    person = ContactPersonFactory(employer=referrer)
    page = web(guide_a).post(
        reverse("employers:create"),
        {"legal_name": "Doorverwezen B.V.", "stage": "prospect", "networks": [club.pk], "tags": "Horeca, techniek",
         "referred_by": f"Ambassadeur B.V. #{referrer.pk}", "referred_by_person": person.pk},
    )  # fmt: skip

    employer = Employer.objects.get(legal_name="Doorverwezen B.V.")
    assert page.status_code == 302 and employer.awaiting_review and employer.source == "guide"
    assert list(employer.networks.all()) == [club] and employer.tags == ["horeca", "techniek"]
    assert (employer.referred_by, employer.referred_by_person) == (referrer, person)


def test_api_guide_sets_networks_tags_and_referrer_but_not_another_regions(guide_a: Any, api: Callable) -> None:
    from tests.factories import NetworkFactory

    club, foreign = NetworkFactory(), NetworkFactory(region_id="AM13")
    referrer = EmployerFactory()
    client = api(guide_a)

    with nothing_changes():
        refused = client.post(EMPLOYERS, {"legal_name": "Elders B.V.", "networks": [foreign.pk]}, format="json")
    created = client.post(
        EMPLOYERS,
        {"legal_name": "Hier B.V.", "networks": [club.pk], "tags": ["Zorg"], "referred_by": referrer.pk},
        format="json",
    )

    assert refused.status_code == 400 and "networks" in refused.json()
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["networks"], body["tags"], body["referred_by"], body["source"]) == (
        [club.pk],
        ["zorg"],
        referrer.pk,
        "guide",
    )
