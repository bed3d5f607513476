"""Browser tests of the public agenda (issue 18): a visitor opens the region agenda without
logging in and picks a session; the embed page shows inside a page of another origin only when
that origin is in AGENDA_EMBED_ORIGINS; axe finds nothing serious on either page."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.utils import timezone

from crm.demo import seed_users
from employers.models import Employer
from outreach import delivery
from outreach.models import OutboundEmail
from tests.e2e.conftest import assert_accessible, login, shot
from tests.outreach.factories import EventFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def other_site(live_server: Any) -> Iterator[str]:
    """A page on another origin (127.0.0.1 against the live server's localhost) that frames
    the region agenda's embed page, as the WSP's website would."""
    embed = f"{live_server.url}/agenda/AM18/embed/"
    html = (
        '<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>WSP website</title></head>'
        f'<body><main><h1>Onze kennissessies</h1><iframe src="{embed}" title="Kennissessies"'
        ' width="600" height="400"></iframe></main></body></html>'
    ).encode()

    class Page(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(html)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_visitor_picks_a_session_registers_two_confirms_from_the_mail_and_the_adviser_follows_up(
    page, smtp, live_server, settings
):
    """The issue's browser flow: agenda -> session -> register two people (showing the
    organisation) -> confirm from the mail delivered to a real SMTP server -> the personal RSVP
    page; the organiser then sees the new prospect, its contact person and the follow-up."""
    settings.SITE_URL = live_server.url
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    users = seed_users()
    EventFactory(region_id="AM18", title="Werk werkt in Amsterdam", starts_at=timezone.now() + timedelta(days=9),
                 owner=users["adviseur"], capacity=10)  # fmt: skip
    EventFactory(region_id="AM18", title="Concept dat niemand ziet", state="draft")

    page.goto("/agenda/AM18/")
    assert page.get_by_role("heading", name="Kennissessies Groot Amsterdam").is_visible()
    assert page.get_by_text("Concept dat niemand ziet").count() == 0
    assert_accessible(page)
    shot(page, "public-agenda-region")

    page.get_by_role("link", name="Werk werkt in Amsterdam").click()
    page.wait_for_url("**/events/p/**")
    assert page.get_by_role("heading", name="Werk werkt in Amsterdam").is_visible()
    assert page.locator('script[type="application/ld+json"]').count() == 1
    assert_accessible(page)
    page.locator("#id_name").fill("Ilse de Vries")
    page.locator("#id_organisation").fill("Bakkerij Zuid B.V.")
    page.locator("#id_email").fill("ilse@bakkerijzuid.example")
    page.locator("#id_kvk_number").fill("12345678")
    page.locator("#id_people_count").fill("2")
    page.locator("#id_show_organisation").check()
    page.locator("form[action$='/register/'] button[type=submit]").click()
    page.get_by_text("ilse@bakkerijzuid.example").first.wait_for()
    assert not Employer.objects.filter(kvk_number="12345678").exists()  # nothing before the confirmation

    delivery.deliver(list(OutboundEmail.objects.values_list("pk", flat=True)), worker="test-worker:1")
    (message,) = [m for m in smtp.messages if "ilse@bakkerijzuid.example" in m["To"]]
    text = next(part for part in message.walk() if part.get_content_type() == "text/plain")
    link = re.search(r"https?://\S+/register/confirm/\S+/", text.get_payload(decode=True).decode()).group(0)
    page.goto(link)
    page.get_by_role("button", name="Mijn aanmelding bevestigen").click()
    page.wait_for_url("**/events/rsvp/**")
    assert page.get_by_text("U bent aangemeld (2 personen).").is_visible()
    assert_accessible(page)
    shot(page, "registrant-rsvp-page")

    employer = Employer.objects.get(kvk_number="12345678")
    assert (employer.stage, employer.source, employer.owner) == ("prospect", "event", None)
    login(page, "adviseur")
    page.goto(f"/employers/{employer.pk}/")
    assert page.get_by_text("Ilse de Vries").first.is_visible()
    assert page.get_by_text("Nieuwe aanmelding voor Werk werkt in Amsterdam").first.is_visible()
    assert_accessible(page)


def test_the_embed_shows_on_the_allowed_website_only(page, other_site, settings):
    EventFactory(region_id="AM18", title="Werk werkt in Amsterdam", starts_at=timezone.now() + timedelta(days=9))

    settings.AGENDA_EMBED_ORIGINS = [other_site]
    page.goto(other_site)
    frame = page.frame_locator("iframe")
    frame.get_by_role("link", name="Werk werkt in Amsterdam").wait_for()
    shot(page, "public-agenda-embedded")

    settings.AGENDA_EMBED_ORIGINS = []
    page.goto(other_site)
    page.wait_for_load_state("load")
    embedded = page.frames[-1]
    assert embedded.url == "about:blank" or embedded.locator("text=Werk werkt in Amsterdam").count() == 0

    page.goto("/agenda/AM18/embed/")
    assert page.get_by_role("link", name="Werk werkt in Amsterdam").is_visible()
    assert_accessible(page)
