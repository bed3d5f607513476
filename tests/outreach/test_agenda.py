"""The public agenda (issue 18): national and per region, no login, only published sessions
that have not started; its filters, the iCalendar, Atom and JSON feeds, and the embed page."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import feedparser
import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from tests.outreach.factories import EventFactory

pytestmark = pytest.mark.django_db

AMS = ZoneInfo("Europe/Amsterdam")
HOSTILE = 'Werk, "zorg"; en\nmeer </script><script>alert(1)</script> & <b>vet</b>'


def _world() -> dict[str, object]:
    soon = timezone.now() + timedelta(days=10)
    return {
        "a": EventFactory(region_id="AM18", title="Sessie Amsterdam", starts_at=soon),
        "b": EventFactory(region_id="AM13", title="Sessie Utrecht", starts_at=soon + timedelta(days=1)),
        "draft_b": EventFactory(region_id="AM13", title="Geheim concept Utrecht", state="draft"),
        "cancelled": EventFactory(region_id="AM18", title="Afgelast Amsterdam", state="cancelled"),
        "held": EventFactory(
            region_id="AM18",
            title="Geweest Amsterdam",
            state="held",
            starts_at=timezone.now() - timedelta(days=3),
        ),
        "past": EventFactory(region_id="AM18", title="Voorbij Amsterdam", starts_at=timezone.now() - timedelta(days=1)),
    }


HIDDEN = ("Geheim concept Utrecht", "Afgelast Amsterdam", "Geweest Amsterdam", "Voorbij Amsterdam")


def test_the_national_agenda_lists_every_regions_published_upcoming_sessions(client):
    world = _world()

    page = client.get(reverse("agenda:national"))

    text = page.content.decode()
    assert page.status_code == 200
    assert "Sessie Amsterdam" in text and "Sessie Utrecht" in text
    assert reverse("outreach:public-event", args=[world["a"].slug]) in text  # type: ignore[attr-defined]
    for title in HIDDEN:
        assert title not in text
    assert text.index("Sessie Amsterdam") < text.index("Sessie Utrecht")  # soonest first


def test_a_region_agenda_shows_only_its_own_region(client):
    _world()

    page = client.get(reverse("agenda:region", args=["AM18"])).content.decode()
    lower = client.get(reverse("agenda:region", args=["am18"]))

    assert "Sessie Amsterdam" in page and "Sessie Utrecht" not in page
    assert not any(title in page for title in HIDDEN)
    assert lower.status_code == 200 and "Sessie Amsterdam" in lower.content.decode()


def test_an_unknown_region_is_404_and_another_regions_draft_never_leaks(client):
    _world()

    assert client.get(reverse("agenda:region", args=["XX99"])).status_code == 404
    for name in ("region", "region-ics", "region-atom", "region-json", "region-embed"):
        body = client.get(reverse(f"agenda:{name}", args=["AM13"])).content.decode()
        assert "Sessie Utrecht" in body
        assert "Geheim concept" not in body and "Sessie Amsterdam" not in body, name


def test_staff_of_another_region_see_the_same_public_agenda_and_no_drafts(web, cast):
    _world()

    for who in ("adviser_a", "adviser_b", "awvn"):
        text = web(cast[who]).get(reverse("agenda:national")).content.decode()
        assert "Geheim concept Utrecht" not in text and "Sessie Utrecht" in text


def test_the_filters_month_mode_and_region(client):
    march = datetime(timezone.now().year + 1, 3, 31, 23, 30, tzinfo=AMS)  # 22:30 UTC: still March here
    EventFactory(region_id="AM18", title="Maart op locatie", starts_at=march)
    EventFactory(
        region_id="AM13",
        title="April online",
        starts_at=march + timedelta(hours=1),
        venue_name="",
        venue_address="",
        online_url="https://meet.example.org/x",
    )
    url = reverse("agenda:national")
    month = f"{march.year}-03"

    in_march = client.get(url, {"month": month}).content.decode()
    online = client.get(url, {"mode": "online"}).content.decode()
    onsite = client.get(url, {"mode": "onsite"}).content.decode()
    utrecht = client.get(url, {"region": "AM13"}).content.decode()

    assert "Maart op locatie" in in_march and "April online" not in in_march
    assert "April online" in online and "Maart op locatie" not in online
    assert "Maart op locatie" in onsite and "April online" not in onsite
    assert "April online" in utrecht and "Maart op locatie" not in utrecht


@pytest.mark.parametrize("query", [{"month": "2026-13"}, {"month": "maart"}, {"mode": "boot"}, {"region": "XX"}])
def test_a_bad_filter_is_a_clear_message_never_a_500(client, query):
    EventFactory(title="Sessie Amsterdam")

    page = client.get(reverse("agenda:national"), query)
    feed = client.get(reverse("agenda:national-json"), query)
    ics = client.get(reverse("agenda:national-ics"), query)

    assert page.status_code == 200 and 'role="alert"' in page.content.decode()
    assert "Sessie Amsterdam" in page.content.decode()  # shown unfiltered
    assert feed.status_code == 400 and json.loads(feed.content)["errors"]
    assert ics.status_code == 400


def test_the_calendar_feed_parses_with_stable_uids_and_a_hostile_title(client):
    event = EventFactory(title=HOSTILE.replace("\n", " "), description="Regel 1\nRegel 2; met, tekens")
    EventFactory(state="draft", title="Concept")

    first = client.get(reverse("agenda:national-ics"))
    second = client.get(reverse("agenda:region-ics", args=["AM18"]))

    assert first["Content-Type"].startswith("text/calendar")
    calendars = [icalendar.Calendar.from_ical(r.content) for r in (first, second)]
    for cal in calendars:
        (vevent,) = cal.walk("VEVENT")
        assert str(vevent["uid"]) == f"event-{event.pk}@wsp-crm"
        assert str(vevent["summary"]) == event.title
        assert str(vevent["description"]) == "Regel 1\nRegel 2; met, tekens"
        assert vevent.decoded("dtstart") == event.starts_at.replace(microsecond=0)
    raw = first.content.decode()
    assert "\\;" in raw and "\\," in raw and "\\n" in raw  # RFC 5545 TEXT escaping
    assert all(len(line.encode()) <= 75 for line in raw.split("\r\n"))  # folded lines


def test_the_atom_feed_parses_with_a_feed_parser(client):
    event = EventFactory(title=HOSTILE.replace("\n", " "))
    EventFactory(state="draft", title="Concept")

    response = client.get(reverse("agenda:region-atom", args=["AM18"]))
    feed = feedparser.parse(response.content)

    assert response["Content-Type"].startswith("application/atom+xml")
    assert not feed.bozo, feed.get("bozo_exception")
    (entry,) = feed.entries
    assert entry.title == event.title
    assert entry.link.endswith(reverse("outreach:public-event", args=[event.slug]))


def test_the_json_feed_has_iso_times_with_their_offset(client):
    start = datetime(timezone.now().year + 1, 7, 1, 14, 0, tzinfo=AMS)
    event = EventFactory(title=HOSTILE, starts_at=start)
    EventFactory(state="draft", title="Concept")

    response = client.get(reverse("agenda:national-json"))
    data = json.loads(response.content)

    (session,) = data["sessions"]
    event.refresh_from_db()
    assert session["title"] == event.title and "</script>" in session["title"]
    assert session["starts_at"] == f"{start.year}-07-01T14:00:00+02:00"  # summer time
    assert session["region"] == {"code": "AM18", "name": event.region.name}
    assert response["Access-Control-Allow-Origin"] == "*"


def test_hostile_titles_are_escaped_on_the_pages(client):
    EventFactory(title=HOSTILE)

    for url in (reverse("agenda:national"), reverse("agenda:region-embed", args=["AM18"])):
        text = client.get(url).content.decode()
        assert "<script>alert(1)</script>" not in text and "&lt;/script&gt;" in text


def test_the_embed_page_may_be_framed_only_by_the_configured_origins(client, settings):
    EventFactory(title="Sessie Amsterdam")
    url = reverse("agenda:region-embed", args=["AM18"])

    settings.AGENDA_EMBED_ORIGINS = []
    closed = client.get(url)
    settings.AGENDA_EMBED_ORIGINS = ["https://www.wsp-amsterdam.nl", "https://evil.example; script-src *"]
    opened = client.get(url)
    page = client.get(reverse("agenda:region", args=["AM18"]))

    assert "frame-ancestors 'none'" in closed["Content-Security-Policy"] and closed["X-Frame-Options"] == "DENY"
    policy = opened["Content-Security-Policy"]
    assert "frame-ancestors https://www.wsp-amsterdam.nl" in policy and "evil" not in policy
    assert "X-Frame-Options" not in opened
    assert "Sessie Amsterdam" in opened.content.decode() and 'target="_blank"' in opened.content.decode()
    assert "frame-ancestors 'none'" in page["Content-Security-Policy"]  # the other pages stay closed


def test_the_agenda_is_dutch_first_and_english_on_request(client):
    EventFactory()

    dutch = client.get(reverse("agenda:national")).content.decode()
    client.cookies["django_language"] = "en"
    english = client.get(reverse("agenda:national")).content.decode()

    assert "Kennissessies, alle regio’s" in dutch and "Komende sessies" in dutch
    assert "Knowledge sessions, all regions" in english and "Upcoming sessions" in english


def test_the_adviser_gets_the_embed_code_of_their_own_region_only(web, cast):
    text = web(cast["adviser_a"]).get(reverse("outreach:event-list")).content.decode()

    assert "/agenda/AM18/embed/" in text and "&lt;iframe" in text and 'data-copy="embed-AM18"' in text
    assert "/agenda/AM13/" not in text
