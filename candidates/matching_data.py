"""Load the plain data that ``candidates.matching`` scores, in a handful of indexed queries.

How it stays fast over 100,000 employers (tests/bench/bench_matching.py):

1. The PC4 areas in the candidate's reach: a lat/lon bounding box in SQL over ``PostcodeArea``
   (4,000 rows), then the exact great-circle distance in Python. That gives ``{pc4: km}``.
2. Employers in those PC4 areas: the PC4 codes are merged into runs of consecutive codes and
   each run becomes ``postcode BETWEEN '1012' AND '1015~'`` on the existing ``employer_postcode``
   index (Dutch postcodes are ordered geographically, so a circle is a few dozen runs). Only the
   columns we need, with ``values_list``; stage and do-not-contact are filtered in the same query.
3. For the employers in reach: open openings, the accommodations the candidate needs, the last
   contact, earlier placements, and this candidate's matches, one query each by employer id
   (``employer_id IN (...)`` on the foreign-key indexes; the contacts on ``contact_employer_when``).

``'~'`` sorts after every character a postcode holds (digits, space, letters) in the byte order
of the C collation our databases use, and in SQLite's binary order.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.db import connection
from django.db.models import Count, Exists, Func, IntegerField, OuterRef, Q, Subquery, Value
from django.utils import timezone

from candidates.matching import (
    MATCHABLE_STAGES,
    WARM_CONTACT_DAYS,
    EmployerData,
    OpeningData,
    Result,
    Wishes,
    points_from_facts,
    rank,
    rank_key,
)
from candidates.models import Candidate, Match, Placement
from crm.models import PostcodeArea
from employers.models import Contact, Employer, Opening, OpeningState
from outreach.models import Invitation


class DaysAgo(Func):
    """Whole calendar days (Europe/Amsterdam) from a timestamp to today, computed in the database,
    so the shortlist reads an integer per employer instead of parsing thousands of timestamps."""

    output_field = IntegerField()
    template = "(timezone('Europe/Amsterdam', now())::date - timezone('Europe/Amsterdam', %(expressions)s)::date)"

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # The demo database: UTC calendar days are close enough there.
        return super().as_sql(
            compiler,
            connection,
            template="CAST(julianday(date('now')) - julianday(date(%(expressions)s)) AS INTEGER)",
            **extra,
        )


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
    rows = (
        Opening.objects.filter(employer_id__in=ids, state=OpeningState.OPEN)
        .order_by("employer_id", "hours_min", "id")
        .values_list("employer_id", "id", "title", "hours_min", "hours_max")
    )
    found: dict[int, list[OpeningData]] = {}
    for employer_id, pk, title, low, high in rows:
        found.setdefault(employer_id, []).append(OpeningData(pk, title, low, high))
    return found


def _accommodations(ids: list[int], needed: frozenset[str]) -> dict[int, set[str]]:
    if not needed:
        return {}
    through = Employer.accommodations.through
    rows = through.objects.filter(employer_id__in=ids, accommodation_id__in=sorted(needed))
    found: dict[int, set[str]] = {}
    for employer_id, code in rows.values_list("employer_id", "accommodation_id"):
        found.setdefault(employer_id, set()).add(code)
    return found


def _last_contacts(ids: list[int]) -> dict[int, tuple[Any, str, str]]:
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
    rows = Placement.objects.filter(employer_id__in=ids).values("employer_id").annotate(n=Count("id"))
    return {row["employer_id"]: row["n"] for row in rows}


def _days_ago(when: Any, midnight: Any) -> int:
    """Calendar days in Europe/Amsterdam between ``when`` and today (0 = today), without a time
    zone conversion per row."""
    return 0 if when >= midnight else (midnight - when).days + 1


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


EMPLOYER_COLUMNS = ("id", "legal_name", "trade_name", "sbi_section", "postcode", "stage", "region")


def _details(candidate: Candidate, wishes: Wishes, rows: list[tuple], reach: dict[str, float]) -> list[EmployerData]:
    """Full plain data (openings, accommodations, last contact, ...) for the given employer rows."""
    ids = [row[0] for row in rows]
    openings = _openings(ids)
    offered = _accommodations(ids, wishes.accommodations)
    contacts = _last_contacts(ids)
    placements = _placements(ids)
    events = events_attended(ids)
    matches = {
        m["employer_id"]: m
        for m in Match.objects.filter(candidate=candidate, employer_id__in=ids).values(
            "employer_id", "state", "declined_reason"
        )
    }
    midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    result = []
    for pk, legal, trade, sbi, postcode, stage, region in (row[:7] for row in rows):
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
                accommodations=frozenset(offered.get(pk, ())),
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
    return _details(candidate, wishes, rows, reach) if rows else []


def _with_facts(employers: Any, wishes: Wishes) -> Any:
    """The facts the score needs, as correlated subqueries on indexed foreign keys, so the
    shortlist is one query: first fitting open opening, accommodations offered of those needed,
    last contact within the warm window, earlier placements."""
    overlap = (Q(hours_min__isnull=True) | Q(hours_min__lte=wishes.hours_max or 99)) & (
        Q(hours_max__isnull=True) | Q(hours_max__gte=wishes.hours_min or 0)
    )
    fitting = Opening.objects.filter(overlap, employer_id=OuterRef("pk"), state=OpeningState.OPEN)
    since = timezone.now() - timedelta(days=WARM_CONTACT_DAYS + 1)
    last = Contact.objects.filter(employer_id=OuterRef("pk"), when__gte=since).order_by("-when")
    placed = Placement.objects.filter(employer_id=OuterRef("pk"))
    attended = Invitation.objects.filter(contact_person__employer_id=OuterRef("pk"), attended=True)
    # Ranking needs only whether there is a fitting opening, a placement or an attended session
    # (the score counts each once): EXISTS stops at the first row, no sort or count per employer.
    facts = {
        "fit": Exists(fitting),
        "last_days": DaysAgo(Subquery(last.values("when")[:1])),
        "placed": Exists(placed),
        "events": Exists(attended),
    }
    if wishes.accommodations:
        through = Employer.accommodations.through.objects.filter(
            employer_id=OuterRef("pk"), accommodation_id__in=sorted(wishes.accommodations)
        )
        facts["offered"] = Subquery(through.order_by().values("employer_id").annotate(n=Count("id")).values("n")[:1])
    else:
        facts["offered"] = Value(0)
    return employers.annotate(**facts).values_list(*EMPLOYER_COLUMNS, "fit", "last_days", "placed", "offered", "events")


def shortlist(
    candidate: Candidate, wishes: Wishes, *, sector: str = "", only_with_openings: bool = False, limit: int | None
) -> tuple[list[tuple], dict[str, float]]:
    """The best ``limit`` employer rows in reach, ranked on facts from one query."""
    reach, employers = _reach(candidate, wishes, sector)
    if not reach:
        return [], reach
    rows = list(_with_facts(employers, wishes))
    scored = []
    for row in rows:
        km = reach.get(row[4][:4])
        if km is None or (only_with_openings and not row[7]):
            continue
        total = points_from_facts(
            wishes,
            distance_km=km,
            sbi_section=row[3],
            fitting_opening=row[7],
            offered=row[10] or 0,
            last_contact_days=row[8],
            events=int(row[11]),
            placements=int(row[9]),
        )
        scored.append((rank_key(total, row[0], row[2] or row[1], km), row))
    scored.sort(key=lambda item: item[0])
    shown = scored[:limit] if limit is not None else scored
    return [row for _key, row in shown], reach


def candidate_matches(
    candidate: Candidate,
    *,
    max_km: float | None = None,
    sector: str = "",
    only_with_openings: bool = False,
    limit: int | None = DEFAULT_LIMIT,
) -> list[Result]:
    """The ranked matches of one candidate (the caller has checked that the user may see it).

    One query ranks every employer in reach on the score's facts; the reasons are then written
    for the ``limit`` shown only, from their full data (``rank`` over ``_details``), which gives
    the same scores and order as ranking everything with ``rank``.
    """
    wishes = candidate_wishes(candidate, max_km)
    rows, reach = shortlist(candidate, wishes, sector=sector, only_with_openings=only_with_openings, limit=limit)
    if not rows:
        return []
    employers = _details(candidate, wishes, rows, reach)
    return rank(wishes, employers, only_with_openings=only_with_openings, sector=sector, limit=limit)
