"""IPS guide: link a visit to their own candidate on the candidate's page, then read their own
IPS figures (caseload, contacts for a candidate, first contact) with axe finding nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from candidates.models import CandidateContact, Trajectory
from crm.demo import seed_users
from tests.candidates.factories import CandidateFactory
from tests.contacts.factories import ContactFactory
from tests.e2e.conftest import assert_accessible, login, shot
from tests.factories import EmployerFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_guide_links_a_contact_and_reads_their_own_ips_figures(page):
    users = seed_users()
    guide = users["begeleider"]
    candidate = CandidateFactory(guide=guide, region_id="AM18")
    Trajectory.objects.create(candidate=candidate, start_date=timezone.localdate() - timedelta(days=8), guide=guide)
    employer = EmployerFactory(legal_name="Zorggroep Amstelland", region_id="AM18", stage="open")
    contact = ContactFactory(employer=employer, by=guide, when=timezone.now() - timedelta(days=2))
    login(page, "begeleider")

    page.goto(f"/candidates/{candidate.pk}/")
    page.locator("select[name=contact]").select_option(str(contact.pk))
    page.get_by_role("button", name="Aan deze kandidaat koppelen").click()
    page.wait_for_load_state()
    assert CandidateContact.objects.filter(candidate=candidate, contact=contact).exists()
    assert "6 dagen na de start" in page.locator("#employer-contacts").locator("..").inner_text()
    assert_accessible(page)
    shot(page, "guide-contact-linked")

    page.goto("/reports/ips/")
    assert page.get_by_role("heading", name="Mijn IPS-cijfers").is_visible()
    assert_accessible(page)
    shot(page, "guide-own-ips-figures")
