"""Real servers for the delivery tests: an SMTP server (aiosmtpd), a private redis-server,
a Celery worker and beat, each on free loopback ports, stopped afterwards."""

from __future__ import annotations

import asyncio
import email
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

from tests.workers import ROOT, test_database_url


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Recorder:
    """Records every accepted message, *before* answering 250 (as a real server stores it
    first), and can misbehave on purpose:

    - ``hold_after(n)``: stop answering at RCPT of the next message once ``n`` are recorded
      (the client is then provably mid-send, before the server has accepted anything) until
      ``release()``;
    - ``delay``: seconds to wait after storing a message before answering 250 (the window in
      which the message is delivered but the client does not know yet); ``slow[address]``
      the same for one recipient;
    - ``rcpt_replies[address]``: a fixed reply at RCPT (``"550 5.1.1 no such user"``);
      ``data_replies[address]``: a fixed reply to DATA, without storing;
    - ``greylist``: addresses answered ``451`` at their first ``greylist_times`` RCPTs.
    """

    def __init__(self) -> None:
        self.messages: list[email.message.Message] = []
        self.lock = threading.Lock()
        self.hold_at: int | None = None
        self.holding = threading.Event()
        self.released = threading.Event()
        self.delay = 0.0
        self.slow: dict[str, float] = {}
        self.rcpt_replies: dict[str, str] = {}
        self.data_replies: dict[str, str] = {}
        self.greylist: set[str] = set()
        self.greylist_times = 1
        self.rcpt_seen: Counter[str] = Counter()
        self.senders: list[str] = []  # the envelope sender (MAIL FROM) of each stored message
        self.in_data = 0  # conversations between DATA and our final answer
        # Called with each message right after it is stored, before the 250 (no Django ORM
        # here: this runs in the server's event-loop thread).
        self.on_store: Callable[[email.message.Message], None] | None = None

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:  # noqa: N802 - aiosmtpd API
        if self.hold_at is not None and len(self.messages) >= self.hold_at and not self.released.is_set():
            self.holding.set()
            while not self.released.is_set():
                await asyncio.sleep(0.01)
        with self.lock:
            self.rcpt_seen[address] += 1
            seen = self.rcpt_seen[address]
        if address in self.rcpt_replies:
            return self.rcpt_replies[address]
        if address in self.greylist and seen <= self.greylist_times:
            return "451 4.7.1 Greylisted, please try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd API
        address = envelope.rcpt_tos[0] if envelope.rcpt_tos else ""
        if address in self.data_replies:
            return self.data_replies[address]
        message = email.message_from_bytes(envelope.content)
        with self.lock:
            self.messages.append(message)
            self.senders.append(envelope.mail_from)
            self.in_data += 1
        try:
            if self.on_store is not None:
                self.on_store(message)
            wait = self.slow.get(address, self.delay)
            if wait:
                await asyncio.sleep(wait)
        finally:
            with self.lock:
                self.in_data -= 1
        return "250 Message accepted for delivery"


class SmtpServer:
    """aiosmtpd on a fixed loopback port; ``stop()`` then ``start()`` refuses, then accepts."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.recorder = _Recorder()
        self.controller: Controller | None = None

    def start(self) -> SmtpServer:
        self.controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port, ready_timeout=10)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    @property
    def messages(self) -> list[email.message.Message]:
        with self.recorder.lock:
            return list(self.recorder.messages)

    def hold_after(self, count: int) -> None:
        self.recorder.hold_at = count

    def release(self) -> None:
        self.recorder.released.set()

    def message_ids(self) -> list[str]:
        return [m["Message-ID"] for m in self.messages]

    def counts(self) -> Counter[str]:
        """How often each Message-ID arrived."""
        return Counter(self.message_ids())


class RedisServer:
    """A private redis-server (no persistence) on its own port."""

    def __init__(self) -> None:
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def start(self) -> RedisServer:
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server") or "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
        )
        wait_for_port(self.port)
        return self

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"


def wait_for_port(port: int, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on {port}")


def celery_env(*, smtp: SmtpServer, redis_url: str | None = None, extra: Mapping[str, str] | None = None) -> dict:
    environment = {
        **os.environ,
        "DATABASE_URL": test_database_url(),
        "EMAIL_URL": smtp.url,
        "OUTREACH_RETRY_BASE_SECONDS": "1",
        "OUTREACH_RETRY_MAX_SECONDS": "2",
        "OUTREACH_MAX_ATTEMPTS": "1000",
        "OUTREACH_SWEEP_GRACE_SECONDS": "3",
        "OUTREACH_TICK_SECONDS": "1",
        "EMAIL_TIMEOUT": "2",
        "OUTREACH_LEASE_SECONDS": "15",
        **(extra or {}),
    }
    if redis_url:
        environment["REDIS_URL"] = redis_url
        environment["CELERY_BROKER_URL"] = redis_url
    environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return environment


def start_celery(
    kind: str, environment: Mapping[str, str], queue: str | None = None, name: str | None = None
) -> subprocess.Popen:
    command = [sys.executable, "-m", "celery", "-A", "crm", kind, "--loglevel=WARNING"]
    if kind == "worker":
        command += ["--pool=solo", "--without-gossip", "--without-mingle"]
        if queue:
            command += ["-Q", queue]
        if name:
            command += ["-n", name]
    else:
        command += ["--schedule", str(Path(tempfile.mkdtemp()) / "beat-schedule")]
    return subprocess.Popen(command, cwd=ROOT, env=dict(environment))


def stop(process: subprocess.Popen | None, sig: int = signal.SIGTERM) -> None:
    if process is None or process.poll() is not None:
        return
    process.send_signal(sig)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)
