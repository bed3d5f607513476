"""A contact person's data-subject rights: the export names every row about them, the erasure
leaves their name and address in no column of any table, and the retention job."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from crm.models import AuditEntry, Membership
from crm.roles import Role
from employers.models import Contact, ContactPerson, FollowUp, ImportBatch
from outreach import mail, outbox, privacy
from outreach.models import EmailState, Invitation, OutboundEmail, Registration
from tests.contacts.factories import ContactFactory, FollowUpFactory
from tests.factories import ContactPersonFactory, EmployerFactory, UserFactory
from tests.outreach.factories import EventFactory, InvitationFactory

pytestmark = pytest.mark.django_db

NAME, EMAIL = "Marieke Zwanenburg", "m.zwanenburg@bakkerij.example"


def mail_to(invitation: Invitation, kind: str = "invite") -> OutboundEmail:
    outbox.store([mail.invitation_row(invitation, kind, f"{kind}:{invitation.pk}")])
    return OutboundEmail.objects.get(idempotency_key=f"{kind}:{invitation.pk}")


def person_with_history(adviser: Any) -> ContactPerson:
    """A person named in every table that can name one, beside a colleague who must stay."""
    employer = EmployerFactory(region_id="AM18", notes=f"Vraag naar {NAME} bij HR.")
    person = ContactPersonFactory(employer=employer, name=NAME, email=EMAIL, phone="020 123 4567")
    colleague = ContactPersonFactory(employer=employer, name="Henk de Vries")
    ContactFactory(employer=employer, contact_person=person, by=adviser, summary="Gesprek over vacatures")
    ContactFactory(employer=employer, contact_person=colleague, by=adviser, summary=f"{NAME} is met verlof")
    FollowUpFactory(employer=employer, owner=adviser, note=f"Mail {EMAIL} terug")
    past = EventFactory(starts_at=timezone.now() - timedelta(days=60))
    answered = InvitationFactory(
        event=past, contact_person=person, rsvp="yes", names=NAME, access_needs="rolstoeltoegang"
    )
    upcoming = InvitationFactory(event=EventFactory(), contact_person=person)
    InvitationFactory(event=upcoming.event, contact_person=colleague)
    Registration.objects.create(
        event=past, name=NAME, organisation="Bakkerij Zwanenburg", email=EMAIL, access_needs="tolk", invitation=answered
    )
    mail_to(answered, "followup-thanks")
    queued = mail_to(upcoming)
    assert queued.state == EmailState.QUEUED and NAME.encode() in bytes(queued.mime)
    ImportBatch.objects.create(region_id="AM18", filename="lijst.csv", rows=[{"name": NAME}], raw=NAME.encode())
    AuditEntry.record("employers.contact_person.created", target=person, actor=adviser)
    return person


def test_the_export_holds_every_row_that_names_the_person(adviser_a: Any):
    person = person_with_history(adviser_a)

    data = privacy.person_export(person)

    assert data["contact_person"]["name"] == NAME and data["contact_person"]["email"] == EMAIL
    assert len(data["invitations"]) == Invitation.objects.filter(contact_person=person).count() == 2
    assert len(data["contacts"]) == Contact.objects.filter(contact_person=person).count() == 1
    assert len(data["registrations"]) == Registration.objects.filter(email=EMAIL).count() == 1
    assert len(data["emails"]) == OutboundEmail.objects.filter(to_email=EMAIL).count() == 2
    assert {row["access_needs"] for row in data["invitations"]} == {"rolstoeltoegang", ""}
    assert [row["action"] for row in data["consent_and_opt_out"]] == ["employers.contact_person.created"]
    json.dumps(data)  # plain data, as the download sends it


def columns_naming(*needles: str) -> list[str]:
    """Every text, JSON and binary column of every table in which one of ``needles`` occurs."""
    found = []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = 'public'"
            " AND data_type IN ('text', 'character varying', 'jsonb', 'bytea')"
        )
        for table, column, kind in cursor.fetchall():
            for needle in needles:
                if kind == "bytea":
                    test = f"position(convert_to(%s, 'UTF8') in \"{column}\") > 0"
                else:
                    test = f"\"{column}\"::text ILIKE '%%' || %s || '%%'"
                cursor.execute(f'SELECT count(*) FROM "{table}" WHERE {test}', [needle])  # noqa: S608 - names from the catalogue
                if cursor.fetchone()[0]:
                    found.append(f"{table}.{column}: {needle}")
    return found


def test_erasure_leaves_the_name_and_address_in_no_column_and_the_counts_alone(adviser_a: Any, coordinator_a: Any):
    person = person_with_history(adviser_a)
    assert columns_naming(NAME, EMAIL)  # the scan finds them before
    models = (Invitation, Contact, OutboundEmail, FollowUp)
    before = [model.objects.count() for model in models]

    counts = privacy.person_erase(contact_person=person, by=coordinator_a, reason="verzoek per mail")

    assert columns_naming(NAME, EMAIL, "020 123 4567", "rolstoeltoegang") == []
    assert before == [model.objects.count() for model in models]
    person.refresh_from_db()
    assert person.is_erased and person.opted_out and person.email == ""
    assert Invitation.objects.filter(contact_person=person, rsvp="yes").count() == 1  # the answer still counts
    assert ContactPerson.objects.get(name="Henk de Vries")  # the colleague stays
    assert Contact.objects.filter(summary="[gewist] is met verlof").exists()
    assert not OutboundEmail.objects.filter(state=EmailState.QUEUED).exists()  # unsent mail is stopped
    entry = AuditEntry.objects.get(action="outreach.contact_person.erased")
    assert entry.actor == coordinator_a and entry.target_id == str(person.pk) and entry.data["reason"]
    assert counts["emails"] == 2 and counts["registrations"] == 1


@pytest.fixture
def coordinator_b(region_b: Any) -> Any:
    user = UserFactory(username="coordinator_b")
    Membership.objects.create(user=user, region=region_b, role=Role.COORDINATOR)
    return user


def test_only_the_regions_coordinator_sees_and_erases(web: Any, adviser_a: Any, coordinator_a: Any, coordinator_b: Any):
    person = person_with_history(adviser_a)
    data_url = reverse("privacy:person-data", args=[person.pk])
    erase_url = reverse("privacy:person-erase", args=[person.pk])
    for outsider in (adviser_a, coordinator_b):
        client = web(outsider)
        assert client.get(data_url).status_code == 404
        assert client.post(erase_url, {"confirm": "erase"}).status_code == 404
    client = web(coordinator_a)

    page = client.get(data_url)
    download = client.get(data_url, {"format": "json"})
    unconfirmed = client.post(erase_url, {"reason": "x"})

    assert page.status_code == 200 and NAME in page.content.decode() and "rolstoeltoegang" in page.content.decode()
    assert json.loads(download.content)["contact_person"]["email"] == EMAIL
    assert unconfirmed.status_code == 400 and not ContactPerson.objects.get(pk=person.pk).is_erased
    assert client.post(erase_url, {"confirm": "erase"}).status_code == 302
    assert ContactPerson.objects.get(pk=person.pk).is_erased
    assert client.post(erase_url, {"confirm": "erase"}).status_code == 302  # a second time: nothing left to do
    assert AuditEntry.objects.filter(action="outreach.contact_person.erased").count() == 1


def test_the_employer_page_links_the_data_page_for_coordinators_only(web: Any, adviser_a: Any, coordinator_a: Any):
    person = ContactPersonFactory(employer=EmployerFactory(region_id="AM18"))
    url = reverse("employers:detail", args=[person.employer_id])
    link = reverse("privacy:person-data", args=[person.pk])

    assert link in web(coordinator_a).get(url).content.decode()
    assert link not in web(adviser_a).get(url).content.decode()


def test_retention_erases_idle_opt_outs_and_clears_old_access_needs(settings: Any, adviser_a: Any):
    settings.CONTACT_PERSON_RETENTION_MONTHS, settings.ACCESS_NEEDS_RETENTION_DAYS = 24, 30
    long_ago = timezone.now() - timedelta(days=800)
    idle = ContactPersonFactory(employer=EmployerFactory(region_id="AM18"), opted_out_at=long_ago)
    recent = ContactPersonFactory(employer=idle.employer, opted_out_at=long_ago)
    subscribed = ContactPersonFactory(employer=idle.employer)
    ContactPerson.objects.filter(pk__in=[idle.pk, recent.pk, subscribed.pk]).update(updated_at=long_ago)
    ContactFactory(employer=idle.employer, contact_person=recent, by=adviser_a)  # activity: kept
    old = InvitationFactory(
        event=EventFactory(starts_at=timezone.now() - timedelta(days=40)), contact_person=subscribed, access_needs="a"
    )
    fresh = InvitationFactory(
        event=EventFactory(starts_at=timezone.now() - timedelta(days=10)), contact_person=subscribed, access_needs="b"
    )
    Invitation.objects.filter(pk__in=[old.pk, fresh.pk]).update(created_at=long_ago)

    assert privacy.retention_run() == {"access_needs": 1, "people": 1}
    assert privacy.retention_run() == {"access_needs": 0, "people": 0}  # idempotent
    assert [p.pk for p in ContactPerson.objects.filter(erased_at__isnull=False)] == [idle.pk]
    assert Invitation.objects.get(pk=old.pk).access_needs == "" and Invitation.objects.get(pk=fresh.pk).access_needs
    assert AuditEntry.objects.get(action="outreach.contact_person.erased").actor is None


def test_a_guide_of_the_region_never_sees_access_needs(web: Any, api: Any, guide_a: Any, adviser_a: Any):
    invitation = InvitationFactory(event=EventFactory(owner=adviser_a), access_needs="een stille ruimte")

    assert web(guide_a).get(reverse("outreach:event-detail", args=[invitation.event_id])).status_code == 404
    assert api(guide_a).get(reverse("invitation-list")).status_code in (403, 404)
    page = web(adviser_a).get(reverse("outreach:event-detail", args=[invitation.event_id]))
    assert "een stille ruimte" in page.content.decode()  # the organisers do
