"""The public pages: no login, personal signed links bound to their purpose, friendly when broken."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from crm.models import Region
from outreach import tokens
from outreach.models import CalendarFeed, Invitation, OutboundEmail
from tests.outreach.factories import EventFactory, InvitationFactory

pytestmark = pytest.mark.django_db


def rsvp_url(inv: Invitation) -> str:
    return reverse("outreach:rsvp", args=[tokens.sign(inv.token, "rsvp")])


def unsubscribe_url(inv: Invitation) -> str:
    return reverse("outreach:unsubscribe", args=[tokens.sign(inv.token, "unsubscribe")])


def test_a_published_session_has_a_public_page_and_a_calendar_file(client):
    event = EventFactory(title="Werk werkt", slug="werk-werkt-2026-05-01")

    page = client.get(reverse("outreach:public-event", args=[event.slug]))
    ics = client.get(reverse("outreach:public-event-ics", args=[event.slug]))

    assert page.status_code == 200 and "Werk werkt" in page.content.decode()
    assert ics["Content-Type"].startswith("text/calendar") and b"UID:event-" in ics.content


def test_a_draft_session_has_no_public_page(client):
    event = EventFactory(state="draft")
    assert client.get(reverse("outreach:public-event", args=[event.slug])).status_code == 404
    assert client.get(reverse("outreach:public-event-ics", args=[event.slug])).status_code == 404


def test_the_personal_page_takes_an_answer_without_login(client):
    inv = InvitationFactory(event__capacity=5)
    url = rsvp_url(inv)

    page = client.get(url)
    answer = client.post(url, {"rsvp": "yes", "people_count": 2, "names": "Ann, Bob", "access_needs": "Lift"})

    # escaped: a Faker name may hold an apostrophe (van 't Erve), which the page writes as &#x27;
    assert page.status_code == 200 and escape(inv.contact_person.name) in page.content.decode()
    assert answer.status_code == 302
    inv.refresh_from_db()
    assert (inv.rsvp, inv.people_count, inv.access_needs) == ("yes", 2, "Lift")
    assert OutboundEmail.objects.filter(kind="rsvp-confirm", invitation=inv).exists()
    again = client.get(url).content.decode()
    assert "mailto:?subject=" in again and reverse("outreach:rsvp-ics", args=[tokens.sign(inv.token, "rsvp")]) in again


def test_an_invalid_answer_shows_the_form_with_errors(client):
    inv = InvitationFactory()
    response = client.post(rsvp_url(inv), {"rsvp": "yes", "people_count": 99})
    assert response.status_code == 200 and 'aria-invalid="true"' in response.content.decode()
    inv.refresh_from_db()
    assert inv.rsvp == "none"


@pytest.mark.parametrize(
    "mangle",
    [
        lambda v: v[:-2] + ("AA" if not v.endswith("AA") else "BB"),  # tampered signature
        lambda v: v.split(":")[0],  # signature cut off by a mail program
        lambda v: "x" + v,  # tampered token
    ],
)
def test_a_tampered_link_shows_a_friendly_page_to_ask_for_a_fresh_one(client, mangle):
    inv = InvitationFactory()
    url = reverse("outreach:rsvp", args=[mangle(tokens.sign(inv.token, "rsvp"))])

    response = client.get(url)

    assert response.status_code == 200
    body = response.content.decode()
    assert reverse("outreach:fresh-link") in body and 'name="email"' in body
    assert client.post(url, {"rsvp": "yes"}).status_code == 200
    inv.refresh_from_db()
    assert inv.rsvp == "none"


def test_a_link_is_bound_to_its_purpose(client):
    inv = InvitationFactory()
    unsubscribe_token = tokens.sign(inv.token, "unsubscribe")
    rsvp_token = tokens.sign(inv.token, "rsvp")

    as_rsvp = client.get(reverse("outreach:rsvp", args=[unsubscribe_token]))
    as_unsubscribe = client.post(reverse("outreach:unsubscribe", args=[rsvp_token]), {"unsubscribe": "1"})

    assert reverse("outreach:fresh-link") in as_rsvp.content.decode()
    assert reverse("outreach:fresh-link") in as_unsubscribe.content.decode()
    inv.contact_person.refresh_from_db()
    assert inv.contact_person.opted_out_at is None


def test_a_stale_link_of_a_deleted_invitation_is_friendly_too(client):
    inv = InvitationFactory()
    url = rsvp_url(inv)
    inv.delete()
    assert reverse("outreach:fresh-link") in client.get(url).content.decode()


def test_after_the_start_the_page_shows_the_answer_but_takes_no_changes(client):
    inv = InvitationFactory(event__starts_at=timezone.now() - timedelta(minutes=5))
    response = client.get(rsvp_url(inv))
    assert response.status_code == 200 and 'name="rsvp"' not in response.content.decode()
    client.post(rsvp_url(inv), {"rsvp": "yes", "people_count": 1})
    inv.refresh_from_db()
    assert inv.rsvp == "none"


def test_one_click_unsubscribe_works_without_a_csrf_token(client):
    from django.test import Client

    inv = InvitationFactory()
    strict = Client(enforce_csrf_checks=True)

    response = strict.post(unsubscribe_url(inv), {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    inv.contact_person.refresh_from_db()
    assert inv.contact_person.opted_out_at is not None
    assert "one-click" in inv.contact_person.opt_out_source


def test_the_preferences_page_changes_language_and_resubscribes(client):
    inv = InvitationFactory(contact_person__opted_out_at=timezone.now())
    url = unsubscribe_url(inv)
    assert client.get(url).status_code == 200

    client.post(url, {"subscribed": "on", "language": "en"})

    inv.contact_person.refresh_from_db()
    assert inv.contact_person.opted_out_at is None and inv.contact_person.language == "en"


def test_posts_are_throttled(client, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"public": "3/minute"}}
    inv = InvitationFactory()
    codes = [client.post(rsvp_url(inv), {"rsvp": "no", "people_count": 1}).status_code for _ in range(5)]
    assert codes[:3] == [302, 302, 302] and codes[3:] == [429, 429]
    codes = [client.post(unsubscribe_url(inv), {"subscribed": "on", "language": "nl"}).status_code for _ in range(5)]
    assert codes[3:] == [429, 429]  # preference changes; unsubscribing itself is never throttled


def test_a_fresh_link_goes_to_a_known_address_once_an_hour_and_the_page_says_the_same_either_way(client):
    inv = InvitationFactory()
    known = client.post(reverse("outreach:fresh-link"), {"email": inv.contact_person.email.upper()})
    client.post(reverse("outreach:fresh-link"), {"email": inv.contact_person.email})
    unknown = client.post(reverse("outreach:fresh-link"), {"email": "nobody@example.org"})

    def without_csrf(body: bytes) -> str:
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body.decode())

    assert without_csrf(known.content) == without_csrf(unknown.content)
    assert OutboundEmail.objects.filter(kind="fresh-link", invitation=inv).count() == 1


def test_calendar_feeds_need_their_secret_token(client):
    EventFactory(region_id="AM18", title="In Amsterdam")
    EventFactory(region_id="AM13", title="In Utrecht")
    EventFactory(region_id="AM18", title="Nog concept", state="draft")
    region_feed = CalendarFeed.objects.create(region=Region.objects.get(code="AM18"))
    national = CalendarFeed.objects.create(region=None)
    revoked = CalendarFeed.objects.create(region=None, revoked_at=timezone.now())

    regional = client.get(reverse("outreach:feed", args=[region_feed.token])).content.decode()
    everything = client.get(reverse("outreach:feed", args=[national.token])).content.decode()

    assert "In Amsterdam" in regional and "In Utrecht" not in regional and "Nog concept" not in regional
    assert "In Amsterdam" in everything and "In Utrecht" in everything
    assert client.get(reverse("outreach:feed", args=["guess"])).status_code == 404
    assert client.get(reverse("outreach:feed", args=[revoked.token])).status_code == 404


def test_pages_have_no_inline_script(client):
    inv = InvitationFactory()
    for url in (rsvp_url(inv), unsubscribe_url(inv), reverse("outreach:fresh-link")):
        body = client.get(url).content.decode()
        assert "<script>" not in body and "onclick=" not in body
