"""``nothing_changes()``: a refused write must leave every table as it was.

A test that asserts only a 403/404/400 on a POST shows the answer, not that nothing was written
before it (a half-done change, an audit row, a queued mail). This takes each table's row count
and a fingerprint of its rows (md5 over the rows as text, in order) before and after the block,
and fails naming the tables that changed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.db import connection

# The session table changes with every request of a signed-in test client (its expiry, the CSRF
# token): not region data. Pass ``ignore=`` for anything else a refusal may rightly write.
ALWAYS_IGNORED = frozenset({"django_session"})


def snapshot(ignore: Iterable[str] = ()) -> dict[str, tuple[int, str]]:
    """``{table: (rows, fingerprint)}`` for every table Django knows, in one query."""
    skipped = ALWAYS_IGNORED | set(ignore)
    tables = sorted(t for t in connection.introspection.django_table_names(only_existing=True) if t not in skipped)
    quote = connection.ops.quote_name
    # S608 silenced below: the names come from Django's own table list, quoted; the values are parameters.
    parts = [
        f"SELECT %s, COUNT(*), md5(COALESCE(string_agg(t::text, '|' ORDER BY t::text), '')) FROM {quote(table)} t"  # noqa: S608 - table names from the catalogue, quoted
        for table in tables
    ]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), tables)
        return {table: (rows, fingerprint) for table, rows, fingerprint in cursor.fetchall()}


def changes(before: dict[str, tuple[int, str]], after: dict[str, tuple[int, str]]) -> list[str]:
    return [
        f"{table}: {before.get(table, (0, ''))[0]} -> {after.get(table, (0, ''))[0]} rows"
        + ("" if before.get(table, (0,))[0] != after.get(table, (0,))[0] else " (same count, rows changed)")
        for table in sorted(set(before) | set(after))
        if before.get(table) != after.get(table)
    ]


@contextmanager
def nothing_changes(ignore: Iterable[str] = ()) -> Iterator[None]:
    """Fails if any table (but ``ignore`` and the sessions) differs after the block."""
    ignore = tuple(ignore)
    before = snapshot(ignore)
    yield
    changed = changes(before, snapshot(ignore))
    assert not changed, f"a refused request changed the database: {changed}"
