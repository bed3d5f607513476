"""A postponed session (issue 18): answers and seats stay, the yes-sayers get a clear mail with a
tentative calendar entry, every public format says "postponed", and giving the new date
reschedules it (schema.org EventRescheduled with previousStartDate)."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import feedparser
import icalendar
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from outreach import tokens
from outreach.mail import personal_answers
from outreach.models import Event, OutboundEmail
from outreach.services.events import event_cancel, event_postpone, event_update
from outreach.services.rsvp import rsvp_answer
from tests.outreach.factories import EventFactory, InvitationFactory

pytestmark = pytest.mark.django_db


def _json_ld(client, event: Event) -> dict:
    page = client.get(reverse("outreach:public-event", args=[event.slug])).content.decode()
    return json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1))


def test_postponing_keeps_the_answers_mails_the_yes_sayers_and_every_format_says_so(web, cast):
    event = EventFactory(region_id="AM18", capacity=1, title="Sessie uitgesteld")
    seat, waiting, no = InvitationFactory.create_batch(3, event=event)
    rsvp_answer(invitation=seat, rsvp="yes")
    rsvp_answer(invitation=waiting, rsvp="yes")
    rsvp_answer(invitation=no, rsvp="no")

    assert web(cast["adviser_b"]).post(reverse("outreach:event-postpone", args=[event.pk])).status_code == 404
    client = web(cast["adviser_a"])
    done = client.post(reverse("outreach:event-postpone", args=[event.pk]), {"reason": "Spreker ziek"})

    assert done.status_code == 302
    event.refresh_from_db()
    assert (event.state, event.postpone_reason, event.ics_sequence) == ("postponed", "Spreker ziek", 1)
    seat.refresh_from_db(), waiting.refresh_from_db()
    assert seat.is_confirmed and waiting.waitlist_position == 1  # registrations stay, capacity unchanged
    rows = OutboundEmail.objects.filter(kind="event-postpone").order_by("to_email")
    assert {r.invitation_id for r in rows} == {seat.pk, waiting.pk}
    row = rows[0]
    assert row.subject == "Uitgesteld: Sessie uitgesteld" and "uitgesteld" in row.body_text
    assert "Spreker ziek" in row.body_text and row.ics_method == "PUBLISH"
    # The session's SEQUENCE (1) plus the person's own calendar mails so far (outreach.mail).
    sequence = 1 + personal_answers([row.invitation_id]).get(row.invitation_id, 0)
    assert "STATUS:TENTATIVE" in row.ics and f"SEQUENCE:{sequence}\r\n" in row.ics
    assert f"UID:event-{event.pk}@wsp-crm" in row.ics

    client.logout()
    page = client.get(reverse("outreach:public-event", args=[event.slug])).content.decode()
    assert "Deze sessie is uitgesteld" in page and 'name="organisation"' not in page  # no new registrations
    data = _json_ld(client, event)
    assert data["eventStatus"] == "https://schema.org/EventPostponed" and "offers" not in data
    agenda = client.get(reverse("agenda:region", args=["AM18"])).content.decode()
    assert "Sessie uitgesteld" in agenda and "Uitgesteld" in agenda
    (vevent,) = icalendar.Calendar.from_ical(client.get(reverse("agenda:region-ics", args=["AM18"])).content).walk(
        "VEVENT"
    )
    assert str(vevent["STATUS"]) == "TENTATIVE" and str(vevent["SUMMARY"]).startswith("Uitgesteld:")
    (entry,) = feedparser.parse(client.get(reverse("agenda:region-atom", args=["AM18"])).content).entries
    assert entry.title == "Uitgesteld: Sessie uitgesteld"
    (session,) = client.get(reverse("agenda:region-json", args=["AM18"])).json()["sessions"]
    assert session["status"] == "postponed"
    rsvp = client.get(reverse("outreach:rsvp", args=[tokens.sign(seat.token, "rsvp")])).content.decode()
    assert "Deze sessie is uitgesteld. Uw antwoord blijft staan" in rsvp


def test_the_new_date_reschedules_it_and_mails_the_new_date(adviser_a, client):
    event = EventFactory()
    yes = InvitationFactory(event=event)
    rsvp_answer(invitation=yes, rsvp="yes")
    old_start = event.starts_at
    event_postpone(event=event, by=adviser_a)

    with pytest.raises(ValidationError):
        event_update(event=event, by=adviser_a, starts_at=timezone.now() - timedelta(days=1),
                     ends_at=timezone.now() - timedelta(days=1) + timedelta(hours=2))  # fmt: skip
    new_start = old_start + timedelta(days=30)
    event_update(event=event, by=adviser_a, starts_at=new_start, ends_at=new_start + timedelta(hours=2))

    event.refresh_from_db()
    assert (event.state, event.previous_starts_at, event.ics_sequence) == ("published", old_start, 2)
    update = OutboundEmail.objects.get(kind="event-update")
    sequence = 2 + personal_answers([yes.pk]).get(yes.pk, 0)  # the session's 2 plus the person's own mails
    assert (
        update.invitation_id == yes.pk and "STATUS:CONFIRMED" in update.ics and f"SEQUENCE:{sequence}\r\n" in update.ics
    )
    data = _json_ld(client, event)
    assert data["eventStatus"] == "https://schema.org/EventRescheduled"
    assert data["previousStartDate"] == timezone.localtime(old_start).isoformat()
    assert data["startDate"] == timezone.localtime(new_start).isoformat()
    assert client.get(reverse("agenda:region-json", args=["AM18"])).json()["sessions"][0]["status"] == "rescheduled"


def test_only_a_published_upcoming_session_can_be_postponed_and_a_postponed_one_can_be_cancelled(adviser_a):
    draft = EventFactory(state="draft")
    started = EventFactory(starts_at=timezone.now() - timedelta(minutes=5))
    for event in (draft, started):
        with pytest.raises(ValidationError):
            event_postpone(event=event, by=adviser_a)
    event = event_postpone(event=EventFactory(), by=adviser_a)
    with pytest.raises(ValidationError):
        event_postpone(event=event, by=adviser_a)
    assert event_cancel(event=event, by=adviser_a).state == "cancelled"
