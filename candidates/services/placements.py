"""Placements: record one (the match and the candidate become placed), and the 6- and
12-month durable checks (prompted by the daily beat, answered by the guide)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from candidates.durability import ended_early_q
from candidates.models import Candidate, CandidateState, EndReason, Match, MatchState, Method, Placement
from candidates.services.matches import _check_matchable, _check_owner, match_set_state
from crm.dates import add_months
from crm.models import AuditEntry
from crm.types import AuthUser
from employers.models import Employer, Opening, Stage
from employers.services import employer_change_stage


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
        trajectory=candidate.trajectories.filter(end_date__isnull=True).order_by("-start_date", "-id").first(),
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


@transaction.atomic
def placement_end(
    *, placement: Placement, end_date: date, end_reason: str, by: AuthUser, end_note: str = ""
) -> Placement:
    """The guide records that a placement ended: the date and a reason from the fixed list (a
    note beside "other", never health information). Durability follows from it, computed."""
    _check_owner(placement.candidate, by)
    if end_reason not in EndReason.values:
        raise ValidationError({"end_reason": _("Choose a reason from the list.")})
    if end_date < placement.start_date:
        raise ValidationError({"end_date": _("A placement cannot end before it started.")})
    placement.end_date, placement.end_reason, placement.end_note = end_date, end_reason, end_note.strip()[:300]
    placement.full_clean()
    placement.save(update_fields=["end_date", "end_reason", "end_note"])
    AuditEntry.record("candidates.placement.ended", target=placement, actor=by, data={"end_reason": end_reason})
    return placement


def durable_checks_due(today: date) -> list[tuple[int, int]]:
    """``[(placement id, months)]`` whose check is due and not yet prompted or answered."""
    due: list[tuple[int, int]] = []
    for months in (6, 12):
        rows = Placement.objects.filter(
            **{f"durable_{months}m__isnull": True, f"durable_{months}m_prompted_at__isnull": True},
            start_date__lte=add_months(today, -months),
        ).exclude(ended_early_q(months=months))  # ended before the mark: nothing to check
        due.extend((pk, months) for pk in rows.values_list("pk", flat=True))
    return due


@transaction.atomic
def durable_check_prompt(*, placement_id: int, months: int) -> bool:
    """Open a follow-up for the guide to check the placement (claimed: once per check)."""
    from employers.contacts.services import followup_create

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
