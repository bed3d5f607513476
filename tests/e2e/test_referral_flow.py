"""Issue 20 in a browser: an ambassador's referral link ("Kent u een collega-werkgever?") opens
the public interest form; what a colleague sends arrives as a prospect with ``referred_by``, an
adviser accepts it under "Nieuw in het netwerk", and the ambassador's page counts it, on a phone."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from crm.demo import REGION_A, seed_users
from employers.models import Employer
from tests.e2e.conftest import assert_accessible, login, shot
from tests.factories import ContactPersonFactory, EmployerFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_ambassadors_referral_link_brings_a_prospect_that_an_adviser_accepts(page, browser, live_server):
    users = seed_users()
    ambassador = EmployerFactory(region_id=REGION_A, stage="ambassador", legal_name="Bakkerij Het Anker")
    ContactPersonFactory(employer=ambassador, name="Joke Anker")

    login(page, "adviseur")
    page.goto(f"/employers/{ambassador.pk}/")
    link = page.locator("#colleague-link").input_value()
    assert link.startswith("http")

    # The colleague opens the link on a phone, without an account.
    phone = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844}, locale="nl-NL")
    visitor = phone.new_page()
    visitor.goto(urlsplit(link).path)
    assert visitor.get_by_text("Bakkerij Het Anker", exact=False).first.is_visible()
    visitor.locator("#id_organisation").fill("Fietsenmakerij De Collega")
    visitor.locator("#id_place").fill("Amsterdam")
    visitor.locator("#id_name").fill("Sanne Vos")
    visitor.locator("#id_email").fill("sanne@decollega.nl")
    visitor.locator("#id_message").fill("Wij zoeken iemand voor de werkplaats.")
    assert_accessible(visitor)
    assert visitor.evaluate("document.documentElement.scrollWidth") <= 390
    shot(visitor, "colleague-form-phone")
    visitor.get_by_role("button", name="Versturen").click()
    assert visitor.get_by_role("status").is_visible()
    phone.close()

    new = Employer.objects.get(legal_name="Fietsenmakerij De Collega")
    assert (new.stage, new.source, new.referred_by, new.awaiting_review) == ("prospect", "referral", ambassador, True)

    page.goto("/employers/review/")
    assert page.get_by_role("link", name="Fietsenmakerij De Collega").is_visible()
    assert "Bakkerij Het Anker" in page.content()  # who referred it, shown to the reviewer
    page.goto(f"/employers/review/{new.pk}/")
    page.locator("input[name=decision][value=accept]").check()
    page.locator("#id_owner").select_option(str(users["adviseur"].pk))  # type: ignore[attr-defined]
    page.locator("main form button.primary[type=submit]").click()
    page.wait_for_url(re.compile(r"/employers/review/$"))

    page.goto(f"/employers/{ambassador.pk}/")
    referrals = page.locator("section[aria-labelledby=referrals]")
    assert referrals.get_by_role("link", name="Fietsenmakerij De Collega").is_visible()
    assert "Bracht 1 werkgever aan" in referrals.inner_text()
    assert_accessible(page)
    shot(page, "ambassador-referrals")
    new.refresh_from_db()
    assert not new.awaiting_review and new.owner == users["adviseur"]
