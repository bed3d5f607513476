"""The outbox under faults, as an operator would break it (issue 14): real PostgreSQL, a private
redis-server, real Celery workers and beat, and an SMTP server on loopback that stores each
message *before* it answers 250 and can be told to wait (30 ms, 3 s) before answering.

Each test prints its figures and asserts: lost = 0 always; duplicates = 0 for database-link
loss, Redis and greylisting; for worker kills, duplicates <= the kills that landed inside a
send, each such row flagged uncertain; no message arrives more than twice, ever.

Tasks reach the workers through the beat tick (the test process enqueues to the suite's
broker, where nobody listens: the "broker lost the task" case the tick exists for).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from django.db import connection

from employers.models import ContactPerson
from outreach.models import EmailState, Invitation, InvitationRound, OutboundEmail
from outreach.services.invitations import invite
from outreach.services.rounds import invite_in_background
from tests.outreach.factories import EventFactory
from tests.outreach.harness import RedisServer, SmtpServer, celery_env, start_celery, stop
from tests.outreach.test_delivery_real import make_people
from tests.polling import port_open, wait_until
from tests.workers import ROOT
from tests.workers import test_database_url as database_url

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


class Cluster:
    """Beat and workers on a private redis-server, against the test database and ``smtp``."""

    def __init__(self, smtp: SmtpServer, **extra: str) -> None:
        self.smtp = smtp
        self.redis = RedisServer().start()
        self.env = celery_env(smtp=smtp, redis_url=self.redis.url, extra=extra)
        self.workers: list[subprocess.Popen] = []
        self.beat = start_celery("beat", self.env)
        self.started = 0

    def worker(self) -> subprocess.Popen:
        self.started += 1
        process = start_celery("worker", self.env, name=f"fault{self.started}@%h")
        self.workers.append(process)
        return process

    def kill(self, process: subprocess.Popen) -> int:
        """SIGKILL ``process``; returns how many rows it left inside a send (claimed and handed
        over; the rest of its batch, still waiting, was never given to the mail server)."""
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        self.workers.remove(process)
        mine = OutboundEmail.objects.filter(state=EmailState.SENDING, claimed_by__endswith=f":{process.pid}")
        return mine.filter(held_in_batch=False).count()

    def close(self) -> None:
        for process in [*self.workers, self.beat]:
            stop(process, signal.SIGKILL)
        self.redis.stop()


@pytest.fixture
def cluster(smtp: SmtpServer, request: pytest.FixtureRequest) -> Iterator[Any]:
    made: list[Cluster] = []

    def make(**extra: str) -> Cluster:
        made.append(Cluster(smtp, **extra))
        return made[-1]

    yield make
    for c in made:
        c.close()


def sent() -> int:
    return OutboundEmail.objects.filter(state=EmailState.SENT).count()


def figures(smtp: SmtpServer, name: str) -> dict[str, Any]:
    """Lost, duplicated and most-often-delivered, from the server's Message-IDs and the rows."""
    counts = smtp.counts()
    rows = dict(OutboundEmail.objects.values_list("message_id", "uncertain"))
    result = {
        "messages": len(rows),
        "lost": sum(1 for mid in rows if counts[mid] == 0),
        "duplicates": sum(n - 1 for n in counts.values() if n > 1),
        "max_copies": max(counts.values(), default=0),
        "duplicated_but_not_flagged": sum(1 for mid, n in counts.items() if n > 1 and not rows.get(mid)),
        "uncertain": sum(rows.values()),
        "not_sent": OutboundEmail.objects.exclude(state=EmailState.SENT).count(),
    }
    print(f"\n[{name}] " + ", ".join(f"{k} = {v}" for k, v in result.items()))
    return result


def invite_now(adviser: Any, count: int) -> Any:
    event = EventFactory(region_id="AM18", owner=adviser)
    invite(event=event, by=adviser, persons=make_people(count))
    return event


def test_sigkill_of_workers_during_delivery_sends_at_most_the_one_message_in_flight_again(
    adviser_a: Any, smtp: SmtpServer, cluster: Any
):
    count, kills_wanted = 400, 6
    smtp.recorder.delay = 0.03  # stored, then 30 ms before the 250: the window a kill can hit
    invite_now(adviser_a, count)
    c = cluster()
    c.worker(), c.worker()
    kills, inside = 0, 0
    rng = random.Random(14)
    while kills < kills_wanted:
        target = (kills + 1) * count // (kills_wanted + 2)
        assert wait_until(lambda t=target: sent() >= t, timeout=90), f"stuck at {sent()}"
        time.sleep(rng.uniform(0, 0.05))  # a random moment to kill at: the fault, not a wait
        inside += c.kill(rng.choice(c.workers))
        kills += 1
        c.worker()

    assert wait_until(lambda: sent() == count, timeout=120), f"only {sent()} sent"
    result = figures(smtp, "worker SIGKILL")
    print(f"[worker SIGKILL] kills = {kills}, kills inside a send = {inside}")
    assert result["lost"] == 0 and result["not_sent"] == 0
    assert result["duplicates"] <= inside
    assert result["duplicated_but_not_flagged"] == 0
    assert result["max_copies"] <= 2


