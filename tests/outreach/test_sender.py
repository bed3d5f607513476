"""Mail from a person (issue 17): a delivered invitation comes From the region's WSP (its
coordinator's sender name and address), Reply-To the organiser, with a Date carrying the Dutch
offset, the region's signature and ``lang`` in the recipient's language; answering no after a
yes delivers a METHOD:CANCEL with the same UID and a higher SEQUENCE. Over a real SMTP server."""

from __future__ import annotations

import re
from email.message import Message
from email.utils import parseaddr
from typing import Any

import icalendar
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from crm.models import AuditEntry, Region
from crm.senders import region_sender, region_set_sender
from outreach import delivery
from outreach.models import Invitation, OutboundEmail
from outreach.services import invitations
from outreach.services.rsvp import rsvp_answer
from tests.factories import ContactPersonFactory
from tests.outreach.factories import EventFactory

pytestmark = pytest.mark.django_db

SIGNATURE = "Telefoon 020 123 45 67\nWibautstraat 3, 1091 GH Amsterdam"


def _deliver_all() -> None:
    ids = list(OutboundEmail.objects.filter(state="queued").values_list("pk", flat=True))
    assert delivery.deliver(ids, worker="test-worker:1")["sent"] == len(ids)


def _parts(message: Message, subtype: str) -> list[Message]:
    return [part for part in message.walk() if part.get_content_type() == f"text/{subtype}"]


def _calendar(message: Message) -> icalendar.Calendar:
    (part,) = _parts(message, "calendar")
    return icalendar.Calendar.from_ical(part.get_payload(decode=True))


def test_an_invitation_comes_from_the_region_with_reply_to_the_organiser(adviser_a, coordinator_a, smtp):
    region = Region.objects.get(code="AM18")
    region_set_sender(
        region=region, by=coordinator_a, name="WSP Groot Amsterdam", email="wsp@amsterdam.example", signature=SIGNATURE
    )
    adviser_a.last_name, adviser_a.email = "de Vries", "anna.devries@amsterdam.example"
    adviser_a.save()
    event = EventFactory(owner=adviser_a, region_id="AM18")
    dutch = ContactPersonFactory(email="nl@werkgever.example", language="nl")
    english = ContactPersonFactory(email="en@werkgever.example", language="en")
    invitations.invite(event=event, by=adviser_a, persons=[dutch, english])

    _deliver_all()

    by_to = {parseaddr(m["To"])[1]: m for m in smtp.messages}
    assert set(by_to) == {"nl@werkgever.example", "en@werkgever.example"}
    for address, message in by_to.items():
        assert parseaddr(message["From"]) == ("WSP Groot Amsterdam", "wsp@amsterdam.example")
        assert parseaddr(message["Reply-To"]) == ("Anna de Vries", "anna.devries@amsterdam.example")
        # RFC 5322 date with the Amsterdam offset (winter +0100, summer +0200), not -0000 or +0000
        assert re.search(r"\d{2}:\d{2}:\d{2} \+0[12]00$", message["Date"]), message["Date"]
        (text,) = _parts(message, "plain")
        (html,) = _parts(message, "html")
        body = text.get_payload(decode=True).decode().replace("\r\n", "\n")
        assert "Anna de Vries\nWSP Groot Amsterdam\nTelefoon 020 123 45 67\nWibautstraat 3" in body
        page = html.get_payload(decode=True).decode()
        lang = "en" if address.startswith("en@") else "nl"
        assert f'<html lang="{lang}">' in page and "Telefoon 020 123 45 67" in page


def test_without_a_sender_set_the_region_name_and_the_default_address_are_used(adviser_a, smtp, settings):
    settings.DEFAULT_FROM_EMAIL = "WSP CRM <noreply@wsp.example>"
    invitations.invite(event=EventFactory(owner=adviser_a), by=adviser_a, persons=[ContactPersonFactory()])

    _deliver_all()

    (message,) = smtp.messages
    assert parseaddr(message["From"]) == ("WSP Groot Amsterdam", "noreply@wsp.example")
    assert parseaddr(message["Reply-To"])[1] == adviser_a.email


