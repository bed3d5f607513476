"""Reads for the contact log: my work, employers going cold, the IPS face-to-face figure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import CharField, Count, Max, Q, QuerySet, TextChoices, Value
from django.db.models.functions import Cast, Concat, TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.models import Membership, Role
from crm.scoping import NETWORK_READ, members_of, region_codes
from employers.models import Contact, Employer, FollowUp, FollowUpFeed, Stage

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
class FollowUpBuckets:
    """Open follow-ups by when they are due; every open one lands in exactly one bucket."""

    overdue: list[FollowUp]
    today: list[FollowUp]
    this_week: list[FollowUp]
    next_week: list[FollowUp]
    later: list[FollowUp]

    def __len__(self) -> int:
        return sum(len(rows) for _key, _label, rows in self.named())

    def named(self) -> list[tuple[str, Any, list[FollowUp]]]:
        """``(key, label, rows)`` per bucket, in the order the pages show them."""
        return [(key, BUCKET_LABELS[key], getattr(self, key)) for key in BUCKET_LABELS]


BUCKET_LABELS = {
    "overdue": _("Overdue"),
    "today": _("Today"),
    "this_week": _("This week"),
    "next_week": _("Next week"),
    "later": _("Later"),
}


# The name My work has always used.
MyFollowUps = FollowUpBuckets


def bucket_followups(rows: list[FollowUp], today: date) -> FollowUpBuckets:
    """Split ``rows`` (ordered by due date) into te laat, vandaag, deze week (after today, up to
    this Sunday), volgende week (next Monday to Sunday) and later."""
    sunday = week_start(today) + timedelta(days=6)
    next_sunday = sunday + timedelta(days=7)
    return FollowUpBuckets(
        overdue=[f for f in rows if f.due_date < today],
        today=[f for f in rows if f.due_date == today],
        this_week=[f for f in rows if today < f.due_date <= sunday],
        next_week=[f for f in rows if sunday < f.due_date <= next_sunday],
        later=[f for f in rows if f.due_date > next_sunday],
    )


def my_followups(user: AuthUser, *, today: date | None = None) -> FollowUpBuckets:
    """All open follow-ups owned by ``user``, in one query: nothing due beyond this week vanishes."""
    today = today or local_today()
    rows = list(
        FollowUp.objects.visible_to(user)
        .open()
        .filter(owner=user)
        .select_related("employer", "contact")
        .order_by("due_date", "id")
    )
    return bucket_followups(rows, today)


class Scope(TextChoices):
    MINE = "mine", _("Mine")
    TEAM = "team", _("My team")
    REGION = "region", _("Region")


# A list of every open follow-up of a region can be long; past this many rows the page asks
# for a narrower filter instead of rendering thousands of rows.
FOLLOWUP_LIST_LIMIT = 300


@dataclass
class FollowUpQuery:
    scope: str = Scope.MINE
    region: str = ""
    employer: Employer | None = None
    employer_name: str = ""
    owner_id: int | None = None
    due_after: date | None = None
    due_before: date | None = None


def open_followups(user: AuthUser, query: FollowUpQuery) -> QuerySet[FollowUp]:
    """The open follow-ups ``user`` may see, narrowed by ``query``.

    mine: owned by ``user``; team: owned by someone with a network role in one of ``user``'s
    regions (``user`` included); region: every open follow-up of the employers in ``user``'s
    regions, whoever owns it (a colleague who has left included)."""
    rows = FollowUp.objects.visible_to(user).open()
    if query.scope == Scope.MINE:
        rows = rows.filter(owner=user)
    elif query.scope == Scope.TEAM:
        team = Membership.objects.filter(
            region_id__in=sorted(region_codes(user, NETWORK_READ)), role__in=sorted(NETWORK_READ)
        ).values("user_id")
        rows = rows.filter(Q(owner__in=team) | Q(owner=user))
    if query.region:
        rows = rows.filter(employer__region_id=query.region)
    if query.owner_id is not None:
        rows = rows.filter(owner_id=query.owner_id)
    if query.employer is not None:
        rows = rows.filter(employer=query.employer)
    if query.employer_name:
        rows = rows.filter(
            Q(employer__legal_name__icontains=query.employer_name)
            | Q(employer__trade_name__icontains=query.employer_name)
        )
    if query.due_after is not None:
        rows = rows.filter(due_date__gte=query.due_after)
    if query.due_before is not None:
        rows = rows.filter(due_date__lte=query.due_before)
    return rows.select_related("employer", "owner").order_by("due_date", "employer__legal_name", "id")


def reassign_choices(user: AuthUser) -> dict[str, list[Any]]:
    """``{region code: [users]}``: to whom ``user`` may hand a follow-up of that region (the
    people with a network role there), read in one query for a whole list."""
    members = (
        Membership.objects.filter(region_id__in=sorted(region_codes(user, NETWORK_READ)), role__in=sorted(NETWORK_READ))
        .filter(user__is_active=True)
        .select_related("user")
        .order_by("user__first_name", "user__last_name", "user__username", "user_id")
    )
    choices: dict[str, list[Any]] = {}
    for m in members:
        if m.region_id is None:  # a national membership: ``region_id__in`` never matches one
            continue
        people = choices.setdefault(m.region_id, [])
        if all(p.pk != m.user_id for p in people):
            people.append(m.user)
    return choices


def colleagues(choices: dict[str, list[Any]]) -> list[Any]:
    """The people of ``reassign_choices`` once each, by name (the list's owner filter)."""
    people = {person.pk: person for persons in choices.values() for person in persons}
    return sorted(people.values(), key=lambda p: (p.get_full_name() or p.username).lower())


def employer_open_followups(employer: Employer) -> list[FollowUp]:
    """The employer's open follow-ups, soonest first (the employer page and its timeline)."""
    return list(employer.follow_ups.open().select_related("owner").order_by("due_date", "id"))


def active_followup_feed(user: AuthUser) -> FollowUpFeed | None:
    return FollowUpFeed.objects.active().filter(user=user).first()


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