def test_sigkill_after_the_250_of_message_3_of_a_batch_of_20_sends_nothing_twice(
    adviser_a: Any, smtp: SmtpServer, cluster: Any
):
    count = 40
    invite_now(adviser_a, count)
    smtp.hold_after(3)  # message 4 waits at RCPT: the worker has had the 250 of message 3
    c = cluster()
    worker = c.worker()
    assert smtp.recorder.holding.wait(timeout=120)
    mine = OutboundEmail.objects.filter(claimed_by__endswith=f":{worker.pid}")
    assert mine.filter(state=EmailState.SENT).count() == 3  # the third was marked before the fourth began
    inside = c.kill(worker)
    waiting = mine.filter(state=EmailState.SENDING, held_in_batch=True).count()
    smtp.release()
    c.worker()

    assert wait_until(lambda: sent() == count, timeout=120), f"only {sent()} sent"
    result = figures(smtp, "worker SIGKILL after message 3 of a batch of 20")
    print(f"[batch kill] in flight = {inside}, waiting in the batch = {waiting}")
    assert (inside, waiting) == (1, 16)  # message 4 in flight, 5-20 never handed over
    assert result["lost"] == 0 and result["duplicates"] == 0 and result["not_sent"] == 0
    assert result["uncertain"] == 1  # message 4 only: "may have gone out twice" (it did not)
    assert set(OutboundEmail.objects.filter(uncertain=False).values_list("attempts", flat=True)) == {1}


def _terminate_worker_backends() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
        )
        return cursor.fetchone()[0]


