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


def test_the_demo_has_a_speaker_pool_that_its_sessions_pick_from() -> None:
    from outreach.models import PoolSpeaker, Speaker

    users = seed_users()
    employers_demo.seed(users)
    demo_contacts.seed(users)
    demo.seed(users)

    pool = PoolSpeaker.objects.all()
    assert {s.kind for s in pool} == {"employer", "experience_expert", "researcher"}
    assert all(s.listed for s in pool) and {s.region_id for s in pool} == {"AM18", "AM13"}
    employer = pool.get(kind="employer")
    assert employer.contact_person.employer.region_id == "AM18"
    # every session with speakers took them from the pool (its "sessions where they spoke")
    assert Speaker.objects.exists() and not Speaker.objects.filter(pool_speaker__isnull=True).exists()
    assert employer.appearances.count() == 2
