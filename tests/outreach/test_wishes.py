"""Post-event conversion (issue 18): the thank-you mail's one-click wishes, signed and without
login, land on the invitation, the employer's timeline and a follow-up for the right person."""

from __future__ import annotations

import pytest
from django.urls import reverse

from employers.models import FollowUp
from outreach import mail, tokens
from outreach.models import Invitation
from tests.outreach.factories import InvitationFactory

pytestmark = pytest.mark.django_db


def _url(inv: Invitation, wish: str) -> str:
    return reverse("outreach:wish", args=[wish, tokens.sign(inv.token, "wish")])


def _held(cast, *, owner: bool = True) -> Invitation:
    return InvitationFactory(
        event__state="held",
        event__owner=cast["coordinator_a"],
        contact_person__employer__region_id="AM18",
        contact_person__employer__owner=cast["adviser_a"] if owner else None,
        attended=True,
    )


def test_the_thank_you_mail_carries_both_one_click_links(cast):
    inv = _held(cast)

    row = mail.invitation_row(inv, "followup-thanks", "test:thanks")

    for wish in ("contact", "candidate"):
        assert mail.site_url(_url(inv, wish)) in row.body_text
        assert mail.site_url(_url(inv, wish)) in row.body_html
    assert "Ja, neem contact met mij op" in row.body_text
    assert "Stuur mij informatie over een kandidaat of een proefplaatsing" in row.body_text


def test_opening_the_link_records_nothing_and_the_button_records_once(client, cast):
    inv = _held(cast)
    url = _url(inv, "contact")

    page = client.get(url)
    inv.refresh_from_db()
    assert page.status_code == 200 and inv.wish_contact_at is None  # a mail scanner changes nothing
    assert not FollowUp.objects.filter(employer=inv.contact_person.employer).exists()

    done = client.post(url)
    again = client.post(url)

    assert done.status_code == 200 and again.status_code == 200
    inv.refresh_from_db()
    assert inv.wish_contact_at is not None and inv.wish_candidate_at is None
    (followup,) = FollowUp.objects.filter(employer=inv.contact_person.employer)
    assert followup.owner == cast["adviser_a"]
    assert inv.contact_person.name in followup.note and "contact" in followup.note


def test_without_an_owner_the_organiser_gets_the_follow_up(client, cast):
    inv = _held(cast, owner=False)

    client.post(_url(inv, "candidate"))

    (followup,) = FollowUp.objects.filter(employer=inv.contact_person.employer)
    assert followup.owner == cast["coordinator_a"] and "proefplaatsing" in followup.note


def test_the_wish_shows_on_the_timeline_and_on_the_session_page(client, web, cast):
    inv = _held(cast)
    client.post(_url(inv, "contact"))
    client.post(_url(inv, "candidate"))
    adviser = web(cast["adviser_a"])

    timeline = adviser.get(reverse("employers:timeline", args=[inv.contact_person.employer_id])).content.decode()
    detail = adviser.get(reverse("outreach:event-detail", args=[inv.event_id])).content.decode()

    assert "vraagt om contact" in timeline and "vraagt naar een kandidaat of proefplaatsing" in timeline
    assert "<strong>1</strong> vroeg om contact" in detail


def test_a_forged_or_foreign_link_is_refused(client, cast):
    inv = _held(cast)
    forged = reverse("outreach:wish", args=["contact", tokens.sign(inv.token, "rsvp")])  # another purpose

    assert "Deze link werkt niet" in client.post(forged).content.decode()
    assert client.get(reverse("outreach:wish", args=["bogus", tokens.sign(inv.token, "wish")])).status_code == 404
    inv.refresh_from_db()
    assert inv.wish_contact_at is None and not FollowUp.objects.exists()