def test_answering_no_after_yes_delivers_a_cancel_with_the_same_uid_and_a_higher_sequence(adviser_a, smtp):
    event = EventFactory(owner=adviser_a)
    invitations.invite(event=event, by=adviser_a, persons=[ContactPersonFactory(email="p@werkgever.example")])
    invitation = Invitation.objects.get()
    rsvp_answer(invitation=invitation, rsvp="yes")
    rsvp_answer(invitation=invitation, rsvp="no")

    _deliver_all()

    calendars = [_calendar(m) for m in smtp.messages if _parts(m, "calendar")]
    by_method: dict[str, list[Any]] = {}
    for cal in calendars:
        by_method.setdefault(str(cal["method"]), []).extend(cal.walk("VEVENT"))
    assert sorted(by_method) == ["CANCEL", "PUBLISH"] and len(by_method["PUBLISH"]) == 2  # invitation, yes
    (no_event,) = by_method["CANCEL"]
    assert {str(e["uid"]) for e in by_method["PUBLISH"]} == {str(no_event["uid"])} == {event.ics_uid}
    assert int(no_event["sequence"]) > max(int(e["sequence"]) for e in by_method["PUBLISH"])
    assert str(no_event["status"]) == "CANCELLED"


def _sequences(smtp: Any, address: str) -> list[tuple[str, str, int]]:
    """(method, uid, sequence) of every calendar file delivered to ``address`` (sorted: the
    delivery's order is not the order the rows were stored in)."""
    found = []
    for message in smtp.messages:
        if parseaddr(message["To"])[1] == address and _parts(message, "calendar"):
            cal = _calendar(message)
            for vevent in cal.walk("VEVENT"):
                found.append((str(cal["method"]), str(vevent["uid"]), int(vevent["sequence"])))
    return sorted(found)


def test_a_plain_no_to_the_invitation_delivers_a_cancel_above_its_calendar_file(adviser_a, smtp):
    """The invitation carries the calendar file, so a no without a yes before it must take it out."""
    event = EventFactory(owner=adviser_a)
    invitations.invite(event=event, by=adviser_a, persons=[ContactPersonFactory(email="p@werkgever.example")])
    rsvp_answer(invitation=Invitation.objects.get(), rsvp="no")

    _deliver_all()

    (answered, invited) = _sequences(smtp, "p@werkgever.example")  # sorted: CANCEL first
    assert invited[:2] == ("PUBLISH", event.ics_uid) and answered[:2] == ("CANCEL", event.ics_uid)
    assert answered[2] > invited[2]


def test_no_yes_no_again_each_calendar_file_is_above_the_last_one(adviser_a, smtp):
    """A calendar ignores an entry whose SEQUENCE is below the one it holds: a yes after a no must
    climb above the CANCEL, and the next no above that yes, also across a change of the session."""
    from datetime import timedelta

    from outreach.services.events import event_update

    event = EventFactory(owner=adviser_a)
    invitations.invite(event=event, by=adviser_a, persons=[ContactPersonFactory(email="p@werkgever.example")])
    invitation = Invitation.objects.get()
    rsvp_answer(invitation=invitation, rsvp="no")
    rsvp_answer(invitation=invitation, rsvp="yes")
    event_update(event=event, by=adviser_a, starts_at=event.starts_at + timedelta(hours=1),
                 ends_at=event.ends_at + timedelta(hours=1))  # fmt: skip
    rsvp_answer(invitation=invitation, rsvp="no")

    rows = OutboundEmail.objects.filter(invitation=invitation).exclude(ics="").order_by("pk")
    sequences = [int(re.search(r"SEQUENCE:(\d+)", row.ics)[1]) for row in rows]
    methods = [row.ics_method for row in rows]

    assert methods == ["PUBLISH", "CANCEL", "PUBLISH", "PUBLISH", "CANCEL"]  # invite, no, yes, update, no
    assert sequences == sorted(set(sequences)), sequences  # strictly rising
    _deliver_all()
    delivered = _sequences(smtp, "p@werkgever.example")
    assert sorted(seq for _, _, seq in delivered) == sequences


