"""Adviser and guide: log a contact from anywhere in ten seconds, with a follow-up."""

from __future__ import annotations

import pytest
from django.utils import timezone

from crm.demo import seed_users
from employers.models import Contact, FollowUp
from tests.e2e.conftest import assert_accessible, login, shot
from tests.factories import EmployerFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_adviser_logs_a_visit_with_a_follow_up_from_the_header(page):
    users = seed_users()
    EmployerFactory(legal_name="Bakkerij Jansen B.V.", place="Amsterdam", region_id="AM18", owner=users["adviseur"])
    login(page, "adviseur")

    page.get_by_role("link", name="Contact vastleggen").first.click()
    page.get_by_label("Werkgever", exact=True).fill("Bakkerij Jansen B.V.")
    page.get_by_label("Samenvatting").fill("Rondleiding gehad; twee plekken in de bakkerij mogelijk.")
    follow_up = timezone.localdate().isoformat()  # shows under "today" on My work
    page.get_by_label("Vervolgactie op").fill(follow_up)
    assert_accessible(page)
    shot(page, "adviser-log-contact")
    page.get_by_role("button", name="Contactmoment opslaan").click()
    page.wait_for_load_state()

    contact = Contact.objects.get()
    assert contact.channel == "visit" and contact.in_person
    assert FollowUp.objects.get().due_date.isoformat() == follow_up

    page.goto("/employers/my-work/")
    assert page.get_by_text("Bakkerij Jansen B.V.").first.is_visible()
    assert_accessible(page)
    shot(page, "adviser-my-work")
