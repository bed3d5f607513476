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

from outreach import delivery, delivery_steps, sending
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
        params = delivery_steps._params(ids=ids[:20], worker="w:1")
        cursor.execute("EXPLAIN " + delivery_steps._CLAIM_SQL, params)
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
    rows = delivery_steps.claim(ids, "w:1")
    assert [r.held_in_batch for r in rows] == [False] + [True] * 19
    for index in range(3):  # sent and marked, each mark handing the next row over
        sending.send_raw(sending.connection(), rows[index], bytes(rows[index].mime))
        assert delivery_steps.mark_sent(rows[index].pk, rows[index + 1].pk, "w:1")
    # ... and then the worker is gone: its leases run out.
    OutboundEmail.objects.filter(state="sending").update(lease_expires_at=timezone.now() - timedelta(seconds=1))

    assert delivery.release_expired_leases() == 17

    by_id = {r.pk: (r.state, r.attempts, r.uncertain) for r in OutboundEmail.objects.all()}
    assert [by_id[pk] for pk in ids[:4]] == [("sent", 1, False)] * 3 + [("queued", 1, True)]
    assert {by_id[pk] for pk in ids[4:]} == {("queued", 0, False)}  # never tried: as before
    assert delivery.deliver(ids, worker="w:2")["sent"] == 17
    assert sorted(smtp.counts().values()) == [1] * 20


@pytest.mark.django_db(transaction=True)
def test_a_rows_bytes_go_out_only_after_the_mark_that_hands_it_over_is_committed(adviser_a, smtp):
    """The mark is sent without waiting while the next row's MAIL FROM and RCPT TO go out; its
    answer is read before that row's DATA. Seen from another connection while the server takes
    each message: every earlier row is sent, this one is handed over (not held)."""
    import psycopg

    from tests.workers import test_database_url

    ids = invite(adviser_a, 25)
    seen: list[tuple] = []

    def look(_message: Any) -> None:
        with psycopg.connect(test_database_url()) as other:
            rows = other.execute("SELECT id, state, held_in_batch FROM outreach_outboundemail ORDER BY id").fetchall()
        sending_now = [pk for pk, state, held in rows if state == "sending" and not held]
        seen.append((len([r for r in rows if r[1] == "sent"]), sending_now))

    smtp.recorder.on_store = look
    assert delivery.deliver(ids, worker="w:1")["sent"] == 25
    assert [sent for sent, _ in seen] == list(range(25))  # message n arrives with n rows marked
    assert [now for _, now in seen] == [[pk] for pk in ids]  # ... and only itself handed over
    assert set(OutboundEmail.objects.values_list("state", "held_in_batch")) == {("sent", False)}


@pytest.mark.django_db(transaction=True)
def test_a_mark_whose_link_dies_before_its_answer_is_run_again_on_a_fresh_one(adviser_a, smtp):
    """The mark waits on a lock held elsewhere, and its connection is terminated meanwhile: the
    mark is run again on a new connection; the row is sent once and the next one handed over."""
    import psycopg

    from tests.workers import test_database_url

    ids = invite(adviser_a, 2)
    rows = delivery_steps.claim(ids, "w:1")
    sending.send_raw(sending.connection(), rows[0], bytes(rows[0].mime))
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    with psycopg.connect(test_database_url()) as locker:
        locker.execute("SELECT 1 FROM outreach_outboundemail WHERE id = %s FOR UPDATE", [ids[0]])
        pending = delivery_steps.start_mark(ids[0], ids[1], "w:1")
        assert isinstance(pending, delivery_steps.PendingMark)
        with psycopg.connect(test_database_url(), autocommit=True) as other:
            assert other.execute("SELECT pg_terminate_backend(%s)", [pid]).fetchone()[0]
        locker.rollback()
    assert pending.settle() is True
    assert [OutboundEmail.objects.get(pk=pk).state for pk in ids] == ["sent", "sending"]
    assert OutboundEmail.objects.get(pk=ids[1]).held_in_batch is False
    assert sorted(smtp.counts().values()) == [1]


@pytest.mark.django_db(transaction=True)
def test_a_mark_whose_prepared_statement_is_gone_is_run_the_plain_way(adviser_a, smtp):
    """What a pooler in transaction mode without prepared statements does (the README's
    production notes): the statement is not on the server; the mark still lands, once."""
    ids = invite(adviser_a, 3)
    delivery_steps.claim(ids, "w:1")
    first = delivery_steps.start_mark(ids[0], ids[1], "w:1")
    assert isinstance(first, delivery_steps.PendingMark) and first.settle() is True
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE wsp_outbox_mark")  # gone, while the worker thinks it is there
    before = connection.connection.info.backend_pid

    second = delivery_steps.start_mark(ids[1], ids[2], "w:1")

    assert isinstance(second, delivery_steps.PendingMark) and second.settle() is True
    assert [OutboundEmail.objects.get(pk=pk).state for pk in ids] == ["sent", "sent", "sending"]
    assert OutboundEmail.objects.get(pk=ids[2]).held_in_batch is False
    connection.ensure_connection()
    assert connection.connection.info.backend_pid != before  # the failed link dropped, the mark run anew


@pytest.mark.parametrize(
    "address",
    [
        "p1@x.example",
        "first.last+tag@mail.x.example",
        "o'brien@x.example",
        "Jan <jan@x.example>",
        '"Jan, de" <jan@x.example>',
        "jan@xn--bcher-kva.example",
        "jan@bücher.example",
        "jan..dot@x.example",
        ".jan@x.example",
        "jan@-x.example",
        "WSP Groot Amsterdam <noreply@wsp.example>",
    ],
)
def test_the_envelope_address_is_what_djangos_sanitize_address_gives(address):
    from django.core.mail.message import sanitize_address

    try:
        expected = sanitize_address(address, "utf-8")
    except ValueError as error:
        with pytest.raises(type(error)):
            sending.envelope_address(address)
    else:
        assert sending.envelope_address(address) == expected
