"""IPS fidelity per guide, beyond the six weekly contacts: the figures of the coordinator's team
view (the region dashboard) and of each guide's own view, with their norms.

Per guide: face-to-face employer contacts per ISO week (``employers.contacts.selectors``); over
the same 12 weeks the employer contacts counted per visit (one guide, one employer, one moment),
the share of them face to face, and how many were for a specific candidate (linked by the guide,
``candidates.CandidateContact``) against general job development; for the
trajectories started in the last 12 months, the days from the start to the first employer
contact for that candidate (IPS: within ``IPS_FIRST_CONTACT_DAYS``); caseload (IPS: at most
``IPS_CASELOAD_NORM``); jobs started this quarter; employers and sectors placed with.
Aggregates only, a fixed number of grouped queries whatever the number of guides.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from statistics import median
from typing import Any

from django.conf import settings
from django.db.models import CharField, Count, Exists, F, Min, OuterRef, Q, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from candidates.models import CandidateContact, Placement, Trajectory
from candidates.services.contacts import first_contact_days
from crm.models import Membership, Role
from employers.contacts.selectors import ips_figures, ips_weeks
from employers.models import Contact
from reports.periods import AMSTERDAM, current_quarter_start
from reports.records import GuideWeeks, IpsFigures, share

# The trajectories whose first employer contact is measured: started within this many days.
FIRST_CONTACT_WINDOW_DAYS = 365


def ips_region_figures(region_code: str) -> IpsFigures:
    """The region's guides, each with their IPS figures (the coordinator's team view)."""
    guides = list(
        Membership.objects.filter(region_id=region_code, role=Role.GUIDE)
        .select_related("user")
        .order_by("user__first_name", "user__username")
    )
    return _ips([m.user for m in guides])


def ips_own_figures(user: Any) -> IpsFigures:
    """One guide's own IPS figures (their own view): the same records as the team view."""
    return _ips([user])


def _ips(users: list[Any]) -> IpsFigures:
    ids = [u.pk for u in users]
    mondays = ips_weeks()
    figures = ips_figures(ids)
    fidelity = _ips_fidelity(ids)
    since = datetime.combine(mondays[0], time.min, tzinfo=AMSTERDAM)
    for uid, counts in _contact_counts(ids, since).items():
        fidelity[uid].update(counts)
    for uid, counts in _first_contacts(ids).items():
        fidelity[uid].update(counts)
    target = settings.IPS_WEEKLY_TARGET
    return IpsFigures(
        target=target,
        weeks=tuple(monday.isoformat() for monday in mondays),
        guides=tuple(
            GuideWeeks(
                name=u.get_full_name() or u.username,
                per_week=tuple(figures[u.pk]),
                weeks_on_target=sum(1 for n in figures[u.pk] if n >= target),
                **fidelity.get(u.pk, {}),
            )
            for u in users
        ),
        caseload_norm=settings.IPS_CASELOAD_NORM,
        first_contact_norm_days=settings.IPS_FIRST_CONTACT_DAYS,
    )


def _ips_fidelity(guide_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Per guide: caseload (candidates in an open trajectory), jobs started this quarter, and
    the employers and sectors placed with. Two grouped queries."""
    out: dict[int, dict[str, Any]] = defaultdict(dict)
    caseload = (
        Trajectory.objects.filter(guide_id__in=guide_ids, end_date__isnull=True, candidate__anonymised_at__isnull=True)
        .values("guide_id")
        .annotate(n=Count("candidate_id", distinct=True))
        .order_by()
    )
    for row in caseload:
        out[row["guide_id"]]["caseload"] = row["n"]
    quarter = current_quarter_start().astimezone(AMSTERDAM).date()
    placed = (
        Placement.objects.filter(candidate__guide_id__in=guide_ids)
        .values("candidate__guide_id")
        .annotate(
            jobs=Count("id", filter=Q(start_date__gte=quarter)),
            employers=Count("employer_id", distinct=True),
            sectors=Count("employer__sbi_section", distinct=True, filter=~Q(employer__sbi_section="")),
        )
        .order_by()
    )
    for row in placed:
        out[row["candidate__guide_id"]].update(
            jobs_this_quarter=row["jobs"], employers_placed_with=row["employers"], sectors_placed_with=row["sectors"]
        )
    return out


def _contact_counts(guide_ids: list[int], since: datetime) -> dict[int, dict[str, Any]]:
    """Per guide, their employer contacts since ``since`` counted per visit (employer and moment,
    as the weekly figure): all, face to face, and those linked to a candidate. One query."""
    visit = Concat(Cast("employer_id", CharField()), Value("@"), Cast("when", CharField()))
    linked = CandidateContact.objects.filter(contact=OuterRef("pk"))
    rows = (
        Contact.objects.filter(by_id__in=guide_ids, when__gte=since)
        .annotate(linked=Exists(linked))
        .values("by_id")
        .annotate(
            total=Count(visit, distinct=True),
            in_person=Count(visit, distinct=True, filter=Q(in_person=True)),
            for_candidate=Count(visit, distinct=True, filter=Q(linked=True)),
        )
        .order_by()
    )
    return {
        row["by_id"]: {
            "contacts": row["total"],
            "contacts_in_person": row["in_person"],
            "in_person_share": share(row["in_person"], row["total"]),
            "contacts_for_candidate": row["for_candidate"],
            "for_candidate_share": share(row["for_candidate"], row["total"]),
        }
        for row in rows
    }


def _first_contacts(guide_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Per guide, for their trajectories started in the last 12 months (candidate not
    anonymised): the first employer contact for the candidate on or after the start. On time
    within the norm, late after it (or none while the norm has passed), waiting (none yet, the
    norm not passed); the median days of those with a contact. One query."""
    today = timezone.localdate()
    norm = settings.IPS_FIRST_CONTACT_DAYS
    rows = (
        Trajectory.objects.filter(
            guide_id__in=guide_ids,
            start_date__gte=today - timedelta(days=FIRST_CONTACT_WINDOW_DAYS),
            start_date__lte=today,
            candidate__anonymised_at__isnull=True,
        )
        .annotate(
            first=Min(
                "candidate__employer_contacts__contact__when",
                filter=Q(candidate__employer_contacts__contact__when__date__gte=F("start_date")),
            )
        )
        .values_list("guide_id", "start_date", "first")
        .order_by()
    )
    per_guide: dict[int, list[tuple[date, int | None]]] = defaultdict(list)
    for guide_id, start, first in rows:
        days = [first.astimezone(AMSTERDAM).date()] if first is not None else []
        per_guide[guide_id].append((start, first_contact_days(start, days)))
    out = {}
    for guide_id, measured in per_guide.items():
        known = [days for _start, days in measured if days is not None]
        waiting = sum(1 for start, days in measured if days is None and (today - start).days <= norm)
        out[guide_id] = {
            "first_contact_on_time": sum(1 for days in known if days <= norm),
            "first_contact_late": len(measured) - waiting - sum(1 for days in known if days <= norm),
            "first_contact_waiting": waiting,
            "first_contact_median_days": float(median(known)) if known else None,
        }
    return out
