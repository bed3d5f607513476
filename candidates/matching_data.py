"""Load the plain data that ``candidates.matching`` scores: a shortlist in one query, over 100,000
employers well within the benchmark's budget (tests/bench/bench_matching.py).

1. The PC4 areas in the candidate's reach: a lat/lon bounding box in SQL over ``PostcodeArea``
   (4,000 rows), then the exact great-circle distance in Python. That gives ``{pc4: km}``.
2. ``_facts_sql``: the employers in those areas (the PC4 codes merged into runs of consecutive
   codes, each ``postcode BETWEEN '1012' AND '1015~'`` on the ``employer_postcode`` index; Dutch
   postcodes are ordered geographically, so a circle is a few dozen runs), joined to their
   distance, with the score's facts and the score itself. The facts that would cost a look-up per
   employer are kept on the employer row (``last_contact_at``, ``accommodation_codes``); the rest
   are sets the database hashes once. The database sorts on the score and returns twice the page.
3. ``_fetch``: for those rows only, what the reasons say (last contact's author and channel,
   counts, this candidate's match); ``candidate_matches`` ranks them with ``rank``, which writes
   the reasons for the page shown.

The score's rules are ``matching.RULES``, from which ``matching.score_sql`` builds the SQL; rows
are read by column name. The tests read the same data table by table, the plain way
(``tests/candidates/loaders.py``), rank both and compare. ``'~'`` sorts after every character a
postcode holds (digits, space, letters) in the byte order of the C collation our database uses.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from candidates.matching import (
    MATCHABLE_STAGES,
    WARM_CONTACT_DAYS,
    EmployerData,
    OpeningData,
    Result,
    Wishes,
    rank,
    score_sql,
)
from candidates.models import Candidate, Match, Placement
from crm.models import PostcodeArea
from employers.models import Contact, ContactPerson, Employer, Opening, OpeningState
from outreach.models import Invitation

EARTH_KM = 6371.0
KM_PER_DEGREE_LAT = 111.2
DEFAULT_LIMIT = 50


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_KM * math.asin(math.sqrt(a))


def areas_in_reach(pc4: str, km: float) -> dict[str, float]:
    """``{pc4: km}`` for every PC4 area whose centroid lies within ``km`` of ``pc4``'s centroid."""
    origin = PostcodeArea.objects.filter(pc4=pc4).values_list("latitude", "longitude").first()
    if origin is None:
        return {}
    lat, lon = origin
    dlat = km / KM_PER_DEGREE_LAT
    dlon = km / (KM_PER_DEGREE_LAT * max(0.01, math.cos(math.radians(lat))))
    box = PostcodeArea.objects.filter(
        latitude__range=(lat - dlat, lat + dlat), longitude__range=(lon - dlon, lon + dlon)
    ).values_list("pc4", "latitude", "longitude")
    reach = {}
    for code, a_lat, a_lon in box:
        d = distance_km(lat, lon, a_lat, a_lon)
        if d <= km:
            reach[code] = d
    return reach


def pc4_runs(codes: Iterable[str]) -> list[tuple[str, str]]:
    """Consecutive PC4 codes merged: ``["1011", "1012", "1014"]`` -> ``[("1011", "1012"), ("1014", "1014")]``."""
    runs: list[list[int]] = []
    for number in sorted(int(c) for c in codes):
        if runs and number == runs[-1][1] + 1:
            runs[-1][1] = number
        else:
            runs.append([number, number])
    return [(f"{a:04d}", f"{b:04d}") for a, b in runs]


def reach_q(runs: list[tuple[str, str]], prefix: str = "") -> Q:
    """Employers (through ``prefix``) whose postcode lies in one of the runs, still matchable (not
    archived: ``Employer.objects.active()``, here as a condition the SQL below repeats)."""
    where = Q()
    for low, high in runs:
        where |= Q(**{f"{prefix}postcode__gte": low, f"{prefix}postcode__lte": f"{high}~"})
    return where & Q(
        **{
            f"{prefix}stage__in": sorted(MATCHABLE_STAGES),
            f"{prefix}do_not_contact": False,
            f"{prefix}archived_at__isnull": True,
        }
    )


def _openings(ids: list[int]) -> dict[int, list[OpeningData]]:
    if not ids:
        return {}
    rows = (
        Opening.objects.filter(employer_id__in=ids, state=OpeningState.OPEN)
        .order_by("employer_id", "hours_min", "id")
        .values_list("employer_id", "id", "title", "hours_min", "hours_max")
    )
    found: dict[int, list[OpeningData]] = {}
    for employer_id, pk, title, low, high in rows:
        found.setdefault(employer_id, []).append(OpeningData(pk, title, low, high))
    return found


def _midnight() -> datetime:
    """Today's start in the local time zone (Europe/Amsterdam), as an aware datetime."""
    return timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)


