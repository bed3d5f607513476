"""Matching as a pure function over plain data: no database, no request, easy to test.

``rank(wishes, employers)`` scores each employer in reach and returns them best first, each
with its score parts (as data) and the reasons as one plain-language sentence a guide can read
out to the candidate. ``candidates/matching_data.py`` loads the plain data from the database.

Weights (all in ``WEIGHTS``, a score is at most 100 points):

- ``sector`` 25: the employer's SBI section is one the candidate wishes (0 when no wish).
- ``opening`` 20: an open opening whose hours overlap the candidate's hours (an opening or a
  candidate without hours counts as overlapping: hours are then to be agreed).
- ``accommodations`` 20: the share of the accommodations the candidate needs that the employer
  offers (20 when it offers all; 0 when the candidate needs none, so it does not sway the order).
- ``distance`` 15: linear, 15 next door down to 0 at the candidate's maximum travel distance.
- ``warmth`` up to 20: a recent contact (10, fading linearly to 0 over ``WARM_CONTACT_DAYS``),
  knowledge sessions attended (5), earlier placements with this employer (5).

Employers that are ``prospect``, ``interested`` or ``paused``, marked do-not-contact, or beyond
the candidate's travel distance are left out. Ties: nearer first, then by name.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from employers.models import AccommodationCode, SbiSection, Stage

WEIGHTS: dict[str, float] = {
    "sector": 25.0,
    "opening": 20.0,
    "accommodations": 20.0,
    "distance": 15.0,
    "warm_contact": 10.0,
    "events": 5.0,
    "placements": 5.0,
}
WARM_CONTACT_DAYS = 90
MATCHABLE_STAGES = frozenset({Stage.OPEN, Stage.ACTIVE, Stage.AMBASSADOR})


@dataclass(frozen=True)
class Wishes:
    sbi_sections: frozenset[str] = frozenset()
    hours_min: int | None = None
    hours_max: int | None = None
    max_km: float = 15.0
    accommodations: frozenset[str] = frozenset()


@dataclass(frozen=True)
class OpeningData:
    id: int
    title: str
    hours_min: int | None = None
    hours_max: int | None = None


@dataclass(frozen=True)
class EmployerData:
    id: int
    name: str
    distance_km: float
    stage: str = Stage.OPEN
    sbi_section: str = ""
    region_id: str = ""
    do_not_contact: bool = False
    accommodations: frozenset[str] = frozenset()
    openings: tuple[OpeningData, ...] = ()
    last_contact_days: int | None = None
    last_contact_by: str = ""
    last_contact_channel: str = ""
    events_attended: int = 0
    placements: int = 0
    match_state: str = ""  # this candidate's match with the employer, if any
    declined_reason: str = ""


@dataclass
class Part:
    code: str
    points: float
    text: str
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class Result:
    employer: EmployerData
    score: float
    parts: list[Part]
    reasons: str
    opening: OpeningData | None = None

    @property
    def marked(self) -> bool:
        """Already approached or declined for this candidate (shown as such, not hidden)."""
        return bool(self.employer.match_state) and self.employer.match_state != "suggested"


def eligible(employer: EmployerData, wishes: Wishes) -> bool:
    return employer.stage in MATCHABLE_STAGES and not employer.do_not_contact and employer.distance_km <= wishes.max_km


def hours_overlap(wishes: Wishes, opening: OpeningData) -> bool:
    low = max(wishes.hours_min or 0, opening.hours_min or 0)
    high = min(wishes.hours_max or 99, opening.hours_max or 99)
    return low <= high


def _join(items: list[str]) -> str:
    if len(items) < 2:
        return "".join(items)
    return _("%(first)s and %(last)s") % {"first": ", ".join(items[:-1]), "last": items[-1]}


STAGE_TEXTS = {
    Stage.OPEN: gettext_noop("open to our candidates"),
    Stage.ACTIVE: gettext_noop("has hosted a placement or trial"),
    Stage.AMBASSADOR: gettext_noop("ambassador for inclusive work"),
}
# The accommodations in the order of the choices, labels once (translated per result).
ACCOMMODATION_LABELS = dict(AccommodationCode.choices)


def _stage_text(stage: str) -> str:
    text = STAGE_TEXTS.get(stage)
    return _(text) if text else ""


def _distance_text(km: float) -> str:
    return _("less than 1 km") if km < 1 else _("%(km)d km") % {"km": round(km)}


def _opening_text(opening: OpeningData) -> str:
    if opening.hours_min is None and opening.hours_max is None:
        return _("opening (hours to agree)")
    low, high = opening.hours_min or opening.hours_max, opening.hours_max or opening.hours_min
    if low == high:
        return _("opening %(hours)d h") % {"hours": low}
    return _("opening %(min)d-%(max)d h") % {"min": low, "max": high}


def _contact_text(employer: EmployerData) -> str:
    days = employer.last_contact_days or 0
    when = _("today") if days == 0 else ngettext("%(days)d day ago", "%(days)d days ago", days) % {"days": days}
    if employer.last_contact_channel == "visit":
        return _("visited by %(name)s %(when)s") % {"name": employer.last_contact_by, "when": when}
    return _("in touch with %(name)s %(when)s") % {"name": employer.last_contact_by, "when": when}


def _sector_part(employer: EmployerData, wishes: Wishes) -> Part | None:
    if not employer.sbi_section or employer.sbi_section not in wishes.sbi_sections:
        return None
    label = SbiSection(employer.sbi_section).label
    return Part("sector", WEIGHTS["sector"], _("sector matches (%(sector)s)") % {"sector": label},
                {"sbi_section": employer.sbi_section})  # fmt: skip


def _opening_part(employer: EmployerData, wishes: Wishes) -> tuple[Part | None, OpeningData | None]:
    fitting = [o for o in employer.openings if hours_overlap(wishes, o)]
    if not fitting:
        return None, None
    best = fitting[0]
    data = {"opening": best.id, "hours_min": best.hours_min, "hours_max": best.hours_max, "count": len(fitting)}
    return Part("opening", WEIGHTS["opening"], _opening_text(best), data), best


def _accommodations_part(employer: EmployerData, wishes: Wishes) -> Part | None:
    both = wishes.accommodations & employer.accommodations
    if not both:
        return None
    offered = [code for code in ACCOMMODATION_LABELS if code in both]
    points = WEIGHTS["accommodations"] * len(offered) / len(wishes.accommodations)
    labels = [str(ACCOMMODATION_LABELS[code]).lower() for code in offered]
    return Part("accommodations", points, _("offers %(what)s") % {"what": _join(labels)}, {"offered": offered})


def _warmth_parts(employer: EmployerData) -> list[Part]:
    parts = []
    days = employer.last_contact_days
    if days is not None and days <= WARM_CONTACT_DAYS:
        points = WEIGHTS["warm_contact"] * (1 - days / WARM_CONTACT_DAYS)
        data = {"days": days, "by": employer.last_contact_by, "channel": employer.last_contact_channel}
        parts.append(Part("warm_contact", points, _contact_text(employer), data))
    events = employer.events_attended
    if events:
        text = ngettext("attended %(n)d knowledge session", "attended %(n)d knowledge sessions", events)
        parts.append(Part("events", WEIGHTS["events"], text % {"n": events}, {"count": events}))
    if employer.placements:
        text = ngettext("%(n)d earlier placement", "%(n)d earlier placements", employer.placements)
        parts.append(Part("placements", WEIGHTS["placements"], text % {"n": employer.placements},
                          {"count": employer.placements}))  # fmt: skip
    return parts


def _mark_text(employer: EmployerData) -> str:
    if employer.match_state == "declined":
        if employer.declined_reason:
            return _("declined: %(reason)s") % {"reason": employer.declined_reason}
        return _("declined")
    if employer.match_state and employer.match_state != "suggested":
        return _("already approached")
    return ""


def score(employer: EmployerData, wishes: Wishes) -> Result:
    """Score one employer that is in reach (call ``eligible`` first)."""
    parts: list[Part] = []
    sector = _sector_part(employer, wishes)
    opening_part, opening = _opening_part(employer, wishes)
    accommodations = _accommodations_part(employer, wishes)
    km = employer.distance_km
    distance = Part("distance", WEIGHTS["distance"] * max(0.0, 1 - km / wishes.max_km), _distance_text(km),
                    {"km": round(km, 1)})  # fmt: skip
    # The order of the sentence: who they are, what fits, how far, what they offer, how warm.
    phrases = [_stage_text(employer.stage)]
    for part in (sector, distance, accommodations, opening_part):
        if part is not None:
            parts.append(part)
            phrases.append(part.text)
    warmth = _warmth_parts(employer)
    parts.extend(warmth)
    phrases.extend(p.text for p in warmth)
    phrases.append(_mark_text(employer))
    total = round(sum(p.points for p in parts), 1)
    for part in parts:
        part.points = round(part.points, 1)
    return Result(employer, total, parts, ", ".join(p for p in phrases if p), opening)


def points(employer: EmployerData, wishes: Wishes) -> tuple[float, OpeningData | None]:
    """The total score without building the sentence (the same sum as ``score``), for ranking.
    ``candidates.matching_data._score_sql`` is this sum in SQL, for the database's pre-sort."""
    opening = next((o for o in employer.openings if hours_overlap(wishes, o)), None)
    total = WEIGHTS["distance"] * max(0.0, 1 - employer.distance_km / wishes.max_km)
    if employer.sbi_section and employer.sbi_section in wishes.sbi_sections:
        total += WEIGHTS["sector"]
    if opening is not None:
        total += WEIGHTS["opening"]
    offered = len(wishes.accommodations & employer.accommodations)
    if offered:
        total += WEIGHTS["accommodations"] * offered / len(wishes.accommodations)
    days = employer.last_contact_days
    if days is not None and days <= WARM_CONTACT_DAYS:
        total += WEIGHTS["warm_contact"] * (1 - days / WARM_CONTACT_DAYS)
    if employer.events_attended:
        total += WEIGHTS["events"]
    if employer.placements:
        total += WEIGHTS["placements"]
    return total, opening


def rank_key(total: float, employer_id: int, name: str, distance_km: float) -> tuple[float, float, str, int]:
    """Best first; ties: nearer first, then by name."""
    return (-round(total, 1), distance_km, name, employer_id)


def rank(
    wishes: Wishes,
    employers: Iterable[EmployerData],
    *,
    only_with_openings: bool = False,
    sector: str = "",
    limit: int | None = None,
) -> list[Result]:
    """Employers in reach, best first (filters: only those with a fitting opening, one sector).

    Ranks on the bare points first and writes the reasons only for the ``limit`` shown: with a
    few thousand employers in reach, the sentences are most of the work.
    """
    scored = []
    for employer in employers:
        if not eligible(employer, wishes) or (sector and employer.sbi_section != sector):
            continue
        total, opening = points(employer, wishes)
        if only_with_openings and opening is None:
            continue
        scored.append((rank_key(total, employer.id, employer.name, employer.distance_km), employer))
    scored.sort(key=lambda row: row[0])
    shown = scored[:limit] if limit is not None else scored
    return [score(row[1], wishes) for row in shown]
