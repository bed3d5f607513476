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

``load_employers`` reads the same data table by table, the plain way; the tests rank both and
compare. ``'~'`` sorts after every character a postcode holds (digits, space, letters) in the byte
order of the C collation our databases use, and in SQLite's binary order.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count, Q
from django.utils import timezone

from candidates.matching import (
    MATCHABLE_STAGES,
    WARM_CONTACT_DAYS,
    WEIGHTS,
    EmployerData,
    OpeningData,
    Result,
    Wishes,
    rank,
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
    """Employers (through ``prefix``) whose postcode lies in one of the runs, still matchable."""
    where = Q()
    for low, high in runs:
        where |= Q(**{f"{prefix}postcode__gte": low, f"{prefix}postcode__lte": f"{high}~"})
    return where & Q(**{f"{prefix}stage__in": sorted(MATCHABLE_STAGES), f"{prefix}do_not_contact": False})


def events_attended(employer_ids: list[int]) -> dict[int, int]:
    """``{employer id: knowledge sessions attended}`` (sessions at which at least one of the
    employer's people was checked in). ``candidates`` may import ``outreach``, never the reverse."""
    if not employer_ids:
        return {}
    rows = (
        Invitation.objects.filter(contact_person__employer_id__in=employer_ids, attended=True)
        .values("contact_person__employer_id")
        .annotate(n=Count("event_id", distinct=True))
        .order_by()
    )
    return {row["contact_person__employer_id"]: row["n"] for row in rows}


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


def _last_contacts(ids: list[int]) -> dict[int, tuple[Any, str, str]]:
    if not ids:
        return {}
    since = timezone.now() - timedelta(days=WARM_CONTACT_DAYS + 1)
    rows = (
        Contact.objects.filter(employer_id__in=ids, when__gte=since)
        .order_by("employer_id", "-when")
        .values_list("employer_id", "when", "channel", "by__first_name", "by__username")
    )
    if connection.vendor == "postgresql":
        rows = rows.distinct("employer_id")  # one row per employer; SQLite (demo) keeps the first below
    found: dict[int, tuple[Any, str, str]] = {}
    for employer_id, when, channel, first_name, username in rows:
        found.setdefault(employer_id, (when, channel, first_name or username))
    return found


def _placements(ids: list[int]) -> dict[int, int]:
    if not ids:
        return {}
    rows = Placement.objects.filter(employer_id__in=ids).values("employer_id").annotate(n=Count("id"))
    return {row["employer_id"]: row["n"] for row in rows}


def _days_ago(when: Any, midnight: Any) -> int:
    """Calendar days in Europe/Amsterdam between ``when`` and today (0 = today), without a time
    zone conversion per row."""
    return 0 if when >= midnight else (midnight - when).days + 1


def _midnight() -> datetime:
    """Today's start in the local time zone (Europe/Amsterdam), as an aware datetime."""
    return timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)


def _sqlite_utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def candidate_wishes(candidate: Candidate, max_km: float | None = None) -> Wishes:
    km = float(candidate.max_travel_km)
    return Wishes(
        sbi_sections=frozenset(candidate.sbi_sections or ()),
        hours_min=candidate.hours_min,
        hours_max=candidate.hours_max,
        max_km=min(km, max_km) if max_km else km,
        accommodations=frozenset(a.pk for a in candidate.accommodations_needed.all()),
    )


def _reach(candidate: Candidate, wishes: Wishes, sector: str) -> tuple[dict[str, float], Any]:
    """The PC4 areas in reach and the queryset of matchable employers in them (not yet fetched)."""
    reach = areas_in_reach(candidate.pc4, wishes.max_km)
    if not reach:
        return reach, Employer.objects.none()
    employers = Employer.objects.filter(reach_q(pc4_runs(reach))).order_by()  # rank() orders
    if sector:
        employers = employers.filter(sbi_section=sector)
    return reach, employers


EMPLOYER_COLUMNS = (
    "id", "legal_name", "trade_name", "sbi_section", "postcode", "stage", "region", "accommodation_codes",
)  # fmt: skip


