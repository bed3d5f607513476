"""Region dashboard over 100,000 employers and 1,000,000 contacts: p50/p95 of the page, its
query count, and beside it the bare SQL of its biggest aggregate (the floor)."""

from __future__ import annotations

from common import bench_user, ensure_bench_employers, p50_p95, time_runs, write_results
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from crm.models import Role
from employers.contacts.services import refresh_last_contact
from employers.models import Contact, Employer

EMPLOYERS = 100_000
CONTACTS = 1_000_000
REGION = "AM18"
RUNS = 40


def ensure_data() -> None:
    ensure_bench_employers(EMPLOYERS)
    user = bench_user("bench-coordinator", Role.COORDINATOR, REGION)
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
                SELECT ids.a[1 + ((g::bigint * 7919) %% array_length(ids.a, 1))::int], %s,
                       now() - (g %% 400) * interval '1 day' - (g %% 24) * interval '1 hour',
                       (ARRAY['visit','phone','video','email','event','other'])[1 + g %% 6],
                       'relationship', (g %% 6) IN (0, 4), 'bench', '', now(), now()
                FROM generate_series(1, %s) AS g, ids
                """,
                [user.pk, missing],
            )
        cursor = connection.cursor()
        cursor.execute("ANALYZE employers_contact")
        refresh_last_contact()  # what contact_log keeps up to date; the bulk insert bypassed it


def main() -> None:
    ensure_data()
    client = Client()
    client.force_login(bench_user("bench-coordinator", Role.COORDINATOR, REGION))
    url = f"/reports/regions/{REGION}/?period=12m"

    def page() -> None:
        assert client.get(url).status_code == 200

    page_ms = time_runs(page, RUNS, warmup=1)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)

    def floor_sql() -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                """SELECT date_trunc('month', c."when" AT TIME ZONE 'Europe/Amsterdam'), c.channel, count(*)
                   FROM employers_contact c JOIN employers_employer e ON e.id = c.employer_id
                   WHERE e.region_id = %s AND c."when" >= now() - interval '12 months' GROUP BY 1, 2""",
                [REGION],
            )
            cursor.fetchall()

    floor_ms = time_runs(floor_sql, RUNS, warmup=1)
    p50, p95 = p50_p95(page_ms)
    floor = p50_p95(floor_ms)[1]
    print(f"region dashboard {url}: p50 {p50:.1f} ms, p95 {p95:.1f} ms, {len(queries)} queries")
    print(f"floor (bare contacts-per-month SQL): p95 {floor:.1f} ms; ratio {p95 / floor:.2f}")
    write_results(
        "reports",
        [
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
        ],
    )


if __name__ == "__main__":
    main()