def candidate_wishes(candidate: Candidate, max_km: float | None = None) -> Wishes:
    km = float(candidate.max_travel_km)
    return Wishes(
        sbi_sections=frozenset(candidate.sbi_sections or ()),
        hours_min=candidate.hours_min,
        hours_max=candidate.hours_max,
        max_km=min(km, max_km) if max_km else km,
        accommodations=frozenset(a.pk for a in candidate.accommodations_needed.all()),
    )


def _facts_sql(wishes: Wishes, reach: dict[str, float], sector: str, only_with_openings: bool) -> tuple[str, list]:
    """Every employer in reach with the score's facts (``matching.Facts``, by the same names) and
    the score itself (``matching.score_sql``).

    Written as SQL rather than the ORM because the distance comes from the PC4 reach computed in
    Python: two arrays joined on the postcode's first four characters (a hash join; arrays rather
    than a ``VALUES`` list because a few hundred placeholders cost psycopg milliseconds to parse).
    The facts cost little per employer: the last contact and the accommodations are columns of
    the employer row; placements and sessions attended are small sets PostgreSQL hashes once per
    query; a fitting opening is looked up only at the employers that have an open one
    (``open_openings``). The outer reference inside that EXISTS is deliberate: without it
    PostgreSQL hashes every open opening in the country, which costs more than the look-ups.
    """
    employer, opening = Employer._meta.db_table, Opening._meta.db_table
    placement, invitation = Placement._meta.db_table, Invitation._meta.db_table
    person = ContactPerson._meta.db_table
    # The postcode ranges as literals, not parameters: pc4_runs formats them from integers.
    postcodes = " OR ".join(f"(e.postcode >= '{low}' AND e.postcode <= '{high}~')" for low, high in pc4_runs(reach))
    stages = sorted(MATCHABLE_STAGES)
    needed = sorted(wishes.accommodations)
    # Calendar days since the last contact (``days_ago`` in tests/candidates/loaders.py): 0 from
    # today's midnight on, else whole days before it plus one (date_part gives double precision;
    # EXTRACT would give numeric).
    days = ("CASE WHEN e.last_contact_at >= %s THEN 0 "
            "ELSE CAST(FLOOR(date_part('epoch', %s - e.last_contact_at) / 86400) AS INTEGER) + 1 END")  # fmt: skip
    offered = " + ".join(["(CASE WHEN %s = ANY(e.accommodation_codes) THEN 1 ELSE 0 END)"] * len(needed)) or "0"
    score, score_params = score_sql(wishes)
    midnight = _midnight()
    # The parameters in the order their placeholders appear in the text below.
    params: list[Any] = [
        list(reach),
        list(reach.values()),
        *score_params,
        sorted(wishes.sbi_sections),
        wishes.hours_max if wishes.hours_max is not None else 99,
        wishes.hours_min if wishes.hours_min is not None else 0,
        midnight,
        midnight,
        *needed,
        *stages,
        *([sector] if sector else []),
    ]
    # Only table names, our own constants and integer-formatted postcodes are put into the text;
    # every value from a user or a row is a parameter.
    sql = f"""
        WITH reach (pc4, km) AS (SELECT * FROM unnest(%s::text[], %s::double precision[]))
        SELECT f.*, {score} AS score FROM (
            SELECT e.id, e.legal_name, e.trade_name, e.sbi_section, e.postcode, e.stage, e.region_id,
                e.accommodation_codes, r.km,
                e.sbi_section = ANY(%s::text[]) AS sector,
                CASE WHEN e.open_openings > 0 THEN EXISTS (
                    SELECT 1 FROM {opening} o WHERE o.employer_id = e.id AND e.open_openings > 0
                    AND o.state = '{OpeningState.OPEN}'
                    AND (o.hours_min IS NULL OR o.hours_min <= %s) AND (o.hours_max IS NULL OR o.hours_max >= %s)
                ) ELSE FALSE END AS fit,
                {days} AS last_days,
                EXISTS (SELECT 1 FROM {placement} p WHERE p.employer_id = e.id) AS placed,
                {offered} AS offered,
                EXISTS (SELECT 1 FROM {invitation} i JOIN {person} cp ON cp.id = i.contact_person_id
                        WHERE cp.employer_id = e.id AND i.attended) AS events
            FROM {employer} e JOIN reach r ON r.pc4 = substr(e.postcode, 1, 4)
            WHERE ({postcodes})
                AND e.stage IN ({", ".join(["%s"] * len(stages))}) AND NOT e.do_not_contact AND e.archived_at IS NULL
                {"AND e.sbi_section = %s" if sector else ""}
            OFFSET 0
        ) f{" WHERE f.fit" if only_with_openings else ""}
        ORDER BY score DESC"""  # noqa: S608 - our own SQL fragments; the values are parameters
    return sql, params


# The database's pre-sort and Python's ranking agree up to float rounding; Python's ranking rounds
# scores to 0.1 (ties: nearer first), so an employer can overtake another only within this margin.
ROUNDING_MARGIN = 0.1 + 1e-6


