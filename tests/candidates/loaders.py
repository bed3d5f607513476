"""The plain way to load what ``candidates.matching.rank`` scores: table by table, one query
each, every employer in reach. The tests rank this beside ``candidate_matches`` (one SQL query
that scores with ``matching.score_sql``) and compare, so the two ways of computing the score are
held to one another. Test-only: the app itself never needs the full data."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Count
from django.utils import timezone

from candidates.matching import WARM_CONTACT_DAYS, EmployerData, Wishes
from candidates.matching_data import _midnight, _openings, areas_in_reach, pc4_runs, reach_q
from candidates.models import Candidate, Match, Placement
from employers.models import Contact, Employer
from outreach.models import Invitation


def events_attended(employer_ids: list[int]) -> dict[int, int]:
    """``{employer id: knowledge sessions attended}`` (at least one of its people checked in)."""
    rows = (
        Invitation.objects.filter(contact_person__employer_id__in=employer_ids, attended=True)
        .values("contact_person__employer_id")
        .annotate(n=Count("event_id", distinct=True))
        .order_by()
    )
    return {row["contact_person__employer_id"]: row["n"] for row in rows}


def last_contacts(ids: list[int]) -> dict[int, tuple[Any, str, str]]:
    """``{employer id: (when, channel, by)}`` of the latest contact in the warm window."""
    since = timezone.now() - timedelta(days=WARM_CONTACT_DAYS + 1)
    rows = (
        Contact.objects.filter(employer_id__in=ids, when__gte=since)
        .order_by("employer_id", "-when", "-id")
        .distinct("employer_id")
        .values_list("employer_id", "when", "channel", "by__first_name", "by__username")
    )
    return {employer_id: (when, channel, first or username) for employer_id, when, channel, first, username in rows}


def placements(ids: list[int]) -> dict[int, int]:
    rows = Placement.objects.filter(employer_id__in=ids).values("employer_id").annotate(n=Count("id"))
    return {row["employer_id"]: row["n"] for row in rows}


def days_ago(when: Any, midnight: Any) -> int:
    """Calendar days in Europe/Amsterdam between ``when`` and today (0 = today)."""
    return 0 if when >= midnight else (midnight - when).days + 1


def load_employers(candidate: Candidate, wishes: Wishes, *, sector: str = "") -> list[EmployerData]:
    """Everything ``rank`` needs about every employer in the candidate's reach."""
    reach = areas_in_reach(candidate.pc4, wishes.max_km)
    if not reach:
        return []
    employers = Employer.objects.filter(reach_q(pc4_runs(reach))).order_by().prefetch_related("accommodations")
    if sector:
        employers = employers.filter(sbi_section=sector)
    rows = [e for e in employers if e.postcode[:4] in reach]
    ids = [e.pk for e in rows]
    openings, contacts, placed, events = _openings(ids), last_contacts(ids), placements(ids), events_attended(ids)
    matches = {
        m["employer_id"]: m
        for m in Match.objects.filter(candidate=candidate, employer_id__in=ids).values(
            "employer_id", "state", "declined_reason"
        )
    }
    midnight = _midnight()
    result = []
    for e in rows:
        contact = contacts.get(e.pk)
        match = matches.get(e.pk, {})
        result.append(
            EmployerData(
                id=e.pk,
                name=e.display_name,
                distance_km=reach[e.postcode[:4]],
                stage=e.stage,
                sbi_section=e.sbi_section,
                region_id=e.region_id,
                # From the link table, not the row's copy: the test checks the copy as well.
                accommodations=frozenset(a.pk for a in e.accommodations.all()),
                openings=tuple(openings.get(e.pk, ())),
                last_contact_days=days_ago(contact[0], midnight) if contact else None,
                last_contact_by=contact[2] if contact else "",
                last_contact_channel=contact[1] if contact else "",
                events_attended=events.get(e.pk, 0),
                placements=placed.get(e.pk, 0),
                match_state=match.get("state", ""),
                declined_reason=match.get("declined_reason", ""),
            )
        )
    return result
