"""Matches: which employers a candidate may be matched with, the moves of a match (each kept
as history), and the warm introduction to another region's employer."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from candidates.matching_data import areas_in_reach, candidate_wishes, pc4_runs, reach_q
from candidates.models import Candidate, CandidateState, Match, MatchChange, MatchState
from candidates.queue import enqueue_on_commit
from crm.models import AuditEntry
from crm.types import AuthUser
from employers.models import Employer, Opening, OpeningState


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
    return Employer.objects.active().filter(allowed)  # an archived employer is out of matching


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
    from employers.contacts.services import followup_create

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
    enqueue_on_commit("candidates.tasks.send_warm_intro", match.pk, by.pk)