def test_terminating_the_workers_database_connections_mid_delivery_sends_nothing_twice(
    adviser_a: Any, smtp: SmtpServer, cluster: Any
):
    count, rounds = 300, 6
    smtp.recorder.delay = 0.03
    invite_now(adviser_a, count)
    c = cluster()
    c.worker(), c.worker()
    terminated = 0
    for n in range(rounds):
        assert wait_until(lambda t=(n + 1) * count // (rounds + 2): sent() >= t, timeout=90), f"stuck at {sent()}"
        terminated += _terminate_worker_backends()

    assert wait_until(lambda: sent() == count, timeout=120), f"only {sent()} sent"
    result = figures(smtp, "pg_terminate_backend")
    print(f"[pg_terminate_backend] {rounds} times, {terminated} connections terminated")
    assert terminated >= rounds
    assert result["lost"] == 0 and result["duplicates"] == 0 and result["not_sent"] == 0


@pytest.fixture
def idle_in_transaction_timeout() -> Iterator[None]:
    name = connection.settings_dict["NAME"]
    with psycopg.connect(database_url(), autocommit=True) as admin:
        admin.execute(f"ALTER DATABASE \"{name}\" SET idle_in_transaction_session_timeout = '2s'")
    yield
    with psycopg.connect(database_url(), autocommit=True) as admin:
        admin.execute(f'ALTER DATABASE "{name}" RESET idle_in_transaction_session_timeout')


def test_a_recipient_slower_than_the_idle_in_transaction_timeout_gets_one_copy_and_delays_nobody(
    adviser_a: Any, smtp: SmtpServer, cluster: Any, idle_in_transaction_timeout: None
):
    event = invite_now(adviser_a, 60)
    slow = event.invitations.order_by("pk").first().contact_person.email
    smtp.recorder.slow[slow] = 3.0  # stored, then 3 s before the 250: longer than the 2 s timeout
    c = cluster(EMAIL_TIMEOUT="5", OUTREACH_LEASE_SECONDS="30")
    c.worker()

    assert wait_until(lambda: sent() == 60, timeout=120), f"only {sent()} sent"
    result = figures(smtp, "idle_in_transaction_session_timeout 2s, one 3 s recipient")
    slow_row = OutboundEmail.objects.get(to_email=slow)
    copies = smtp.counts()[slow_row.message_id]
    print(f"[idle_in_transaction] slow recipient: attempts = {slow_row.attempts}, copies = {copies}")
    assert result["lost"] == 0 and result["duplicates"] == 0
    assert slow_row.attempts == 1
    # Nobody waited behind it for a retry: every row went out on its first attempt.
    assert set(OutboundEmail.objects.values_list("attempts", flat=True)) == {1}


def test_sigkill_during_a_background_fan_out_loses_no_invitation(adviser_a: Any, smtp: SmtpServer, cluster: Any):
    count = 3000
    event = EventFactory(region_id="AM18", owner=adviser_a)
    people = make_people(count)
    round_ = invite_in_background(event=event, by=adviser_a, persons=people)  # its task: nowhere
    c = cluster()
    worker = c.worker()
    assert wait_until(lambda: InvitationRound.objects.get(pk=round_.pk).done >= 400, timeout=90)
    inside = c.kill(worker)
    done_at_kill = InvitationRound.objects.get(pk=round_.pk).done
    c.worker(), c.worker()

    assert wait_until(lambda: InvitationRound.objects.get(pk=round_.pk).state == "done", timeout=120)
    assert wait_until(lambda: sent() == count, timeout=120), f"only {sent()} sent"
    round_.refresh_from_db()
    result = figures(smtp, "worker SIGKILL during a fan-out of 3,000")
    print(
        f"[fan-out kill] killed at {done_at_kill} of {count}, kills inside a send = {inside}; "
        f"round {round_.state} {round_.done}/{round_.total}, attempts {round_.attempts}"
    )
    assert (round_.done, round_.invited) == (count, count)
    assert Invitation.objects.filter(event=event).count() == count
    assert ContactPerson.objects.filter(invitations__event=event).distinct().count() == count
    assert result["lost"] == 0 and result["duplicates"] <= inside and result["duplicated_but_not_flagged"] == 0


def test_a_greylisted_recipient_does_not_hold_up_the_others(adviser_a: Any, smtp: SmtpServer, cluster: Any):
    count = 300
    event = invite_now(adviser_a, count)
    grey = list(event.invitations.order_by("pk").values_list("contact_person__email", flat=True)[::100])
    smtp.recorder.greylist = set(grey)  # 451 at the first RCPT, as a greylisting server does
    c = cluster()
    c.worker(), c.worker()

    assert wait_until(lambda: sent() == count, timeout=120), f"only {sent()} sent"
    result = figures(smtp, f"{len(grey)} of {count} greylisted")
    others = OutboundEmail.objects.exclude(to_email__in=grey)
    print(
        "[greylisting] others' attempts:",
        sorted(set(others.values_list("attempts", flat=True))),
        "greylisted attempts:",
        sorted(OutboundEmail.objects.filter(to_email__in=grey).values_list("attempts", flat=True)),
    )
    assert result["lost"] == 0 and result["duplicates"] == 0
    # The others went out on their first attempt, in the batch they were in: not one of them
    # was left for a later tick because a greylisted recipient came before it.
    assert set(others.values_list("attempts", flat=True)) == {1}
    assert set(OutboundEmail.objects.filter(to_email__in=grey).values_list("attempts", flat=True)) == {2}


INVITE_WITHOUT_BROKER = """
import django, sys, time
django.setup()
from django.contrib.auth import get_user_model
from outreach.services.rounds import invite_in_background
from outreach.models import Event
event = Event.objects.get(pk=int(sys.argv[1]))
by = get_user_model().objects.get(pk=int(sys.argv[2]))
ids = [int(x) for x in sys.argv[3].split(",")]
started = time.monotonic()
round_ = invite_in_background(event=event, by=by, persons=ids)
print(round_.pk, round_.state, "enqueue_seconds", round(time.monotonic() - started, 2))
"""


def test_redis_stopped_during_delivery_and_a_background_invite_meanwhile(
    adviser_a: Any, smtp: SmtpServer, cluster: Any
):
    count, more = 300, 250
    smtp.recorder.delay = 0.03
    event = invite_now(adviser_a, count)
    c = cluster()
    c.worker(), c.worker()
    assert wait_until(lambda: sent() >= 60, timeout=90)
    c.redis.stop()
    # A background invite while the broker is away: accepted, its round committed.
    environment = {**c.env, "DJANGO_SETTINGS_MODULE": "crm.settings"}
    answer = subprocess.run(
        [
            sys.executable,
            "-c",
            INVITE_WITHOUT_BROKER,
            str(event.pk),
            str(adviser_a.pk),
            ",".join(map(str, make_people(more))),
        ],
        cwd=ROOT,
        env={k: v for k, v in environment.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    print(f"[redis down] background invite (round id, state, seconds): {answer.stdout.strip()}")
    assert answer.returncode == 0, answer.stderr[-2000:]
    assert "not enqueued" in answer.stderr  # logged, not raised
    assert "enqueue_seconds" in answer.stdout
    (round_,) = InvitationRound.objects.filter(event=event)
    assert round_.state == "pending"
    assert wait_until(lambda: not port_open(c.redis.port), timeout=10)  # the broker is down
    c.redis.start()  # same port, empty

    total = count + more
    assert wait_until(lambda: InvitationRound.objects.get(pk=round_.pk).state == "done", timeout=120)
    assert wait_until(lambda: sent() == total, timeout=120), f"only {sent()} of {total} sent"
    result = figures(smtp, "Redis stopped during delivery, background invite meanwhile")
    assert result["lost"] == 0 and result["duplicates"] == 0 and result["messages"] == total
    assert os.environ.get("REDIS_URL") != c.redis.url  # the suite's own Redis was never touched
