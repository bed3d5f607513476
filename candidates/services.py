"""Writes for candidates, matches and placements: each a transaction with its audit entry.

Audit entries name the fields that changed, never their values: the audit log is read by more
people than the candidate's guide.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from candidates.matching_data import areas_in_reach, candidate_wishes, pc4_runs, reach_q
from candidates.models import (
    Candidate,
    CandidateAccess,
    CandidateState,
    Match,
    MatchChange,
    MatchState,
    Method,
    Placement,
    new_reference_code,
)
from crm.dates import add_months
from crm.models import AuditEntry, Role
from crm.scoping import region_codes
from employers.models import Employer, Opening, OpeningState, Stage
from employers.services import employer_change_stage

if TYPE_CHECKING:
    from crm.types import AuthUser

CANDIDATE_FIELDS = (
    "real_name", "pc4", "sbi_sections", "work_kinds", "hours_min", "hours_max", "max_travel_km",
    "available_from", "disclosure", "disclosure_note", "notes", "state", "trajectory_start",
    "trajectory_end", "consent_recorded_at",
)  # fmt: skip


def access_record(*, candidates: list[Candidate] | Candidate, user: AuthUser, what: str) -> None:
    """One access entry per candidate read (a list of 20 writes 20 rows, in one INSERT)."""
    rows = candidates if isinstance(candidates, list) else [candidates]
    CandidateAccess.objects.bulk_create([CandidateAccess(candidate=c, user=user, what=what[:60]) for c in rows])


def _guide_region(by: AuthUser, region: Any) -> str:
    regions = region_codes(by, {Role.GUIDE})
    code = getattr(region, "pk", region)
    if code is None and len(regions) == 1:
        code = next(iter(regions))
    if code not in regions:
        raise ValidationError({"region": _("Choose a region in which you are a trajectory guide.")})
    return code


def _validate(candidate: Candidate) -> None:
    if candidate.sbi_sections and not isinstance(candidate.sbi_sections, list):
        raise ValidationError({"sbi_sections": _("Give a list of SBI sections.")})
    candidate.sbi_sections = sorted({str(s).upper() for s in candidate.sbi_sections or []})
    candidate.work_kinds = [str(k).strip()[:60] for k in candidate.work_kinds or [] if str(k).strip()][:20]
    low, high = candidate.hours_min, candidate.hours_max
    if low is not None and high is not None and low > high:
        raise ValidationError({"hours_max": _("The maximum hours are fewer than the minimum.")})
    candidate.full_clean(exclude=["guide", "region", "reference_code"])


def _unique_code(region_code: str) -> str:
    for _attempt in range(10):
        code = new_reference_code(region_code)
        if not Candidate.objects.filter(reference_code=code).exists():
            return code
    raise RuntimeError("no free reference code")  # 31^6 codes per region: practically never


@transaction.atomic
def candidate_create(
    *, by: AuthUser, region: Any = None, accommodations_needed: list[Any] | None = None, **fields: Any
) -> Candidate:
    """The guide ``by`` records a candidate of their own (region: theirs, if they have one)."""
    unknown = set(fields) - set(CANDIDATE_FIELDS)
    if unknown:
        raise TypeError(f"candidate_create does not take {sorted(unknown)}")
    code = _guide_region(by, region)
    candidate = Candidate(guide=by, region_id=code, reference_code=_unique_code(code), **fields)
    _validate(candidate)
    candidate.save()
    if accommodations_needed is not None:
        candidate.accommodations_needed.set(accommodations_needed)
    AuditEntry.record("candidates.candidate.created", target=candidate, actor=by, data={"region": code})
    return candidate


@transaction.atomic
def candidate_update(
    *, candidate: Candidate, by: AuthUser, accommodations_needed: list[Any] | None = None, **changes: Any
) -> Candidate:
    if candidate.guide_id != getattr(by, "pk", None):
        raise PermissionDenied(_("Only the candidate's own guide changes the candidate."))
    if candidate.is_anonymised:
        raise ValidationError(_("This candidate has been anonymised and can no longer be changed."))
    unknown = set(changes) - set(CANDIDATE_FIELDS)
    if unknown:
        raise TypeError(f"candidate_update does not change {sorted(unknown)}")
    changed = sorted(name for name, value in changes.items() if getattr(candidate, name) != value)
    for name, value in changes.items():
        setattr(candidate, name, value)
    _validate(candidate)
    candidate.save()
    if accommodations_needed is not None:
        before = set(candidate.accommodations_needed.values_list("pk", flat=True))
        candidate.accommodations_needed.set(accommodations_needed)
        if before != {getattr(a, "pk", a) for a in accommodations_needed}:
            changed.append("accommodations_needed")
    AuditEntry.record("candidates.candidate.updated", target=candidate, actor=by, data={"changed": changed})
    return candidate


def employers_in_list(candidate: Candidate) -> QuerySet[Employer]:
    """The employers the candidate's ranked list could contain: in reach, in a matchable stage,
    not do-not-contact (``matching_data.reach_q``, the rule of the list itself), of any region:
    matching crosses region borders, and another region's employer is approached through a warm
    introduction by its owning adviser."""
    reach = areas_in_reach(candidate.pc4, candidate_wishes(candidate).max_km)
    if not reach:
        return Employer.objects.none()
    return Employer.objects.filter(reach_q(pc4_runs(reach)))


def employers_matchable(*, candidate: Candidate, by: AuthUser, outside_list: bool = False) -> QuerySet[Employer]:
    """Employers ``by`` may match ``candidate`` with (and so place the candidate at).

    The ranked list's employers; the employers the candidate already has a match with (not
    declined); and, only with a reason the guide gives (``outside_list``), any other employer of
    the guide's own network that is not do-not-contact. Anything else, another region's
    employer out of reach above all, is "not found", as a missing id.
    """
    if not Candidate.objects.editable_by(by).filter(pk=candidate.pk).exists():
        return Employer.objects.none()
    in_list = Q(pk__in=employers_in_list(candidate).values("pk"))
    matched = Match.objects.filter(candidate=candidate).exclude(state=MatchState.DECLINED).values("employer_id")
    allowed = in_list | Q(pk__in=matched, do_not_contact=False)
    if outside_list:
        allowed |= Q(pk__in=Employer.objects.visible_to(by).filter(do_not_contact=False).values("pk"))
    return Employer.objects.filter(allowed)


def openings_matchable(*, employer: Employer | None) -> QuerySet[Opening]:
    """The openings a match or placement may name: the employer's own, not closed."""
    if employer is None:
        return Opening.objects.none()
    return Opening.objects.filter(employer=employer).exclude(state=OpeningState.CLOSED)


