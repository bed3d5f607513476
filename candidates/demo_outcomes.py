"""Demo trajectories that have run their course (``manage.py seed_demo``, after ``candidates.demo``),
so the durable figures, the IPS pages and the map show numbers worth reading.

Per demo guide, earlier candidates whose trajectories (IPS, job coaching, Werk als beste zorg)
went each of the ways the programme counts: a placement checked "still working" at 6 months
(durable), one at 12 months too, a first placement that ended and a second that lasted (the
trajectory counts once), one ended at 4 months (not durable), one whose check is still open
(unknown), one still running, and trajectories ending in education or stopped. Every candidate
has face-to-face employer visits linked to it (``CandidateContact``), the first within or after
the 30 days IPS asks. The current demo candidates get a linked visit too. All through the
services, as real use writes them; dates are relative to today.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from candidates.models import Candidate, CandidateContact, EndReason, Method, Outcome, Placement, Trajectory
from candidates.services import candidate_create, placement_create, placement_record_durable
from candidates.services.contacts import contact_link
from candidates.services.placements import placement_end
from candidates.services.trajectories import trajectory_end
from crm.dates import add_months
from employers.contacts.services import contact_log
from employers.models import Channel, Employer, Purpose

# (guide, region, postcodes, how many earlier candidates)
GUIDES = [
    ("begeleider", "AM18", ["1055", "1102", "1017", "1061", "1068", "1097"], 30),
    ("begeleider-utrecht", "AM13", ["3531", "3572", "3511", "3584"], 12),
]
# The ways a trajectory went, in turn; durable ones most often, as in a region that is on its way.
PLAN = [
    "durable", "durable", "unknown", "durable", "ended_early", "durable", "two_placements", "running",
    "durable", "education", "durable_12", "durable", "stopped", "durable",
]  # fmt: skip
METHODS = [Method.IPS, Method.IPS, Method.JOBCOACHING, Method.IPS, Method.WERK_ALS_BESTE_ZORG]
REASON = "Werkgever uit het eigen netwerk van de begeleider"
VISIT = "Bezoek voor de kandidaat: werkplek bekeken en taken besproken."


def _at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _visit(guide: Any, employer: Employer, day: date) -> int:
    when = min(_at(day), timezone.now() - timedelta(hours=1))
    contact = contact_log(
        employer=employer, by=guide, when=when, channel=Channel.VISIT, purpose=Purpose.JOB_DEVELOPMENT, summary=VISIT
    )
    return contact.pk


def _link_visits(candidate: Candidate, guide: Any, employers: list[Employer], first: date, step: int) -> int:
    """A visit for the candidate on ``first``; for every third candidate a second, three weeks
    on (if past). Few rows: ``seed_demo`` runs in the test suite."""
    linked = 0
    days = (first, first + timedelta(days=21)) if step % 3 == 0 else (first,)
    for n, day in enumerate(days):
        if day >= timezone.localdate():
            break
        contact_link(
            candidate=candidate, contact_id=_visit(guide, employers[(step + n) % len(employers)], day), by=guide
        )
        linked += 1
    return linked


def _place(candidate: Candidate, guide: Any, employer: Employer, start: date) -> Placement:
    return placement_create(
        candidate=candidate,
        employer=employer,
        start_date=start,
        hours_per_week=24,
        method=Trajectory.objects.filter(candidate=candidate).values_list("method", flat=True).get(),
        by=guide,
        outside_list_reason=REASON,
    )


def _run(kind: str, candidate: Candidate, guide: Any, employer: Employer, start: date, today: date) -> int:
    """Play one trajectory out; returns how many placements it made."""
    trajectory = Trajectory.objects.get(candidate=candidate)
    outcome = {"education": Outcome.EDUCATION, "stopped": Outcome.STOPPED}.get(kind)
    if outcome is not None:
        trajectory_end(trajectory=trajectory, end_date=start + timedelta(days=120), outcome=outcome, by=guide)
        return 0
    begins = start + timedelta(days=25)
    placed = 1
    if kind == "two_placements":
        first = _place(candidate, guide, employer, begins)
        placement_end(placement=first, end_date=add_months(begins, 2), end_reason=EndReason.CONTRACT_ENDED, by=guide)
        begins, placed = add_months(begins, 2) + timedelta(days=14), 2
    placement = _place(candidate, guide, employer, begins)
    mark = add_months(begins, 6)
    if kind == "ended_early":
        placement_end(placement=placement, end_date=add_months(begins, 4), end_reason=EndReason.RESIGNED, by=guide)
        trajectory_end(
            trajectory=trajectory, end_date=add_months(begins, 4), outcome=Outcome.WORK_NOT_DURABLE, by=guide
        )
    elif kind in ("durable", "two_placements", "durable_12") and mark <= today:
        placement_record_durable(placement=placement, months=6, still_working=True, by=guide)
        if kind == "durable_12" and add_months(begins, 12) <= today:
            placement_record_durable(placement=placement, months=12, still_working=True, by=guide)
        trajectory_end(trajectory=trajectory, end_date=mark, outcome=Outcome.DURABLE_WORK, by=guide)
    return placed


def _start_of(kind: str, step: int, today: date) -> date:
    """When the trajectory began: so that the 6-month mark of a durable placement falls in the
    last months (this year's figure), a 12-month one a year back, a running one recently."""
    days = {"durable_12": 430, "unknown": 230, "running": 80, "ended_early": 260, "two_placements": 300}.get(
        kind, 215 + 9 * (step % 12)
    )
    return today - timedelta(days=days)


def _earlier_candidates(guide: Any, region: str, postcodes: list[str], count: int, today: date) -> tuple[int, int, int]:
    employers = list(Employer.objects.active().filter(region_id=region, do_not_contact=False).order_by("id")[:10])
    if not employers:
        return 0, 0, 0
    made = placed = linked = 0
    for step in range(count):
        kind = PLAN[step % len(PLAN)]
        start = _start_of(kind, step, today)
        candidate = candidate_create(
            by=guide,
            pc4=postcodes[step % len(postcodes)],
            hours_min=16,
            hours_max=28,
            max_travel_km=15,
            trajectory_start=start,
            consent_recorded_at=_at(start),
        )
        Trajectory.objects.filter(candidate=candidate).update(method=METHODS[step % len(METHODS)])
        made += 1
        # IPS asks for a first employer contact within 30 days; most make it, some do not.
        linked += _link_visits(candidate, guide, employers, start + timedelta(days=(6, 12, 19, 41)[step % 4]), step)
        placed += _run(kind, candidate, guide, employers[step % len(employers)], start, today)
    return made, placed, linked


def _current_candidates(guide: Any, region: str, today: date) -> int:
    """The candidates ``candidates.demo`` made: a recent visit for each, linked."""
    employers = list(Employer.objects.active().filter(region_id=region, do_not_contact=False).order_by("id")[:10])
    linked = 0
    for step, candidate in enumerate(Candidate.objects.filter(guide=guide).order_by("id")):
        if employers and not CandidateContact.objects.filter(candidate=candidate).exists():
            first = max(candidate.trajectory_start + timedelta(days=9), today - timedelta(days=30))
            linked += _link_visits(candidate, guide, employers, first, step)
    return linked


@transaction.atomic
def seed(users: dict[str, Any]) -> str:
    today = timezone.localdate()
    made = placed = linked = 0
    for username, region, postcodes, count in GUIDES:
        guide = users.get(username)
        if guide is None:
            continue
        linked += _current_candidates(guide, region, today)
        m, p, n = _earlier_candidates(guide, region, postcodes, count, today)
        made, placed, linked = made + m, placed + p, linked + n
    return f"{made} earlier candidates with their trajectories, {placed} placements, {linked} contacts linked"
