"""Links in delivered mail follow SITE_URL, which in development follows `make run`'s
HOST/WEB_PORT (tests/crm/test_settings.py checks that derivation in a fresh process)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from outreach import delivery
from outreach.models import OutboundEmail
from outreach.services.invitations import invite
from tests.factories import ContactPersonFactory
from tests.outreach.factories import EventFactory

pytestmark = pytest.mark.django_db

URL = re.compile(r"https?://[^\s\"'<>]+")


def test_every_link_of_a_delivered_invitation_points_to_the_configured_port(adviser_a: Any, smtp: Any, settings):
    settings.SITE_URL = "http://127.0.0.1:8101"  # what WEB_PORT=8101 make run gives
    invite(event=EventFactory(owner=adviser_a), by=adviser_a, persons=[ContactPersonFactory()])
    delivery.deliver(list(OutboundEmail.objects.values_list("pk", flat=True)), worker="test-worker:1")

    [message] = smtp.messages
    parts = [part.get_payload(decode=True).decode() for part in message.walk() if not part.is_multipart()]
    calendars = [
        part.get_payload(decode=True).decode() for part in message.walk() if part.get_content_type() == "text/calendar"
    ]
    links = {link for text in parts for link in URL.findall(text) if "example" not in link}
    own = {link for link in links if "/events/" in link or "/preferences/" in link}

    assert own, links  # the RSVP, calendar and preference links are there
    assert all(link.startswith("http://127.0.0.1:8101/") for link in own), own
    assert calendars, "the invitation carries its calendar file"
    assert all("URL:http://127.0.0.1:8101/" in calendar.replace("\r\n ", "") for calendar in calendars)
    assert not any(":8000" in text for text in parts)
