"""Sessions, invitations, answers and attendance, through the services (mail: locmem outbox)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail as django_mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from crm.models import AuditEntry
from employers.models import Contact, FollowUp
from employers.timeline import employer_timeline
from outreach import delivery
from outreach.models import EmailState, Event, Invitation, OutboundEmail, Rsvp
from outreach.services.attendance import attendance_mark, walk_in_add
from outreach.services.audience import AudienceFilters, audience_preview
from outreach.services.awvn import awvn_confirm, event_register_awvn
from outreach.services.events import event_cancel, event_create, event_publish, event_update
from outreach.services.invitations import invite
from outreach.services.rounds import invite_in_background
from outreach.services.rsvp import rsvp_answer
from tests.factories import ContactPersonFactory, EmployerFactory
from tests.outreach.factories import EventFactory, InvitationFactory

pytestmark = pytest.mark.django_db


def deliver_all() -> dict[str, int]:
    return delivery.deliver(OutboundEmail.objects.filter(state="queued").values_list("pk", flat=True))


def new_event(by: Any, **kwargs: Any) -> Event:
    starts = kwargs.pop("starts_at", timezone.now() + timedelta(days=20))
    return event_create(
        by=by,
        region="AM18",
        title=kwargs.pop("title", "Werken met een kwetsbaarheid"),
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        venue_address="Stationsplein 1, Amsterdam",
        **kwargs,
    )


# --- Sessions and scoping ---------------------------------------------------------------


def test_a_new_session_is_a_draft_with_a_readable_unique_slug(adviser_a):
    first = new_event(adviser_a, speakers=[{"kind": "researcher", "name": "Dr. Jansen", "bio": "UvA"}])
    second = new_event(adviser_a, starts_at=first.starts_at)

    assert first.state == "draft"
    assert first.slug.startswith("werken-met-een-kwetsbaarheid-")
    assert second.slug == first.slug + "-2"
    assert first.speakers.get().kind == "researcher"
    assert AuditEntry.objects.filter(action="outreach.event.created", target_id=str(first.pk)).exists()


def test_an_adviser_of_another_region_cannot_create_or_change_a_session(adviser_a, adviser_b, guide_a):
    with pytest.raises(PermissionDenied):
        new_event(adviser_b)
    event = new_event(adviser_a)
    with pytest.raises(PermissionDenied):
        event_update(event=event, by=adviser_b, title="Anders")
    with pytest.raises(PermissionDenied):
        event_publish(event=event, by=guide_a)


def test_sessions_are_visible_to_their_region_and_to_awvn_nationally(cast):
    event = EventFactory(region_id="AM18")

    assert Event.objects.visible_to(cast["adviser_a"]).filter(pk=event.pk).exists()
    assert Event.objects.visible_to(cast["guide_a"]).filter(pk=event.pk).exists()
    assert Event.objects.visible_to(cast["awvn"]).filter(pk=event.pk).exists()
    assert not Event.objects.visible_to(cast["adviser_b"]).filter(pk=event.pk).exists()
    assert not Event.objects.editable_by(cast["awvn"]).exists()
    # AWVN reads sessions, not who the employers are.
    InvitationFactory(event=event)
    assert not Invitation.objects.visible_to(cast["awvn"]).exists()


def test_publishing_with_awvn_mails_every_awvn_adviser_a_calendar_file_once(adviser_a, awvn):
    event = new_event(adviser_a)

    event_publish(event=event, by=adviser_a, register_with_awvn=True)
    event_register_awvn(event=event, by=adviser_a)

    rows = OutboundEmail.objects.filter(kind="awvn-registration")
    assert [r.idempotency_key for r in rows] == [f"awvn-registration:{event.pk}:{awvn.pk}"]
    event.refresh_from_db()
    assert event.state == "published" and event.awvn_requested_at is not None
    deliver_all()
    sent = django_mail.outbox[0]
    assert sent.to == [f"{awvn.get_full_name()} <{awvn.email}>"]
    calendar = sent.attachments[0]
    assert "BEGIN:VEVENT" in calendar.get_payload(decode=True).decode()


def test_only_awvn_confirms_a_registration_with_a_reference(adviser_a, awvn):
    event = new_event(adviser_a)
    event_publish(event=event, by=adviser_a, register_with_awvn=True)

    with pytest.raises(PermissionDenied):
        awvn_confirm(event=event, by=adviser_a, reference="AWVN-1")
    with pytest.raises(ValidationError):
        awvn_confirm(event=event, by=awvn, reference=" ")
    awvn_confirm(event=event, by=awvn, reference="AWVN-2026-17")

    event.refresh_from_db()
    assert event.awvn_reference == "AWVN-2026-17" and event.awvn_state == "confirmed"


# --- Audience and invitations -------------------------------------------------------------


def test_the_audience_preview_leaves_out_whom_we_may_not_mail_and_says_why(adviser_a):
    event = EventFactory()
    ok = ContactPersonFactory(employer=EmployerFactory(stage="open"))
    opted_out = ContactPersonFactory(employer=EmployerFactory(stage="open"), opted_out_at=timezone.now())
    no_mail = ContactPersonFactory(employer=EmployerFactory(stage="open"), email="")
    dnc = ContactPersonFactory(employer=EmployerFactory(stage="open", do_not_contact=True))
    invited = InvitationFactory(event=event, contact_person__employer=EmployerFactory(stage="open")).contact_person
    ContactPersonFactory(employer=EmployerFactory(stage="prospect"))  # other stage
    ContactPersonFactory(employer=EmployerFactory(stage="open", region_id="AM13"))  # not our region

    preview = audience_preview(event=event, by=adviser_a, filters=AudienceFilters(stages=["open"]))

    assert list(preview.included) == [ok]
    reasons = {person.pk: reason for person, reason in preview.excluded}
    assert reasons == {
        opted_out.pk: "opted_out",
        no_mail.pk: "no_email",
        dnc.pk: "do_not_contact",
        invited.pk: "already_invited",
    }


def test_nothing_is_invited_without_a_filter(adviser_a):
    ContactPersonFactory()
    preview = audience_preview(event=EventFactory(), by=adviser_a, filters=AudienceFilters())
    assert preview.count == 0


def test_inviting_twice_creates_one_invitation_and_one_message_per_person(adviser_a):
    event = EventFactory()
    people = ContactPersonFactory.create_batch(3)

    first = invite(event=event, by=adviser_a, persons=people)
    second = invite(event=event, by=adviser_a, persons=people)

    assert len(first) == 3 and second == []
    keys = sorted(OutboundEmail.objects.values_list("idempotency_key", flat=True))
    assert keys == sorted(f"invite:{event.pk}:{p.pk}" for p in people)
    assert len(set(OutboundEmail.objects.values_list("message_id", flat=True))) == 3


@pytest.mark.parametrize("name", ["Jacquot-West-Francië, van", 'Anna "Ans" de Vries', "J. Çelik", "Piet Jansen"])
def test_a_name_with_a_comma_quote_or_accent_is_one_recipient(adviser_a, name):
    import email
    from email.policy import default

    person = ContactPersonFactory(name=name)
    invite(event=EventFactory(), by=adviser_a, persons=[person])

    wire = email.message_from_bytes(OutboundEmail.objects.get().mime, policy=default)
    (mailbox,) = wire["To"].addresses
    assert (mailbox.display_name, mailbox.addr_spec) == (name, person.email)


def test_an_invitation_is_in_the_persons_language_with_one_click_unsubscribe(adviser_a):
    event = EventFactory(title="Inclusive hiring")
    english = ContactPersonFactory(language="en")
    dutch = ContactPersonFactory(language="nl")
    invite(event=event, by=adviser_a, persons=[english, dutch])

    deliver_all()

    by_to = {m.to[0].split("<")[-1].rstrip(">"): m for m in django_mail.outbox}
    assert by_to[english.email].subject == "Invitation: Inclusive hiring"
    assert by_to[dutch.email].subject == "Uitnodiging: Inclusive hiring"
    message = by_to[english.email]
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.extra_headers["List-Unsubscribe"].startswith("<http")
    assert "/events/rsvp/" in message.body and "&amp;" not in message.body
    assert message.alternatives[0][1] == "text/html"
    row = OutboundEmail.objects.get(to_email=english.email)
    assert message.extra_headers["Message-ID"] == row.message_id
    assert row.state == "sent" and row.sent_at is not None and row.attempts == 1


def test_a_person_outside_the_advisers_regions_cannot_be_invited(adviser_a):
    event = EventFactory()
    stranger = ContactPersonFactory(employer=EmployerFactory(region_id="AM13"))
    with pytest.raises(ValidationError):
        invite(event=event, by=adviser_a, persons=[stranger])


def test_a_draft_session_sends_no_invitations(adviser_a):
    with pytest.raises(ValidationError):
        invite(event=EventFactory(state="draft"), by=adviser_a, persons=[ContactPersonFactory()])


def test_someone_who_opts_out_after_queueing_gets_nothing(adviser_a):
    person = ContactPersonFactory()
    invite(event=EventFactory(), by=adviser_a, persons=[person])
    person.opted_out_at = timezone.now()
    person.save()

    deliver_all()

    assert django_mail.outbox == []
    assert OutboundEmail.objects.get().state == "failed"


# --- Answers, capacity and the waitlist -----------------------------------------------------


def test_a_yes_beyond_capacity_goes_on_the_waitlist_and_a_freed_seat_goes_to_the_first(adviser_a):
    event = EventFactory(capacity=2)
    a, b, c, d = InvitationFactory.create_batch(4, event=event)

    rsvp_answer(invitation=a, rsvp="yes", people_count=2)
    rsvp_answer(invitation=b, rsvp="yes")
    rsvp_answer(invitation=c, rsvp="yes")
    for inv in (a, b, c, d):
        inv.refresh_from_db()
    assert a.is_confirmed and (b.waitlist_position, c.waitlist_position) == (1, 2)

    rsvp_answer(invitation=a, rsvp="no")

    b.refresh_from_db()
    c.refresh_from_db()
    assert b.is_confirmed and b.seat_offered_at is not None
    assert c.is_confirmed  # two seats were freed
    offers = OutboundEmail.objects.filter(kind="waitlist-seat").values_list("idempotency_key", flat=True)
    assert sorted(offers) == sorted(
        [f"waitlist-seat:{event.pk}:{b.contact_person_id}:1", f"waitlist-seat:{event.pk}:{c.contact_person_id}:1"]
    )
    assert OutboundEmail.objects.filter(kind="rsvp-confirm").count() == 4


def test_a_confirmation_is_transactional_and_carries_the_calendar_for_a_yes(adviser_a):
    inv = InvitationFactory(contact_person__language="en")
    rsvp_answer(invitation=inv, rsvp="yes", people_count=2, names="Ann, Bob", access_needs="Lift")

    row = OutboundEmail.objects.get(kind="rsvp-confirm")
    assert "List-Unsubscribe" not in row.headers
    assert "BEGIN:VCALENDAR" in row.ics
    assert row.subject.startswith("You are registered")
    assert "2 people" in row.body_text


def test_answers_close_when_the_session_starts():
    inv = InvitationFactory(event__starts_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(ValidationError):
        rsvp_answer(invitation=inv, rsvp="yes")


def test_a_larger_party_that_does_not_fit_keeps_its_seat_and_gets_an_error():
    event = EventFactory(capacity=3)
    inv = InvitationFactory(event=event)
    rsvp_answer(invitation=inv, rsvp="yes", people_count=2)
    with pytest.raises(ValidationError) as error:
        rsvp_answer(invitation=inv, rsvp="yes", people_count=4)
    assert "people_count" in error.value.error_dict
    inv.refresh_from_db()
    assert inv.is_confirmed and inv.people_count == 2


# --- Changes to the session -----------------------------------------------------------------


def test_moving_a_published_session_mails_the_yes_sayers_with_the_same_uid_and_a_higher_sequence(adviser_a):
    event = EventFactory(region_id="AM18")
    yes, no = InvitationFactory.create_batch(2, event=event)
    rsvp_answer(invitation=yes, rsvp="yes")
    rsvp_answer(invitation=no, rsvp="no")

    event_update(
        event=event,
        by=adviser_a,
        starts_at=event.starts_at + timedelta(hours=1),
        ends_at=event.ends_at + timedelta(hours=1),
    )
    event_update(event=event, by=adviser_a, description="Nieuwe tekst")  # no news for attendees

    rows = OutboundEmail.objects.filter(kind="event-update")
    assert [r.idempotency_key for r in rows] == [f"event-update:{event.pk}:1:{yes.contact_person_id}"]
    # Above the yes's own confirmation (SEQUENCE 1: the session's 0 plus the answer): 1 + 1.
    assert f"UID:event-{event.pk}@wsp-crm" in rows[0].ics and "SEQUENCE:2" in rows[0].ics


def test_cancelling_sends_a_calendar_cancellation_to_the_yes_sayers(adviser_a):
    event = EventFactory()
    yes = InvitationFactory(event=event)
    InvitationFactory(event=event)
    rsvp_answer(invitation=yes, rsvp="yes")

    event_cancel(event=event, by=adviser_a, reason="Spreker ziek")

    row = OutboundEmail.objects.get(kind="event-cancel")
    assert row.ics_method == "CANCEL" and "METHOD:CANCEL" in row.ics and "STATUS:CANCELLED" in row.ics
    with pytest.raises(ValidationError):
        event_update(event=event, by=adviser_a, title="Toch")


def test_more_capacity_offers_seats_to_the_waitlist(adviser_a):
    event = EventFactory(capacity=1)
    first, second = InvitationFactory.create_batch(2, event=event)
    rsvp_answer(invitation=first, rsvp="yes")
    rsvp_answer(invitation=second, rsvp="yes")

    event_update(event=event, by=adviser_a, capacity=2)

    second.refresh_from_db()
    assert second.is_confirmed


# --- The day itself ---------------------------------------------------------------------


def test_attendance_becomes_a_contact_and_a_follow_up_for_the_owning_adviser(adviser_a, coordinator_a):
    employer = EmployerFactory(owner=adviser_a)
    inv = InvitationFactory(event__title="Kennissessie Zuidas", contact_person__employer=employer)

    attendance_mark(invitation=inv, by=coordinator_a, attended=True)
    attendance_mark(invitation=inv, by=coordinator_a, attended=True)  # idempotent

    contact = Contact.objects.get(employer=employer)
    assert (contact.channel, contact.purpose, contact.in_person) == ("event", "event", True)
    assert FollowUp.objects.get(employer=employer).owner == adviser_a
    kinds = [entry.kind for entry in employer_timeline(employer).object_list]
    assert sorted(kinds) == ["contact", "invitation"]

    attendance_mark(invitation=inv, by=coordinator_a, attended=False)
    assert not Contact.objects.filter(employer=employer).exists()
    assert not FollowUp.objects.filter(employer=employer).exists()


def test_a_walk_in_is_recorded_as_attended_without_mail(adviser_a):
    event = EventFactory()
    person = ContactPersonFactory()

    inv = walk_in_add(event=event, by=adviser_a, contact_person=person)

    assert inv.walk_in and inv.attended and inv.rsvp == Rsvp.YES
    assert not OutboundEmail.objects.exists()
    assert Contact.objects.filter(employer=person.employer, channel="event").exists()


def test_attendance_by_an_outsider_is_refused(adviser_b):
    with pytest.raises(PermissionDenied):
        attendance_mark(invitation=InvitationFactory(), by=adviser_b, attended=True)


# --- Delivery outcomes ----------------------------------------------------------------------


class _Refusing:
    """A mail connection whose server answers with ``code``."""

    def __init__(self, code: int) -> None:
        self.code = code
        self.closed = 0

    def open(self) -> bool:
        return False

    def send_messages(self, messages: list) -> int:
        import smtplib

        raise smtplib.SMTPRecipientsRefused({"x@example.org": (self.code, b"no")})

    def close(self) -> None:
        self.closed += 1


def test_a_permanent_refusal_marks_the_message_failed_with_the_reason(adviser_a, monkeypatch):
    invite(event=EventFactory(), by=adviser_a, persons=[ContactPersonFactory()])
    monkeypatch.setattr("outreach.sending.get_connection", lambda **kw: _Refusing(550))

    assert deliver_all()["failed"] == 1

    row = OutboundEmail.objects.get()
    assert row.state == EmailState.FAILED and "550" in row.last_error


def test_a_temporary_refusal_is_retried_later_with_backoff(adviser_a, monkeypatch, settings):
    settings.OUTREACH_RETRY_BASE_SECONDS = 60
    invite(event=EventFactory(), by=adviser_a, persons=ContactPersonFactory.create_batch(2))
    monkeypatch.setattr("outreach.sending.get_connection", lambda **kw: _Refusing(451))

    # A 451 is about that recipient: each row is retried on its own, the batch goes on.
    assert deliver_all() == {"sent": 0, "skipped": 0, "retry": 2, "failed": 0}

    for retried in OutboundEmail.objects.all():
        assert (retried.state, retried.attempts) == ("queued", 1) and "451" in retried.last_error
        assert retried.next_attempt_at > timezone.now() + timedelta(seconds=50)
    monkeypatch.undo()
    assert deliver_all()["skipped"] == 2  # not due yet
    assert delivery.due_ids() == []


def test_a_large_fan_out_can_run_in_a_task_with_the_same_result(adviser_a, django_capture_on_commit_callbacks):
    from outreach.tasks import run_invitation_round

    event = EventFactory()
    people = ContactPersonFactory.create_batch(3)
    with django_capture_on_commit_callbacks() as enqueued:
        round_ = invite_in_background(event=event, by=adviser_a, persons=[p.pk for p in people])
    assert len(enqueued) == 1  # the task is enqueued after commit; the round row is already there

    assert run_invitation_round(round_.pk) == "done"
    assert run_invitation_round(round_.pk) == "busy-or-finished"
    round_.refresh_from_db()
    assert (round_.state, round_.total, round_.done, round_.invited) == ("done", 3, 3, 3)
    assert OutboundEmail.objects.filter(kind="invite").count() == 3
