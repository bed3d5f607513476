"""Reads for the contact log: my work, employers going cold, the IPS face-to-face figure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import CharField, Count, Max, Q, QuerySet, Value
from django.db.models.functions import Cast, Concat, TruncDate
from django.utils import timezone

from crm.models import Role
from crm.scoping import members_of, region_codes
from employers.models import Contact, Employer, FollowUp, Stage

if TYPE_CHECKING:
    from crm.types import AuthUser

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
IPS_WEEKS = 12
WARM_STAGES = (Stage.OPEN, Stage.ACTIVE, Stage.AMBASSADOR)


def local_today(now: datetime | None = None) -> date:
    return (now or timezone.now()).astimezone(AMSTERDAM).date()


def week_start(day: date) -> date:
    """The Monday of ``day``'s ISO week."""
    return day - timedelta(days=day.weekday())


@dataclass
class MyFollowUps:
    overdue: list[FollowUp]
    today: list[FollowUp]
    this_week: list[FollowUp]


def my_followups(user: AuthUser, *, today: date | None = None) -> MyFollowUps:
    """Open follow-ups owned by ``user`` due up to this Sunday, in one query."""
    today = today or local_today()
    sunday = week_start(today) + timedelta(days=6)
    rows = list(
        FollowUp.objects.visible_to(user)
        .open()
        .filter(owner=user, due_date__lte=sunday)
        .select_related("employer", "contact")
        .order_by("due_date", "id")
    )
    return MyFollowUps(
        overdue=[f for f in rows if f.due_date < today],
        today=[f for f in rows if f.due_date == today],
        this_week=[f for f in rows if f.due_date > today],
    )


def cold_employers(user: AuthUser, *, now: datetime | None = None) -> QuerySet[Employer]:
    """Employers ``user`` owns, warm by stage, without a contact for EMPLOYER_COLD_AFTER_DAYS."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.EMPLOYER_COLD_AFTER_DAYS)
    return (
        Employer.objects.visible_to(user)
        .active()
        .filter(owner=user, stage__in=WARM_STAGES, do_not_contact=False)
        .annotate(last_contact=Max("contacts__when"))
        .filter(Q(last_contact__lt=cutoff) | Q(last_contact__isnull=True))
        .order_by("last_contact", "legal_name")
    )


def ips_weeks(*, now: datetime | None = None, weeks: int = IPS_WEEKS) -> list[date]:
    """The Mondays of the last ``weeks`` ISO weeks (Europe/Amsterdam), oldest first."""
    this_monday = week_start(local_today(now))
    return [this_monday - timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]


def ips_figures(user_ids: list[int], *, now: datetime | None = None) -> dict[int, list[int]]:
    """Face-to-face employer contacts per person per ISO week, counted in one query.

    Counted per employer *visit*, not per attendee: one guide's face-to-face contacts with one
    employer at one moment are one visit, so a check-in of two people of one employer at a
    session (both logged at the session's start) adds 1 (IPS counts employer contacts, not
    people met); two visits to one employer at different times are two.

    Counting per local *day* in the database (``AT TIME ZONE 'Europe/Amsterdam'``) and folding
    days into ISO weeks in Python keeps the week boundary at Monday 00:00 Amsterdam time,
    on DST Sundays too.
    """
    mondays = ips_weeks(now=now)
    start = datetime.combine(mondays[0], time.min, tzinfo=AMSTERDAM)
    rows = (
        Contact.objects.face_to_face()
        .filter(by_id__in=user_ids, when__gte=start)
        .annotate(day=TruncDate("when", tzinfo=AMSTERDAM))
        .values_list("by_id", "day")
        .annotate(
            n=Count(Concat(Cast("employer_id", CharField()), Value("@"), Cast("when", CharField())), distinct=True)
        )
        .order_by()
    )
    index = {monday: i for i, monday in enumerate(mondays)}
    figures = {uid: [0] * len(mondays) for uid in user_ids}
    for uid, day, n in rows:
        slot = index.get(week_start(day))
        if slot is not None:
            figures[uid][slot] += n
    return figures


@dataclass
class IpsRow:
    user: AuthUser
    counts: list[int]

    @property
    def average(self) -> float:
        return sum(self.counts) / len(self.counts) if self.counts else 0.0

    @property
    def weeks_on_target(self) -> int:
        return sum(1 for n in self.counts if n >= settings.IPS_WEEKLY_TARGET)


def team_members(coordinator: AuthUser) -> QuerySet:
    """Guides and advisers of the regions where ``coordinator`` coordinates."""
    return members_of(region_codes(coordinator, {Role.COORDINATOR}), {Role.GUIDE, Role.ADVISER})


def ips_table(users: list[Any], *, now: datetime | None = None) -> list[IpsRow]:
    figures = ips_figures([u.pk for u in users], now=now)
    return [IpsRow(user=u, counts=figures[u.pk]) for u in users]


def person_visible_to(viewer: AuthUser) -> QuerySet:
    """Whose contact figures ``viewer`` may see: themself and their coordinated team."""
    team = team_members(viewer).values("pk")
    return get_user_model().objects.filter(Q(pk=viewer.pk) | Q(pk__in=team))
