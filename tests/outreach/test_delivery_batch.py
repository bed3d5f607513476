"""Delivery in batches (issue 22): one statement claims a batch by primary key, whatever the
statistics say; one SMTP connection serves a worker's tasks; a worker lost mid-batch leaves
only the row in flight "may have gone out twice", the rest of its batch comes back untried."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from outreach import delivery, sending
from outreach.models import EmailState, OutboundEmail
from outreach.services import invitations
from tests.factories import ContactPersonFactory
from tests.outreach.factories import EventFactory

pytestmark = pytest.mark.django_db


def invite(by: Any, count: int) -> list[int]:
    people = [ContactPersonFactory(email=f"p{i}@x.example") for i in range(count)]
    invitations.invite(event=EventFactory(owner=by), by=by, persons=people)
    return list(OutboundEmail.objects.order_by("pk").values_list("pk", flat=True))


def test_the_claim_reads_the_primary_key_even_when_statistics_say_nothing_is_queued(adviser_a):
    ids = invite(adviser_a, 30)
    OutboundEmail.objects.update(state=EmailState.SENT)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE outreach_outboundemail")  # the statistics of a table where all was sent
        OutboundEmail.objects.update(state=EmailState.QUEUED)
        cursor.execute("SET LOCAL enable_seqscan = off")  # no seq scan to hide behind: which index?
        params = delivery._params(ids=ids[:20], worker="w:1")
        cursor.execute("EXPLAIN " + delivery._CLAIM_SQL, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "outreach_outboundemail_pkey" in plan
    assert "outbound_state_claimed" not in plan and "outbound_queued_due" not in plan


def test_twenty_rows_are_claimed_in_one_statement_and_one_connection_serves_two_tasks(adviser_a, smtp):
    ids = invite(adviser_a, 30)
    with CaptureQueriesContext(connection) as queries:
        assert delivery.deliver(ids[:25], worker="w:1")["sent"] == 25
    claims = [q["sql"] for q in queries.captured_queries if "FOR UPDATE SKIP LOCKED" in q["sql"]]
    assert len(claims) == 2  # 20 + 5
    kept = sending._kept["backend"].connection

    assert delivery.deliver(ids[25:], worker="w:1")["sent"] == 5
    assert sending._kept["backend"].connection is kept  # the same SMTP session, checked by a NOOP
    assert sorted(smtp.counts().values()) == [1] * 30
    assert set(OutboundEmail.objects.values_list("state", "attempts", "held_in_batch")) == {("sent", 1, False)}


def test_a_worker_lost_after_message_3_of_a_batch_leaves_only_message_4_uncertain(adviser_a, smtp):
    ids = invite(adviser_a, 20)
    rows = delivery.claim(ids, "w:1")
    assert [r.held_in_batch for r in rows] == [False] + [True] * 19
    for index in range(3):  # sent and marked, each mark handing the next row over
        sending.send_raw(sending.connection(), rows[index], bytes(rows[index].mime))
        assert delivery.mark_sent(rows[index].pk, rows[index + 1].pk, "w:1")
    # ... and then the worker is gone: its leases run out.
    OutboundEmail.objects.filter(state="sending").update(lease_expires_at=timezone.now() - timedelta(seconds=1))

    assert delivery.release_expired_leases() == 17

    by_id = {r.pk: (r.state, r.attempts, r.uncertain) for r in OutboundEmail.objects.all()}
    assert [by_id[pk] for pk in ids[:4]] == [("sent", 1, False)] * 3 + [("queued", 1, True)]
    assert {by_id[pk] for pk in ids[4:]} == {("queued", 0, False)}  # never tried: as before
    assert delivery.deliver(ids, worker="w:2")["sent"] == 17
    assert sorted(smtp.counts().values()) == [1] * 20
