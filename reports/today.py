"""The home page's "today": each role's work of the day, read through the apps' own selectors
(My work, the session lists, the reports) so the figures match the pages they link to. It lives
in reports, the one app that may read every other app (crm may import none).

Every read is scoped by ``crm.scoping`` (``visible_to``/``editable_by``/``region_codes``),
either here or inside the selector it calls.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.conf import settings
from django.utils import timezone

from crm.models import Region, Role
from crm.scoping import has_role, region_codes
from crm.types import AuthUser
from employers.contacts.selectors import AMSTERDAM, cold_employers, ips_table, local_today, week_start
from employers.models import Employer, FollowUp, ImportBatch, ImportState
from outreach.models import Event, Invitation, Rsvp
from outreach.selectors_staff import staff_events, with_counts
from reports.figures import placement_figures
from reports.periods import parse_period
from reports.records import PlacementFigures

COLD_SHOWN = 5
SIGNUPS_SINCE_DAYS = 7
WORK_ROLES = frozenset({Role.ADVISER, Role.COORDINATOR, Role.GUIDE})


@dataclass
class RegionPace:
    region: Region
    placements: PlacementFigures

    @property
    def behind(self) -> bool:
        return self.placements.this_year < self.placements.expected_by_now


@dataclass
class Today:
    regions: list[Region]
    has_work: bool
    organises: bool = False
    overdue: list[FollowUp] = field(default_factory=list)
    due_today: list[FollowUp] = field(default_factory=list)
    sessions: list[Event] = field(default_factory=list)
    cold: list[Employer] = field(default_factory=list)
    cold_count: int = 0
    ips_this_week: int | None = None
    ips_target: int = settings.IPS_WEEKLY_TARGET
    signups: list[Invitation] = field(default_factory=list)
    imports_waiting: list[ImportBatch] = field(default_factory=list)
    pace: list[RegionPace] = field(default_factory=list)


def _this_week_bounds(now: datetime) -> tuple[datetime, datetime]:
    monday = week_start(local_today(now))
    start = datetime.combine(monday, time.min, tzinfo=AMSTERDAM)
    return start, start + timedelta(days=7)


def today_for(user: AuthUser, *, now: datetime | None = None) -> Today:
    now = now or timezone.now()
    regions = list(Region.objects.filter(code__in=region_codes(user, WORK_ROLES | {Role.AWVN})).order_by("code"))
    result = Today(regions=regions, has_work=has_role(user, WORK_ROLES))
    if not result.has_work:
        return result

    today = local_today(now)
    open_due = list(
        FollowUp.objects.visible_to(user)
        .open()
        .filter(owner=user, due_date__lte=today)
        .select_related("employer")
        .order_by("due_date", "id")
    )
    result.overdue = [f for f in open_due if f.due_date < today]
    result.due_today = [f for f in open_due if f.due_date == today]

    cold = cold_employers(user, now=now)
    result.cold_count = cold.count()
    result.cold = list(cold[:COLD_SHOWN])

    start, end = _this_week_bounds(now)
    result.sessions = list(
        with_counts(staff_events(user)).filter(starts_at__gte=start, starts_at__lt=end).order_by("starts_at", "id")
    )

    if has_role(user, {Role.GUIDE}):
        result.ips_this_week = ips_table([user], now=now)[0].counts[-1]

    if has_role(user, {Role.ADVISER, Role.COORDINATOR}):
        result.organises = True
        since = now - timedelta(days=SIGNUPS_SINCE_DAYS)
        result.signups = list(
            Invitation.objects.editable_by(user)
            .filter(event__in=staff_events(user), rsvp=Rsvp.YES, answered_at__gte=since)
            .select_related("event", "contact_person__employer")
            .order_by("-answered_at", "-id")[:10]
        )
        result.imports_waiting = list(
            ImportBatch.objects.editable_by(user)
            .filter(created_by=user, state=ImportState.PREVIEW)
            .order_by("-created_at")
        )

    coordinated = sorted(region_codes(user, {Role.COORDINATOR}))
    if coordinated:
        figures = placement_figures(coordinated, parse_period(None, now=now))
        names = {r.code: r for r in Region.objects.filter(code__in=coordinated)}
        result.pace = [RegionPace(region=names[code], placements=figures[code]) for code in coordinated]
    return result
