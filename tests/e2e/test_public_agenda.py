"""Browser tests of the public agenda (issue 18): a visitor opens the region agenda without
logging in and picks a session; the embed page shows inside a page of another origin only when
that origin is in AGENDA_EMBED_ORIGINS; axe finds nothing serious on either page."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.utils import timezone

from tests.e2e.conftest import assert_accessible, shot
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


def test_a_visitor_opens_the_region_agenda_and_picks_a_session(page):
    EventFactory(region_id="AM18", title="Werk werkt in Amsterdam", starts_at=timezone.now() + timedelta(days=9))
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