def _details(candidate: Candidate, rows: list[tuple], reach: dict[str, float]) -> list[EmployerData]:
    """Full plain data (openings, accommodations, last contact, ...) for the given employer rows,
    read from the tables one query each (``load_employers``; the shortlist has its own)."""
    ids = [row[0] for row in rows]
    openings = _openings(ids)
    contacts = _last_contacts(ids)
    placements = _placements(ids)
    events = events_attended(ids)
    matches = {
        m["employer_id"]: m
        for m in Match.objects.filter(candidate=candidate, employer_id__in=ids).values(
            "employer_id", "state", "declined_reason"
        )
    }
    midnight = _midnight()
    result = []
    for pk, legal, trade, sbi, postcode, stage, region, codes in (row[: len(EMPLOYER_COLUMNS)] for row in rows):
        contact = contacts.get(pk)
        match = matches.get(pk, {})
        result.append(
            EmployerData(
                id=pk,
                name=trade or legal,
                distance_km=reach[postcode[:4]],
                stage=stage,
                sbi_section=sbi,
                region_id=region,
                accommodations=frozenset(codes.split()),
                openings=tuple(openings.get(pk, ())),
                last_contact_days=_days_ago(contact[0], midnight) if contact else None,
                last_contact_by=contact[2] if contact else "",
                last_contact_channel=contact[1] if contact else "",
                events_attended=events.get(pk, 0),
                placements=placements.get(pk, 0),
                match_state=match.get("state", ""),
                declined_reason=match.get("declined_reason", ""),
            )
        )
    return result


def load_employers(candidate: Candidate, wishes: Wishes, *, sector: str = "") -> list[EmployerData]:
    """Everything ``rank`` needs about every employer in the candidate's reach."""
    reach, employers = _reach(candidate, wishes, sector)
    rows = [row for row in employers.values_list(*EMPLOYER_COLUMNS) if row[4][:4] in reach]
    return _details(candidate, rows, reach) if rows else []


def _facts_sql(wishes: Wishes, reach: dict[str, float], sector: str, only_with_openings: bool) -> tuple[str, list]:
    """Every employer in reach with the score's facts and the score itself, as SQL for both our
    databases (PostgreSQL, and SQLite for the demo).

    Written as SQL rather than the ORM because the distance comes from the PC4 reach computed in
    Python: an array (or ``VALUES`` list) joined on the postcode's first four characters (a hash
    join). The facts cost little per employer: the last contact and the accommodations are
    columns of the employer row; placements and sessions attended are small sets PostgreSQL
    hashes once per query; a fitting opening is looked up only at the employers that have an
    open one (``open_openings``). The outer reference inside that EXISTS is deliberate: without
    it PostgreSQL hashes every open opening in the country, which costs more than the look-ups.
    """
    employer, opening = Employer._meta.db_table, Opening._meta.db_table
    placement, invitation = Placement._meta.db_table, Invitation._meta.db_table
    person = ContactPerson._meta.db_table
    postgres = connection.vendor == "postgresql"
    # The postcode ranges as literals, not parameters: pc4_runs formats them from integers.
    postcodes = " OR ".join(f"(e.postcode >= '{low}' AND e.postcode <= '{high}~')" for low, high in pc4_runs(reach))
    stages = sorted(MATCHABLE_STAGES)
    needed = sorted(wishes.accommodations)
    # ``_days_ago`` in SQL: 0 from today's midnight on, else whole days before it plus one.
    midnight = _midnight()
    if postgres:
        seconds = "date_part('epoch', %s - e.last_contact_at)"  # double precision; EXTRACT gives numeric
    else:  # SQLite stores UTC text; julianday() reads it
        seconds, midnight = "(julianday(%s) - julianday(e.last_contact_at)) * 86400", _sqlite_utc(midnight)
    days = (f"CASE WHEN e.last_contact_at >= %s THEN 0 "
            f"ELSE CAST(FLOOR({seconds} / 86400) AS INTEGER) + 1 END")  # fmt: skip
    found = "strpos(e.accommodation_codes, %s) > 0" if postgres else "instr(e.accommodation_codes, %s) > 0"
    offered = " + ".join([f"(CASE WHEN {found} THEN 1 ELSE 0 END)"] * len(needed)) or "0"
    score, score_params = _score_sql(wishes)
    # The parameters in the order their placeholders appear in the text below.
    if postgres:  # two arrays: a few hundred placeholders cost psycopg milliseconds to parse
        areas = "SELECT * FROM unnest(%s::text[], %s::double precision[])"
        params: list[Any] = [list(reach), list(reach.values())]
    else:
        areas = f"VALUES {', '.join(['(%s, CAST(%s AS double precision))'] * len(reach))}"
        params = [value for code, km in reach.items() for value in (code, km)]
    params += score_params
    params += [
        wishes.hours_max if wishes.hours_max is not None else 99,
        wishes.hours_min if wishes.hours_min is not None else 0,
        midnight,
        midnight,
        *(f" {code} " for code in needed),
        *stages,
        *([sector] if sector else []),
    ]
    # Only table names, our own constants and integer-formatted postcodes are put into the text;
    # every value from a user or a row is a parameter.
    sql = f"""
        WITH reach (pc4, km) AS ({areas})
        SELECT f.*, {score} AS score FROM (
            SELECT e.id, e.legal_name, e.trade_name, e.sbi_section, e.postcode, e.stage, e.region_id,
                e.accommodation_codes, r.km,
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
                AND e.stage IN ({", ".join(["%s"] * len(stages))}) AND NOT e.do_not_contact
                {"AND e.sbi_section = %s" if sector else ""}
            {"OFFSET 0" if postgres else ""}
        ) f{" WHERE f.fit" if only_with_openings else ""}
        ORDER BY score DESC"""  # noqa: S608
    return sql, params


