"""The beat tick: what is due, to whom (chosen at send time), at local times across DST, once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from outreach import schedule
from outreach.models import OutboundEmail
from outreach.services.attendance import attendance_mark
from outreach.services.events import event_update
from outreach.services.rsvp import rsvp_answer
from tests.outreach.factories import EventFactory, InvitationFactory

pytestmark = pytest.mark.django_db
AMS = ZoneInfo("Europe/Amsterdam")


def keys(kind: str) -> list[str]:
    return sorted(OutboundEmail.objects.filter(kind=kind).values_list("idempotency_key", flat=True))


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def plan(moment: datetime) -> dict[str, int]:
    with time_machine.travel(moment, tick=False):
        return schedule.plan_due()


def _session(start: datetime):
    with time_machine.travel(start - timedelta(days=30), tick=False):
        event = EventFactory(starts_at=start, ends_at=start + timedelta(hours=2))
        silent, yes, no, no_show = InvitationFactory.create_batch(4, event=event)
        rsvp_answer(invitation=yes, rsvp="yes")
        rsvp_answer(invitation=no, rsvp="no")
        rsvp_answer(invitation=no_show, rsvp="yes")
    return event, silent, yes, no, no_show


def test_a_session_on_the_spring_dst_sunday_gets_each_message_at_ten_local_once(adviser_a):
    start = datetime(2026, 3, 29, 14, 0, tzinfo=AMS)  # clocks went forward at 02:00 that night
    event, silent, yes, no, no_show = _session(start)

    assert schedule.reminder_7d_due(event) == at(2026, 3, 22, 9, 0)  # 10:00 CET
    assert schedule.reminder_1d_due(event) == at(2026, 3, 28, 9, 0)  # 10:00 CET
    assert schedule.followup_due(event) == at(2026, 3, 30, 8, 0)  # 10:00 CEST

    plan(at(2026, 3, 22, 8, 59))
    assert keys("reminder-7d") == []
    plan(at(2026, 3, 22, 9, 0))
    plan(at(2026, 3, 22, 9, 1))  # a second tick queues nothing new
    assert keys("reminder-7d") == [f"reminder-7d:{event.pk}:{silent.contact_person_id}"]

    # Someone who answers no before the day-before reminder is not reminded.
    with time_machine.travel(at(2026, 3, 25, 12, 0), tick=False):
        rsvp_answer(invitation=silent, rsvp="no")
    plan(at(2026, 3, 28, 8, 59))
    assert keys("reminder-1d") == []
    plan(at(2026, 3, 28, 9, 0))
    plan(at(2026, 3, 28, 9, 5))
    assert keys("reminder-1d") == sorted(f"reminder-1d:{event.pk}:{inv.contact_person_id}" for inv in (yes, no_show))
    assert "BEGIN:VCALENDAR" in OutboundEmail.objects.filter(kind="reminder-1d").first().ics

    plan(at(2026, 3, 29, 12, 30))  # 14:30 CEST: started, not ended
    event.refresh_from_db()
    assert event.state == "published"
    with time_machine.travel(at(2026, 3, 29, 13, 0), tick=False):
        attendance_mark(invitation=yes, by=adviser_a, attended=True)
    plan(at(2026, 3, 29, 16, 1))
    event.refresh_from_db()
    assert event.state == "held"

    plan(at(2026, 3, 30, 7, 59))
    assert keys("followup-thanks") == keys("followup-missed") == []
    plan(at(2026, 3, 30, 8, 0))
    plan(at(2026, 3, 30, 9, 0))
    assert keys("followup-thanks") == [f"followup-thanks:{event.pk}:{yes.contact_person_id}"]
    assert keys("followup-missed") == [f"followup-missed:{event.pk}:{no_show.contact_person_id}"]


def test_a_session_on_the_autumn_dst_sunday_gets_its_messages_at_ten_local():
    start = datetime(2026, 10, 25, 14, 0, tzinfo=AMS)  # clocks went back at 03:00 that night
    event, *_ = _session(start)

    assert schedule.reminder_7d_due(event) == at(2026, 10, 18, 8, 0)  # 10:00 CEST
    assert schedule.reminder_1d_due(event) == at(2026, 10, 24, 8, 0)  # 10:00 CEST
    assert schedule.followup_due(event) == at(2026, 10, 26, 9, 0)  # 10:00 CET
    assert plan(at(2026, 10, 24, 8, 0)).get("reminder-1d") == 2


def test_a_postponed_session_is_reminded_from_its_new_start(adviser_a):
    start = datetime(2026, 6, 10, 14, 0, tzinfo=AMS)
    event, *_ = _session(start)
    with time_machine.travel(at(2026, 6, 1, 12, 0), tick=False):
        event_update(
            event=event, by=adviser_a, starts_at=start + timedelta(days=7), ends_at=start + timedelta(days=7, hours=2)
        )

    plan(at(2026, 6, 9, 8, 0))  # the old day-before: nothing
    assert keys("reminder-1d") == []
    plan(at(2026, 6, 16, 8, 0))
    assert len(keys("reminder-1d")) == 2


def test_no_missed_mail_when_nobody_took_attendance():
    start = datetime(2026, 5, 12, 14, 0, tzinfo=AMS)
    _session(start)

    plan(at(2026, 5, 12, 20, 0))
    plan(at(2026, 5, 13, 8, 0))

    assert keys("followup-missed") == keys("followup-thanks") == []


def test_a_reminder_is_not_sent_absurdly_late():
    start = datetime(2026, 5, 20, 14, 0, tzinfo=AMS)
    _session(start)
    plan(at(2026, 5, 19, 8, 0))  # the tick was down for a week: the 7-day reminder is skipped
    assert keys("reminder-7d") == []
    assert len(keys("reminder-1d")) == 2
