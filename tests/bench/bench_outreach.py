"""Delivering 10,000 invitations from the outbox to a local SMTP sink with two Celery worker
processes, beside the floor (plain ``smtplib`` sending the same 10,000 messages over one
connection) and the peer (django-post-office's ``send_queued_mail --processes=2`` with the
same messages, with its defaults and with BATCH_SIZE=1000), all to the same sink in the same
run. Targets (issue 22): within 2x of the floor and at least 2x the peer's messages per second.

The peer is installed into ``var/bench/peer`` from ``requirements-peer.txt`` (pip --target, not
in the project's locks) and runs in its own process with a Django of its own
(``peer_postoffice.py``).

The sink is aiosmtpd's ``Sink`` handler in its own process. Rows are created once with the
real fan-out service (rendered per person); each run puts them back to ``queued``.
"""

from __future__ import annotations

import os
import smtplib
import socket
import subprocess
import sys
import time
from pathlib import Path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


SINK_PORT = _free_port()
# The workers and this process send to the sink (set before Django reads its settings).
os.environ["EMAIL_URL"] = f"smtp://127.0.0.1:{SINK_PORT}"

# common sets up Django, so it is imported after EMAIL_URL is set.
import django  # noqa: E402 - after EMAIL_URL is set
from common import write_results  # noqa: E402 - after EMAIL_URL is set
from django.core.management import call_command  # noqa: E402 - after EMAIL_URL is set
from django.db import connection  # noqa: E402 - after EMAIL_URL is set

COUNT = 10_000
BENCH = Path(__file__).resolve().parent
PEER = BENCH.parents[1] / "var" / "bench" / "peer"
TAG = "bench-outreach"
QUEUE = "bench-outreach"


def start_sink() -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{SINK_PORT}", "-c", "aiosmtpd.handlers.Sink"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", SINK_PORT)) == 0:
                return process
        time.sleep(0.05)
    raise RuntimeError("the SMTP sink did not start")