def _score_sql(wishes: Wishes) -> tuple[str, list[Any]]:
    """``matching.points`` in SQL, from ``WEIGHTS``, with its parameters. The database only
    pre-sorts with it: the rows it returns are ranked by ``rank`` itself."""

    # Double precision throughout (PostgreSQL reads a literal like 1.0 as numeric, which is slower).
    def w(code: str) -> str:
        return f"CAST({WEIGHTS[code]} AS double precision)"

    terms = [f"{w('distance')} * (CASE WHEN f.km >= %s THEN 0 ELSE 1 - f.km / %s END)"]
    params: list[Any] = [wishes.max_km, wishes.max_km]
    if wishes.sbi_sections:
        terms.append(f"(CASE WHEN f.sbi_section IN ({', '.join(['%s'] * len(wishes.sbi_sections))}) "
                     f"THEN {w('sector')} ELSE 0 END)")  # fmt: skip
        params += sorted(wishes.sbi_sections)
    terms.append(f"(CASE WHEN f.fit THEN {w('opening')} ELSE 0 END)")
    if wishes.accommodations:
        terms.append(f"{w('accommodations')} * CAST(f.offered AS double precision) / {len(wishes.accommodations)}")
    terms.append(f"(CASE WHEN f.last_days <= {WARM_CONTACT_DAYS} "
                 f"THEN {w('warm_contact')} * (1 - CAST(f.last_days AS double precision) / {WARM_CONTACT_DAYS}) "
                 "ELSE 0 END)")  # fmt: skip
    terms.append(f"(CASE WHEN f.events THEN {w('events')} ELSE 0 END)")
    terms.append(f"(CASE WHEN f.placed THEN {w('placements')} ELSE 0 END)")
    return " + ".join(terms), params


# Row layout of ``_facts_sql``: the EMPLOYER_COLUMNS, then these.
KM, FIT, LAST_DAYS, PLACED, OFFERED, EVENTS, SQL_SCORE = range(len(EMPLOYER_COLUMNS), len(EMPLOYER_COLUMNS) + 7)


