"""IPS guide: add a candidate, open the matches, mark one approached, and match one outside the
list with a reason."""

from __future__ import annotations

import re

import pytest

from candidates.models import Candidate, Match
from crm.demo import seed_users
from employers.models import Employer
from tests.e2e.conftest import assert_accessible, login, shot
from tests.factories import EmployerFactory, OpeningFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_guide_adds_a_candidate_opens_matches_and_marks_one_approached(page):
    seed_users()
    care = EmployerFactory(legal_name="Zorggroep Amstelland", region_id="AM18", stage="open", sbi_section="Q",
                           postcode="1012 AB")  # fmt: skip
    OpeningFactory(employer=care, hours_min=16, hours_max=24)
    EmployerFactory(legal_name="Gepauzeerd B.V.", region_id="AM18", stage="paused", postcode="1012 AB")
    login(page, "begeleider")

    page.goto("/candidates/new/")
    page.locator("#id_pc4").fill("1017")
    page.locator("#id_hours_min").fill("16")
    page.locator("#id_hours_max").fill("24")
    page.locator("#id_max_travel_km").fill("10")
    page.locator("input[name=sbi_sections][value=Q]").check()
    page.locator("#id_consent_given").check()
    assert_accessible(page)
    shot(page, "guide-candidate-form")
    page.locator("main form button.primary[type=submit]").last.click()
    # Saving opens the candidate's matches right away.
    page.wait_for_url(re.compile(r"/candidates/\d+/matches/$"))
    candidate = Candidate.objects.get()
    assert page.get_by_role("link", name="Zorggroep Amstelland").is_visible()
    assert page.get_by_text("Gepauzeerd B.V.").count() == 0
    assert_accessible(page)
    shot(page, "guide-matches")
    page.locator(f"form[action$='/matches/state/']:has(input[name=employer][value='{care.pk}']) "
                 "button[value=approached]").click()  # fmt: skip
    page.wait_for_load_state()

    match = Match.objects.get(candidate=candidate, employer=care)
    assert match.state == "approached"
    shot(page, "guide-match-approached")

    # The paused employer is outside the list: the candidate page finds it and takes the reason.
    page.goto(f"/candidates/{candidate.pk}/")
    page.locator("#outside-search").fill("gepauzeerd")
    page.locator("form[role=search] button[type=submit]").click()
    page.wait_for_load_state()
    paused = Employer.objects.get(legal_name="Gepauzeerd B.V.")
    page.locator(f"#outside-reason-{paused.pk}").fill("Buurman van de kandidaat")
    assert_accessible(page)
    shot(page, "guide-outside-the-list")
    page.locator(f"form:has(#outside-reason-{paused.pk}) button[type=submit]").click()
    page.wait_for_load_state()

    outside = Match.objects.get(candidate=candidate, employer=paused)
    assert outside.outside_list_reason == "Buurman van de kandidaat"
