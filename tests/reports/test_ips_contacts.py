"""IPS fidelity beyond six contacts (issue 19), the contact side: a guide links an employer
contact to one of their own candidates (the link lives with the candidate), and the figures
count contacts per visit, face to face, for a candidate against general job development, and
the days from a trajectory's start to the first employer contact for that candidate."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from candidates.models import CandidateContact, Trajectory
from candidates.services.contacts import contact_link, first_contact_days
from crm.models import AuditEntry
from reports.ips import ips_own_figures, ips_region_figures
from tests.candidates.factories import CandidateFactory
from tests.contacts.factories import ContactFactory
from tests.factories import EmployerFactory

pytestmark = pytest.mark.django_db
AMS = ZoneInfo("Europe/Amsterdam")
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=AMS)


def _at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=AMS)


def _guide_row(guide: Any) -> Any:
    (row,) = ips_own_figures(guide).guides
    return row


def test_the_guide_links_an_own_contact_on_the_candidates_page(guide_a: Any, web: Any) -> None:
    candidate = CandidateFactory(guide=guide_a)
    contact = ContactFactory(employer=EmployerFactory(region_id="AM18"), by=guide_a)

    page = web(guide_a).get(reverse("candidates:detail", args=[candidate.pk])).content.decode()
    assert f'<option value="{contact.pk}">' in page  # offered for linking
    answer = web(guide_a).post(reverse("candidates:contact-link", args=[candidate.pk]), {"contact": contact.pk})

    assert answer.status_code == 302
    assert CandidateContact.objects.filter(candidate=candidate, contact=contact, linked_by=guide_a).exists()
    assert AuditEntry.objects.filter(action="candidates.contact.linked", data={"contact": contact.pk}).exists()
    page = web(guide_a).get(reverse("candidates:detail", args=[candidate.pk])).content.decode()
    assert f'action="{reverse("candidates:contact-unlink", args=[CandidateContact.objects.get().pk])}"' in page


def test_a_colleagues_contact_is_not_linkable_and_changes_nothing(guide_a: Any, adviser_a: Any, web: Any) -> None:
    candidate = CandidateFactory(guide=guide_a)
    colleagues = ContactFactory(employer=EmployerFactory(region_id="AM18"), by=adviser_a)

    answer = web(guide_a).post(reverse("candidates:contact-link", args=[candidate.pk]), {"contact": colleagues.pk})

    assert answer.status_code == 400
    assert "Kies een van uw eigen contacten" in answer.content.decode()
    assert not CandidateContact.objects.exists()
    with pytest.raises(ValidationError):  # the service refuses it too, not only the form
        contact_link(candidate=candidate, contact_id=colleagues.pk, by=guide_a)


def test_another_guides_candidate_is_a_404(guide_a: Any, guide_b: Any, web: Any) -> None:
    theirs = CandidateFactory(guide=guide_b, region_id="AM13")
    mine = ContactFactory(employer=EmployerFactory(region_id="AM18"), by=guide_a)

    answer = web(guide_a).post(reverse("candidates:contact-link", args=[theirs.pk]), {"contact": mine.pk})

    assert answer.status_code == 404
    assert not CandidateContact.objects.exists()


def test_one_contact_may_be_for_two_candidates_and_the_unlink_takes_one_back(guide_a: Any, web: Any) -> None:
    first, second = CandidateFactory(guide=guide_a), CandidateFactory(guide=guide_a)
    contact = ContactFactory(employer=EmployerFactory(region_id="AM18"), by=guide_a)
    for candidate in (first, second):
        contact_link(candidate=candidate, contact_id=contact.pk, by=guide_a)
    contact_link(candidate=first, contact_id=contact.pk, by=guide_a)  # again: nothing new
    assert CandidateContact.objects.count() == 2

    link = CandidateContact.objects.get(candidate=first)
    assert web(guide_a).post(reverse("candidates:contact-unlink", args=[link.pk])).status_code == 302

    assert list(CandidateContact.objects.values_list("candidate_id", flat=True)) == [second.pk]
    # A visit for two candidates is one employer contact for a candidate, not two.
    assert _guide_row(guide_a).contacts_for_candidate == 1


def test_contacts_per_visit_face_to_face_and_for_a_candidate(guide_a: Any) -> None:
    employer = EmployerFactory(region_id="AM18")
    candidate = CandidateFactory(guide=guide_a)
    with time_machine.travel(NOW, tick=False):
        moment = NOW - timedelta(days=3)
        # Two people of one employer checked in at one session: one visit.
        ContactFactory(employer=employer, by=guide_a, when=moment, channel="event", in_person=True)
        ContactFactory(employer=employer, by=guide_a, when=moment, channel="event", in_person=True)
        linked = ContactFactory(employer=employer, by=guide_a, when=NOW - timedelta(days=10), channel="visit")
        ContactFactory(employer=employer, by=guide_a, when=NOW - timedelta(days=11), channel="phone")
        ContactFactory(employer=employer, by=guide_a, when=NOW - timedelta(weeks=20), channel="visit")  # too old
        CandidateContact.objects.create(candidate=candidate, contact=linked)

        row = _guide_row(guide_a)

    assert (row.contacts, row.contacts_in_person, row.contacts_for_candidate, row.contacts_general) == (3, 2, 1, 2)
    assert (row.in_person_share, row.for_candidate_share) == (66.7, 33.3)


def test_days_from_trajectory_start_to_first_employer_contact(guide_a: Any, coordinator_a: Any, web: Any) -> None:
    employer = EmployerFactory(region_id="AM18")
    today = NOW.date()

    def trajectory(started_days_ago: int, *contact_days: int) -> Any:
        candidate = CandidateFactory(guide=guide_a)
        start = today - timedelta(days=started_days_ago)
        Trajectory.objects.create(candidate=candidate, start_date=start, guide=guide_a)
        for after in contact_days:
            contact = ContactFactory(employer=employer, by=guide_a, when=_at(start + timedelta(days=after)))
            CandidateContact.objects.create(candidate=candidate, contact=contact)
        return candidate

    with time_machine.travel(NOW, tick=False):
        on_time = trajectory(100, 10, 50)  # first contact after 10 days: within 30
        trajectory(100, 45)  # after 45 days: late
        trajectory(60)  # none, the 30 days passed: late
        trajectory(5)  # none yet, within the 30 days: waiting
        before = trajectory(40, 12)
        # A contact before the start does not count for this trajectory.
        CandidateContact.objects.create(
            candidate=before,
            contact=ContactFactory(employer=employer, by=guide_a, when=_at(today - timedelta(days=45))),
        )
        trajectory(400, 1)  # started more than 12 months ago: not measured

        row = _guide_row(guide_a)
        detail = web(guide_a).get(reverse("candidates:detail", args=[on_time.pk])).content.decode()
        dashboard = web(coordinator_a).get(reverse("reports:region-detail", args=["AM18"])).content.decode()

    assert (row.first_contact_on_time, row.first_contact_late, row.first_contact_waiting) == (2, 2, 1)
    assert row.first_contact_median_days == 12.0  # of 10, 12 and 45
    assert "10 dagen na de start" in detail
    assert 'id="panel-ips-contacts"' in dashboard
    assert "binnen 30 dagen" in dashboard


def test_first_contact_days_counts_from_the_start() -> None:
    start = date(2026, 3, 1)
    assert first_contact_days(start, [date(2026, 2, 20), date(2026, 3, 31), date(2026, 3, 4)]) == 3
    assert first_contact_days(start, [date(2026, 2, 28)]) is None


def test_the_team_view_and_the_own_view_agree(guide_a: Any, web: Any) -> None:
    ContactFactory(employer=EmployerFactory(region_id="AM18"), by=guide_a)
    (team_row,) = [g for g in ips_region_figures("AM18").guides if g.contacts]

    assert team_row == _guide_row(guide_a)
    page = web(guide_a).get(reverse("reports:ips-own"))
    assert page.status_code == 200
    assert 'id="panel-ips-contacts"' in page.content.decode()
    csv = web(guide_a).get(reverse("reports:ips-own"), {"csv": "ips-contacts"}).content.decode("utf-8-sig")
    assert csv.splitlines()[1].startswith(f"{guide_a.get_full_name() or guide_a.username};1;1 (100,0 %)")


@pytest.mark.parametrize("who", ["adviser_a", "coordinator_a", "awvn"])
def test_the_own_view_is_for_guides(who: str, cast: dict[str, Any], web: Any) -> None:
    assert web(cast[who]).get(reverse("reports:ips-own")).status_code in (403, 404)
