"""What the benchmark scripts share: Django set-up, timing, percentiles and the result file.

Import it first in a ``bench_*.py`` (it sets up Django):

    from common import ROOT, bench_user, percentile, time_runs, write_results
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")
# The bench users sign in with force_login, as the suite's cast does (tests/conftest.py): without
# this every page answers 302 to the two-factor step.
os.environ.setdefault("MFA_REQUIRED", "0")

import django  # noqa: E402 - after sys.path and the settings module are set

django.setup()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def p50_p95(values: list[float]) -> tuple[float, float]:
    return statistics.median(values), percentile(values, 0.95)


def time_runs(run: Callable[[], Any], runs: int, warmup: int = 2) -> list[float]:
    """Milliseconds of each of ``runs`` calls, after ``warmup`` untimed ones."""
    for _ in range(warmup):
        run()
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        run()
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def bench_user(username: str, role: str, region: str | None) -> Any:
    from django.contrib.auth import get_user_model

    from crm.models import Membership

    user, _ = get_user_model().objects.get_or_create(username=username)
    Membership.objects.get_or_create(user=user, region_id=region, role=role)
    return user


# How many employers the bench runs over: 100,000 by default, ``BENCH_SCALE=1000000`` for
# ``make bench-1m`` (seed_bench makes 10 contacts per employer, so 1M and 10M contacts).
SCALE = int(os.environ.get("BENCH_SCALE") or 100_000)


def ensure_bench_employers(count: int = SCALE) -> None:
    """The bench employers, their contact persons and contacts (seed_bench, idempotent), then
    VACUUM ANALYZE when anything was added (what production's autovacuum would have done)."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("seed_bench", employers=count)
    refresh_bench_rollups()


def refresh_bench_rollups() -> None:
    """What the beat tick does after the seeding's bulk inserts: recount the marked days of the
    reports' contact rollups, then VACUUM ANALYZE them (as autovacuum would)."""
    import time

    from django.db import connection

    from reports.rollups import refresh_rollups

    started, days = time.monotonic(), 0
    while counted := refresh_rollups():
        days += counted
    if days:
        with connection.cursor() as cursor:
            for table in ("reports_contactday", "reports_dirtyday"):
                cursor.execute(f'VACUUM ANALYZE "{table}"')
        print(f"rollups: {days} region-days recounted in {time.monotonic() - started:.1f} s", flush=True)


def write_results(name: str, results: list[dict]) -> None:
    out = ROOT / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{name}.json").write_text(json.dumps(results, indent=2))
