"""Issue 20 in a browser: a trajectory guide adds an employer they know; an adviser of the region
finds it under "Nieuw in het netwerk" and accepts it, as its owner."""

from __future__ import annotations

import re

import pytest

from crm.demo import seed_users
from employers.models import Employer
from tests.e2e.conftest import assert_accessible, login, shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_guide_adds_an_employer_and_an_adviser_accepts_it(page):
    users = seed_users()
    login(page, "begeleider")

    page.goto("/employers/new/")
    page.locator("#id_legal_name").fill("Fietsenmakerij De Spaak")
    page.locator("#id_place").fill("Amsterdam")
    page.locator("#id_contact_name").fill("Ilse Bakker")
    page.locator("#id_contact_email").fill("ilse@despaak.nl")
    assert_accessible(page)
    shot(page, "guide-adds-employer")
    page.locator("main form button.primary[type=submit]").click()
    page.wait_for_url(re.compile(r"/employers/\d+/$"))
    employer = Employer.objects.get(legal_name="Fietsenmakerij De Spaak")
    assert employer.awaiting_review and employer.source == "guide"

    page.context.clear_cookies()
    login(page, "adviseur")
    page.goto("/employers/review/")
    assert page.get_by_role("link", name="Fietsenmakerij De Spaak").is_visible()
    assert_accessible(page)
    page.goto(f"/employers/review/{employer.pk}/")
    page.locator("input[name=decision][value=accept]").check()
    page.locator("#id_owner").select_option(str(users["adviseur"].pk))  # type: ignore[attr-defined]
    assert_accessible(page)
    shot(page, "adviser-reviews-employer")
    page.locator("main form button.primary[type=submit]").click()
    page.wait_for_url(re.compile(r"/employers/review/$"))

    employer.refresh_from_db()
    assert not employer.awaiting_review and employer.owner == users["adviseur"]


def test_a_national_employer_shared_by_two_regions_shows_each_its_own_contacts_and_the_shared_ones(page):
    """Utrecht finds Amsterdam's employer by its KvK number, asks to join, Amsterdam's owner
    accepts; each region then sees both regions' contact persons, badged, and changes its own."""
    from employers.services_parts import contact_person_create
    from tests.factories import EmployerFactory

    users = seed_users()
    employer = EmployerFactory(
        region_id="AM18", owner=users["adviseur"], kvk_number="44556677", legal_name="Keten B.V."
    )
    contact_person_create(employer=employer, by=users["adviseur"], name="Anna Amsterdam")

    login(page, "adviseur-utrecht")
    page.goto("/employers/new/")
    page.locator("#id_legal_name").fill("Keten Utrecht")
    page.locator("#id_kvk_number").fill("44556677")
    page.locator("#id_region").select_option("AM13")
    page.locator("main form button.primary[type=submit]").click()
    page.get_by_role("link", name="Verzoek om deel te nemen", exact=True).click()
    page.locator("#id_note").fill("Drie filialen in Utrecht")
    assert_accessible(page)
    page.locator("main form button.primary[type=submit]").click()
    page.wait_for_url(re.compile(r"/employers/shares/$"))

    page.context.clear_cookies()
    login(page, "adviseur")
    page.goto("/employers/shares/")
    assert page.get_by_text("Drie filialen in Utrecht").is_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Accepteren").click()
    page.wait_for_url(re.compile(r"/employers/shares/$"))

    page.context.clear_cookies()
    login(page, "adviseur-utrecht")
    page.goto(f"/employers/{employer.pk}/contact-persons/new/")
    page.locator("#id_name").fill("Bart Utrecht")
    page.locator("main form button.primary[type=submit]").click()
    page.wait_for_url(re.compile(rf"/employers/{employer.pk}/$"))
    people = page.locator("section[aria-labelledby=people]")
    assert "Anna Amsterdam" in people.inner_text() and "Bart Utrecht" in people.inner_text()
    assert people.locator("tr", has_text="Bart Utrecht").get_by_text("Midden-Utrecht").is_visible()
    assert people.locator("tr", has_text="Anna Amsterdam").get_by_role("link", name=re.compile("Wijzigen")).count() == 0
    assert_accessible(page)
    shot(page, "national-employer-participant")

    page.context.clear_cookies()
    login(page, "adviseur")
    page.goto(f"/employers/{employer.pk}/")
    people = page.locator("section[aria-labelledby=people]")
    assert "Anna Amsterdam" in people.inner_text() and "Bart Utrecht" in people.inner_text()
    assert people.locator("tr", has_text="Anna Amsterdam").get_by_role("link", name=re.compile("Wijzigen")).count() == 1
