"""Delivery with real servers: PostgreSQL, Redis, Celery worker (+ beat) processes and an SMTP
server on loopback. Every message must arrive exactly once, whatever breaks in between.

The fault tests run the worker and beat against their own redis-server on a free port, so the
machine's shared Redis is never disturbed; their tasks reach the worker through the beat
tick's outbox sweep (the test process's own enqueues go to the test broker, where nobody
listens: exactly the "broker lost the message" case the sweep exists for).
"""

from __future__ import annotations

import re
import signal
import uuid
from collections import Counter
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest

from crm.celery import app
from employers.models import ContactPerson, Employer
from outreach import schedule
from outreach.models import OutboundEmail
from outreach.services.invitations import invite
from tests.outreach.factories import EventFactory
from tests.outreach.harness import RedisServer, SmtpServer, celery_env, start_celery, stop
from tests.polling import port_open, stays, wait_until

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

RSVP_LINK = re.compile(r"https?://[^\s]+/events/rsvp/[^\s/]+/")


def make_people(count: int) -> list[int]:
    tag = uuid.uuid4().hex[:6]
    employers = Employer.objects.bulk_create(
        [Employer(legal_name=f"Werkgever {tag} {i}", region_id="AM18", stage="open") for i in range(count // 10 + 1)]
    )
    people = ContactPerson.objects.bulk_create(
        [
            ContactPerson(
                employer=employers[i // 10],
                name=f"Persoon {i}",
                email=f"p{i}.{tag}@werkgever.example",
                language="en" if i % 5 == 0 else "nl",
            )
            for i in range(count)
        ]
    )
    return [p.pk for p in people]


def sent_count() -> int:
    return OutboundEmail.objects.filter(state="sent").count()


def assert_exactly_once(smtp: SmtpServer, count: int) -> None:
    ids = smtp.message_ids()
    duplicates = [mid for mid, n in Counter(ids).items() if n > 1]
    assert duplicates == [], f"delivered more than once: {duplicates[:5]}"
    assert len(ids) == count
    rows = set(OutboundEmail.objects.values_list("message_id", flat=True))
    assert set(ids) == rows
    assert OutboundEmail.objects.exclude(state="sent").count() == 0


@pytest.fixture
def purged_broker() -> None:
    """Tasks other tests left on the test broker would only be skipped, but cost time."""
    app.control.purge()


@pytest.fixture
def processes() -> Iterator[list]:
    started: list = []
    yield started
    for process in started:
        stop(process, signal.SIGKILL)


def test_a_fan_out_of_2000_is_delivered_exactly_once_with_working_links(
    adviser_a: Any, smtp: SmtpServer, purged_broker: None, processes: list, client: Any
):
    processes.append(start_celery("worker", celery_env(smtp=smtp)))
    event = EventFactory(region_id="AM18")
    people = make_people(2000)

    invite(event=event, by=adviser_a, persons=people)

    assert wait_until(lambda: sent_count() == 2000, timeout=300), f"only {sent_count()} sent"
    assert_exactly_once(smtp, 2000)
    # Each message carries its own RSVP link, and the link opens that person's page.
    links = {}
    for message in smtp.messages:
        text = next(part for part in message.walk() if part.get_content_type() == "text/plain")
        links[message["To"]] = RSVP_LINK.search(text.get_payload(decode=True).decode()).group(0)
    assert len(set(links.values())) == 2000
    for to, link in list(links.items())[::400]:
        page = client.get(urlsplit(link).path)
        assert page.status_code == 200 and to.split(" <")[0] in page.content.decode()

    # The fan-out and the tick, run again, send nothing new.
    assert invite(event=event, by=adviser_a, persons=people) == []
    schedule.plan_due()
    # A negative holds only over a window: polled through it, failing at the first extra message.
    assert stays(lambda: len(smtp.message_ids()) == 2000, seconds=3), f"{len(smtp.message_ids())} sent"


def _fault_setup(adviser_a: Any, smtp: SmtpServer, count: int) -> tuple[RedisServer, dict]:
    redis = RedisServer().start()
    environment = celery_env(smtp=smtp, redis_url=redis.url)
    event = EventFactory(region_id="AM18")
    invite(event=event, by=adviser_a, persons=make_people(count))
    return redis, environment


def test_killing_the_worker_mid_send_loses_nothing_and_sends_nothing_twice(
    adviser_a: Any, smtp: SmtpServer, processes: list
):
    redis, environment = _fault_setup(adviser_a, smtp, 600)
    try:
        smtp.hold_after(150)
        worker = start_celery("worker", environment)
        processes += [worker, start_celery("beat", environment)]
        # The worker is now between MAIL and DATA of message 151, in the middle of a batch.
        assert smtp.recorder.holding.wait(timeout=120)
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
        smtp.release()
        assert 150 <= sent_count() < 600
        processes.append(start_celery("worker", environment))

        assert wait_until(lambda: sent_count() == 600, timeout=300), f"only {sent_count()} sent"
        assert_exactly_once(smtp, 600)
    finally:
        redis.stop()


def test_restarting_redis_mid_fan_out_loses_nothing_and_sends_nothing_twice(
    adviser_a: Any, smtp: SmtpServer, processes: list
):
    redis, environment = _fault_setup(adviser_a, smtp, 600)
    try:
        processes += [start_celery("worker", environment), start_celery("beat", environment)]
        assert wait_until(lambda: sent_count() >= 100, timeout=120)
        redis.stop()  # every queued task is gone with it (no persistence)
        assert wait_until(lambda: not port_open(redis.port), timeout=10)  # the broker is down, not just told to go
        redis.start()  # same port, empty
        assert sent_count() < 600

        assert wait_until(lambda: sent_count() == 600, timeout=300), f"only {sent_count()} sent"
        assert_exactly_once(smtp, 600)
    finally:
        redis.stop()


def test_a_mail_server_that_refuses_connections_for_a_while_gets_everything_once_afterwards(
    adviser_a: Any, smtp: SmtpServer, processes: list
):
    redis, environment = _fault_setup(adviser_a, smtp, 400)
    try:
        smtp.hold_after(100)
        processes += [start_celery("worker", environment), start_celery("beat", environment)]
        assert smtp.recorder.holding.wait(timeout=120)
        smtp.stop()  # connections are now refused
        smtp.release()
        assert wait_until(lambda: OutboundEmail.objects.filter(attempts__gt=1).exists(), timeout=60)
        # The rows say what happened: queued again, with the refusal as their last error.
        assert wait_until(
            lambda: OutboundEmail.objects.filter(state="queued", last_error__icontains="refused").exists(), timeout=60
        )
        smtp.start()

        assert wait_until(lambda: sent_count() == 400, timeout=300), f"only {sent_count()} sent"
        assert_exactly_once(smtp, 400)
    finally:
        redis.stop()
