"""Events and placements panels, against hand-built data with Amsterdam period boundaries."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from crm.models import Region
from employers.models import StageChange
from reports.figures import national_figures, region_figures
from reports.periods import parse_period
from reports.records import EventFigures
from tests.candidates.factories import CandidateFactory, PlacementFactory
from tests.factories import ContactPersonFactory, EmployerFactory
from tests.outreach.factories import EventFactory, InvitationFactory

pytestmark = pytest.mark.django_db
AMS = ZoneInfo("Europe/Amsterdam")
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=AMS)


def region(code: str = "AM18") -> Region:
    return Region.objects.get(code=code)


def held_event(starts: datetime, code: str = "AM18", **kwargs):
    return EventFactory(region_id=code, starts_at=starts, ends_at=starts + timedelta(hours=2), state="held", **kwargs)


@time_machine.travel(NOW, tick=False)
def test_sessions_count_held_invited_yes_attended_and_employers_that_moved_within_90_days():
    # The third quarter runs from 1 July 00:00 Amsterdam time (30 June 22:00 UTC).
    inside = held_event(datetime(2026, 7, 1, 0, 0, tzinfo=AMS))
    before = held_event(datetime(2026, 6, 30, 23, 0, tzinfo=AMS))
    EventFactory(region_id="AM18", starts_at=datetime(2026, 8, 1, 10, tzinfo=AMS),
                 ends_at=datetime(2026, 8, 1, 12, tzinfo=AMS), state="cancelled")  # fmt: skip
    elsewhere = held_event(datetime(2026, 8, 1, 10, tzinfo=AMS), code="AM13")

    moved = EmployerFactory(region_id="AM18", stage="interested")
    late = EmployerFactory(region_id="AM18", stage="interested")
    stayed = EmployerFactory(region_id="AM18", stage="interested")
    for employer, attended in ((moved, True), (late, True), (stayed, True)):
        InvitationFactory(event=inside, contact_person=ContactPersonFactory(employer=employer), rsvp="yes",
                          attended=attended)  # fmt: skip
    # A second person of the same employer attending counts the employer once.
    InvitationFactory(event=inside, contact_person=ContactPersonFactory(employer=moved), rsvp="yes", attended=True)
    InvitationFactory(event=inside, rsvp="no")
    InvitationFactory(event=inside, rsvp="none")
    InvitationFactory(event=inside, rsvp="yes", attended=False)
    InvitationFactory(event=before, rsvp="yes", attended=True)
    InvitationFactory(event=elsewhere, rsvp="yes", attended=True)
    change = StageChange.objects.create(employer=moved, from_stage="interested", to_stage="open")
    StageChange.objects.filter(pk=change.pk).update(at=inside.starts_at + timedelta(days=30))
    change = StageChange.objects.create(employer=late, from_stage="interested", to_stage="open")
    StageChange.objects.filter(pk=change.pk).update(at=inside.starts_at + timedelta(days=91))

    events = region_figures(region(), parse_period("2026Q3")).events

    assert replace(events, sessions=()) == EventFigures(
        held=1, invited=7, yes=5, attended=4, employers_attended=3, moved_within_90_days=1
    )


@time_machine.travel(NOW, tick=False)
def test_the_dashboards_count_post_event_conversions_per_session_and_per_region(client, cast):
    first = held_event(datetime(2026, 9, 1, 10, tzinfo=AMS), title="Eerste")
    second = held_event(datetime(2026, 10, 1, 10, tzinfo=AMS), title="Tweede")
    postponed = held_event(datetime(2026, 10, 5, 10, tzinfo=AMS), title="Uitgesteld")
    postponed.state = "postponed"
    postponed.save()
    wished = {"wish_contact_at": NOW, "wish_candidate_at": NOW}
    InvitationFactory(event=first, rsvp="yes", attended=True, **wished)  # both wishes: one conversion
    InvitationFactory(event=first, rsvp="yes", attended=True, wish_contact_at=NOW)
    InvitationFactory(event=first, rsvp="yes", attended=True)
    InvitationFactory(event=second, rsvp="yes", attended=True, wish_candidate_at=NOW)
    InvitationFactory(event=postponed, rsvp="yes", wish_contact_at=NOW)  # not held: not counted
    InvitationFactory(event=held_event(datetime(2026, 9, 2, 10, tzinfo=AMS), code="AM13"), wish_contact_at=NOW)

    events = region_figures(region(), parse_period("year")).events

    assert [(s.title, s.attended, s.wish_contact, s.wish_candidate, s.conversions) for s in events.sessions] == [
        ("Tweede", 1, 0, 1, 1),
        ("Eerste", 3, 2, 1, 2),
    ]
    assert (events.wish_contact, events.wish_candidate, events.conversions) == (2, 2, 3)
    national = {row.code: row.event_conversions for row in national_figures(parse_period("year")).regions}
    assert national["AM18"] == 3 and national["AM13"] == 1
    client.force_login(cast["coordinator_a"])
    page = client.get(reverse("reports:region-detail", args=["AM18"]) + "?period=year").content.decode()
    assert "Conversies na de sessie per sessie" in page and "Tweede" in page
    csv = client.get(reverse("reports:region-detail", args=["AM18"]) + "?period=year&csv=conversions").content.decode(
        "utf-8-sig"
    )
    assert "Eerste;3;2;1;2" in csv
    client.force_login(cast["awvn"])
    assert (
        "Conversies na de sessie in de periode"
        in client.get(reverse("reports:national") + "?period=year").content.decode()
    )


@time_machine.travel(NOW, tick=False)
def test_placements_this_year_pace_and_durability():
    guide_candidate = CandidateFactory(region_id="AM18")
    for start in (date(2026, 1, 1), date(2026, 3, 15), date(2026, 11, 20)):
        PlacementFactory(candidate=guide_candidate, start_date=start)
    PlacementFactory(candidate=guide_candidate, start_date=date(2025, 12, 31), durable_6m=True)  # last year
    # The 6-month mark reached in 2026 (by today): started 1 July 2025 .. 25 May 2026.
    PlacementFactory(candidate=guide_candidate, start_date=date(2025, 7, 1), durable_6m=True, durable_12m=True)
    PlacementFactory(candidate=guide_candidate, start_date=date(2025, 9, 1), durable_6m=False)
    PlacementFactory(candidate=guide_candidate, start_date=date(2025, 10, 1))
    PlacementFactory(candidate=CandidateFactory(region_id="AM13"), start_date=date(2026, 5, 1))

    placements = region_figures(region(), parse_period("year")).placements

    assert placements.target == 100
    # Durable this year: the 6-month mark in 2026 and checked still working -- the placements
    # of 1 July and 31 December 2025, both of one candidate: one person led durably into work.
    assert placements.this_year == 1
    # Marks passed in 2026 without their check (1 Oct 2025, 1 Jan and 15 Mar 2026): unknown.
    assert placements.unknown_this_year == 3
    assert placements.started_this_year == 3
    assert placements.in_period == 3
    # 329 of 365 days gone on 25 November: 90 expected on pace; 99 to go in 2 months.
    assert placements.expected_by_now == 90
    assert placements.remaining == 99
    assert placements.needed_per_month == 49.5
    assert (placements.due_6m, placements.checked_6m, placements.durable_6m) == (6, 3, 2)
    # The 12-month mark reached in 2026: started 1 January .. 25 November 2025.
    assert (placements.due_12m, placements.checked_12m, placements.durable_12m) == (3, 1, 1)


@time_machine.travel(NOW, tick=False)
def test_the_national_table_has_events_and_placements_per_region_and_no_personal_data():
    held_event(datetime(2026, 9, 1, 10, tzinfo=AMS), code="AM13")
    PlacementFactory(
        candidate=CandidateFactory(region_id="AM13", real_name="Jan Geheim"),
        start_date=date(2026, 2, 1),
        durable_6m=True,
    )

    figures = national_figures(parse_period("year"))

    row = next(r for r in figures.regions if r.code == "AM13")
    assert (row.events_held, row.placements_this_year) == (1, 1)
    assert "Jan Geheim" not in str(figures)
    assert figures.placements_target == 100


@time_machine.travel(NOW, tick=False)
def test_the_dashboard_draws_the_event_and_placement_panels(web, coordinator_a):
    response = web(coordinator_a).get("/reports/regions/AM18/")
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="panel-events"' in body and 'id="panel-placements"' in body
    csv = web(coordinator_a).get("/reports/regions/AM18/?csv=placements")
    assert csv.status_code == 200
