"""Region dashboard over 100,000 employers and 1,000,000 contacts: p50/p95 of the page, its
query count, and beside it the bare SQL of its biggest aggregate (the floor)."""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from crm.models import Membership, Role  # noqa: E402
from employers.models import Contact, Employer  # noqa: E402

EMPLOYERS = 100_000
CONTACTS = 1_000_000
REGION = "AM18"
RUNS = 40


def ensure_data() -> None:
    call_command("migrate", verbosity=0)
    if Employer.objects.count() < EMPLOYERS:
        call_command("seed_bench")
    from django.contrib.auth import get_user_model

    user, _ = get_user_model().objects.get_or_create(username="bench-coordinator")
    Membership.objects.get_or_create(user=user, region_id=REGION, role=Role.COORDINATOR)
    missing = CONTACTS - Contact.objects.count()
    if missing > 0:
        print(f"inserting {missing} contacts with one INSERT ... SELECT", flush=True)
        with connection.cursor() as cursor:
            # Spread over all employers and the last 400 days, channels in rotation.
            cursor.execute(
                """
                INSERT INTO employers_contact (employer_id, by_id, "when", channel, purpose, in_person,
                                               summary, outcome, created_at, updated_at)
                WITH ids AS (SELECT array_agg(id ORDER BY id) AS a FROM employers_employer)
                SELECT ids.a[1 + (g * 7919) %% array_length(ids.a, 1)], %s,
                       now() - (g %% 400) * interval '1 day' - (g %% 24) * interval '1 hour',
                       (ARRAY['visit','phone','video','email','event','other'])[1 + g %% 6],
                       'relationship', (g %% 6) IN (0, 4), 'bench', '', now(), now()
                FROM generate_series(1, %s) AS g, ids
                """,
                [user.pk, missing],
            )
        cursor = connection.cursor()
        cursor.execute("ANALYZE employers_contact")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main() -> None:
    ensure_data()
    from django.contrib.auth import get_user_model

    client = Client()
    client.force_login(get_user_model().objects.get(username="bench-coordinator"))
    url = f"/reports/regions/{REGION}/?period=12m"
    client.get(url)  # warm up
    page_ms = []
    for _ in range(RUNS):
        started = time.perf_counter()
        response = client.get(url)
        page_ms.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    floor_ms = []
    with connection.cursor() as cursor:
        for _ in range(RUNS):
            started = time.perf_counter()
            cursor.execute(
                """SELECT date_trunc('month', c."when" AT TIME ZONE 'Europe/Amsterdam'), c.channel, count(*)
                   FROM employers_contact c JOIN employers_employer e ON e.id = c.employer_id
                   WHERE e.region_id = %s AND c."when" >= now() - interval '12 months' GROUP BY 1, 2""",
                [REGION],
            )
            cursor.fetchall()
            floor_ms.append((time.perf_counter() - started) * 1000)
    p50, p95 = statistics.median(page_ms), percentile(page_ms, 0.95)
    floor = percentile(floor_ms, 0.95)
    print(f"region dashboard {url}: p50 {p50:.1f} ms, p95 {p95:.1f} ms, {len(queries)} queries")
    print(f"floor (bare contacts-per-month SQL): p95 {floor:.1f} ms; ratio {p95 / floor:.2f}")
    results = [
        {
            "benchmark": f"region dashboard p95 ({Employer.objects.count():,} employers, "
            f"{Contact.objects.count():,} contacts, {len(queries)} queries)",
            "figure": p95,
            "unit": "ms",
            "floor": floor,
            "ratio": p95 / floor,
            "target": "p95 < 500 ms",
            "met": p95 < 500,
            "command": "make bench (python tests/bench/run_all.py reports)",
        }
    ]
    out = ROOT / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    (out / "reports.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
