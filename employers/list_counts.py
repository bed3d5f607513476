"""How many employers of the list each filter option has (issue 17), in one statement.

The counts are of the list before its filters (the user's scope, archived or not as the list
shows): what choosing the box would give on its own. One statement over the scope's rows: the
plain columns in one pass (``GROUPING SETS``: one hash aggregate per column over a single scan),
the tags and accommodations by ``unnest`` of their array columns, the networks from their link
table, joined with UNION ALL, all four over the scope's rows read once (a materialised CTE).
The scope's WHERE clause is used as it is (no ``id IN (...)`` join
of the table with itself, which cost more than the counting); a scope that needs joins falls back
to that subquery.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connection
from django.db.models import QuerySet

from employers.models import Employer, EmployerShare, ShareState

# (group, its key over the employer row ``e``), counted in one pass by GROUPING SETS
_COLUMNS = (
    ("stage", "e.stage"),
    ("size_class", "e.size_class"),
    ("source", "e.source"),
    ("sbi_section", "e.sbi_section"),
    ("region", "e.region_id::text"),
    ("owner", "e.owner_id::text"),
    ("do_not_contact", "e.do_not_contact::text"),
    ("has_open_openings", "(e.open_openings > 0)::text"),
    ("awaiting_review", "(e.review_requested_at IS NOT NULL)::text"),
)

# The columns the counts read, taken once from the scope's rows.
_READ = (
    "id", "stage", "size_class", "source", "sbi_section", "region_id", "owner_id", "do_not_contact", "open_openings",
    "review_requested_at", "tags", "accommodation_codes",
)  # fmt: skip

Counts = dict[str, dict[str, int]]


def _scope(employers: QuerySet[Employer]) -> tuple[str, list]:
    """The scope as a condition on ``e`` (an employers_employer row) and its parameters."""
    query = employers.order_by().query
    table = Employer._meta.db_table
    # The tables the condition reads (a join set up and then trimmed has a count of 0).
    used = {alias for alias, refs in query.alias_refcount.items() if refs}
    if used <= {table}:
        if not query.where:
            return "TRUE", []
        try:
            where, params = query.get_compiler(connection=connection).compile(query.where)
        except FullResultSet:  # a condition that holds for every row (a national reader's)
            return "TRUE", []
        return where.replace(f'"{table}".', "e."), list(params)
    body, params = employers.order_by().values("id").query.sql_with_params()
    return f"e.id IN ({body})", list(params)


def filter_counts(employers: QuerySet[Employer], regions: Collection[str] | None = None) -> Counts:
    """``{group: {option: n}}``; the booleans' options are ``"true"`` and ``"false"``, the
    foreign keys' their id as text. Options with no employer are absent (0). ``regions``: the
    region options the list offers; only the shares with those regions are counted (None: with
    every region). Counting every region's shares read the whole share table for each page."""
    try:
        where, params = _scope(employers)
    except EmptyResultSet:  # a scope of no regions: nothing to count
        return {}
    table = Employer._meta.db_table
    networks = Employer.networks.through._meta.db_table
    shares = EmployerShare._meta.db_table
    # GROUPING(...) says which set a row belongs to: bit i is 0 for the column counted.
    keys = ", ".join(key for _group, key in _COLUMNS)
    which = f"GROUPING({keys})"
    sets = ", ".join(f"({key})" for _group, key in _COLUMNS)
    blanks = ", ".join(["NULL"] * (len(_COLUMNS) - 2))  # pads an array row to the sets' width
    # The scope's rows are read once (a materialised CTE of the columns counted): the four counts
    # below each scanned the table's rows for themselves, scattered over as many heap pages.
    scope = f'WITH scope AS MATERIALIZED (SELECT {", ".join(f"e.{c}" for c in _READ)} FROM "{table}" e WHERE {where})'  # noqa: S608 - see below
    # unnest in the select list (one ProjectSet over the scope), not a lateral call per row
    arrays = (
        ("tag", "x.v", "(SELECT unnest(e.tags) AS v FROM scope e) x"),
        ("accommodation", "x.v", "(SELECT unnest(e.accommodation_codes) AS v FROM scope e) x"),
        ("network", "m.network_id::text", f'"{networks}" m JOIN scope e ON e.id = m.employer_id'),
        # a region's option also counts the national employers it takes part in (the filter's rule)
        (
            "region",
            "s.region_id::text",
            f"\"{shares}\" s JOIN scope e ON e.id = s.employer_id AND s.state = '{ShareState.ACCEPTED.value}'"
            + ("" if regions is None else " AND s.region_id = ANY(%s)"),
        ),
    )
    if regions is not None:  # the last part's parameter, after the scope's
        params = [*params, sorted(regions)]
    parts = [f"SELECT {which}, {keys}, COUNT(*) FROM scope e GROUP BY GROUPING SETS ({sets})"]  # noqa: S608 - see below
    parts += [
        f"SELECT -1, '{group}', {key}, {blanks}, COUNT(*) FROM {source} GROUP BY {key}"  # noqa: S608 - see below
        for group, key, source in arrays
    ]
    # Only this module's constants and table names are formatted in; the values are parameters.
    sql = f"{scope} " + " UNION ALL ".join(parts)
    counts: Counts = defaultdict(dict)
    width = len(_COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for grouping, *values, n in cursor.fetchall():
            if grouping == -1:  # an array or link-table row: (group, key) in the first two columns
                group, key = values[0], values[1]
            else:  # the one column whose GROUPING bit is 0 (the leftmost column is the highest bit)
                index = next(i for i in range(width) if not grouping & (1 << (width - 1 - i)))
                group, key = _COLUMNS[index][0], values[index]
            if key is not None:
                counts[group][key] = counts[group].get(key, 0) + n  # a region: led + shared
    return counts
