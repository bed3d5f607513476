"""Open registration on the public session page: double opt-in through the real outbox and a
real SMTP server, the same RSVP page and seat rules as invitations, matching the employer,
the colleague link, and abuse (honeypot, rate limit, forged and expired links)."""

from __future__ import annotations

import re
import threading
import time
from typing import Any

import pytest
from django.core import signing
from django.db import connection
from django.urls import reverse

from employers.models import ContactPerson, Employer, FollowUp
from outreach import delivery, tokens
from outreach.models import Invitation, OutboundEmail, Registration
from outreach.services import registration as service
from outreach.services.rsvp import rsvp_answer
from tests.factories import ContactPersonFactory, EmployerFactory
from tests.outreach.factories import EventFactory, InvitationFactory
from tests.outreach.harness import SmtpServer

pytestmark = pytest.mark.django_db

FORM = {
    "name": "Ilse de Vries",
    "organisation": "Bakkerij Zuid B.V.",
    "email": "ilse@bakkerijzuid.nl",
    "kvk_number": "",
    "postcode": "",
    "people_count": 2,
    "access_needs": "Rolstoel",
}


def register_url(event: Any) -> str:
    return reverse("outreach:public-register", args=[event.slug])


def post(client: Any, event: Any, **changes: Any) -> Any:
    return client.post(register_url(event), {**FORM, **changes})


def delivered_link(smtp: SmtpServer, to: str) -> str:
    """Deliver the outbox for real and read the confirmation link from the text part."""
    delivery.deliver(list(OutboundEmail.objects.values_list("pk", flat=True)), worker="test-worker:1")
    message = next(m for m in smtp.messages if to in m["To"])
    text = next(part for part in message.walk() if part.get_content_type() == "text/plain")
    body = text.get_payload(decode=True).decode()
    return re.search(r"https?://\S+/register/confirm/\S+/", body).group(0)


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def test_register_confirm_from_the_mail_and_land_on_the_personal_page(client, smtp, adviser_a, adviser_b):
    event = EventFactory(capacity=10, owner=adviser_a)
    page = client.get(reverse("outreach:public-event", args=[event.slug]))
    assert 'name="organisation"' in page.content.decode()

    sent = post(client, event, consent_mail="on")
    assert sent.status_code == 200 and "ilse@bakkerijzuid.nl" in sent.content.decode()
    # Pending: no seat, no employer, no contact person yet.
    assert not Invitation.objects.exists() and not Employer.objects.filter(legal_name=FORM["organisation"]).exists()

    link = path_of(delivered_link(smtp, FORM["email"]))
    assert client.get(link).status_code == 200  # a button: a mail scanner opening the link confirms nothing
    assert not Invitation.objects.exists()
    answer = client.post(link)
    assert answer.status_code == 302 and "/rsvp/" in answer["Location"]

    rsvp = client.get(answer["Location"]).content.decode()
    assert "Ilse de Vries" in rsvp and ("2 people" in rsvp or "2 personen" in rsvp)
    invitation = Invitation.objects.get()
    assert invitation.is_confirmed and invitation.people_count == 2 and invitation.access_needs == "Rolstoel"
    employer = invitation.contact_person.employer
    assert (employer.region_id, employer.stage, employer.source, employer.owner) == ("AM18", "prospect", "event", None)
    person = invitation.contact_person
    assert person.opted_out_at is None
    assert "future knowledge sessions" in person.lawful_basis or "toekomstige kennissessies" in person.lawful_basis
    follow_up = FollowUp.objects.get(employer=employer)
    assert follow_up.owner == adviser_a and "Ilse de Vries" in follow_up.note

    # Twice: the same page, nothing new.
    again = client.post(link)
    assert again["Location"] == answer["Location"] and client.get(link)["Location"] == answer["Location"]
    assert (Invitation.objects.count(), Employer.objects.count(), FollowUp.objects.count()) == (1, 1, 1)

    # The region's advisers see it to review; another region's do not.
    client.force_login(adviser_a)
    listed = client.get(reverse("outreach:registrations")).content.decode()
    assert "Bakkerij Zuid B.V." in listed
    client.force_login(adviser_b)
    assert "Bakkerij Zuid B.V." not in client.get(reverse("outreach:registrations")).content.decode()
    reg = Registration.objects.get()
    assert client.post(reverse("outreach:registration-reviewed", args=[reg.pk])).status_code == 404
    client.force_login(adviser_a)
    assert client.post(reverse("outreach:registration-reviewed", args=[reg.pk])).status_code == 302
    assert Registration.objects.get().reviewed_by == adviser_a