def test_cancelling_a_changed_session_delivers_a_cancel_above_the_last_update(adviser_a, smtp):
    from datetime import timedelta

    from outreach.services.events import event_cancel, event_update

    event = EventFactory(owner=adviser_a)
    invitations.invite(event=event, by=adviser_a, persons=[ContactPersonFactory(email="p@werkgever.example")])
    rsvp_answer(invitation=Invitation.objects.get(), rsvp="yes")
    event_update(
        event=event,
        by=adviser_a,
        starts_at=event.starts_at + timedelta(hours=1),
        ends_at=event.ends_at + timedelta(hours=1),
    )
    event_cancel(event=event, by=adviser_a, reason="Zaal niet beschikbaar")

    _deliver_all()

    sent = _sequences(smtp, "p@werkgever.example")
    assert [method for method, _, _ in sent] == ["CANCEL", "PUBLISH", "PUBLISH", "PUBLISH"]  # invite, yes, update
    assert {uid for _, uid, _ in sent} == {event.ics_uid}
    assert sent[0][2] > max(seq for method, _, seq in sent if method == "PUBLISH")


def test_only_a_coordinator_of_the_region_sets_its_sender_and_it_is_audited(adviser_a, coordinator_a):
    region, other = Region.objects.get(code="AM18"), Region.objects.get(code="AM13")

    with pytest.raises(PermissionDenied):
        region_set_sender(region=region, by=adviser_a, name="X", email="x@x.example", signature="")
    with pytest.raises(PermissionDenied):
        region_set_sender(region=other, by=coordinator_a, name="X", email="x@x.example", signature="")
    with pytest.raises(ValidationError) as bad:
        region_set_sender(
            region=region, by=coordinator_a, name="X", email="not an address", signature="1\n2\n3\n4\n5\n6\n7"
        )
    assert set(bad.value.message_dict) == {"sender_email", "signature"}

    region_set_sender(region=region, by=coordinator_a, name="WSP\r\nAmsterdam", email="", signature=SIGNATURE)

    region.refresh_from_db()
    assert region_sender(region).name == "WSP Amsterdam"  # one line: no header injection
    assert region_sender(region).signature == tuple(SIGNATURE.split("\n"))
    (entry,) = AuditEntry.objects.filter(action="crm.region.sender_changed")
    assert entry.actor == coordinator_a and entry.data["after"]["sender_name"] == "WSP Amsterdam"


def test_the_coordinator_sets_the_sender_on_a_page(coordinator_a, adviser_a, web):
    url = reverse("region-sender", args=["AM18"])
    page = web(coordinator_a).get(url)
    assert page.status_code == 200 and "Afzender van de mail" in page.content.decode()

    saved = web(coordinator_a).post(url, {"sender_name": "WSP A'dam", "sender_email": "a@b.example", "signature": ""})
    refused = web(coordinator_a).post(url, {"sender_name": "x", "sender_email": "nope", "signature": ""})

    assert saved.status_code == 302 and Region.objects.get(code="AM18").sender_name == "WSP A'dam"
    assert refused.status_code == 200 and "Voer een geldig e-mailadres in." in refused.content.decode()
    assert web(adviser_a).get(url).status_code == 404
    assert web(coordinator_a).get(reverse("region-sender", args=["AM13"])).status_code == 404


def test_the_rsvp_page_shows_the_organiser_and_the_regions_wsp_not_the_tool(adviser_a, coordinator_a, client):
    from outreach import tokens

    region = Region.objects.get(code="AM18")
    region_set_sender(region=region, by=coordinator_a, name="WSP Groot Amsterdam", email="", signature=SIGNATURE)
    adviser_a.last_name, adviser_a.email = "de Vries", "anna.devries@amsterdam.example"
    adviser_a.save()
    (invitation,) = invitations.invite(
        event=EventFactory(owner=adviser_a), by=adviser_a, persons=[ContactPersonFactory()]
    )

    page = client.get(reverse("outreach:rsvp", args=[tokens.sign(invitation.token, "rsvp")])).content.decode()

    contact = page[page.index('id="organiser-heading"') :]
    assert "Anna de Vries" in contact and 'href="mailto:anna.devries@amsterdam.example"' in contact
    assert "WSP Groot Amsterdam" in contact and "Telefoon 020 123 45 67" in contact
    assert "WSP CRM" not in page and "<title>" in page and "· WSP Groot Amsterdam</title>" in page
