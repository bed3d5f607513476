"""How many employers of the list each filter option has (issue 17), in one query.

The counts are of the list before its filters (the user's scope, archived or not as the list
shows): what choosing the box would give on its own. One statement: the list's rows once, as a
materialised CTE, then one GROUP BY per filter group joined with UNION ALL, so a region of
20,000 employers is read once, not once per group.
"""

from __future__ import annotations

from collections import defaultdict

from django.db import connection
from django.db.models import QuerySet

from employers.models import Employer

# (group, the key's SQL over the CTE ``e``, the FROM clause)
_GROUPS = (
    ("stage", "e.stage", "e"),
    ("size_class", "e.size_class", "e"),
    ("source", "e.source", "e"),
    ("sbi_section", "e.sbi_section", "e"),
    ("region", "e.region_id::text", "e"),
    ("owner", "e.owner_id::text", "e"),
    ("do_not_contact", "e.do_not_contact::text", "e"),
    ("has_open_openings", "(e.open_openings > 0)::text", "e"),
    ("awaiting_review", "(e.review_requested_at IS NOT NULL)::text", "e"),
    ("tag", "t", "e, unnest(e.tags) AS t"),
    ("accommodation", "a", "e, unnest(e.accommodation_codes) AS a"),
    ("network", "m.network_id::text", 'e JOIN "{networks}" AS m ON m.employer_id = e.id'),
)

Counts = dict[str, dict[str, int]]


def filter_counts(employers: QuerySet[Employer]) -> Counts:
    """``{group: {option: n}}``; the booleans' options are ``"true"`` and ``"false"``, the
    foreign keys' their id as text. Options with no employer are absent (0)."""
    rows = employers.order_by().values(
        "id", "stage", "size_class", "source", "sbi_section", "region_id", "owner_id", "do_not_contact",
        "open_openings", "review_requested_at", "tags", "accommodation_codes",
    )  # fmt: skip
    body, params = rows.query.sql_with_params()
    networks = Employer.networks.through._meta.db_table
    selects = [
        f"SELECT '{group}', {key}, COUNT(*) FROM {source.format(networks=networks)} GROUP BY 2"  # noqa: S608 - only this module's constants and a table name; the values are parameters
        for group, key, source in _GROUPS
    ]
    sql = f"WITH e AS MATERIALIZED ({body}) " + " UNION ALL ".join(selects)
    counts: Counts = defaultdict(dict)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for group, key, n in cursor.fetchall():
            if key is not None:
                counts[group][key] = n
    return counts
