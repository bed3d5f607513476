"""Employer contacts for a candidate (issue 19), the API and the contact log: the candidate's own
guide links one of their own contacts to the candidate and takes it back; a foreign id is "does
not exist" and writes nothing; each link and unlink leaves an audit entry and an access row, like
every other candidate write. From their own contact log a guide links a contact to a candidate."""

from __future__ import annotations

from typing import Any

import pytest

from candidates.models import CandidateAccess, CandidateContact
from crm.models import AuditEntry
from tests.candidates.factories import CandidateFactory
from tests.contacts.factories import ContactFactory
from tests.factories import EmployerFactory
from tests.quality.snapshot import nothing_changes

pytestmark = pytest.mark.django_db
URL = "/api/v1/candidate-contacts/"


def test_the_guide_links_an_own_contact_once_and_takes_it_back(guide_a: Any, api: Any) -> None:
    candidate = CandidateFactory(guide=guide_a)
    contact = ContactFactory(employer=EmployerFactory(region_id="AM18"), by=guide_a)
    body = {"candidate": candidate.pk, "contact": contact.pk}

    created = api(guide_a).post(URL, body, format="json")
    again = api(guide_a).post(URL, body, format="json")

    assert created.status_code == 201, created.content
    assert again.status_code == 200 and again.json()["id"] == created.json()["id"]
    link = CandidateContact.objects.get()
    assert (link.candidate, link.contact, link.linked_by) == (candidate, contact, guide_a)
    assert api(guide_a).get(URL, {"candidate": candidate.pk}).json()["results"][0]["contact"] == contact.pk

    assert api(guide_a).delete(f"{URL}{link.pk}/").status_code == 204
    assert not CandidateContact.objects.exists()
    assert list(AuditEntry.objects.order_by("id").values_list("action", "data")) == [
        ("candidates.contact.linked", {"contact": contact.pk}),
        ("candidates.contact.unlinked", {"contact": contact.pk}),
    ]
    whats = set(CandidateAccess.objects.filter(candidate=candidate).values_list("what", flat=True))
    assert {"api:candidate-contact-linked", "api:candidate-contact-unlinked"} <= whats


@pytest.mark.parametrize("whose", ["a colleague's contact", "another region's contact", "no contact"])
def test_a_contact_not_the_guides_own_is_not_found_and_nothing_is_written(
    whose: str, guide_a: Any, adviser_a: Any, guide_b: Any, api: Any
) -> None:
    candidate = CandidateFactory(guide=guide_a)
    by, region = {"a colleague's contact": (adviser_a, "AM18"), "another region's contact": (guide_b, "AM13")}.get(
        whose, (None, "")
    )
    contact_id = ContactFactory(employer=EmployerFactory(region_id=region), by=by).pk if by else 99_999_999

    with nothing_changes():
        answer = api(guide_a).post(URL, {"candidate": candidate.pk, "contact": contact_id}, format="json")

    missing = api(guide_a).post(URL, {"candidate": candidate.pk, "contact": 99_999_999}, format="json")
    assert answer.status_code == missing.status_code == 400
    # The same "does not exist" as for an id that was never there.
    assert answer.json()["contact"][0].replace(str(contact_id), "N") == missing.json()["contact"][0].replace(
        "99999999", "N"
    )


def test_another_guides_candidate_is_not_found_and_the_coordinator_only_reads(
    guide_a: Any, guide_b: Any, coordinator_a: Any, api: Any
) -> None:
    theirs = CandidateFactory(guide=guide_b, region_id="AM13")
    own_contact = ContactFactory(employer=EmployerFactory(region_id="AM18"), by=guide_a)
    with nothing_changes():
        answer = api(guide_a).post(URL, {"candidate": theirs.pk, "contact": own_contact.pk}, format="json")
    assert answer.status_code == 400
    assert list(answer.json()) == ["candidate"]

    link = CandidateContact.objects.create(candidate=CandidateFactory(guide=guide_a), contact=own_contact)
    assert api(coordinator_a).get(f"{URL}{link.pk}/").status_code == 200
    assert api(coordinator_a).delete(f"{URL}{link.pk}/").status_code == 403
    assert api(guide_b).delete(f"{URL}{link.pk}/").status_code == 404
    assert CandidateContact.objects.filter(pk=link.pk).exists()


def test_the_guide_links_a_contact_from_their_own_contact_log(
    guide_a: Any, guide_b: Any, adviser_a: Any, web: Any
) -> None:
    from django.urls import reverse

    candidate = CandidateFactory(guide=guide_a)
    colleagues = CandidateFactory(guide=guide_b, region_id="AM13")
    contact = ContactFactory(employer=EmployerFactory(region_id="AM18"), by=guide_a)
    url = reverse("candidates:contact-for", args=[contact.pk])

    assert "contacts/for/" not in web(adviser_a).get(reverse("employers:person", args=[guide_a.pk])).content.decode()
    guide = web(guide_a)
    assert f'href="{url}"' in guide.get(reverse("employers:person", args=[guide_a.pk])).content.decode()
    with nothing_changes():
        refused = guide.post(url, {"candidate": colleagues.pk})
    assert refused.status_code == 400
    answer = guide.post(url, {"candidate": candidate.pk})

    assert answer.status_code == 302
    assert CandidateContact.objects.filter(candidate=candidate, contact=contact, linked_by=guide_a).exists()
    assert AuditEntry.objects.filter(action="candidates.contact.linked", data={"contact": contact.pk}).exists()
    assert CandidateAccess.objects.filter(candidate=candidate, what="page:candidate-contact-linked").exists()
    assert candidate.reference_code in guide.get(url).content.decode()  # "linked to"


def test_the_guide_links_an_own_contact_from_the_employers_timeline(
    guide_a: Any, adviser_a: Any, coordinator_a: Any, web: Any
) -> None:
    """The timeline and the employer's page offer the link on the guide's own contacts only; an
    adviser or coordinator never sees it (they have no candidates), and it names no candidate."""
    from django.urls import reverse

    employer = EmployerFactory(region_id="AM18")
    own = ContactFactory(employer=employer, by=guide_a)
    colleagues = ContactFactory(employer=employer, by=adviser_a)
    candidate = CandidateFactory(guide=guide_a)
    CandidateContact.objects.create(candidate=candidate, contact=own)
    own_link = reverse("candidates:contact-for", args=[own.pk])

    for page in ("employers:timeline", "employers:detail"):
        html = web(guide_a).get(reverse(page, args=[employer.pk])).content.decode()
        assert f'href="{own_link}"' in html, page
        assert reverse("candidates:contact-for", args=[colleagues.pk]) not in html
        assert candidate.reference_code not in html  # the link lives with the candidate, behind the wall
        for staff in (adviser_a, coordinator_a):
            assert "contacts/for/" not in web(staff).get(reverse(page, args=[employer.pk])).content.decode()
