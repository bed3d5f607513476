"""A session's public page for LinkedIn and search engines (issue 18): schema.org Event JSON-LD,
Open Graph and Twitter card tags, the generated share image, the share-on-LinkedIn link."""

from __future__ import annotations

import html
import json
import re
from datetime import datetime
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.outreach.factories import EventFactory

pytestmark = pytest.mark.django_db

AMS = ZoneInfo("Europe/Amsterdam")
HOSTILE = 'Werk </script><script>alert(1)</script> & "zorg" <!-- x'


class _Head(HTMLParser):
    """The page's JSON-LD scripts and meta tags, as a browser's parser splits them."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[str] = []
        self.meta: dict[str, str] = {}
        self._in_ld = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "script":
            self._in_ld = found.get("type") == "application/ld+json"
            if self._in_ld:
                self.scripts.append("")
        elif tag == "meta" and (found.get("property") or found.get("name")):
            self.meta[found.get("property") or found.get("name") or ""] = found.get("content") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_ld = False

    def handle_data(self, data: str) -> None:
        if self._in_ld:
            self.scripts[-1] += data


def _head(client, event) -> _Head:
    response = client.get(reverse("outreach:public-event", args=[event.slug]))
    assert response.status_code == 200
    parser = _Head()
    parser.feed(response.content.decode())
    return parser


def test_the_page_carries_a_schema_org_event(client):
    start = datetime(timezone.now().year + 1, 1, 15, 15, 0, tzinfo=AMS)
    event = EventFactory(
        starts_at=start,
        ends_at=start.replace(hour=17),
        online_url="https://meet.example.org/s",
        linkedin_url="https://www.linkedin.com/events/123/",
    )

    (script,) = _head(client, event).scripts
    data = json.loads(script)

    assert data["@context"] == "https://schema.org" and data["@type"] == "Event"
    assert data["name"] == event.title
    assert data["startDate"] == f"{start.year}-01-15T15:00:00+01:00"  # winter time
    assert data["endDate"] == f"{start.year}-01-15T17:00:00+01:00"
    assert datetime.fromisoformat(data["startDate"]) == event.starts_at
    assert data["eventStatus"] == "https://schema.org/EventScheduled"
    assert data["eventAttendanceMode"] == "https://schema.org/MixedEventAttendanceMode"
    kinds = {place["@type"] for place in data["location"]}
    assert kinds == {"Place", "VirtualLocation"}
    assert data["organizer"]["@type"] == "Organization" and "Groot Amsterdam" in data["organizer"]["name"]
    assert data["url"].endswith(reverse("outreach:public-event", args=[event.slug]))
    assert data["offers"]["price"] == "0" and data["sameAs"] == [event.linkedin_url]


def test_a_cancelled_session_says_so_in_its_json_ld(client):
    event = EventFactory(state="cancelled", venue_address="Stationsplein 1, Utrecht", online_url="")

    data = json.loads(_head(client, event).scripts[0])

    assert data["eventStatus"] == "https://schema.org/EventCancelled"
    assert data["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    assert "offers" not in data


def test_a_hostile_title_cannot_break_out_of_the_script(client):
    event = EventFactory(title=HOSTILE, description="Over </script> & meer")

    text = client.get(reverse("outreach:public-event", args=[event.slug])).content.decode()
    head = _head(client, event)

    assert "<script>alert(1)</script>" not in text
    assert len(head.scripts) == 1  # nothing after a fake </script> became a script of its own
    event.refresh_from_db()
    assert json.loads(head.scripts[0])["name"] == event.title
    assert head.meta["og:title"] == event.title  # the attribute is escaped, the value intact


def test_open_graph_and_twitter_tags_with_a_share_image(client):
    event = EventFactory(description="Werkgevers vertellen.\n\nOver inclusief werk.")

    meta = _head(client, event).meta

    assert meta["og:title"] == event.title and meta["twitter:title"] == event.title
    assert meta["og:description"] == "Werkgevers vertellen. Over inclusief werk."
    assert meta["og:url"].endswith(reverse("outreach:public-event", args=[event.slug]))
    assert meta["twitter:card"] == "summary_large_image"
    image = urlsplit(meta["og:image"])
    assert image.path == reverse("outreach:public-event-share", args=[event.slug])
    assert (meta["og:image:width"], meta["og:image:height"]) == ("1200", "627")
    assert meta["twitter:image"] == meta["og:image"]


def test_the_share_image_is_a_png_of_the_right_size(client):
    event = EventFactory(title="Werk & zorg <samen>: een heel lange titel die over meerdere regels loopt")

    response = client.get(reverse("outreach:public-event-share", args=[event.slug]))

    body = response.content
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert body[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(body[16:20], "big"), int.from_bytes(body[20:24], "big")
    assert (width, height) == (1200, 627)


def test_a_draft_has_no_share_image(client):
    event = EventFactory(state="draft")

    assert client.get(reverse("outreach:public-event-share", args=[event.slug])).status_code == 404


def test_the_share_on_linkedin_link(client):
    event = EventFactory()

    text = client.get(reverse("outreach:public-event", args=[event.slug])).content.decode()
    (href,) = re.findall(r'href="(https://www\.linkedin\.com/sharing/share-offsite/[^"]+)"', text)

    shared = parse_qs(urlsplit(html.unescape(href)).query)["url"]
    assert shared[0].endswith(reverse("outreach:public-event", args=[event.slug]))
    assert "Delen op LinkedIn" in text
