"""The contact rollups (reports.rollups) against a full recount of the contacts, after random
writes: created, edited, moved across Amsterdam midnight and the DST changes, deleted, and
employers moved to another region; before the beat tick (marked days counted live) and after
it; a refresh that dies half-way leaves its marks and a rerun gives the same rows."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import transaction
from django.db.models import Count, F, Q
from django.db.models.functions import TruncDate, TruncMonth

from crm.models import Region, Role
from employers.contacts.services import contact_log
from employers.models import Contact, Employer
from employers.services import employer_update
from reports import rollups
from reports.figures import contact_figures
from reports.models import ContactDay, DirtyDay
from reports.periods import parse_period
from tests.contacts.factories import ContactFactory
from tests.factories import EmployerFactory, UserFactory, membership

pytestmark = pytest.mark.django_db
AMS = ZoneInfo("Europe/Amsterdam")
NOW = datetime(2026, 12, 20, 12, 0, tzinfo=AMS)
REGIONS = ["AM18", "AM13", "AM01"]
CHANNELS = ["visit", "phone", "email", "event"]
PURPOSES = ["acquisition", "relationship"]
# Moments on the edges: around midnight, and on the days the clocks change (29 March, 25 October).
EDGES = [
    datetime(2026, 3, 28, 23, 59, 59, 999999, tzinfo=AMS),
    datetime(2026, 3, 29, 0, 0, tzinfo=AMS),
    datetime(2026, 3, 29, 3, 0, tzinfo=AMS),
    datetime(2026, 10, 25, 2, 30, tzinfo=AMS),
    datetime(2026, 10, 25, 23, 59, tzinfo=AMS),
    datetime(2026, 10, 26, 0, 0, tzinfo=AMS),
    datetime(2026, 6, 30, 23, 59, 59, tzinfo=AMS),
    datetime(2026, 7, 1, 0, 0, tzinfo=AMS),
    datetime(2025, 12, 31, 23, 59, tzinfo=AMS),  # the year before: outside the period
]


def _moment(rng: random.Random) -> datetime:
    if rng.random() < 0.5:
        return rng.choice(EDGES) + timedelta(microseconds=rng.choice([0, 0, -1, 1]))
    return datetime(2026, 1, 1, tzinfo=AMS) + timedelta(minutes=rng.randrange(0, 350 * 24 * 60))


def _recount_days() -> dict[tuple[str, object, str, str], tuple[int, int]]:
    rows = (
        Contact.objects.annotate(day=TruncDate("when", tzinfo=AMS))
        .values_list("employer__region_id", "day", "channel", "purpose")
        .annotate(n=Count("id"), in_person=Count("id", filter=Q(in_person=True)))
        .order_by()
    )
    return {(region, day, channel, purpose): (n, ip) for region, day, channel, purpose, n, ip in rows}


def _rollup_days() -> dict[tuple[str, object, str, str], tuple[int, int]]:
    return {(r.region_id, r.day, r.channel, r.purpose): (r.contacts, r.in_person) for r in ContactDay.objects.all()}


def _recount_months(period_key: str) -> dict[tuple[str, str, str], int]:
    """The figure as it was computed before the rollups: every contact, joined to its employer."""
    period = parse_period(period_key)
    rows = (
        Contact.objects.filter(employer__region_id__in=REGIONS, when__gte=period.start, when__lt=period.end)
        .annotate(month=TruncMonth("when", tzinfo=AMS))
        .values_list("employer__region_id", "month", "channel")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {(region, f"{month:%Y-%m}", channel): n for region, month, channel, n in rows}


def _figure_months(period_key: str) -> dict[tuple[str, str, str], int]:
    figures = contact_figures(REGIONS, parse_period(period_key))
    return {
        (code, month.month, channel): n
        for code, f in figures.items()
        for month in f.per_month
        for channel, n in month.per_channel.items()
        if n
    }


def _assert_figures_equal_a_recount() -> None:
    for key in ("year", "12m", "2026Q1", "2026Q4"):
        assert _figure_months(key) == _recount_months(key), key
    assert not Contact.objects.exclude(region_id=F("employer__region_id")).exists()


def _random_writes(rng: random.Random, employers: list[Employer], mover: object, steps: int) -> None:
    for _step in range(steps):
        action = rng.random()
        contacts = list(Contact.objects.order_by("id").values_list("id", flat=True))
        if action < 0.45 or not contacts:
            employer = Employer.objects.get(pk=rng.choice(employers).pk)
            channel = rng.choice(CHANNELS)
            if rng.random() < 0.5:
                contact_log(
                    employer=employer,
                    by=mover,
                    channel=channel,
                    purpose=rng.choice(PURPOSES),
                    summary="gesprek",
                    when=_moment(rng),
                )
            else:
                ContactFactory(
                    employer=employer, by=mover, channel=channel, purpose=rng.choice(PURPOSES), when=_moment(rng)
                )
        elif action < 0.65:
            Contact.objects.filter(pk=rng.choice(contacts)).update(when=_moment(rng))
        elif action < 0.75:
            Contact.objects.filter(pk=rng.choice(contacts)).update(channel="phone", in_person=False)
        elif action < 0.85:
            Contact.objects.filter(pk=rng.choice(contacts)).delete()
        else:
            employer = rng.choice(employers)
            employer_update(employer=employer, by=mover, region=Region.objects.get(code=rng.choice(REGIONS)))


@time_machine.travel(NOW, tick=False)
def test_rollups_equal_a_full_recount_after_random_writes():
    rng = random.Random(22)
    mover = UserFactory(username="mover")
    for code in REGIONS:
        membership(mover, Role.ADVISER, Region.objects.get(code=code))
    employers = [EmployerFactory(region_id=REGIONS[i % len(REGIONS)]) for i in range(6)]
    for _round in range(4):
        _random_writes(rng, employers, mover, steps=25)
        _assert_figures_equal_a_recount()  # marked days counted live, before the tick
        rollups.refresh_rollups(batch_days=7)  # small batches: several transactions per refresh
        assert not DirtyDay.objects.exists()
        assert _rollup_days() == _recount_days()
        _assert_figures_equal_a_recount()  # now from the rollup alone
        assert rollups.refresh_rollups() == 0  # a rerun finds nothing and changes nothing
        assert _rollup_days() == _recount_days()


@time_machine.travel(NOW, tick=False)
def test_a_refresh_that_dies_leaves_its_marks_and_a_rerun_gives_the_same_rows(guide_a):
    employer = EmployerFactory(region_id="AM18")
    for hour in range(5):
        ContactFactory(employer=employer, by=guide_a, when=datetime(2026, 12, 1 + hour, 9, tzinfo=AMS))
    rollups.refresh_rollups()
    before = _rollup_days()
    ContactFactory(
        employer=employer, by=guide_a, channel="phone", in_person=False, when=datetime(2026, 12, 1, 10, tzinfo=AMS)
    )

    with pytest.raises(RuntimeError), transaction.atomic():
        rollups.refresh_rollups()
        raise RuntimeError("the worker died before the commit")

    assert _rollup_days() == before  # nothing half-written
    assert DirtyDay.objects.filter(region_id="AM18").count() == 1  # the mark is still there
    assert rollups.refresh_rollups() == 1
    assert _rollup_days() == _recount_days()
    rollups.mark_all_days()  # a rebuild from scratch: every day recounted, the same rows
    rollups.refresh_rollups()
    assert _rollup_days() == _recount_days()


@time_machine.travel(NOW, tick=False)
def test_a_moved_employer_takes_its_contacts_to_the_new_region(adviser_a):
    membership(adviser_a, Role.ADVISER, Region.objects.get(code="AM13"))
    employer = EmployerFactory(region_id="AM18")
    contact_log(employer=employer, by=adviser_a, channel="visit", purpose="acquisition", summary="x")
    rollups.refresh_rollups()

    employer_update(employer=employer, by=adviser_a, region=Region.objects.get(code="AM13"))

    figures = contact_figures(["AM18", "AM13"], parse_period("year"))
    assert (figures["AM18"].total, figures["AM13"].total) == (0, 1)
    assert Contact.objects.get().region_id == "AM13"
    rollups.refresh_rollups()
    assert set(ContactDay.objects.values_list("region_id", flat=True)) == {"AM13"}


def test_an_edit_of_the_text_marks_no_day(guide_a):
    contact = ContactFactory(employer=EmployerFactory(region_id="AM18"), by=guide_a)
    rollups.refresh_rollups()
    Contact.objects.filter(pk=contact.pk).update(summary="[gewist]", outcome="")
    assert not DirtyDay.objects.exists()


def test_a_period_that_does_not_start_at_midnight_is_refused():
    with pytest.raises(ValueError, match="midnight"):
        rollups.contact_month_counts(["AM18"], datetime(2026, 1, 1, 12, tzinfo=AMS), NOW)


@time_machine.travel(NOW, tick=False)
def test_the_contact_figure_is_one_query_before_and_after_the_tick(django_assert_num_queries, guide_a):
    ContactFactory(employer=EmployerFactory(region_id="AM18"), by=guide_a)
    with django_assert_num_queries(1):  # the rollup's clean days and the marked days counted live
        before = contact_figures(["AM18"], parse_period("year"))
    rollups.refresh_rollups()
    with django_assert_num_queries(1):  # the same query, now with no marked day
        after = contact_figures(["AM18"], parse_period("year"))
    assert before == after and after["AM18"].total == 1
