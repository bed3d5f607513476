"""Bounded polling for tests that wait on another process (a worker, a mail server, a broker).

A fixed ``time.sleep`` is either too short on a busy machine (flaky) or too long everywhere
(slow), and a sleep before an ``assert`` proves nothing about *when* the thing was checked.
These wait for the thing itself, with a deadline:

- ``wait_until(predicate)``: until it is true (returns its value; falsy at the deadline, so
  ``assert wait_until(...)`` reads as what must happen);
- ``stays(predicate, seconds)``: a negative ("nothing more is sent") can only be shown over a
  window; this checks it all through the window and fails the moment it stops holding;
- ``settled(read)``: until a reading stops changing (a worker has finished its burst);
- ``port_open(port)``: whether something listens on a local port.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def wait_until(predicate: Callable[[], T], timeout: float = 120, interval: float = 0.1) -> T:
    """Poll ``predicate`` until it returns something truthy, at most ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(min(interval, max(0.0, deadline - time.monotonic())))


def stays(predicate: Callable[[], object], seconds: float, interval: float = 0.1) -> bool:
    """True if ``predicate`` holds at every poll for ``seconds``; False as soon as it does not."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not predicate():
            return False
        time.sleep(interval)
    return bool(predicate())


def settled(read: Callable[[], T], quiet: float = 1.0, timeout: float = 60, interval: float = 0.1) -> T:
    """The value of ``read`` once it has not changed for ``quiet`` seconds (or at the deadline)."""
    deadline = time.monotonic() + timeout
    last, since = read(), time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(interval)
        now = read()
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet:
            break
    return last


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex((host, port)) == 0