def test_without_consent_the_new_person_gets_no_further_mail(client):
    event = EventFactory()
    post(client, event)
    reg = Registration.objects.get()
    assert not reg.consent_mail and reg.consent_text == ""
    service.confirm(registration=reg)
    person = ContactPerson.objects.get(email=FORM["email"])
    assert person.opted_out_at is not None


def _confirm(**changes: Any) -> Invitation:
    event = EventFactory()
    fields = {**FORM, **changes}
    reg = service.register(event=event, **fields)
    return service.confirm(registration=reg)


def test_the_organisation_is_matched_by_kvk_first_then_name_and_postcode_then_mail_domain():
    by_kvk = EmployerFactory(region_id="AM18", legal_name="Heel Andere Naam", kvk_number="12345678")
    by_name = EmployerFactory(region_id="AM18", legal_name="Bakkerij Zuid B.V.", postcode="1011 AB")
    by_domain = EmployerFactory(region_id="AM18", legal_name="Domein B.V.")
    ContactPersonFactory(employer=by_domain, email="baas@domein.nl")
    elsewhere = EmployerFactory(region_id="AM18", legal_name="Bakkerij Zuid B.V.", postcode="9999 ZZ")

    assert _confirm(kvk_number="12345678", postcode="1011ab").contact_person.employer == by_kvk
    assert _confirm(postcode="1011ab").contact_person.employer == by_name
    assert _confirm(organisation="Iets", email="nieuw@domein.nl").contact_person.employer == by_domain
    # A public mail domain says nothing: a new prospect.
    fresh = _confirm(organisation="Eenmanszaak Jan", email="jan@gmail.com").contact_person.employer
    assert fresh not in (by_kvk, by_name, by_domain, elsewhere) and fresh.source == "event"
    # The same person registering again (at a public mail domain) is that prospect.
    assert _confirm(organisation="eenmanszaak jan", email="jan@gmail.com").contact_person.employer == fresh


def test_another_regions_employer_is_not_matched_and_its_kvk_not_taken():
    EmployerFactory(region_id="AM13", legal_name="X", kvk_number="87654321")
    employer = _confirm(kvk_number="87654321").contact_person.employer
    assert employer.region_id == "AM18" and employer.kvk_number == ""


def test_a_filled_in_honeypot_is_refused_with_a_clear_message_and_stores_nothing(client):
    event = EventFactory()
    answer = post(client, event, fax="+31 20 1234567")
    page = answer.content.decode()
    assert answer.status_code == 400 and ("automated" in page or "automatisch lijkt" in page)
    assert not Registration.objects.exists() and not OutboundEmail.objects.exists()


def test_bad_input_is_shown_beside_the_fields_never_a_500(client):
    event = EventFactory()
    answer = post(client, event, email="geen-adres", kvk_number="12", postcode="abc", people_count=99)
    assert answer.status_code == 400
    assert not Registration.objects.exists()
    answer = post(client, event, postcode="abc")
    assert answer.status_code == 400 and "1234 AB" in answer.content.decode()


