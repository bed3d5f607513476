""" "Kent u een collega-werkgever?" (issue 20): the thank-you mail and the ambassador's page carry
a signed link to a public interest form; what it sends arrives as a prospect with ``referred_by``
set, in "new in the network" for the region's advisers. Forged links, bots and floods are refused."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import signing
from django.urls import reverse

from employers import colleague, proposals
from employers.models import ContactPerson, Employer
from outreach import mail
from tests.factories import ContactPersonFactory, EmployerFactory
from tests.outreach.factories import InvitationFactory
from tests.quality.snapshot import nothing_changes

pytestmark = pytest.mark.django_db

FORM = {"organisation": "Bakkerij De Collega", "place": "Amsterdam", "name": "Sanne Vos", "email": "sanne@collega.nl"}


def test_the_thank_you_mails_link_brings_a_prospect_referred_by_the_ambassador(client: Any, cast: Any) -> None:
    inv = InvitationFactory(
        event__state="held", contact_person__employer__region_id="AM18", contact_person__employer__stage="ambassador"
    )
    ambassador, person = inv.contact_person.employer, inv.contact_person
    url = colleague.link_path(ambassador.pk, person.pk)
    row = mail.invitation_row(inv, "followup-thanks", "test:thanks")
    assert mail.site_url(url) in row.body_text and mail.site_url(url) in row.body_html
    assert "Kent u een collega-werkgever?" in row.body_text

    page = client.get(url)
    assert page.status_code == 200 and ambassador.display_name in page.content.decode()
    sent = client.post(url, {**FORM, "message": "Wij zoeken een medewerker in de bakkerij."})

    assert sent.status_code == 200
    new = Employer.objects.get(legal_name="Bakkerij De Collega")
    assert (new.region_id, new.stage, new.source, new.owner) == ("AM18", "prospect", "referral", None)
    assert (new.referred_by, new.referred_by_person, new.awaiting_review) == (ambassador, person, True)
    assert new.contact_persons.get().email == "sanne@collega.nl"
    assert list(proposals.awaiting_review(cast["adviser_a"])) == [new]
    assert not proposals.awaiting_review(cast["adviser_b"]).exists()


def test_the_ambassadors_page_shows_the_link(cast: Any, web: Any) -> None:
    ambassador = EmployerFactory(region_id="AM18", stage="ambassador")

    page = web(cast["adviser_a"]).get(reverse("employers:detail", args=[ambassador.pk])).content.decode()

    assert colleague.link_path(ambassador.pk) in page


def test_a_forged_or_altered_link_is_refused_with_a_clear_page(client: Any) -> None:
    ambassador = EmployerFactory(region_id="AM18")
    good = colleague.sign(ambassador.pk)
    other = EmployerFactory(region_id="AM18")
    altered = good.replace(f"{ambassador.pk}.", f"{other.pk}.", 1)
    forged = signing.Signer(salt="outreach.colleague").sign(f"{ambassador.pk}.")  # another purpose's key
    archived = EmployerFactory(region_id="AM18")
    archived.archived_at = archived.created_at
    archived.save()

    with nothing_changes():
        for value in (altered, forged, "nonsense", colleague.sign(archived.pk)):
            for answer in (
                client.get(f"/employers/colleague/{value}/"),
                client.post(f"/employers/colleague/{value}/", FORM),
            ):
                assert answer.status_code == 400
                assert "This link does not work" in answer.content.decode()


def test_the_honeypot_and_the_rate_limit_refuse(client: Any, settings: Any) -> None:
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"public": "3/minute"}}
    url = colleague.link_path(EmployerFactory(region_id="AM18").pk)

    with nothing_changes():
        bot = client.post(url, {**FORM, "fax": "0201234567"})
    codes = [client.post(url, {**FORM, "email": f"p{i}@collega.nl"}).status_code for i in range(2)]
    flood = client.post(url, FORM)

    assert bot.status_code == 400 and "automated" in bot.content.decode()
    assert codes == [200, 200] and flood.status_code == 429  # the bot's try counted too
    assert Employer.objects.filter(legal_name="Bakkerij De Collega").count() == 1


def test_a_known_organisation_is_not_created_twice_and_bad_input_is_a_400(client: Any) -> None:
    ambassador = EmployerFactory(region_id="AM18")
    known = EmployerFactory(region_id="AM18", legal_name="Bakkerij De Collega", postcode="1011 AB")
    ContactPersonFactory(employer=known)
    url = colleague.link_path(ambassador.pk)

    with nothing_changes():
        bad = client.post(url, {**FORM, "email": "geen-adres"})
        postcode = client.post(url, {**FORM, "postcode": "abc"})
    same = client.post(url, {**FORM, "place": "", "postcode": "1011AB"})

    assert bad.status_code == 400 and 'aria-invalid="true"' in bad.content.decode()
    assert postcode.status_code == 400 and "1234 AB" in postcode.content.decode()
    assert same.status_code == 200
    assert Employer.objects.filter(legal_name="Bakkerij De Collega").count() == 1
    assert ContactPerson.objects.filter(employer=known, email="sanne@collega.nl").exists()
