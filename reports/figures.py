"""The figures behind the dashboards: aggregates only, never a person's data.

``region_figures`` answers for one region and period with a fixed number of queries
(independent of the number of employers or contacts); ``national_figures`` answers the key
figures for all 35 regions with a fixed number of grouped queries. Both return typed records
(``reports.records``): the API writes them as JSON, the pages draw them as charts and tables.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, F, OuterRef, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from candidates import durability
from candidates.models import Method, Placement, Trajectory
from crm.dates import add_months
from crm.models import Region
from employers.models import Channel, Employer, Stage, StageChange
from outreach.models import Event, EventState, Invitation, Rsvp
from reports.ips import ips_region_figures
from reports.models import target_for
from reports.periods import AMSTERDAM, Period, current_quarter_start
from reports.records import (
    ContactFigures,
    ContactMonth,
    EventFigures,
    MethodRow,
    MonthCount,
    NationalFigures,
    NationalRow,
    NetworkFigures,
    PlacementFigures,
    RegionFigures,
    RegionRef,
    SessionConversions,
    share,
)
from reports.rollups import contact_month_counts

STAGES = [s.value for s in Stage]


def _month_key(value: Any) -> str:
    if value is None:
        return ""
    day = value.astimezone(AMSTERDAM).date() if hasattr(value, "astimezone") else value
    return f"{day.year}-{day.month:02d}"


def _month_keys(period: Period) -> list[str]:
    return [f"{m.year}-{m.month:02d}" for m in period.months]


def network_figures(region_codes: list[str], period: Period) -> dict[str, NetworkFigures]:
    """Per region: employers per stage now, net change per stage this quarter, new ``open``
    employers per month of the period. Three grouped queries whatever the number of regions."""
    out: dict[str, dict[str, Any]] = {
        code: {"stages": dict.fromkeys(STAGES, 0), "quarter_change": dict.fromkeys(STAGES, 0), "new_open": {}}
        for code in region_codes
    }
    for row in Employer.objects.filter(region_id__in=region_codes).values("region_id", "stage").annotate(n=Count("id")):
        out[row["region_id"]]["stages"][row["stage"]] = row["n"]
    quarter = current_quarter_start()
    changes = (
        StageChange.objects.filter(employer__region_id__in=region_codes, at__gte=quarter)
        .values("employer__region_id", "from_stage", "to_stage")
        .annotate(n=Count("id"))
    )
    for row in changes:
        change = out[row["employer__region_id"]]["quarter_change"]
        change[row["to_stage"]] += row["n"]
        if row["from_stage"]:
            change[row["from_stage"]] -= row["n"]
    new_open = (
        StageChange.objects.filter(
            employer__region_id__in=region_codes, to_stage=Stage.OPEN, at__gte=period.start, at__lt=period.end
        )
        .annotate(month=TruncMonth("at", tzinfo=AMSTERDAM))
        .values("employer__region_id", "month")
        .annotate(n=Count("id"))
    )
    for row in new_open:
        out[row["employer__region_id"]]["new_open"][_month_key(row["month"])] = row["n"]
    months = _month_keys(period)
    return {
        code: NetworkFigures(
            stages=row["stages"],
            quarter_change=row["quarter_change"],
            new_open_per_month=tuple(MonthCount(month, row["new_open"].get(month, 0)) for month in months),
            employers=sum(row["stages"].values()),
            open_or_further=sum(row["stages"][s] for s in (Stage.OPEN, Stage.ACTIVE, Stage.AMBASSADOR)),
        )
        for code, row in out.items()
    }


def contact_figures(region_codes: list[str], period: Period) -> dict[str, ContactFigures]:
    """Per region: contacts with its employers per month and channel, read from the rollups
    (``reports.rollups``: one query over a few rows per region and day, not the history)."""
    channels = [c.value for c in Channel]
    counts: dict[str, dict[str, dict[str, int]]] = {code: {} for code in region_codes}
    for row in contact_month_counts(region_codes, period.start, period.end):
        month = counts[row.region].setdefault(_month_key(row.month), dict.fromkeys(channels, 0))
        month[row.channel] += row.count
    out = {}
    for code in region_codes:
        per_month = tuple(
            ContactMonth(month, counts[code].get(month, dict.fromkeys(channels, 0))) for month in _month_keys(period)
        )
        out[code] = ContactFigures(per_month=per_month, total=sum(m.total for m in per_month))
    return out


MOVED_WITHIN_DAYS = 90


def event_figures(region_codes: list[str], period: Period) -> dict[str, EventFigures]:
    """Per region, for sessions that took place in the period (started in it, not cancelled or
    postponed, already over): sessions held, invitations, yes-answers, attendances, attending
    employers whose network stage moved within 90 days after the session, and per session the
    post-event conversions (the thank-you mail's wishes). Three queries: the sessions, their
    invitations grouped per session (summed per region here), the attending employers."""
    now = timezone.now()
    held = Event.objects.filter(
        region_id__in=region_codes, starts_at__gte=period.start, starts_at__lt=period.end, ends_at__lte=now
    ).exclude(state__in=[EventState.CANCELLED, EventState.DRAFT, EventState.POSTPONED])
    out: dict[str, dict[str, Any]] = {code: defaultdict(int) for code in region_codes}
    sessions = list(held.values_list("id", "title", "starts_at", "region_id").order_by("-starts_at", "-id"))
    for _id, _title, _start, code in sessions:
        out[code]["held"] += 1
    wished = Q(wish_contact_at__isnull=False) | Q(wish_candidate_at__isnull=False)
    per_session = (
        Invitation.objects.filter(event__in=held)
        .values("event_id")
        .annotate(
            invited=Count("id", filter=Q(walk_in=False)),
            yes=Count("id", filter=Q(rsvp=Rsvp.YES)),
            attended=Count("id", filter=Q(attended=True)),
            wish_contact=Count("id", filter=Q(wish_contact_at__isnull=False)),
            wish_candidate=Count("id", filter=Q(wish_candidate_at__isnull=False)),
            conversions=Count("id", filter=wished),
        )
        .order_by()
    )
    counted = {row.pop("event_id"): row for row in per_session}
    rows: dict[str, list[SessionConversions]] = defaultdict(list)
    for event_id, title, starts_at, code in sessions:
        row = counted.get(event_id, {})
        for key, value in row.items():
            out[code][key] += value
        conversion_keys = ("attended", "wish_contact", "wish_candidate", "conversions")
        rows[code].append(SessionConversions(title, starts_at, code, **{k: row.get(k, 0) for k in conversion_keys}))
    moved = StageChange.objects.filter(
        employer=OuterRef("contact_person__employer"),
        from_stage__gt="",
        at__gt=OuterRef("event__starts_at"),
        at__lte=OuterRef("event__starts_at") + timedelta(days=MOVED_WITHIN_DAYS),
    )
    employers = (
        Invitation.objects.filter(event__in=held, attended=True)
        .annotate(moved=Exists(moved))
        .values("event__region_id")
        .annotate(
            employers=Count("contact_person__employer", distinct=True),
            moved=Count("contact_person__employer", distinct=True, filter=Q(moved=True)),
        )
        .order_by()
    )
    for row in employers:
        out[row["event__region_id"]].update(employers_attended=row["employers"], moved_within_90_days=row["moved"])
    return {code: EventFigures(**counts, sessions=tuple(rows[code])) for code, counts in out.items()}


def placement_figures(region_codes: list[str], period: Period) -> dict[str, PlacementFigures]:
    """Per region, for this calendar year: people led *durably* into work against the region's
    target, with the pace still needed. The year rule: a durable placement counts in the year
    its durability mark (start + ``PLACEMENT_DURABLE_MONTHS``) falls in, once per candidate
    however many durable placements they had. Beside it: placements started this year, still
    running, ended before the mark; trajectories started this year and the share of them that
    ended in durable work (computed, never typed) against 40 %; the split by method; and, as
    before, the 6- and 12-month checks of marks that fell in the period. Grouped queries only."""
    months = durability.durable_months()
    today = timezone.localdate()
    year = today.year
    targets = target_for(region_codes, year)
    year_start, next_year = date(year, 1, 1), date(year + 1, 1, 1)
    start, end = period.start.astimezone(AMSTERDAM).date(), period.end.astimezone(AMSTERDAM).date()
    placements = Placement.objects.filter(candidate__region_id__in=region_codes)
    # A mark counts once it has been reached: the window ends today at the latest.
    mark_end = min(end, today + timedelta(days=1))
    six = Q(start_date__gte=add_months(start, -6), start_date__lt=add_months(mark_end, -6))
    twelve = Q(start_date__gte=add_months(start, -12), start_date__lt=add_months(mark_end, -12))
    in_year = durability.mark_in_year(year, months=months)
    durable = in_year & durability.durable_q(months=months)
    started = Q(start_date__gte=year_start, start_date__lt=next_year)
    rows = (
        placements.values(region=F("candidate__region_id"))
        .annotate(
            this_year=Count("candidate_id", filter=durable, distinct=True),
            unknown_this_year=Count("id", filter=in_year & durability.unknown_q(months=months, today=today)),
            started_this_year=Count("id", filter=started),
            running=Count(
                "id",
                filter=Q(start_date__lte=today, start_date__gt=add_months(today, -months))
                & (Q(end_date__isnull=True) | Q(end_date__gt=today)),
            ),
            ended_early=Count("id", filter=started & durability.ended_early_q(months=months)),
            in_period=Count("id", filter=Q(start_date__gte=start, start_date__lt=end)),
            due_6m=Count("id", filter=six),
            checked_6m=Count("id", filter=six & Q(durable_6m__isnull=False)),
            durable_6m=Count("id", filter=six & Q(durable_6m=True)),
            due_12m=Count("id", filter=twelve),
            checked_12m=Count("id", filter=twelve & Q(durable_12m__isnull=False)),
            durable_12m=Count("id", filter=twelve & Q(durable_12m=True)),
        )
        .order_by()
    )
    counted = {row["region"]: row for row in rows}
    durable_by_method = (
        placements.filter(durable)
        .values_list("candidate__region_id", "method")
        .annotate(n=Count("candidate_id", distinct=True))
        .order_by()
    )
    # A trajectory ends in durable work when one of its placements is durable (once, however many).
    durable_placement = Placement.objects.filter(trajectory=OuterRef("pk")).filter(durability.durable_q(months=months))
    trajectories = (
        Trajectory.objects.filter(
            candidate__region_id__in=region_codes, start_date__gte=year_start, start_date__lt=next_year
        )
        .annotate(durable=Exists(durable_placement))
        .values_list("candidate__region_id", "method")
        .annotate(started=Count("id"), durable=Count("id", filter=Q(durable=True)))
        .order_by()
    )
    per_method: dict[str, dict[str, list[int]]] = defaultdict(lambda: {m: [0, 0] for m in Method.values})
    for code, method, n in durable_by_method:
        per_method[code][method][0] = n
    trajectory_counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for code, method, n_started, n_durable in trajectories:
        per_method[code][method][1] += n_started
        trajectory_counts[code][0] += n_started
        trajectory_counts[code][1] += n_durable
    labels = dict(Method.choices)
    days_in_year = (next_year - year_start).days
    days_gone = (today - year_start).days + 1
    months_left = 12 - today.month + 1
    out = {}
    for code in region_codes:
        row = counted.get(code, {})
        target = targets[code]
        this_year = row.get("this_year", 0)
        remaining = max(0, target - this_year)
        t_started, t_durable = trajectory_counts[code]
        out[code] = PlacementFigures(
            target=target,
            this_year=this_year,
            expected_by_now=round(target * days_gone / days_in_year),
            remaining=remaining,
            needed_per_month=round(remaining / months_left, 1),
            in_period=row.get("in_period", 0),
            **{key: row.get(key, 0) for key in ("due_6m", "checked_6m", "durable_6m")},
            **{key: row.get(key, 0) for key in ("due_12m", "checked_12m", "durable_12m")},
            year=year,
            **{key: row.get(key, 0) for key in ("unknown_this_year", "started_this_year", "running", "ended_early")},
            trajectories_started=t_started,
            trajectories_durable=t_durable,
            durable_share=share(t_durable, t_started),
            by_method=tuple(
                MethodRow(method=m, label=str(labels[m]), durable=d, trajectories_started=t)
                for m, (d, t) in per_method[code].items()
            ),
        )
    return out


def region_figures(region: Region, period: Period) -> RegionFigures:
    return RegionFigures(
        region=RegionRef(region.code, region.name),
        period=period,
        generated_at=timezone.now(),
        network=network_figures([region.code], period)[region.code],
        contacts=contact_figures([region.code], period)[region.code],
        ips=ips_region_figures(region.code),
        events=event_figures([region.code], period)[region.code],
        placements=placement_figures([region.code], period)[region.code],
    )


def national_figures(period: Period) -> NationalFigures:
    regions = list(Region.objects.order_by("code").values_list("code", "name"))
    codes = [code for code, _name in regions]
    network = network_figures(codes, period)
    contacts = contact_figures(codes, period)
    events = event_figures(codes, period)
    placements = placement_figures(codes, period)
    rows = tuple(
        NationalRow(
            code=code,
            name=name,
            employers=network[code].employers,
            open_or_further=network[code].open_or_further,
            new_open=network[code].new_open,
            contacts=contacts[code].total,
            events_held=events[code].held,
            event_attendances=events[code].attended,
            placements_this_year=placements[code].this_year,
            placements_in_period=placements[code].in_period,
            durable_6m=placements[code].durable_6m,
            placements_target=placements[code].target,
            trajectories_started=placements[code].trajectories_started,
            trajectories_durable=placements[code].trajectories_durable,
            event_conversions=events[code].conversions,
        )
        for code, name in regions
    )
    started = sum(r.trajectories_started for r in rows)
    durable = sum(r.trajectories_durable for r in rows)
    return NationalFigures(
        period=period,
        generated_at=timezone.now(),
        placements_target=settings.PLACEMENTS_YEARLY_TARGET,
        regions=rows,
        durable_this_year=sum(r.placements_this_year for r in rows),
        trajectories_started=started,
        trajectories_durable=durable,
        durable_share=share(durable, started),
    )
