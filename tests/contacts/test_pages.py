from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from crm.models import AuditEntry
from employers.models import Contact, FollowUp, UserPreference
from tests.contacts.factories import ContactFactory, FollowUpFactory
from tests.factories import ContactPersonFactory, EmployerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def employer_a(region_a):
    return EmployerFactory(region_id=region_a.code, legal_name="Bakkerij Zon B.V.", place="Amsterdam")


def _pages(employer, contact, followup, user):
    return [
        ("get", reverse("employers:contact-create")),
        ("get", reverse("employers:contact-create") + f"?employer={employer.pk}"),
        ("get", reverse("employers:contact-edit", args=[contact.pk])),
        ("get", reverse("employers:contact-lookup") + "?q=Bakkerij"),
        ("get", reverse("employers:contact-lookup") + f"?employer={employer.pk}"),
        ("get", reverse("employers:timeline", args=[employer.pk])),
        ("get", reverse("employers:my-work")),
        ("get", reverse("employers:person", args=[user.pk])),
        ("get", reverse("employers:team")),
        ("post", reverse("employers:followup-complete", args=[followup.pk])),
    ]


@pytest.mark.parametrize("outsider", ["awvn", "nobody"])
def test_people_without_a_network_role_get_404_everywhere(cast, nobody, web, employer_a, outsider):
    user = nobody if outsider == "nobody" else cast[outsider]
    contact = ContactFactory(employer=employer_a, by=cast["adviser_a"])
    followup = FollowUpFactory(employer=employer_a, owner=cast["adviser_a"])
    client = web(user)
    for method, url in _pages(employer_a, contact, followup, cast["adviser_a"]):
        assert getattr(client, method)(url).status_code == 404, url


def test_another_regions_guide_gets_404_for_region_a_objects(cast, web, employer_a):
    contact = ContactFactory(employer=employer_a, by=cast["adviser_a"])
    followup = FollowUpFactory(employer=employer_a, owner=cast["adviser_a"])
    client = web(cast["guide_b"])
    urls = [
        ("get", reverse("employers:contact-create") + f"?employer={employer_a.pk}"),
        ("get", reverse("employers:contact-edit", args=[contact.pk])),
        ("get", reverse("employers:contact-lookup") + f"?employer={employer_a.pk}"),
        ("get", reverse("employers:timeline", args=[employer_a.pk])),
        ("get", reverse("employers:person", args=[cast["adviser_a"].pk])),
        ("post", reverse("employers:followup-complete", args=[followup.pk])),
    ]
    for method, url in urls:
        assert getattr(client, method)(url).status_code == 404, url
    assert client.get(reverse("employers:contact-lookup") + "?q=Bakkerij").json() == {"employers": []}
    assert client.get(reverse("employers:team")).status_code == 404  # not a coordinator


def test_a_guide_logs_a_job_development_visit_from_the_employer_page(cast, web, employer_a):
    person = ContactPersonFactory(employer=employer_a)
    client = web(cast["guide_a"])
    page = client.get(reverse("employers:contact-create") + f"?employer={employer_a.pk}")
    assert (
        f"Bakkerij Zon B.V. · 1012 AB Amsterdam · KvK {employer_a.kvk_number} #{employer_a.pk}" in page.content.decode()
    )

    response = client.post(
        reverse("employers:contact-create"),
        {
            "employer": f"Bakkerij Zon B.V. · 1012 AB Amsterdam · KvK {employer_a.kvk_number} #{employer_a.pk}",
            "contact_person": person.pk,
            "when": "2026-11-23T10:15",
            "channel": "visit",
            "purpose": "job_development",
            "summary": "Werkplek bekeken voor kandidaat",
            "follow_up_on": "2026-11-30",
            "follow_up_note": "Proefplaatsing afspreken",
        },
    )

    assert response.status_code == 302
    contact = Contact.objects.get()
    assert (contact.by, contact.contact_person, contact.in_person) == (cast["guide_a"], person, True)
    assert FollowUp.objects.get().owner == cast["guide_a"]


def test_an_employer_out_of_region_cannot_be_logged_against(cast, web, region_b):
    theirs = EmployerFactory(region_id=region_b.code)
    response = web(cast["adviser_a"]).post(
        reverse("employers:contact-create"),
        {
            "employer": f"x #{theirs.pk}",
            "when": "2026-11-23T10:15",
            "channel": "visit",
            "purpose": "acquisition",
            "summary": "x",
        },
    )
    assert response.status_code == 400
    assert "employer" in response.context["form"].errors
    assert not Contact.objects.exists()


def test_the_form_shows_errors_per_field(cast, web):
    response = web(cast["adviser_a"]).post(reverse("employers:contact-create"), {"channel": "visit"})
    assert response.status_code == 400
    assert {"employer", "summary", "purpose"} <= set(response.context["form"].errors)
    assert 'class="error-summary"' in response.content.decode()


