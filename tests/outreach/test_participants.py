""" "Toon onze organisatie als deelnemer" (issue 18): off by default, given on the registration
form or the personal page and withdrawn there, stored with when; the public page lists only the
names of opted-in organisations holding a seat; the export has it and erasure clears it."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from crm.models import AuditEntry
from outreach import privacy, tokens
from outreach.models import Invitation, Registration
from outreach.services import registration as service
from outreach.services.rsvp import rsvp_answer
from tests.factories import ContactPersonFactory, EmployerFactory
from tests.outreach.factories import EventFactory, InvitationFactory

pytestmark = pytest.mark.django_db

FORM = {"name": "Ilse de Vries", "organisation": "Bakkerij Zuid B.V.", "email": "ilse@bakkerijzuid.nl",
        "people_count": 1}  # fmt: skip


def _page(client: Any, event: Any) -> str:
    return client.get(reverse("outreach:public-event", args=[event.slug])).content.decode()


def _invited(event: Any, name: str, rsvp: str = "yes") -> Invitation:
    person = ContactPersonFactory(employer=EmployerFactory(region_id="AM18", legal_name=name), name=f"Persoon {name}")
    invitation = InvitationFactory(event=event, contact_person=person)
    rsvp_answer(invitation=invitation, rsvp=rsvp)
    return invitation


def test_only_opted_in_organisations_holding_a_seat_are_listed_by_name_only(client):
    event = EventFactory(capacity=2)
    page = _page(client, event)
    assert 'name="show_organisation"' in page and 'name="show_organisation" checked' not in page  # off by default

    client.post(reverse("outreach:public-register", args=[event.slug]), {**FORM, "show_organisation": "on"})
    reg = Registration.objects.get()
    assert reg.show_organisation_at is not None
    assert "Bakkerij Zuid" not in _page(client, event)  # not before the registration is confirmed
    shown = service.confirm(registration=reg)
    assert shown.show_organisation_at == reg.show_organisation_at  # the consent's own moment
    quiet = _invited(event, "Stille Werkgever B.V.")  # a seat, no consent
    waiting = _invited(event, "Wachtlijst B.V.")  # consent, but only on the waitlist
    waiting.refresh_from_db()
    assert waiting.waitlist_position == 1
    client.post(reverse("outreach:rsvp", args=[tokens.sign(waiting.token, "rsvp")]),
                {"participant": "1", "show_organisation": "on"})  # fmt: skip
    no = _invited(event, "Nee B.V.", rsvp="no")
    refused = client.post(reverse("outreach:rsvp", args=[tokens.sign(no.token, "rsvp")]),
                          {"participant": "1", "show_organisation": "on"}, follow=True)  # fmt: skip

    page = _page(client, event)
    assert "Deelnemende organisaties" in page and "Bakkerij Zuid B.V." in page
    for hidden in ("Stille Werkgever", "Wachtlijst B.V.", "Nee B.V.", "Ilse de Vries", "ilse@bakkerijzuid.nl"):
        assert hidden not in page
    assert "zodra u ja hebt gezegd" in refused.content.decode()
    assert not Invitation.objects.get(pk=no.pk).show_organisation_at
    assert quiet.show_organisation_at is None


def test_withdrawn_on_the_personal_page_and_audited_on_the_person(client):
    event = EventFactory()
    invitation = _invited(event, "Terugtrekker B.V.")
    url = reverse("outreach:rsvp", args=[tokens.sign(invitation.token, "rsvp")])

    assert client.post(url, {"participant": "1", "show_organisation": "on"}).status_code == 302
    assert "Terugtrekker B.V." in _page(client, event)
    assert "Getoond sinds" in client.get(url).content.decode()
    client.post(url, {"participant": "1"})  # unticked: withdrawn

    assert "Terugtrekker B.V." not in _page(client, event)
    assert Invitation.objects.get(pk=invitation.pk).show_organisation_at is None
    actions = AuditEntry.objects.filter(target_id=str(invitation.contact_person_id)).order_by("at", "id")
    actions = actions.values_list("action", flat=True)
    assert [a for a in actions if a.startswith("outreach.participant")] == [
        "outreach.participant.shown",
        "outreach.participant.withdrawn",
    ]


def test_the_export_holds_the_consent_and_erasure_clears_it(coordinator_a):
    event = EventFactory()
    reg = service.register(event=event, show_organisation=True, **FORM)
    invitation = service.confirm(registration=reg)
    person = invitation.contact_person

    data = privacy.person_export(person)

    assert data["invitations"][0]["show_organisation_at"] == invitation.show_organisation_at.isoformat()
    assert data["registrations"][0]["show_organisation_at"] == reg.show_organisation_at.isoformat()
    assert "outreach.participant.shown" in [row["action"] for row in data["consent_and_opt_out"]]

    privacy.person_erase(contact_person=person, by=coordinator_a, reason="verzoek")

    assert Invitation.objects.get(pk=invitation.pk).show_organisation_at is None
    assert Registration.objects.get(pk=reg.pk).show_organisation_at is None
