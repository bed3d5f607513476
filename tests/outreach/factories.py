"""Factories for sessions and invitations (the staff-side tests may import these too)."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from tests.factories import ContactPersonFactory


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "outreach.Event"

    region_id = "AM18"
    title = factory.Sequence(lambda n: f"Kennissessie {n}")
    slug = factory.Sequence(lambda n: f"kennissessie-{n}")
    description = "Werkgevers vertellen over inclusief werkgeverschap."
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=14))
    ends_at = factory.LazyAttribute(lambda e: e.starts_at + timedelta(hours=2))
    venue_name = "Bibliotheek"
    venue_address = "Oosterdokskade 143, Amsterdam"
    state = "published"


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "outreach.Invitation"

    event = factory.SubFactory(EventFactory)
    contact_person = factory.SubFactory(ContactPersonFactory)