def _check_matchable(candidate: Candidate, employer: Employer, by: AuthUser, outside_list_reason: str) -> None:
    """The services' own check, whatever the caller resolved (forms and serializers do it first)."""
    matchable = employers_matchable(candidate=candidate, by=by, outside_list=bool(outside_list_reason.strip()))
    if not matchable.filter(pk=employer.pk).exists():
        raise ValidationError(
            {
                "employer": _(
                    "This employer is not in the candidate's list (out of reach, not open to matches, or "
                    "not to be contacted). For an employer of your own region, say why in "
                    "“reason outside the list”."
                )
            }
        )


def _check_owner(candidate: Candidate, by: AuthUser) -> None:
    if not Candidate.objects.editable_by(by).filter(pk=candidate.pk).exists():
        raise PermissionDenied(_("Only the candidate's own guide works on the candidate's matches."))


@transaction.atomic
def match_set_state(
    *,
    candidate: Candidate,
    employer: Employer,
    state: str,
    by: AuthUser,
    opening: Opening | None = None,
    reason: str = "",
    score: float | None = None,
    reasons: list[Any] | None = None,
    outside_list_reason: str = "",
) -> Match:
    """Create or move the match of ``candidate`` with ``employer``; every move is kept as history.

    A new match needs an employer the candidate's ranked list could contain, or a reason the
    guide gives for one outside it (``employers_matchable``); a do-not-contact employer is only
    ever declined. The first time an employer of another region is approached, its owning
    adviser is asked for a warm introduction (a follow-up now, a mail after commit).
    """
    _check_owner(candidate, by)
    if state not in MatchState.values:
        raise ValidationError({"state": _("Unknown state.")})
    if state == MatchState.DECLINED and not reason.strip():
        raise ValidationError({"reason": _("Say why the match was declined.")})
    if opening is not None and opening.employer_id != employer.pk:
        raise ValidationError({"opening": _("This opening is not at this employer.")})
    outside_list_reason = outside_list_reason.strip()[:300]
    existing = Match.objects.select_for_update().filter(candidate=candidate, employer=employer).first()
    if existing is None:
        _check_matchable(candidate, employer, by, outside_list_reason)
    elif state != MatchState.DECLINED and Employer.objects.filter(pk=employer.pk, do_not_contact=True).exists():
        raise ValidationError({"employer": _("This employer does not want to be contacted.")})
    match, created = Match.objects.select_for_update().get_or_create(
        candidate=candidate,
        employer=employer,
        defaults={"created_by": by, "state": MatchState.SUGGESTED, "outside_list_reason": outside_list_reason},
    )
    before = "" if created else match.state
    if state == before and not (opening and opening.pk != match.opening_id):
        return match
    match.state = state
    match.declined_reason = reason.strip()[:300] if state == MatchState.DECLINED else ""
    if opening is not None:
        match.opening = opening
    if score is not None:
        match.score, match.reasons = score, reasons or []
    match.save()
    MatchChange.objects.create(match=match, from_state=before, to_state=state, reason=match.declined_reason, by=by)
    data = {"from": before, "to": state}
    if created and match.outside_list_reason:
        # The guide's own words about an employer, not about the candidate: kept for review.
        data["outside_list_reason"] = match.outside_list_reason
    AuditEntry.record("candidates.match.state_changed", target=match, actor=by, data=data)
    if state in (MatchState.INTERVIEW, MatchState.TRIAL) and candidate.state == CandidateState.SEARCHING:
        Candidate.objects.filter(pk=candidate.pk).update(state=CandidateState.MATCHED)
        candidate.state = CandidateState.MATCHED
    if state == MatchState.APPROACHED and employer.region_id != candidate.region_id:
        warm_intro_request(match=match, by=by)
    return match


