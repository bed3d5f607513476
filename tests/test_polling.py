"""The polling helpers keep their bounds (they are what the worker tests wait with)."""

from __future__ import annotations

import itertools
import time

from tests.polling import settled, stays, wait_until


def test_wait_until_returns_the_value_as_soon_as_it_is_truthy():
    calls = itertools.count()

    assert wait_until(lambda: next(calls) >= 3 and "ready", timeout=5, interval=0.01) == "ready"


def test_wait_until_gives_up_at_its_deadline():
    started = time.monotonic()

    assert not wait_until(lambda: False, timeout=0.3, interval=0.05)
    assert 0.3 <= time.monotonic() - started < 1.5


def test_stays_fails_the_moment_the_negative_stops_holding():
    calls = itertools.count()
    started = time.monotonic()

    assert not stays(lambda: next(calls) < 2, seconds=5, interval=0.01)
    assert time.monotonic() - started < 1
    assert stays(lambda: True, seconds=0.2, interval=0.05)


def test_settled_waits_for_the_reading_to_stop_changing():
    values = iter([1, 2, 3])

    assert settled(lambda: next(values, 3), quiet=0.2, timeout=5, interval=0.01) == 3
