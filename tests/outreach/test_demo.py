"""The demo sessions: made through the services after the employers' demo, mail in the outbox."""

from __future__ import annotations

import pytest

from crm.demo import seed_users
from employers import demo as employers_demo
from employers.contacts import demo as demo_contacts
from employers.models import Contact
from outreach import demo
from outreach.models import CalendarFeed, Event, Invitation, OutboundEmail

pytestmark = pytest.mark.django_db


def test_demo_sessions_after_the_demo_network() -> None:
    users = seed_users()
    employers_demo.seed(users)
    demo_contacts.seed(users)

    summary = demo.seed(users)

    states = set(Event.objects.values_list("state", flat=True))
    assert states == {"published", "held", "draft"}, summary
    assert set(Event.objects.values_list("region_id", flat=True)) == {"AM18", "AM13"}
    assert Event.objects.filter(awvn_confirmed_at__isnull=False).exists()
    assert Invitation.objects.filter(rsvp="yes").exists() and Invitation.objects.filter(attended=True).exists()
    assert Contact.objects.filter(channel="event", summary__contains=Event.objects.get(state="held").title).exists()
    kinds = set(OutboundEmail.objects.values_list("kind", flat=True))
    assert {"invite", "rsvp-confirm", "awvn-registration"} <= kinds
    assert CalendarFeed.objects.filter(region__isnull=True).exists()