def warm_intro_request(*, match: Match, by: AuthUser) -> None:
    """Ask the owning adviser of another region's employer to introduce our guide (once per match)."""
    from employers.services_contacts import followup_create

    employer = match.employer
    adviser = employer.owner
    if match.intro_notified_at is not None:
        return
    if adviser is None:
        AuditEntry.record("candidates.match.intro_no_owner", target=match, actor=by, data={"employer": employer.pk})
        return
    guide_name = by.get_full_name() or by.username
    note = _("Warm introduction asked by %(guide)s (%(region)s) for a candidate") % {
        "guide": guide_name,
        "region": match.candidate.region_id,
    }
    try:
        with transaction.atomic():
            followup_create(employer=employer, owner=adviser, due_date=timezone.localdate(), by=by, note=note[:300])
    except ValidationError:
        # The owner no longer works in the employer's region: the audit entry is the trace.
        pass
    AuditEntry.record(
        "candidates.match.intro_requested", target=match, actor=by, data={"employer": employer.pk, "to": adviser.pk}
    )
    from candidates.tasks import send_warm_intro

    send_warm_intro.delay_on_commit(match.pk, by.pk)


@transaction.atomic
def placement_create(
    *,
    candidate: Candidate,
    employer: Employer,
    start_date: date,
    hours_per_week: int,
    method: str = Method.IPS,  # the model's default: the API may leave it out (it was a 500)
    by: AuthUser,
    opening: Opening | None = None,
    outside_list_reason: str = "",
) -> Placement:
    """Record a placement: the match becomes ``placed`` and so does the candidate. Only with an
    employer the candidate may be matched with (``employers_matchable``), checked before any
    row is written."""
    _check_owner(candidate, by)
    if candidate.is_anonymised:
        raise ValidationError(_("This candidate has been anonymised."))
    outside_list_reason = outside_list_reason.strip()[:300]
    if not Match.objects.filter(candidate=candidate, employer=employer).exists():
        _check_matchable(candidate, employer, by, outside_list_reason)
    if opening is not None and opening.employer_id != employer.pk:
        raise ValidationError({"opening": _("This opening is not at this employer.")})
    placement = Placement(
        candidate=candidate,
        employer=employer,
        opening=opening,
        start_date=start_date,
        hours_per_week=hours_per_week,
        method=method,
        created_by=by,
    )
    placement.full_clean()
    placement.save()
    match_set_state(
        candidate=candidate,
        employer=employer,
        state=MatchState.PLACED,
        by=by,
        opening=opening,
        outside_list_reason=outside_list_reason,
    )
    Candidate.objects.filter(pk=candidate.pk).update(state=CandidateState.PLACED)
    candidate.state = CandidateState.PLACED
    if employer.stage in (Stage.INTERESTED, Stage.OPEN):
        # "active" is the stage of an employer that has hosted a placement (DESIGN.md, Domain).
        employer_change_stage(employer=employer, by=by, stage=Stage.ACTIVE)
    AuditEntry.record(
        "candidates.placement.created",
        target=placement,
        actor=by,
        data={"employer": employer.pk, "method": method, "outside_list_reason": outside_list_reason},
    )
    return placement


