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