def ensure_rows() -> int:
    """The event, 10,000 contact persons and their invitation rows (made once, reused)."""
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from crm.models import Membership, Role
    from employers.models import ContactPerson, Employer
    from outreach.delivery import wire_bytes
    from outreach.models import Event, OutboundEmail
    from outreach.services.invitations import invite

    call_command("migrate", verbosity=0)
    user, _ = get_user_model().objects.get_or_create(username="bench-adviser")
    Membership.objects.get_or_create(user=user, region_id="AM18", role=Role.ADVISER)
    start = timezone.now() + timedelta(days=60)
    event, _ = Event.objects.get_or_create(
        slug=TAG,
        defaults={
            "region_id": "AM18",
            "title": "Benchmark session",
            "starts_at": start,
            "ends_at": start + timedelta(hours=2),
            "venue_address": "Dam 1, Amsterdam",
            "state": "published",
        },
    )
    if event.starts_at < timezone.now() + timedelta(days=7):
        Event.objects.filter(pk=event.pk).update(starts_at=start, ends_at=start + timedelta(hours=2))
        event.refresh_from_db()
    have = ContactPerson.objects.filter(employer__legal_name__startswith=TAG).count()
    if have < COUNT:
        employers = Employer.objects.bulk_create(
            [Employer(legal_name=f"{TAG} {i}", region_id="AM18", stage="open") for i in range(COUNT // 10)]
        )
        ContactPerson.objects.bulk_create(
            [
                ContactPerson(
                    employer=employers[i // 10],
                    name=f"Bench {i}",
                    email=f"bench{i}@sink.example",
                    language="nl" if i % 4 else "en",
                )
                for i in range(COUNT)
            ]
        )
    rows = OutboundEmail.objects.filter(event=event, kind="invite")
    for row in rows.filter(mime=b"").iterator(chunk_size=500):  # rows of a version that did not store MIME
        row.mime = wire_bytes(row)
        row.save(update_fields=["mime"])
    if rows.count() < COUNT:
        people = ContactPerson.objects.filter(employer__legal_name__startswith=TAG).values_list("pk", flat=True)
        started = time.perf_counter()
        invite(event=event, by=user, persons=list(people))
        print(f"fan-out (render + store {COUNT} rows): {time.perf_counter() - started:.1f} s", flush=True)
    return event.pk


def requeue(event_id: int) -> list[int]:
    from outreach.models import OutboundEmail

    rows = OutboundEmail.objects.filter(event_id=event_id, kind="invite")
    rows.update(
        state="queued",
        attempts=0,
        sent_at=None,
        last_error="",
        next_attempt_at=django.utils.timezone.now(),
        claimed_at=None,
        claimed_by="",
        lease_expires_at=None,
        uncertain=False,
    )
    return list(rows.order_by("pk").values_list("pk", flat=True)[:COUNT])


def floor(ids: list[int]) -> float:
    """Plain smtplib, one connection, the same messages (built before the clock starts)."""
    from outreach.delivery import wire_bytes
    from outreach.models import OutboundEmail

    messages = []
    for row in OutboundEmail.objects.filter(pk__in=ids).iterator(chunk_size=1000):
        messages.append((row.from_email, [row.to_email], bytes(row.mime) or wire_bytes(row)))
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", SINK_PORT) as smtp:
        for sender, to, data in messages:
            smtp.sendmail(sender, to, data)
    return time.perf_counter() - started


def with_workers(ids: list[int], event_id: int) -> float:
    from crm.celery import app
    from outreach.models import OutboundEmail
    from outreach.outbox import ENQUEUE_CHUNK
    from outreach.tasks import deliver_emails
    from tests.workers import start_worker, stop_worker

    # EMAIL_URL (the sink) is in the environment the workers inherit: set at the top of this file.
    workers = [start_worker(queue=QUEUE, name=f"bench{i}@%h") for i in range(2)]
    try:
        time.sleep(1)
        replies = []
        deadline = time.monotonic() + 300  # both workers up before the clock starts (slow on a busy machine)
        while len(replies) < 2 and time.monotonic() < deadline:
            replies = app.control.ping(timeout=0.5) or []
        started = time.perf_counter()
        for start in range(0, len(ids), ENQUEUE_CHUNK):
            deliver_emails.apply_async(args=[ids[start : start + ENQUEUE_CHUNK]], queue=QUEUE)
        # A cheap indexed poll (event, kind): the harness must not steal the workers' CPU.
        pending = OutboundEmail.objects.filter(event_id=event_id, kind="invite", state__in=["queued", "sending"])
        while pending.exists():
            time.sleep(0.1)
        elapsed = time.perf_counter() - started
        failed = OutboundEmail.objects.filter(pk__in=ids).exclude(state="sent").count()
        if failed:
            raise RuntimeError(f"{failed} rows not sent")
        return elapsed
    finally:
        for worker in workers:
            stop_worker(worker)


def ensure_peer() -> None:
    if (PEER / "post_office").is_dir():
        return
    command = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(PEER)]
    subprocess.run([*command, "-r", str(BENCH / "requirements-peer.txt")], check=True)


def peer(batch_size: int | None = None) -> float:
    """django-post-office, two processes, the same messages and sink; seconds to send them."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    url = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    environment = {**os.environ, "PYTHONPATH": str(PEER), "DATABASE_URL": url}
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    command = [sys.executable, str(BENCH / "peer_postoffice.py"), str(SINK_PORT), "2"]
    answer = subprocess.run(
        [*command, *([str(batch_size)] if batch_size else [])],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    if answer.returncode:
        raise RuntimeError(f"the peer failed: {answer.stderr[-2000:]}")
    return float(answer.stdout.strip().splitlines()[-1])


def main() -> None:
    ensure_peer()
    event_id = ensure_rows()
    sink = start_sink()
    try:
        ids = requeue(event_id)
        floor_s = floor(ids)
        ids = requeue(event_id)
        connection.close()
        figure_s = with_workers(ids, event_id)
        peer_s = peer()
        peer_batch_s = peer(1000)
    finally:
        sink.terminate()
        sink.wait(timeout=10)
    rate, floor_rate = COUNT / figure_s, COUNT / floor_s
    peer_rate, peer_batch_rate = COUNT / peer_s, COUNT / peer_batch_s
    best_peer = max(peer_rate, peer_batch_rate)
    ratio = figure_s / floor_s
    print(f"outbox delivery, {COUNT} invitations, 2 workers: {figure_s:.2f} s, {rate:.0f} msg/s")
    print(f"floor, plain smtplib over one connection:        {floor_s:.2f} s, {floor_rate:.0f} msg/s")
    print(f"peer, django-post-office, 2 processes (defaults): {peer_s:.2f} s, {peer_rate:.0f} msg/s")
    print(f"peer, django-post-office, BATCH_SIZE=1000:        {peer_batch_s:.2f} s, {peer_batch_rate:.0f} msg/s")
    print(f"ratio to the floor: {ratio:.2f} (target: within 2x)")
    print(f"speed over the better peer: {rate / best_peer:.2f}x (target: at least 2x)")
    command = "python tests/bench/bench_outreach.py"
    results = [
        {
            "benchmark": f"outreach: deliver {COUNT} invitations (2 workers) vs plain smtplib",
            "figure": figure_s,
            "unit": "s",
            "floor": floor_s,
            "ratio": ratio,
            "target": "within 2x of the floor",
            "met": ratio <= 2.0,
            "command": command,
        },
        {
            "benchmark": f"outreach: deliver {COUNT} invitations (2 workers) vs django-post-office (2 processes)",
            "figure": figure_s,
            "unit": "s",
            "floor": min(peer_s, peer_batch_s),
            "ratio": figure_s / min(peer_s, peer_batch_s),
            "target": "at most half the peer's time (at least 2x its messages per second)",
            "met": rate >= 2 * best_peer,
            "command": command,
        },
    ]
    write_results("outreach", results)


if __name__ == "__main__":
    main()