def _fetch(sql: str, params: list[Any], candidate: Candidate, limit: int | None) -> list[dict[str, Any]]:
    """The best ``limit`` rows of the facts query, each with what its reasons need: the last
    contact's channel and author (within the warm window), placement and session counts, and
    this candidate's match. Scalar subqueries on the foreign-key indexes, run only for the rows
    fetched (and only where the facts say there is something to find). Each row a dict by
    column name."""
    contact, user = Contact._meta.db_table, get_user_model()._meta.db_table
    placement, invitation = Placement._meta.db_table, Invitation._meta.db_table
    person, match = ContactPerson._meta.db_table, Match._meta.db_table
    latest = f'FROM {contact} c WHERE c.employer_id = t.id ORDER BY c."when" DESC, c.id DESC LIMIT 1'
    warm = f"t.last_days <= {WARM_CONTACT_DAYS}"
    sql = f"""
        SELECT t.*,
            CASE WHEN {warm} THEN (SELECT c.channel {latest}) ELSE '' END AS contact_channel,
            CASE WHEN {warm} THEN (SELECT COALESCE(NULLIF(u.first_name, ''), u.username)
                                   FROM {user} u WHERE u.id = (SELECT c.by_id {latest})) ELSE '' END AS contact_by,
            CASE WHEN t.placed THEN (SELECT COUNT(*) FROM {placement} p WHERE p.employer_id = t.id)
                 ELSE 0 END AS placements,
            CASE WHEN t.events THEN (SELECT COUNT(DISTINCT i.event_id) FROM {invitation} i
                                     JOIN {person} cp ON cp.id = i.contact_person_id
                                     WHERE cp.employer_id = t.id AND i.attended) ELSE 0 END AS events_attended,
            (SELECT m.state FROM {match} m WHERE m.candidate_id = %s AND m.employer_id = t.id) AS match_state,
            (SELECT m.declined_reason FROM {match} m WHERE m.candidate_id = %s AND m.employer_id = t.id)
                AS declined_reason
        FROM ({sql}{" LIMIT %s" if limit is not None else ""}) t"""  # noqa: S608 - see _facts_sql
    params = [candidate.pk, candidate.pk, *params, *([limit] if limit is not None else [])]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [column.name for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _from_rows(rows: list[dict[str, Any]]) -> list[EmployerData]:
    """EmployerData for shortlist rows: all from the rows, but the fitting employers' openings."""
    openings = _openings([row["id"] for row in rows if row["fit"]])
    return [
        EmployerData(
            id=row["id"],
            name=row["trade_name"] or row["legal_name"],
            distance_km=row["km"],
            stage=row["stage"],
            sbi_section=row["sbi_section"],
            region_id=row["region_id"],
            accommodations=frozenset(row["accommodation_codes"]),
            openings=tuple(openings.get(row["id"], ())),
            last_contact_days=row["last_days"],
            last_contact_by=row["contact_by"] or "",
            last_contact_channel=row["contact_channel"] or "",
            events_attended=row["events_attended"],
            placements=row["placements"],
            match_state=row["match_state"] or "",
            declined_reason=row["declined_reason"] or "",
        )
        for row in rows
    ]


def shortlist(
    candidate: Candidate, wishes: Wishes, *, sector: str = "", only_with_openings: bool = False, limit: int | None
) -> list[dict[str, Any]]:
    """Employer rows in reach that hold the best ``limit`` (all of them when ``limit`` is None).

    The database scores and sorts every employer in reach and returns twice ``limit`` rows. They
    hold the best ``limit`` by ``rank``'s order when the last row scores clearly lower
    (``ROUNDING_MARGIN``) than the ``limit``-th; otherwise (a tie across the cut) every row is read.
    """
    reach = areas_in_reach(candidate.pc4, wishes.max_km)
    if not reach:
        return []
    sql, params = _facts_sql(wishes, reach, sector, only_with_openings)
    fetch = None if limit is None else 2 * limit
    rows = _fetch(sql, params, candidate, fetch)
    if limit is not None and len(rows) == fetch and rows[limit - 1]["score"] - rows[-1]["score"] <= ROUNDING_MARGIN:
        rows = _fetch(sql, params, candidate, None)
    return rows


def candidate_matches(
    candidate: Candidate,
    *,
    max_km: float | None = None,
    sector: str = "",
    only_with_openings: bool = False,
    limit: int | None = DEFAULT_LIMIT,
) -> list[Result]:
    """The ranked matches of one candidate (the caller has checked that the user may see it).

    One query picks the rows that hold the best ``limit`` from every employer in reach; ``rank``
    orders them and writes the reasons for the ``limit`` shown, which gives the same scores and
    order as ranking everything with ``rank``.
    """
    wishes = candidate_wishes(candidate, max_km)
    rows = shortlist(candidate, wishes, sector=sector, only_with_openings=only_with_openings, limit=limit)
    return rank(wishes, _from_rows(rows), only_with_openings=only_with_openings, sector=sector, limit=limit)
