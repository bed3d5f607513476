from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from crm.models import AuditEntry
from employers.models import Contact, FollowUp
from tests.contacts.factories import ContactFactory, FollowUpFactory
from tests.factories import ContactPersonFactory, EmployerFactory
from tests.quality.snapshot import nothing_changes

pytestmark = pytest.mark.django_db
AMS = ZoneInfo("Europe/Amsterdam")


@pytest.fixture
def mine(cast):
    employer = EmployerFactory(region_id="AM18")
    contact = ContactFactory(employer=employer, by=cast["adviser_a"])
    followup = FollowUpFactory(employer=employer, owner=cast["adviser_a"], contact=contact)
    return employer, contact, followup


def _endpoints(employer, contact, followup):
    return [
        ("get", "/api/v1/contacts/", None),
        ("get", f"/api/v1/contacts/{contact.pk}/", None),
        ("patch", f"/api/v1/contacts/{contact.pk}/", {"summary": "x"}),
        ("delete", f"/api/v1/contacts/{contact.pk}/", None),
        (
            "post",
            "/api/v1/contacts/",
            {"employer": employer.pk, "channel": "visit", "purpose": "event", "summary": "x"},
        ),
        ("get", "/api/v1/follow-ups/", None),
        ("get", f"/api/v1/follow-ups/{followup.pk}/", None),
        ("post", f"/api/v1/follow-ups/{followup.pk}/complete/", None),
        (
            "post",
            "/api/v1/follow-ups/",
            {"employer": employer.pk, "owner": followup.owner_id, "due_date": "2026-12-01"},
        ),
    ]


@pytest.mark.parametrize("who", ["awvn", "nobody"])
def test_no_network_role_is_a_404_on_every_endpoint(cast, nobody, api, mine, who):
    client = api(nobody if who == "nobody" else cast[who])
    for method, url, body in _endpoints(*mine):
        assert getattr(client, method)(url, body, format="json").status_code == 404, (method, url)


def test_anonymous_is_refused(api, mine):
    for method, url, body in _endpoints(*mine):
        assert getattr(api(None), method)(url, body, format="json").status_code in (401, 403), url


def test_another_regions_guide_sees_no_contact_of_region_a(cast, api, mine):
    employer, contact, followup = mine
    client = api(cast["guide_b"])
    for method, url, body in _endpoints(*mine):
        response = getattr(client, method)(url, body, format="json")
        if method == "get" and url.endswith(("/contacts/", "/follow-ups/")):
            assert response.json()["count"] == 0
        elif method == "post" and url.endswith(("/contacts/", "/follow-ups/")):
            # an employer out of scope is "not found" as a choice, the same as a missing one
            assert response.status_code == 400 and "employer" in response.json(), url
        else:
            assert response.status_code == 404, (method, url)
    assert Contact.objects.count() == 1 and FollowUp.objects.count() == 1


