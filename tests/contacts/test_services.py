from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from crm.models import AuditEntry
from employers.contacts.services import (
    contact_delete,
    contact_log,
    contact_update,
    followup_complete,
    followup_reopen,
)
from employers.models import Contact, FollowUp
from tests.contacts.factories import ContactFactory
from tests.factories import ContactPersonFactory, EmployerFactory

pytestmark = pytest.mark.django_db


def test_logging_a_visit_counts_as_face_to_face_and_is_audited(adviser_a):
    employer = EmployerFactory()
    contact = contact_log(
        employer=employer, by=adviser_a, channel="visit", purpose="acquisition", summary="Rondleiding"
    )

    assert contact.in_person
    assert AuditEntry.objects.filter(action="employers.contact.logged", target_id=str(contact.pk)).exists()


@pytest.mark.parametrize(
    ("channel", "event_in_person", "expected"),
    [("phone", True, False), ("event", True, True), ("event", False, False), ("video", False, False)],
)
def test_only_visits_and_events_in_person_are_face_to_face(adviser_a, channel, event_in_person, expected):
    contact = contact_log(
        employer=EmployerFactory(),
        by=adviser_a,
        channel=channel,
        purpose="event",
        summary="x",
        event_in_person=event_in_person,
    )
    assert contact.in_person is expected


def test_a_follow_up_date_opens_a_follow_up_for_the_author_by_default(adviser_a):
    due = date(2026, 12, 1)
    contact = contact_log(
        employer=EmployerFactory(), by=adviser_a, channel="phone", purpose="relationship", summary="x", follow_up_on=due
    )
    followup = FollowUp.objects.get(contact=contact)
    assert (followup.owner, followup.due_date, followup.state) == (adviser_a, due, "open")


def test_a_follow_up_cannot_go_to_someone_outside_the_region(adviser_a, adviser_b):
    with pytest.raises(ValidationError) as error:
        contact_log(
            employer=EmployerFactory(region_id="AM18"),
            by=adviser_a,
            channel="phone",
            purpose="relationship",
            summary="x",
            follow_up_on=date(2026, 12, 1),
            follow_up_owner=adviser_b,
        )
    assert "follow_up_owner" in error.value.message_dict
    assert not Contact.objects.exists()


def test_contact_person_must_work_for_the_employer(adviser_a):
    other = ContactPersonFactory()
    with pytest.raises(ValidationError) as error:
        contact_log(
            employer=EmployerFactory(), by=adviser_a, channel="visit", purpose="x", summary="x", contact_person=other
        )
    assert "contact_person" in error.value.message_dict


def test_the_author_may_edit_within_the_window_and_not_after(adviser_a, settings):
    settings.CONTACT_EDIT_WINDOW_HOURS = 24
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        contact = ContactFactory(by=adviser_a, channel="phone", in_person=False)
        traveller.shift(timedelta(hours=23))
        contact_update(contact=contact, by=adviser_a, summary="Beter verwoord", channel="visit")
        contact.refresh_from_db()
        assert (contact.summary, contact.in_person) == ("Beter verwoord", True)
        entry = AuditEntry.objects.get(action="employers.contact.updated")
        assert entry.data["changed"]["summary"] == ["Kennismaking met HR", "Beter verwoord"]

        traveller.shift(timedelta(hours=2))
        with pytest.raises(PermissionDenied):
            contact_update(contact=contact, by=adviser_a, summary="Te laat")


def test_someone_else_may_not_edit_or_delete(adviser_a, coordinator_a):
    contact = ContactFactory(by=adviser_a)
    with pytest.raises(PermissionDenied):
        contact_update(contact=contact, by=coordinator_a, summary="x")
    with pytest.raises(PermissionDenied):
        contact_delete(contact=contact, by=coordinator_a)


def test_deleting_leaves_the_contact_in_the_audit_log(adviser_a):
    contact = ContactFactory(by=adviser_a, summary="Gesprek met directeur")
    pk = contact.pk
    contact_delete(contact=contact, by=adviser_a)

    assert not Contact.objects.filter(pk=pk).exists()
    entry = AuditEntry.objects.get(action="employers.contact.deleted")
    assert (entry.target_id, entry.actor, entry.data["summary"]) == (str(pk), adviser_a, "Gesprek met directeur")


def test_completing_a_follow_up_twice_logs_once(adviser_a):
    contact = contact_log(
        employer=EmployerFactory(),
        by=adviser_a,
        channel="phone",
        purpose="relationship",
        summary="x",
        follow_up_on=date(2026, 12, 1),
    )
    followup = contact.follow_ups.get()
    followup_complete(followup=followup, by=adviser_a)
    followup_complete(followup=followup, by=adviser_a)

    assert (followup.state, followup.done_by) == ("done", adviser_a)
    assert AuditEntry.objects.filter(action="employers.followup.completed").count() == 1
    followup_reopen(followup=followup, by=adviser_a)
    assert (followup.state, followup.done_at) == ("open", None)


def test_a_contact_in_the_future_is_refused(adviser_a):
    with pytest.raises(ValidationError) as error:
        contact_log(
            employer=EmployerFactory(),
            by=adviser_a,
            channel="visit",
            purpose="acquisition",
            summary="x",
            when=timezone.now() + timedelta(days=2),
        )
    assert "when" in error.value.message_dict


def test_the_employer_row_keeps_its_latest_contact_through_log_edit_and_delete(adviser_a):
    employer = EmployerFactory()
    now = timezone.now()

    def last():
        employer.refresh_from_db()
        return employer.last_contact_at

    older = contact_log(employer=employer, by=adviser_a, channel="phone", purpose="relationship", summary="Belletje",
                        when=now - timedelta(days=30))  # fmt: skip
    newer = contact_log(employer=employer, by=adviser_a, channel="visit", purpose="relationship", summary="Bezoek",
                        when=now - timedelta(days=2))  # fmt: skip
    assert last() == newer.when
    contact_log(employer=employer, by=adviser_a, channel="email", purpose="relationship", summary="Na-mail",
                when=now - timedelta(days=40))  # fmt: skip
    assert last() == newer.when  # an older contact logged late changes nothing

    contact_update(contact=newer, by=adviser_a, when=now - timedelta(days=5))
    assert last() == now - timedelta(days=5)
    contact_delete(contact=newer, by=adviser_a)
    assert last() == older.when
    assert EmployerFactory().last_contact_at is None
