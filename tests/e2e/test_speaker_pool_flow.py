"""Browser test of the speaker pool (issue 20): an adviser of Groot Amsterdam finds a listed
practice-story employer of Midden-Utrecht in the pool and picks them on the session form; the
guidance's nudge goes once the session has an employer with a practice story."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from crm.demo import seed_users
from outreach.models import PoolSpeaker, Speaker
from tests.e2e.conftest import assert_accessible, login, shot
from tests.factories import ContactPersonFactory, EmployerFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_session_form_picks_a_speaker_from_another_regions_pool(page):
    seed_users()
    care = EmployerFactory(legal_name="Zorggroep Utrecht", region_id="AM13", sbi_section="Q", place="Utrecht")
    speaker = PoolSpeaker.objects.create(
        region_id="AM13", kind="employer", contact_person=ContactPersonFactory(employer=care, name="Karin de Zorg"),
        story="Wij werken al jaren met jobcoaches.", listed_consent_at=timezone.now(),
    )  # fmt: skip
    login(page, "adviseur")

    page.goto("/events/speakers/?kind=employer&sector=Q&near=Utrecht")
    assert page.get_by_role("link", name="Karin de Zorg").is_visible()
    assert_accessible(page)

    page.goto("/events/new/")
    assert page.locator("#practice-story-nudge").is_visible()
    starts = timezone.localtime() + timedelta(days=21)
    page.locator("#id_title").fill("Werkgevers vertellen")
    page.locator("#id_starts_at").fill(starts.strftime("%Y-%m-%dT15:00"))
    page.locator("#id_ends_at").fill(starts.strftime("%Y-%m-%dT17:00"))
    page.locator("#id_venue_address").fill("Oosterdokskade 143, Amsterdam")
    page.locator("#id_speakers-0-pool_speaker").select_option(str(speaker.pk))
    assert_accessible(page)
    page.locator("main form button.primary[type=submit]").last.click()
    page.wait_for_url(re.compile(r"/events/\d+/$"))

    assert Speaker.objects.get().pool_speaker == speaker
    assert page.get_by_role("link", name="Karin de Zorg").is_visible()
    assert page.locator("#practice-story-nudge").count() == 0
    shot(page, "session-with-pool-speaker")