def test_a_guide_logs_a_contact_with_a_follow_up(cast, api):
    employer = EmployerFactory(region_id="AM18")
    person = ContactPersonFactory(employer=employer)
    response = api(cast["guide_a"]).post(
        "/api/v1/contacts/",
        {
            "employer": employer.pk,
            "contact_person": person.pk,
            "channel": "event",
            "event_in_person": True,
            "purpose": "job_development",
            "summary": "Gesproken op de kennissessie",
            "follow_up_on": "2026-12-01",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["by"], body["in_person"], body["channel"]) == (cast["guide_a"].pk, True, "event")
    assert FollowUp.objects.get().owner == cast["guide_a"]


def test_validation_errors_are_keyed_by_field(cast, api):
    employer = EmployerFactory(region_id="AM18")
    other_person = ContactPersonFactory()
    client = api(cast["adviser_a"])
    response = client.post("/api/v1/contacts/", {"employer": employer.pk, "channel": "fax"}, format="json")
    assert response.status_code == 400
    assert {"channel", "purpose", "summary"} <= set(response.json())

    response = client.post(
        "/api/v1/contacts/",
        {
            "employer": employer.pk,
            "channel": "visit",
            "purpose": "event",
            "summary": "x",
            "contact_person": other_person.pk,
        },
        format="json",
    )
    assert response.status_code == 400 and "contact_person" in response.json()

    response = client.post(
        "/api/v1/follow-ups/",
        {"employer": employer.pk, "owner": cast["adviser_b"].pk, "due_date": "2026-12-01"},
        format="json",
    )
    assert response.status_code == 400 and "owner" in response.json()


def test_only_the_author_changes_and_deletes_and_deleting_is_audited(cast, api, mine):
    employer, contact, followup = mine
    url = f"/api/v1/contacts/{contact.pk}/"
    assert api(cast["coordinator_a"]).patch(url, {"summary": "x"}, format="json").status_code == 403
    assert api(cast["coordinator_a"]).delete(url).status_code == 403
    response = api(cast["adviser_a"]).patch(url, {"summary": "Aangevuld"}, format="json")
    assert response.status_code == 200 and response.json()["summary"] == "Aangevuld"
    assert api(cast["adviser_a"]).delete(url).status_code == 204
    assert AuditEntry.objects.filter(action="employers.contact.deleted", target_id=str(contact.pk)).exists()


def test_no_change_after_the_edit_window(cast, api, mine):
    employer, contact, followup = mine
    Contact.objects.filter(pk=contact.pk).update(created_at=timezone.now() - timedelta(hours=25))
    with nothing_changes():
        response = api(cast["adviser_a"]).patch(f"/api/v1/contacts/{contact.pk}/", {"summary": "x"}, format="json")
    assert response.status_code == 403


def test_contact_filters(cast, api):
    employer = EmployerFactory(region_id="AM18")
    other = EmployerFactory(region_id="AM18")
    a = ContactFactory(employer=employer, by=cast["adviser_a"], when=datetime(2026, 11, 2, 9, tzinfo=AMS))
    ContactFactory(employer=other, by=cast["guide_a"], channel="phone", in_person=False, purpose="acquisition")
    client = api(cast["coordinator_a"])

    def ids(query):
        response = client.get(f"/api/v1/contacts/?{query}")
        assert response.status_code == 200, response.json()
        return [row["id"] for row in response.json()["results"]]

    assert ids(f"employer={employer.pk}") == [a.pk]
    assert ids(f"by={cast['adviser_a'].pk}") == [a.pk]
    assert ids("channel=visit") == [a.pk]
    assert ids("purpose=relationship") == [a.pk]
    assert ids("when_after=2026-11-01T00:00:00%2B01:00&when_before=2026-11-03T00:00:00%2B01:00") == [a.pk]
    their = EmployerFactory(region_id="AM13")
    assert client.get(f"/api/v1/contacts/?employer={their.pk}").status_code == 400  # not a choice


def test_follow_up_filters_and_complete(cast, api):
    employer = EmployerFactory(region_id="AM18")
    soon = FollowUpFactory(employer=employer, owner=cast["adviser_a"], due_date=date(2026, 11, 20))
    later = FollowUpFactory(employer=employer, owner=cast["guide_a"], due_date=date(2026, 12, 20))
    client = api(cast["adviser_a"])

    def ids(query):
        return [row["id"] for row in client.get(f"/api/v1/follow-ups/?{query}").json()["results"]]

    assert ids("due_before=2026-11-30") == [soon.pk]
    assert ids(f"owner={cast['guide_a'].pk}") == [later.pk]
    response = client.post(f"/api/v1/follow-ups/{soon.pk}/complete/")
    assert response.status_code == 200 and response.json()["state"] == "done"
    assert ids("state=open") == [later.pk]
    assert ids("state=done") == [soon.pk]


def test_contact_list_query_count(cast, api, django_assert_max_num_queries):
    employer = EmployerFactory(region_id="AM18")
    for _ in range(20):
        ContactFactory(employer=employer, by=cast["adviser_a"])
    client = api(cast["adviser_a"])
    # memberships, count, page of contacts
    with django_assert_max_num_queries(3):
        assert client.get("/api/v1/contacts/").status_code == 200
    # memberships, count, page of follow-ups
    with django_assert_max_num_queries(3):
        assert client.get("/api/v1/follow-ups/").status_code == 200