def test_the_rate_limit_counts_per_client_address_and_ignores_a_forged_forwarded_for(client, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"public": "2/minute"}}
    settings.TRUSTED_PROXY_COUNT = 0
    event = EventFactory()
    codes = [post(client, event, HTTP_X_FORWARDED_FOR=f"192.0.2.{i}").status_code for i in range(3)]
    assert codes == [200, 200, 429]
    assert Registration.objects.count() == 2
    other = client.post(register_url(event), FORM, REMOTE_ADDR="198.51.100.7")
    assert other.status_code == 200


def test_a_forged_link_and_an_expired_link_get_a_clear_page(client):
    event = EventFactory()
    reg = service.register(event=event, **FORM)
    forged = reverse("outreach:register-confirm", args=[reg.token + ":forged"])
    assert client.get(forged).status_code == 400 and client.post(forged).status_code == 400

    class EightDaysAgo(signing.TimestampSigner):
        def timestamp(self) -> str:
            return signing.b62_encode(int(time.time()) - 8 * 24 * 3600)

    old = EightDaysAgo(salt=tokens.REGISTRATION_SALT).sign(reg.token)
    expired = client.post(reverse("outreach:register-confirm", args=[old]))
    page = expired.content.decode()
    assert expired.status_code == 410 and ("expired" in page or "verlopen" in page)
    assert not Invitation.objects.exists()


def test_a_closed_session_shows_no_form_and_refuses_a_registration(client):
    event = EventFactory(open_registration=False)
    page = client.get(reverse("outreach:public-event", args=[event.slug])).content.decode()
    assert 'name="organisation"' not in page and reverse("outreach:fresh-link") in page
    assert post(client, event).status_code == 409
    assert not Registration.objects.exists()


def test_the_colleague_link_prefills_the_organisation_and_a_forged_one_is_refused(client):
    inv = InvitationFactory(contact_person__employer__legal_name="Zorggroep Noord")
    rsvp = client.get(reverse("outreach:rsvp", args=[tokens.sign(inv.token, "rsvp")])).content.decode()
    assert "colleague%3D" in rsvp  # the mailto: body carries the signed public link
    signed = tokens.sign(inv.token, "colleague")
    page = client.get(reverse("outreach:public-event", args=[inv.event.slug]), {"colleague": signed})
    assert 'value="Zorggroep Noord"' in page.content.decode()
    forged = client.get(reverse("outreach:public-event", args=[inv.event.slug]), {"colleague": inv.token + ":x"})
    assert "Zorggroep Noord" not in forged.content.decode()
    assert "Deze doorstuurlink is niet geldig" in forged.content.decode()  # said, not silently dropped
    assert "Deze doorstuurlink" not in page.content.decode()
    # An RSVP link is not a colleague link either.
    wrong = client.get(
        reverse("outreach:public-event", args=[inv.event.slug]), {"colleague": tokens.sign(inv.token, "rsvp")}
    )
    assert "Zorggroep Noord" not in wrong.content.decode()


@pytest.mark.django_db(transaction=True)
def test_thirty_registrations_and_thirty_invitation_answers_for_ten_seats_confirm_exactly_ten():
    event = EventFactory(capacity=10)
    pending = [
        service.register(
            event=event, **{**FORM, "organisation": f"Werkgever {i}", "email": f"p{i}@w{i}.nl", "people_count": 1}
        )
        for i in range(30)
    ]
    invited = InvitationFactory.create_batch(30, event=event)
    barrier = threading.Barrier(60)
    errors: list[BaseException] = []

    def run(job: Any) -> None:
        try:
            barrier.wait(timeout=30)
            job()
        except BaseException as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)
        finally:
            connection.close()

    jobs = [lambda r=r: service.confirm(registration=r) for r in pending]
    jobs += [lambda i=i: rsvp_answer(invitation=i, rsvp="yes") for i in invited]
    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)

    assert errors == []
    assert event.invitations.confirmed().count() == 10
    waitlist = list(event.invitations.waitlisted().values_list("waitlist_position", flat=True))
    assert waitlist == list(range(1, 51))
    assert Registration.objects.confirmed().count() == 30
    assert Employer.objects.filter(source="event").count() == 30
