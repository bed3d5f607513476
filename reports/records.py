"""The figures the reports compute, as typed records: the pages, the CSV and the stats API read
them by attribute. ``as_json`` gives the stats API's JSON (field order is the key order)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, is_dataclass
from datetime import datetime
from typing import Any

from reports.periods import Period


@dataclass(frozen=True, slots=True)
class MonthCount:
    month: str  # "2026-03"
    count: int


@dataclass(frozen=True, slots=True)
class NetworkFigures:
    stages: Mapping[str, int]  # employers now per stage, in Stage order
    quarter_change: Mapping[str, int]  # net change per stage since the quarter began
    new_open_per_month: tuple[MonthCount, ...]
    employers: int
    open_or_further: int

    @property
    def new_open(self) -> int:
        return sum(m.count for m in self.new_open_per_month)


@dataclass(frozen=True, slots=True)
class ContactMonth:
    month: str
    per_channel: Mapping[str, int]  # every channel, in Channel order

    @property
    def total(self) -> int:
        return sum(self.per_channel.values())

    def as_json(self) -> dict[str, Any]:
        # The API has always written the channels beside the month, not nested.
        return {"month": self.month, **self.per_channel}


@dataclass(frozen=True, slots=True)
class ContactFigures:
    per_month: tuple[ContactMonth, ...]
    total: int


@dataclass(frozen=True, slots=True)
class GuideWeeks:
    name: str
    per_week: tuple[int, ...]  # face-to-face employer contacts, oldest week first
    weeks_on_target: int
    caseload: int = 0  # candidates in an open trajectory with this guide (IPS: at most 20)
    jobs_this_quarter: int = 0  # placements of this guide's candidates started this quarter
    employers_placed_with: int = 0  # distinct employers of those placements, ever
    sectors_placed_with: int = 0  # distinct SBI sections of those employers
    # The last 12 weeks, employer contacts counted per visit (one employer, one moment):
    contacts: int = 0
    contacts_in_person: int = 0
    in_person_share: float = 0.0  # percent of contacts
    contacts_for_candidate: int = 0  # linked to one of the guide's candidates; the rest: general
    for_candidate_share: float = 0.0  # percent of contacts
    # Trajectories started in the last 12 months: first employer contact for the candidate
    # within IPS_FIRST_CONTACT_DAYS, after it (or none and the norm passed), none yet.
    first_contact_on_time: int = 0
    first_contact_late: int = 0
    first_contact_waiting: int = 0
    first_contact_median_days: float | None = None

    @property
    def average(self) -> float:
        return sum(self.per_week) / len(self.per_week)

    @property
    def contacts_general(self) -> int:
        return self.contacts - self.contacts_for_candidate


@dataclass(frozen=True, slots=True)
class IpsFigures:
    target: int
    weeks: tuple[str, ...]  # the Monday of each ISO week, ISO format
    guides: tuple[GuideWeeks, ...]
    caseload_norm: int = 20
    first_contact_norm_days: int = 30


@dataclass(frozen=True, slots=True)
class SessionConversions:
    """One held session and what its thank-you mail's one-click wishes brought in."""

    title: str
    starts_at: datetime
    region: str
    attended: int = 0
    wish_contact: int = 0  # "Ja, neem contact met mij op"
    wish_candidate: int = 0  # "Stuur mij informatie over een kandidaat / proefplaatsing"
    conversions: int = 0  # invitations with at least one of the two wishes


@dataclass(frozen=True, slots=True)
class EventFigures:
    held: int = 0
    invited: int = 0
    yes: int = 0
    attended: int = 0
    employers_attended: int = 0
    moved_within_90_days: int = 0
    wish_contact: int = 0
    wish_candidate: int = 0
    conversions: int = 0
    sessions: tuple[SessionConversions, ...] = ()  # newest first


@dataclass(frozen=True, slots=True)
class MethodRow:
    method: str
    label: str
    durable: int  # people in durable work this year by this method (the year rule)
    trajectories_started: int


@dataclass(frozen=True, slots=True)
class PlacementFigures:
    target: int
    # People led durably into work whose durability mark falls in this year (README, "Counting").
    this_year: int
    expected_by_now: int
    remaining: int
    needed_per_month: float
    in_period: int
    due_6m: int
    checked_6m: int
    durable_6m: int
    due_12m: int
    checked_12m: int
    durable_12m: int
    year: int = 0
    unknown_this_year: int = 0  # mark passed this year, not ended before it, check unanswered
    started_this_year: int = 0
    running: int = 0  # started, not ended, durability mark not reached
    ended_early: int = 0  # started this year and ended before the mark
    trajectories_started: int = 0
    trajectories_durable: int = 0  # of those started this year, ended in (computed) durable work
    durable_share_target: int = 40
    durable_share: float = 0.0  # percent of trajectories_started
    by_method: tuple[MethodRow, ...] = ()


@dataclass(frozen=True, slots=True)
class RegionRef:
    code: str
    name: str


@dataclass(frozen=True, slots=True)
class RegionFigures:
    region: RegionRef
    period: Period
    generated_at: datetime
    network: NetworkFigures
    contacts: ContactFigures
    ips: IpsFigures
    events: EventFigures
    placements: PlacementFigures


@dataclass(frozen=True, slots=True)
class NationalRow:
    code: str
    name: str
    employers: int
    open_or_further: int
    new_open: int
    contacts: int
    events_held: int
    event_attendances: int
    placements_this_year: int
    placements_in_period: int
    durable_6m: int
    placements_target: int = 0
    trajectories_started: int = 0
    trajectories_durable: int = 0
    event_conversions: int = 0  # post-event wishes (contact or candidate), invitations with one


@dataclass(frozen=True, slots=True)
class NationalFigures:
    period: Period
    generated_at: datetime
    placements_target: int
    regions: tuple[NationalRow, ...]
    # The national sums of the rows, against the covenant's 7,125 trajectories and 40 %.
    durable_this_year: int = 0
    trajectories_started: int = 0
    trajectories_durable: int = 0
    durable_share: float = 0.0
    trajectories_target: int = 7125
    durable_share_target: int = 40


def share(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def as_json(value: Any) -> Any:
    """Records -> plain dicts and lists (datetimes stay, the API's renderer writes them)."""
    if hasattr(value, "as_json"):
        return value.as_json()
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: as_json(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, Mapping):
        return {key: as_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [as_json(item) for item in value]
    return value