# The database's pre-sort and Python's ranking agree up to float rounding; Python's ranking rounds
# scores to 0.1 (ties: nearer first), so an employer can overtake another only within this margin.
ROUNDING_MARGIN = 0.1 + 1e-6


# Row layout after the facts: what the reasons say about the rows fetched (``_fetch``).
CONTACT_CHANNEL, CONTACT_BY, PLACEMENTS, EVENTS_ATTENDED, MATCH_STATE, DECLINED_REASON = range(
    SQL_SCORE + 1, SQL_SCORE + 7
)


def _fetch(sql: str, params: list[Any], candidate: Candidate, limit: int | None) -> list[tuple]:
    """The best ``limit`` rows of the facts query, each with what its reasons need: the last
    contact's channel and author (within the warm window), placement and session counts, and
    this candidate's match. Scalar subqueries on the foreign-key indexes, run only for the rows
    fetched (and only where the facts say there is something to find)."""
    contact, user = Contact._meta.db_table, get_user_model()._meta.db_table
    placement, invitation = Placement._meta.db_table, Invitation._meta.db_table
    person, match = ContactPerson._meta.db_table, Match._meta.db_table
    latest = f'FROM {contact} c WHERE c.employer_id = t.id ORDER BY c."when" DESC, c.id DESC LIMIT 1'
    warm = f"t.last_days <= {WARM_CONTACT_DAYS}"
    sql = f"""
        SELECT t.*,
            CASE WHEN {warm} THEN (SELECT c.channel {latest}) ELSE '' END,
            CASE WHEN {warm} THEN (SELECT COALESCE(NULLIF(u.first_name, ''), u.username)
                                   FROM {user} u WHERE u.id = (SELECT c.by_id {latest})) ELSE '' END,
            CASE WHEN t.placed THEN (SELECT COUNT(*) FROM {placement} p WHERE p.employer_id = t.id) ELSE 0 END,
            CASE WHEN t.events THEN (SELECT COUNT(DISTINCT i.event_id) FROM {invitation} i
                                     JOIN {person} cp ON cp.id = i.contact_person_id
                                     WHERE cp.employer_id = t.id AND i.attended) ELSE 0 END,
            (SELECT m.state FROM {match} m WHERE m.candidate_id = %s AND m.employer_id = t.id),
            (SELECT m.declined_reason FROM {match} m WHERE m.candidate_id = %s AND m.employer_id = t.id)
        FROM ({sql}{" LIMIT %s" if limit is not None else ""}) t"""  # noqa: S608 - see _facts_sql
    params = [candidate.pk, candidate.pk, *params, *([limit] if limit is not None else [])]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _from_rows(rows: list[tuple]) -> list[EmployerData]:
    """EmployerData for shortlist rows: all from the rows, but the fitting employers' openings."""
    openings = _openings([row[0] for row in rows if row[FIT]])
    result = []
    for row in rows:
        pk, legal, trade, sbi, _postcode, stage, region, codes = row[: len(EMPLOYER_COLUMNS)]
        result.append(
            EmployerData(
                id=pk,
                name=trade or legal,
                distance_km=row[KM],
                stage=stage,
                sbi_section=sbi,
                region_id=region,
                accommodations=frozenset(codes.split()),
                openings=tuple(openings.get(pk, ())),
                last_contact_days=row[LAST_DAYS],
                last_contact_by=row[CONTACT_BY] or "",
                last_contact_channel=row[CONTACT_CHANNEL] or "",
                events_attended=row[EVENTS_ATTENDED],
                placements=row[PLACEMENTS],
                match_state=row[MATCH_STATE] or "",
                declined_reason=row[DECLINED_REASON] or "",
            )
        )
    return result


def shortlist(
    candidate: Candidate, wishes: Wishes, *, sector: str = "", only_with_openings: bool = False, limit: int | None
) -> list[tuple]:
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
    if fetch is not None and len(rows) == fetch and rows[limit - 1][SQL_SCORE] - rows[-1][SQL_SCORE] <= ROUNDING_MARGIN:
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
