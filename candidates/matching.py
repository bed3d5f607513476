"""Matching as a pure function over plain data: no database, no request, easy to test.

``rank(wishes, employers)`` scores each employer in reach and returns them best first, each
with its score parts (as data) and the reasons as one plain-language sentence a guide can read
out to the candidate. ``candidates/matching_data.py`` loads the plain data from the database.

Weights (one table, ``RULES``, from which the SQL pre-sort is built too; at most 100 points):

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

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, cast

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from employers.models import AccommodationCode, SbiSection, Stage

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


STAGE_TEXTS: dict[str, str] = {
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


@dataclass(frozen=True)
class Facts:
    """What the score is computed from, for one employer and one candidate. The SQL pre-sort
    (``candidates.matching_data``) selects the same facts under the same names, as columns."""

    km: float
    sector: bool  # the employer's section is one the candidate wishes
    opening: OpeningData | None  # the first open opening whose hours overlap (``fit`` in SQL)
    offered: int  # how many of the accommodations needed the employer offers
    last_days: int | None  # days since the last contact
    events: int  # knowledge sessions attended
    placements: int


def facts(employer: EmployerData, wishes: Wishes) -> Facts:
    return Facts(
        km=employer.distance_km,
        sector=bool(employer.sbi_section) and employer.sbi_section in wishes.sbi_sections,
        opening=next((o for o in employer.openings if hours_overlap(wishes, o)), None),
        offered=len(wishes.accommodations & employer.accommodations),
        last_days=employer.last_contact_days,
        events=employer.events_attended,
        placements=employer.placements,
    )


def _warm_share(f: Facts, wishes: Wishes) -> float | None:
    if f.last_days is None or f.last_days > WARM_CONTACT_DAYS:
        return None
    return 1 - f.last_days / WARM_CONTACT_DAYS


@dataclass(frozen=True)
class Rule:
    """One part of the score: ``weight`` times a share between 0 and 1, written twice side by
    side, in Python (``share``; None: the part does not apply, so no reason names it) and in SQL
    (``sql``, over the facts' columns ``f.km``, ``f.sector``, ``f.fit``, ``f.offered``,
    ``f.last_days``, ``f.events``, ``f.placed``; ``%s`` takes ``sql_params``). ``score`` and
    ``points`` add the Python shares, ``score_sql`` the SQL ones; the tests compare the two."""

    code: str
    weight: float
    share: Callable[[Facts, Wishes], float | None]
    sql: str
    sql_params: Callable[[Wishes], list[Any]] = lambda wishes: []


# The one table of weights (a score is at most 100 points), in the order the reasons name them.
RULES: tuple[Rule, ...] = (
    Rule("sector", 25.0, lambda f, w: 1.0 if f.sector else None, "CASE WHEN f.sector THEN 1 ELSE 0 END"),
    Rule("distance", 15.0, lambda f, w: max(0.0, 1 - f.km / w.max_km),
         "GREATEST(0, 1 - f.km / %s)", lambda w: [w.max_km]),
    Rule("accommodations", 20.0, lambda f, w: f.offered / len(w.accommodations) if f.offered else None,
         "CAST(f.offered AS double precision) / %s", lambda w: [max(1, len(w.accommodations))]),
    Rule("opening", 20.0, lambda f, w: 1.0 if f.opening else None, "CASE WHEN f.fit THEN 1 ELSE 0 END"),
    Rule("warm_contact", 10.0, _warm_share,
         f"CASE WHEN f.last_days <= {WARM_CONTACT_DAYS} "
         f"THEN 1 - CAST(f.last_days AS double precision) / {WARM_CONTACT_DAYS} ELSE 0 END"),
    Rule("events", 5.0, lambda f, w: 1.0 if f.events else None, "CASE WHEN f.events THEN 1 ELSE 0 END"),
    Rule("placements", 5.0, lambda f, w: 1.0 if f.placements else None, "CASE WHEN f.placed THEN 1 ELSE 0 END"),
)  # fmt: skip
WEIGHTS: dict[str, float] = {rule.code: rule.weight for rule in RULES}


def score_sql(wishes: Wishes) -> tuple[str, list[Any]]:
    """``points`` in SQL, built from ``RULES``, with its parameters (double precision throughout:
    PostgreSQL reads a literal like 1.0 as numeric, which is slower)."""
    terms = [f"CAST({rule.weight} AS double precision) * ({rule.sql})" for rule in RULES]
    return " + ".join(terms), [value for rule in RULES for value in rule.sql_params(wishes)]


def _explain(code: str, employer: EmployerData, wishes: Wishes, f: Facts) -> tuple[str, dict[str, Any]]:
    """The reason's words and data for one part of the score."""
    if code == "sector":
        label = SbiSection(employer.sbi_section).label
        return _("sector matches (%(sector)s)") % {"sector": label}, {"sbi_section": employer.sbi_section}
    if code == "distance":
        return _distance_text(f.km), {"km": round(f.km, 1)}
    if code == "accommodations":
        both = wishes.accommodations & employer.accommodations
        offered = [c for c in ACCOMMODATION_LABELS if c in both]
        labels = [str(ACCOMMODATION_LABELS[c]).lower() for c in offered]
        return _("offers %(what)s") % {"what": _join(labels)}, {"offered": offered}
    if code == "opening":
        best = cast(OpeningData, f.opening)  # the rule applies only with a fitting opening
        count = sum(1 for o in employer.openings if hours_overlap(wishes, o))
        return _opening_text(best), {"opening": best.id, "hours_min": best.hours_min, "hours_max": best.hours_max,
                                     "count": count}  # fmt: skip
    if code == "warm_contact":
        data = {"days": f.last_days, "by": employer.last_contact_by, "channel": employer.last_contact_channel}
        return _contact_text(employer), data
    if code == "events":
        text = ngettext("attended %(n)d knowledge session", "attended %(n)d knowledge sessions", f.events)
        return text % {"n": f.events}, {"count": f.events}
    text = ngettext("%(n)d earlier placement", "%(n)d earlier placements", f.placements)
    return text % {"n": f.placements}, {"count": f.placements}


def _mark_text(employer: EmployerData) -> str:
    if employer.match_state == "declined":
        if employer.declined_reason:
            return _("declined: %(reason)s") % {"reason": employer.declined_reason}
        return _("declined")
    if employer.match_state and employer.match_state != "suggested":
        return _("already approached")
    return ""


def score(employer: EmployerData, wishes: Wishes) -> Result:
    """Score one employer that is in reach (call ``eligible`` first), with the reasons: who they
    are, then each part of the score that applies in the order of ``RULES``, then the mark."""
    f = facts(employer, wishes)
    parts: list[Part] = []
    for rule in RULES:
        share = rule.share(f, wishes)
        if share is not None:
            text, data = _explain(rule.code, employer, wishes, f)
            parts.append(Part(rule.code, rule.weight * share, text, data))
    total = round(sum(p.points for p in parts), 1)
    for part in parts:
        part.points = round(part.points, 1)
    phrases = [_stage_text(employer.stage), *(p.text for p in parts), _mark_text(employer)]
    return Result(employer, total, parts, ", ".join(p for p in phrases if p), f.opening)


def points(employer: EmployerData, wishes: Wishes) -> tuple[float, OpeningData | None]:
    """The total score without building the sentence (the same sum as ``score``), for ranking."""
    f = facts(employer, wishes)
    shares = ((rule.weight, rule.share(f, wishes)) for rule in RULES)
    return sum(weight * share for weight, share in shares if share is not None), f.opening


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
