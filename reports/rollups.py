"""Rollups of the contacts for the dashboards: per region and Amsterdam day, per channel and
purpose (``ContactDay``), so that a report reads a few rows per region and day instead of
rescanning the contact history (issue 22).

How they stay right:

- Every write of ``employers_contact`` marks the (region, day) of the rows it touched in
  ``DirtyDay``, by a trigger in the writing transaction (reports' migration 0002). No write path
  can skip it: the services, the benchmarks' bulk SQL, a cascade of a deleted employer, a moved
  employer's contacts (``employer_update``).
- ``refresh_rollups`` (the beat tick, every minute) recomputes only the marked days from the
  contacts and removes the marks it has seen, one transaction per batch. A whole day is
  recounted, never incremented, so a rerun gives the same rows; a crash rolls the batch back and
  leaves its marks for the next tick.
- ``contact_month_counts`` reads the rollup for the days not marked and counts the marked days
  live, in one statement (one snapshot): the figures equal a full recount at every moment,
  whether or not the tick has run.

Why a dirty-day table and not counters kept by the services: a day is recounted whole, so the
result cannot drift (no lost or doubled increment after a retry, an edit that moves a contact
across midnight or to another region, a bulk insert), and the writers take one small row lock
instead of updating hot counter rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db import connection, transaction

from reports.periods import AMSTERDAM

BATCH_DAYS = 5_000
MAX_BATCHES = 50  # per tick; marks left over (or re-marked while counting) wait for the next one
# One refresh at a time: two with different snapshots could otherwise write an older count last.
REFRESH_LOCK = 2_202_201

# A day k.day runs from its Amsterdam midnight to the next (23 or 25 hours at the DST changes).

_FORGET = """
    DELETE FROM "reports_contactday" r USING unnest(%s::varchar[], %s::date[]) AS k(region_id, day)
    WHERE r.region_id = k.region_id AND r.day = k.day
"""
_RECOUNT = """
    INSERT INTO "reports_contactday" (region_id, day, channel, purpose, contacts, in_person)
    SELECT k.region_id, k.day, c.channel, c.purpose, count(*), count(*) FILTER (WHERE c.in_person)
    FROM unnest(%s::varchar[], %s::date[]) AS k(region_id, day)
    JOIN "employers_contact" c ON c.region_id = k.region_id
      AND c."when" >= (k.day::timestamp AT TIME ZONE 'Europe/Amsterdam')
      AND c."when" < ((k.day + 1)::timestamp AT TIME ZONE 'Europe/Amsterdam')
    GROUP BY 1, 2, 3, 4
"""
# The marks seen, locked in key order (as the trigger takes them, so no deadlock), each kept
# when its version changed meanwhile: that write may be missing from the count just made.
_UNMARK = """
    DELETE FROM "reports_dirtyday" WHERE id IN (
        SELECT d.id FROM "reports_dirtyday" d
        JOIN unnest(%s::varchar[], %s::date[], %s::bigint[]) AS k(region_id, day, version)
          ON d.region_id = k.region_id AND d.day = k.day AND d.version = k.version
        ORDER BY d.region_id, d.day FOR UPDATE OF d
    )
"""


def refresh_rollups(*, batch_days: int = BATCH_DAYS, max_batches: int = MAX_BATCHES) -> int:
    """Recount the marked days; returns how many were recounted."""
    done = 0
    for _batch in range(max_batches):
        counted = _refresh_batch(batch_days)
        done += counted
        if counted < batch_days:
            break
    return done


@transaction.atomic
def _refresh_batch(batch_days: int) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [REFRESH_LOCK])
        # After the lock: each statement below sees at least what the previous refresh wrote.
        cursor.execute(
            'SELECT region_id, day, version FROM "reports_dirtyday" ORDER BY region_id, day LIMIT %s', [batch_days]
        )
        marks = cursor.fetchall()
        if not marks:
            return 0
        regions, days, versions = (list(column) for column in zip(*marks, strict=True))
        cursor.execute(_FORGET, [regions, days])
        cursor.execute(_RECOUNT, [regions, days])
        cursor.execute(_UNMARK, [regions, days, versions])
    return len(marks)


def mark_all_days() -> int:
    """Mark every day that has contacts or rollup rows, for a rebuild from scratch (the next
    refresh recounts them all). Returns the number of days marked."""
    with connection.cursor() as cursor:
        cursor.execute(
            """INSERT INTO "reports_dirtyday" (region_id, day, version)
               SELECT region_id, day, nextval('reports_dirtyday_version') FROM (
                   SELECT region_id, ("when" AT TIME ZONE 'Europe/Amsterdam')::date AS day FROM "employers_contact"
                   UNION SELECT region_id, day FROM "reports_contactday") d
               ORDER BY 1, 2
               ON CONFLICT (region_id, day) DO UPDATE SET version = EXCLUDED.version"""
        )
        return cursor.rowcount


@dataclass(frozen=True, slots=True)
class ContactCount:
    region: str
    month: date  # first day of the Amsterdam month
    channel: str
    count: int


def _local_day(moment: datetime) -> date:
    local = moment.astimezone(AMSTERDAM)
    if (local.hour, local.minute, local.second, local.microsecond) != (0, 0, 0, 0):
        raise ValueError(f"A rollup period starts and ends at Amsterdam midnight, not at {local.isoformat()}")
    return local.date()


# NOT IN over the (non-null) marks: one hashed look-up per rollup row whatever the statistics
# say, where NOT EXISTS let the planner pick a nested loop over the marks for each row.
_MONTH_COUNTS = """
    SELECT region_id, date_trunc('month', day)::date, channel, sum(n)::int FROM (
        SELECT r.region_id, r.day, r.channel, r.contacts AS n FROM "reports_contactday" r
        WHERE r.region_id = ANY(%(codes)s) AND r.day >= %(first)s AND r.day < %(last)s
          AND (r.region_id, r.day) NOT IN (SELECT d.region_id, d.day FROM "reports_dirtyday" d)
        UNION ALL
        SELECT k.region_id, k.day, c.channel, 1 FROM "reports_dirtyday" k
        JOIN "employers_contact" c ON c.region_id = k.region_id
          AND c."when" >= (k.day::timestamp AT TIME ZONE 'Europe/Amsterdam')
          AND c."when" < ((k.day + 1)::timestamp AT TIME ZONE 'Europe/Amsterdam')
        WHERE k.region_id = ANY(%(codes)s) AND k.day >= %(first)s AND k.day < %(last)s
    ) days GROUP BY 1, 2, 3
"""


def contact_month_counts(region_codes: list[str], start: datetime, end: datetime) -> list[ContactCount]:
    """Contacts per region, Amsterdam month and channel from ``start`` to ``end`` (both at
    Amsterdam midnight, as every report period): the rollup's rows for the clean days, a live
    count for the days marked since the last refresh. One query."""
    with connection.cursor() as cursor:
        cursor.execute(
            _MONTH_COUNTS, {"codes": list(region_codes), "first": _local_day(start), "last": _local_day(end)}
        )
        return [ContactCount(region, month, channel, n) for region, month, channel, n in cursor.fetchall()]
