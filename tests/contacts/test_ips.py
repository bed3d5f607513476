"""The IPS figure counts face-to-face contacts per ISO week in Europe/Amsterdam time."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from employers.contacts.selectors import ips_figures, ips_weeks
from tests.contacts.factories import ContactFactory

pytestmark = pytest.mark.django_db
AMS = ZoneInfo("Europe/Amsterdam")


@pytest.mark.parametrize(
    "sunday",
    [
        date(2026, 11, 15),  # an ordinary Sunday (CET)
        date(2026, 10, 25),  # clocks go back: 03:00 CEST -> 02:00 CET
        date(2026, 3, 29),  # clocks go forward: 02:00 CET -> 03:00 CEST
        date(2026, 6, 14),  # summer time (CEST)
    ],
)
def test_sunday_late_and_monday_early_fall_in_their_own_iso_weeks(adviser_a, sunday):
    monday = date.fromordinal(sunday.toordinal() + 1)
    ContactFactory(by=adviser_a, when=datetime(sunday.year, sunday.month, sunday.day, 23, 30, tzinfo=AMS))
    ContactFactory(by=adviser_a, when=datetime(monday.year, monday.month, monday.day, 0, 30, tzinfo=AMS))
    ContactFactory(by=adviser_a, when=datetime(monday.year, monday.month, monday.day, 0, 45, tzinfo=AMS))

    with time_machine.travel(datetime(monday.year, monday.month, monday.day, 12, 0, tzinfo=AMS), tick=False):
        weeks = ips_weeks()
        counts = ips_figures([adviser_a.pk])[adviser_a.pk]

    assert weeks[-1] == monday and weeks[-2] == date.fromordinal(monday.toordinal() - 7)
    assert counts[-2:] == [1, 2]
    assert sum(counts) == 3


def test_only_face_to_face_contacts_of_that_person_count(adviser_a, guide_a):
    when = datetime(2026, 11, 18, 10, 0, tzinfo=AMS)
    ContactFactory(by=adviser_a, when=when, channel="phone", in_person=False)
    ContactFactory(by=adviser_a, when=when, channel="event", in_person=True)
    ContactFactory(by=guide_a, when=when)

    with time_machine.travel(datetime(2026, 11, 20, 12, 0, tzinfo=AMS), tick=False):
        figures = ips_figures([adviser_a.pk, guide_a.pk])

    assert figures[adviser_a.pk][-1] == 1
    assert figures[guide_a.pk][-1] == 1


def test_twelve_weeks_and_nothing_older(adviser_a):
    ContactFactory(by=adviser_a, when=datetime(2026, 8, 30, 12, 0, tzinfo=AMS))  # 13th week back
    ContactFactory(by=adviser_a, when=datetime(2026, 9, 1, 12, 0, tzinfo=AMS))  # 12th week back

    with time_machine.travel(datetime(2026, 11, 20, 12, 0, tzinfo=AMS), tick=False):
        figures = ips_figures([adviser_a.pk])[adviser_a.pk]

    assert len(figures) == 12
    assert figures[0] == 1 and sum(figures) == 1


def test_two_people_of_one_employer_checked_in_make_one_employer_visit(coordinator_a):
    """IPS counts employer visits: a check-in of two people of one employer adds 1, not 2."""
    from django.utils import timezone

    from outreach.services.attendance import attendance_mark
    from tests.factories import ContactPersonFactory, EmployerFactory
    from tests.outreach.factories import EventFactory, InvitationFactory

    employer, other = EmployerFactory(), EmployerFactory()
    event = EventFactory(starts_at=timezone.now() - timedelta(hours=1))
    first = InvitationFactory(event=event, contact_person=ContactPersonFactory(employer=employer))
    second = InvitationFactory(event=event, contact_person=ContactPersonFactory(employer=employer))
    third = InvitationFactory(event=event, contact_person=ContactPersonFactory(employer=other))
    for inv in (first, second, third):
        attendance_mark(invitation=inv, by=coordinator_a, attended=True)

    assert sum(ips_figures([coordinator_a.pk])[coordinator_a.pk]) == 2
