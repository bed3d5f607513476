"""Peer referral (issue 20): an employer referred by another of its region (and its contact
person), shown and counted on the referrer's page, filterable, kept through a merge."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import escape

from employers import archive, services
from employers.models import Employer
from employers.picker import employer_label
from tests.factories import ContactPersonFactory, EmployerFactory
from tests.quality.snapshot import nothing_changes

pytestmark = pytest.mark.django_db

EMPLOYERS = "/api/v1/employers/"


def test_a_referral_records_the_employer_and_person_and_sets_the_source(adviser_a: Any) -> None:
    ambassador = EmployerFactory(stage="ambassador")
    person = ContactPersonFactory(employer=ambassador)

    employer = services.employer_create(
        by=adviser_a, legal_name="Collega B.V.", referred_by=ambassador, referred_by_person=person
    )

    assert (employer.referred_by, employer.referred_by_person, employer.source) == (ambassador, person, "referral")
    assert list(ambassador.referrals.all()) == [employer]


def test_the_referrer_must_be_of_the_region_and_the_person_its_own(adviser_a: Any) -> None:
    ambassador, other = EmployerFactory(), EmployerFactory()
    foreign = EmployerFactory(region_id="AM13")
    stranger = ContactPersonFactory(employer=other)

    with nothing_changes():
        with pytest.raises(ValidationError) as region:
            services.employer_create(by=adviser_a, legal_name="X B.V.", referred_by=foreign)
        with pytest.raises(ValidationError) as person:
            services.employer_create(
                by=adviser_a,
                legal_name="X B.V.",
                referred_by=ambassador,
                referred_by_person=stranger,
            )
    assert list(region.value.message_dict) == ["referred_by"]
    assert list(person.value.message_dict) == ["referred_by_person"]
    employer = EmployerFactory()
    with pytest.raises(ValidationError):
        services.employer_update(employer=employer, by=adviser_a, referred_by=employer)


def test_the_referrers_page_counts_what_it_brought_in(adviser_a: Any, web: Callable) -> None:
    ambassador = EmployerFactory(legal_name="Ambassadeur B.V.", stage="ambassador")
    EmployerFactory(legal_name="Eerste B.V.", referred_by=ambassador, stage="active")
    EmployerFactory(legal_name="Tweede B.V.", referred_by=ambassador, stage="prospect")
    EmployerFactory(legal_name="Los B.V.")

    page = web(adviser_a).get(reverse("employers:detail", args=[ambassador.pk])).content.decode()

    assert "Brought in 2 employers" in page and "1 of them is open to our candidates or further" in page
    assert "Eerste B.V." in page and "Tweede B.V." in page and "Los B.V." not in page
    assert f"{reverse('employers:create')}?referred_by={ambassador.pk}" in page
    referred = web(adviser_a).get(reverse("employers:detail", args=[Employer.objects.get(legal_name="Eerste B.V.").pk]))
    assert "Ambassadeur B.V." in referred.content.decode()


def test_the_form_is_prefilled_from_the_referrers_page_and_saves(adviser_a: Any, web: Callable) -> None:
    ambassador = EmployerFactory(legal_name="Ambassadeur B.V.", place="Amsterdam")
    person = ContactPersonFactory(employer=ambassador, name="Els de Boer")
    client = web(adviser_a)

    form = client.get(reverse("employers:create"), {"referred_by": ambassador.pk}).content.decode()
    assert escape(employer_label(ambassador)) in form and "Els de Boer" in form  # the picker's label
    answer = client.post(
        reverse("employers:create"),
        {
            "legal_name": "Collega B.V.",
            "stage": "prospect",
            "referred_by": f"Ambassadeur B.V., Amsterdam #{ambassador.pk}",
            "referred_by_person": person.pk,
        },
    )

    assert answer.status_code == 302
    assert Employer.objects.get(legal_name="Collega B.V.").referred_by_person == person


def test_pages_and_api_treat_another_regions_referrer_as_not_found(
    adviser_a: Any, web: Callable, api: Callable
) -> None:
    foreign = EmployerFactory(region_id="AM13", legal_name="Geheim B.V.")
    client = web(adviser_a)
    api_client = api(adviser_a)

    with nothing_changes():
        page = client.post(
            reverse("employers:create"),
            {"legal_name": "Collega B.V.", "stage": "prospect", "referred_by": f"Geheim B.V. #{foreign.pk}"},
        )
        answer = api_client.post(EMPLOYERS, {"legal_name": "Collega B.V.", "referred_by": foreign.pk}, format="json")

    assert page.status_code == 400 and "referred_by" in page.context["form"].errors
    assert answer.status_code == 400 and "does not exist" in answer.json()["referred_by"][0]


def test_filter_by_referrer_and_merge_keeps_the_referrals(adviser_a: Any, api: Callable) -> None:
    ambassador, twin = EmployerFactory(), EmployerFactory()
    brought = EmployerFactory(referred_by=twin)

    found = api(adviser_a).get(EMPLOYERS, {"referred_by": twin.pk}).json()["results"]
    assert [e["id"] for e in found] == [brought.pk]
    archive.employer_merge(survivor=ambassador, merged=twin, by=adviser_a)

    brought.refresh_from_db()
    assert brought.referred_by == ambassador