def test_the_author_changes_and_deletes_within_the_window(cast, web, employer_a):
    contact = ContactFactory(employer=employer_a, by=cast["adviser_a"], channel="phone", in_person=False)
    client = web(cast["adviser_a"])
    url = reverse("employers:contact-edit", args=[contact.pk])
    data = {"when": "2026-11-23T09:00", "channel": "visit", "purpose": "relationship", "summary": "Nieuw"}
    assert client.post(url, data).status_code == 302
    contact.refresh_from_db()
    assert (contact.summary, contact.in_person) == ("Nieuw", True)

    assert web(cast["coordinator_a"]).get(url).status_code == 403  # may read, is not the author
    client = web(cast["adviser_a"])
    assert client.post(url, {"delete": "1"}).status_code == 302
    assert AuditEntry.objects.filter(action="employers.contact.deleted", target_id=str(contact.pk)).exists()


def test_the_edit_window_closes(cast, web, employer_a, settings):
    contact = ContactFactory(employer=employer_a, by=cast["adviser_a"])
    Contact.objects.filter(pk=contact.pk).update(created_at=timezone.now() - timedelta(hours=25))
    assert web(cast["adviser_a"]).get(reverse("employers:contact-edit", args=[contact.pk])).status_code == 403


def test_my_work_shows_follow_ups_by_due_and_cold_employers(cast, web, employer_a, django_assert_max_num_queries):
    today = timezone.localdate()
    me = cast["adviser_a"]
    FollowUpFactory(employer=employer_a, owner=me, due_date=today - timedelta(days=2), note="Te laat")
    FollowUpFactory(employer=employer_a, owner=me, due_date=today, note="Vandaag bellen")
    FollowUpFactory(employer=employer_a, owner=cast["guide_a"], due_date=today, note="Niet van mij")
    cold = EmployerFactory(owner=me, stage="active", legal_name="Koud B.V.")
    warm = EmployerFactory(owner=me, stage="active", legal_name="Warm B.V.")
    ContactFactory(employer=warm, by=me)
    ContactFactory(employer=cold, by=me, when=timezone.now() - timedelta(days=61))
    EmployerFactory(owner=me, stage="prospect", legal_name="Prospect B.V.")
    client = web(me)
    client.get(reverse("employers:my-work"))  # the first visit remembers the language

    # session, user, memberships, follow-ups, cold employers, IPS counts, the calendar feed link
    with django_assert_max_num_queries(7):
        response = client.get(reverse("employers:my-work"))

    html = response.content.decode()
    assert "Te laat" in html and "Vandaag bellen" in html and "Niet van mij" not in html
    assert "Koud B.V." in html and "Warm B.V." not in html and "Prospect B.V." not in html
    assert UserPreference.objects.get(user=me).language == "nl"
    assert reverse("employers:my-work") in html  # in the navigation now


def test_timeline_page_query_count_does_not_grow(cast, web, employer_a, django_assert_max_num_queries):
    for n in (5, 50):
        for _ in range(n):
            ContactFactory(employer=employer_a, by=cast["adviser_a"])
        client = web(cast["adviser_a"])
        # session, user, memberships, employer, count, page keys, contacts, stage changes/openings,
        # the regions it is shared with (the rows' region badges)
        with django_assert_max_num_queries(9):
            assert client.get(reverse("employers:timeline", args=[employer_a.pk])).status_code == 200


def test_done_button_closes_my_follow_up(cast, web, employer_a):
    followup = FollowUpFactory(employer=employer_a, owner=cast["adviser_a"], due_date=date(2026, 11, 1))
    response = web(cast["adviser_a"]).post(reverse("employers:followup-complete", args=[followup.pk]))
    assert response.status_code == 302
    followup.refresh_from_db()
    assert followup.state == "done"


def test_a_coordinator_sees_the_team_and_its_people(cast, web):
    client = web(cast["coordinator_a"])
    html = client.get(reverse("employers:team")).content.decode()
    assert "Sam" in html and "Anna" in html and "Pieter" not in html
    assert client.get(reverse("employers:person", args=[cast["guide_a"].pk])).status_code == 200
    assert client.get(reverse("employers:person", args=[cast["guide_b"].pk])).status_code == 404
    # an adviser sees only their own figures
    adviser = web(cast["adviser_a"])
    assert adviser.get(reverse("employers:person", args=[cast["adviser_a"].pk])).status_code == 200
    assert adviser.get(reverse("employers:person", args=[cast["guide_a"].pk])).status_code == 404


def test_next_never_leaves_the_site(cast, web, employer_a):
    followup = FollowUpFactory(employer=employer_a, owner=cast["adviser_a"])
    response = web(cast["adviser_a"]).post(
        reverse("employers:followup-complete", args=[followup.pk]), {"next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("employers:my-work")


def test_errors_and_help_are_tied_to_their_inputs(cast, web):
    html = web(cast["adviser_a"]).post(reverse("employers:contact-create"), {"channel": "visit"}).content.decode()
    assert 'aria-describedby="id_employer-help id_employer-error"' in html
    assert 'aria-invalid="true"' in html
