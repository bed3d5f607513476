"""Fifty people answer yes at the same moment for the last ten seats: nobody is overbooked."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from outreach.models import Invitation
from outreach.services.rsvp import rsvp_answer
from tests.outreach.factories import EventFactory, InvitationFactory


@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_yes_answers_for_the_last_ten_seats_confirm_exactly_ten():
    event = EventFactory(capacity=30)
    taken = InvitationFactory.create_batch(20, event=event)
    for inv in taken:
        rsvp_answer(invitation=inv, rsvp="yes")
    racing = InvitationFactory.create_batch(50, event=event)
    barrier = threading.Barrier(50)
    errors: list[BaseException] = []

    def answer(inv: Invitation) -> None:
        try:
            barrier.wait(timeout=30)
            rsvp_answer(invitation=inv, rsvp="yes")
        except BaseException as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=answer, args=(inv,)) for inv in racing]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert event.invitations.confirmed().count() == 30
    waitlist = list(event.invitations.waitlisted().values_list("waitlist_position", flat=True))
    assert waitlist == list(range(1, 41))
