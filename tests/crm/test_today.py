"""Home is today's work: each role sees its own day, from its own regions only."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from employers.contacts.services import contact_log
from employers.models import FollowUp
from tests.candidates.factories import CandidateFactory, PlacementFactory
from tests.factories import ContactPersonFactory, EmployerFactory
from tests.outreach.factories import EventFactory, InvitationFactory

pytestmark = pytest.mark.django_db


def followup(employer, owner, days: int, note: str) -> FollowUp:
    return FollowUp.objects.create(
        employer=employer, owner=owner, due_date=timezone.localdate() + timedelta(days=days), note=note
    )


def test_adviser_home_shows_follow_ups_sessions_cold_employers_and_sign_ups_no_roles_table(web, adviser_a, adviser_b):
    mine = EmployerFactory(legal_name="Bakkerij Vermeulen B.V.", owner=adviser_a)
    other = EmployerFactory(legal_name="Hotel Elders B.V.", region_id="AM13", owner=adviser_b)
    followup(mine, adviser_a, -2, "Offerte nabellen")
    followup(mine, adviser_a, 0, "Rondleiding plannen")
    followup(mine, adviser_a, 9, "Pas volgende week")
    followup(other, adviser_b, 0, "Van een andere regio")
    # Going cold: owned, warm, never contacted.
    EmployerFactory(legal_name="Stille Werkgever B.V.", owner=adviser_a, stage="active")
    starts = timezone.now() + timedelta(minutes=5)  # this week (unless run on Sunday at 23:55)
    event = EventFactory(title="Kennissessie deze week", starts_at=starts, created_by=adviser_a)
    person = ContactPersonFactory(employer=mine, name="Petra Jansen")
    InvitationFactory(event=event, contact_person=person, rsvp="yes", answered_at=timezone.now())
    EventFactory(title="Sessie andere regio", region_id="AM13", starts_at=starts)

    html = web(adviser_a).get("/").content.decode()

    assert "Offerte nabellen" in html and "Rondleiding plannen" in html
    assert "Pas volgende week" not in html  # today's page, not the whole list
    assert "Van een andere regio" not in html and "Sessie andere regio" not in html
    assert "Kennissessie deze week" in html and "1 komt" in html
    assert "Stille Werkgever B.V." in html
    assert "Petra Jansen" in html
    assert f'href="/employers/{mine.pk}/"' in html  # links go to the employer page
    assert "Uw rollen" not in html and "API-documentatie" not in html


def test_guide_home_shows_this_weeks_ips_figure(web, guide_a):
    employer = EmployerFactory(owner=guide_a)
    for _ in range(2):
        contact_log(by=guide_a, employer=employer, channel="visit", purpose="acquisition", summary="Bezoek")

    html = web(guide_a).get("/").content.decode()

    assert "Face-to-face contacten deze week (IPS)" in html
    assert '<span class="badge warn">2</span>' in html
    assert "Sessies deze week" not in html  # guides do not organise sessions


def test_coordinator_home_shows_the_regions_placement_pace(web, coordinator_a, guide_a):
    # Durable this year: the 6-month mark passed in 2026 and checked still working.
    for _ in range(3):
        PlacementFactory(candidate=CandidateFactory(guide=guide_a), start_date=date(2026, 3, 2), durable_6m=True)
    PlacementFactory(candidate=CandidateFactory(guide=guide_a), start_date=date(2026, 3, 2))  # unknown
    PlacementFactory(
        candidate=CandidateFactory(guide=guide_a, region_id="AM13"),
        employer__region_id="AM13",
        start_date=date(2026, 3, 2),
        durable_6m=True,
    )

    with time_machine.travel(datetime(2026, 11, 25, 12, tzinfo=ZoneInfo("Europe/Amsterdam")), tick=False):
        html = web(coordinator_a).get("/").content.decode()

    assert "Duurzame plaatsingen in Groot Amsterdam" in html
    assert "<strong>3</strong>" in html


def test_someone_without_a_role_gets_a_clear_message(web, nobody):
    html = web(nobody).get("/").content.decode()

    assert "U heeft nog geen rol in een regio" in html
