"""Adviser, employer and AWVN adviser: a knowledge session from plan to RSVP, with a real
worker delivering real mail to an SMTP server on loopback."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from crm.demo import seed_users
from employers.models import Contact, FollowUp
from outreach.models import Event, Invitation, OutboundEmail
from tests.e2e.conftest import assert_accessible, login, shot
from tests.factories import ContactPersonFactory, EmployerFactory
from tests.outreach.harness import celery_env, start_celery, stop
from tests.polling import wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def mail_worker(live_server, smtp, settings):
    """A real worker and beat that deliver the outbox to the loopback SMTP server; links in mail
    (rendered by whichever process writes the outbox row) point at the live server."""
    settings.SITE_URL = live_server.url
    environment = celery_env(smtp=smtp, extra={"SITE_URL": live_server.url})
    worker = start_celery("worker", environment)
    beat = start_celery("beat", environment)
    yield worker
    stop(beat)
    stop(worker)


def body_of(message) -> str:
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            return part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
    return ""


def test_adviser_finds_an_employer_logs_a_visit_plans_publishes_and_invites(page, smtp, mail_worker):
    users = seed_users()
    bakery = EmployerFactory(legal_name="Bakkerij Jansen B.V.", region_id="AM18", stage="open", owner=users["adviseur"])
    for name in ("Petra Jansen", "Karim El Amrani"):
        ContactPersonFactory(employer=bakery, name=name)
    ContactPersonFactory(employer=bakery, name="Afgemeld Persoon", opted_out_at=timezone.now())
    login(page, "adviseur")

    # Find the employer in a second, with a typo.
    page.goto("/employers/")
    page.locator("#id_search").fill("bakerij jansen")
    page.locator("form.filters button[type=submit]").click()
    page.get_by_role("link", name="Bakkerij Jansen B.V.").click()
    page.wait_for_url(re.compile(r"/employers/\d+/$"))
    assert_accessible(page)
    shot(page, "adviser-employer-detail")

    # Log a visit with a follow-up from the employer page.
    page.get_by_role("link", name="Contact vastleggen").last.click()
    page.get_by_label("Samenvatting").fill("Kennismaking; interesse in de kennissessie.")
    page.get_by_label("Vervolgactie op").fill((timezone.localdate() + timedelta(days=7)).isoformat())
    page.get_by_role("button", name="Contactmoment opslaan").click()
    page.wait_for_load_state()
    assert Contact.objects.get(employer=bakery).channel == "visit"
    assert FollowUp.objects.filter(employer=bakery).exists()

    # Plan a session.
    page.goto("/events/new/")
    starts = timezone.localtime() + timedelta(days=21)
    page.locator("#id_title").fill("Kennissessie inclusief werkgeverschap")
    page.locator("#id_description").fill("Twee werkgevers vertellen hoe zij mensen met een kwetsbaarheid begeleiden.")
    page.locator("#id_starts_at").fill(starts.strftime("%Y-%m-%dT15:00"))
    page.locator("#id_ends_at").fill(starts.strftime("%Y-%m-%dT17:00"))
    page.locator("#id_venue_name").fill("OBA Oosterdok")
    page.locator("#id_venue_address").fill("Oosterdokskade 143, Amsterdam")
    page.locator("#id_capacity").fill("40")
    assert_accessible(page)
    shot(page, "adviser-event-form")
    page.locator("main form button.primary[type=submit]").last.click()
    page.wait_for_url(re.compile(r"/events/\d+/$"))
    event = Event.objects.get()

    # Publish with AWVN registration, then invite the open employers.
    page.locator("form[action$='/publish/'] input[type=checkbox]").check()
    page.locator("form[action$='/publish/'] button[type=submit]").click()
    page.wait_for_load_state()
    event.refresh_from_db()
    assert event.state == "published" and event.awvn_requested_at is not None
    page.goto(f"/events/{event.pk}/invite/")
    page.locator("input[name=stages][value=open]").check()
    page.locator("button[name=preview]").click()
    page.wait_for_selector("#preview")
    assert_accessible(page)
    shot(page, "adviser-invite-preview")
    page.locator("form[method=post][action$='/invite/'] button[type=submit]").click()
    page.wait_for_load_state()

    assert Invitation.objects.filter(event=event).count() == 2
    invites = OutboundEmail.objects.filter(event=event, kind="invite")
    assert wait_until(lambda: invites.filter(state="sent").count() == 2, timeout=90)
    recipients = [m["To"] for m in smtp.messages if "@werkgever.example" in m["To"]]
    assert len(recipients) == 2, recipients
    shot(page, "adviser-event-after-invite")


def test_employer_answers_yes_for_two_from_the_link_in_the_delivered_mail(page, smtp, mail_worker):
    users = seed_users()
    from outreach.services.events import event_create, event_publish
    from outreach.services.invitations import invite

    event = event_create(
        by=users["adviseur"],
        region="AM18",
        title="Werkgeversontbijt",
        description="Ontbijt met ervaringsdeskundigen.",
        starts_at=timezone.now() + timedelta(days=10),
        ends_at=timezone.now() + timedelta(days=10, hours=2),
        venue_name="Stadhuis",
        venue_address="Amstel 1, Amsterdam",
    )
    event = event_publish(event=event, by=users["adviseur"])
    person = ContactPersonFactory(
        employer=EmployerFactory(region_id="AM18"), name="Petra Jansen", email="petra@bakkerij.example"
    )
    invite(event=event, by=users["adviseur"], persons=[person])

    assert wait_until(lambda: any("petra@bakkerij.example" in m["To"] for m in smtp.messages), timeout=90)
    mail = next(m for m in smtp.messages if "petra@bakkerij.example" in m["To"])
    link = re.search(r"https?://\S+/events/rsvp/\S+/", body_of(mail)).group(0)

    page.goto(link)
    assert_accessible(page)
    shot(page, "employer-rsvp-page")
    page.locator("input[name=rsvp][value=yes]").check()
    page.locator("#id_people_count").fill("2")
    page.locator("#id_names").fill("Petra Jansen, Ahmed Bakker")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert_accessible(page)
    shot(page, "employer-rsvp-confirmed")

    invitation = Invitation.objects.get(event=event, contact_person=person)
    assert invitation.rsvp == "yes" and invitation.people_count == 2 and invitation.is_confirmed
    assert wait_until(lambda: len([m for m in smtp.messages if "petra@bakkerij.example" in m["To"]]) == 2, 90)


def test_awvn_adviser_sees_the_national_agenda_and_confirms_a_registration(page, live_server):
    users = seed_users()
    from outreach.services.events import event_create, event_publish

    for region_user, code, name in (("adviseur", "AM18", "Amsterdam"), ("adviseur-utrecht", "AM13", "Utrecht")):
        organiser = users[region_user]
        event = event_create(
            by=organiser,
            region=code,
            title=f"Kennissessie {name}",
            starts_at=timezone.now() + timedelta(days=30),
            ends_at=timezone.now() + timedelta(days=30, hours=2),
            venue_address="Stationsplein 1",
        )
        event_publish(event=event, by=organiser, register_with_awvn=True)
    login(page, "awvn")
    page.goto("/events/agenda/")
    assert page.get_by_text("Kennissessie Amsterdam").first.is_visible()
    assert page.get_by_text("Kennissessie Utrecht").first.is_visible()
    assert_accessible(page)
    shot(page, "awvn-agenda")

    amsterdam = Event.objects.get(region_id="AM18")
    page.locator(f"#ref-{amsterdam.pk}").fill("AWVN-2026-0042")
    page.locator(f"form[action$='/agenda/{amsterdam.pk}/confirm/'] button[type=submit]").click()
    page.wait_for_load_state()
    amsterdam.refresh_from_db()
    assert amsterdam.awvn_reference == "AWVN-2026-0042" and amsterdam.awvn_confirmed_at is not None
    shot(page, "awvn-agenda-confirmed")