@transaction.atomic
def placement_record_durable(*, placement: Placement, months: int, still_working: bool, by: AuthUser) -> Placement:
    """The guide answers the 6- or 12-month check: still working, yes or no."""
    _check_owner(placement.candidate, by)
    if months not in (6, 12):
        raise ValidationError({"months": _("The durable check is at 6 or 12 months.")})
    if timezone.localdate() < add_months(placement.start_date, months):
        raise ValidationError({"months": _("This check is not due yet.")})
    setattr(placement, f"durable_{months}m", still_working)
    setattr(placement, f"durable_{months}m_checked_at", timezone.now())
    placement.save(update_fields=[f"durable_{months}m", f"durable_{months}m_checked_at"])
    AuditEntry.record(
        "candidates.placement.durable_checked",
        target=placement,
        actor=by,
        data={"months": months, "still_working": still_working},
    )
    return placement


def durable_checks_due(today: date) -> list[tuple[int, int]]:
    """``[(placement id, months)]`` whose check is due and not yet prompted or answered."""
    due = []
    for months in (6, 12):
        rows = Placement.objects.filter(
            **{f"durable_{months}m__isnull": True, f"durable_{months}m_prompted_at__isnull": True},
            start_date__lte=add_months(today, -months),
        ).values_list("pk", flat=True)
        due.extend((pk, months) for pk in rows)
    return due


@transaction.atomic
def durable_check_prompt(*, placement_id: int, months: int) -> bool:
    """Open a follow-up for the guide to check the placement (claimed: once per check)."""
    from employers.services_contacts import followup_create

    claimed = Placement.objects.filter(
        pk=placement_id, **{f"durable_{months}m_prompted_at__isnull": True, f"durable_{months}m__isnull": True}
    ).update(**{f"durable_{months}m_prompted_at": timezone.now()})
    if not claimed:
        return False
    placement = Placement.objects.select_related("candidate__guide", "employer").get(pk=placement_id)
    guide = placement.candidate.guide
    note = _("%(months)d-month check of placement #%(id)d: still working?") % {"months": months, "id": placement.pk}
    if placement.employer is not None:
        try:
            with transaction.atomic():
                followup_create(
                    employer=placement.employer, owner=guide, due_date=timezone.localdate(), by=None, note=note
                )
        except ValidationError:
            pass  # an employer outside the guide's region: the placement page shows the check as due
    AuditEntry.record("candidates.placement.durable_check_due", target=placement, data={"months": months})
    return True


def anonymise_due(now: datetime | None = None) -> list[int]:
    """Candidates whose trajectory ended CANDIDATE_RETENTION_MONTHS or more ago, not yet anonymised."""
    today = timezone.localdate(now or timezone.now())
    cutoff = add_months(today, -settings.CANDIDATE_RETENTION_MONTHS)
    return list(
        Candidate.objects.filter(anonymised_at__isnull=True, trajectory_end__lte=cutoff).values_list("pk", flat=True)
    )


@transaction.atomic
def candidate_anonymise(*, candidate_id: int) -> bool:
    """Replace the pseudonym, clear the wishes and free text; keep region, dates and placements."""
    candidate = Candidate.objects.select_for_update().filter(pk=candidate_id, anonymised_at__isnull=True).first()
    if candidate is None:
        return False
    candidate.reference_code = f"ANON-{candidate.pk}"
    candidate.real_name = ""
    candidate.pc4 = "0000"
    candidate.sbi_sections = []
    candidate.work_kinds = []
    candidate.hours_min = candidate.hours_max = candidate.available_from = None
    candidate.disclosure_note = candidate.notes = ""
    candidate.anonymised_at = timezone.now()
    if candidate.state != CandidateState.PLACED:
        candidate.state = CandidateState.ENDED
    candidate.save()
    candidate.accommodations_needed.clear()
    Match.objects.filter(candidate=candidate).update(declined_reason="", reasons=[])
    MatchChange.objects.filter(match__candidate=candidate).update(reason="")
    AuditEntry.record("candidates.candidate.anonymised", target=candidate)
    return True
