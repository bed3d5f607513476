"""Trajectories as the programme counts them: a guide starts one for a candidate (method,
start) and ends it (date, outcome). Whether it ended in *durable* work is never typed in: the
outcome is what the guide saw, the durable count comes from the placements (``durability``).

The candidate's own ``trajectory_start`` / ``trajectory_end`` follow the latest trajectory, so
retention (``anonymise_due``) keeps counting from the end of the last one.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from candidates.models import Candidate, Method, Outcome, Trajectory
from candidates.services.matches import _check_owner
from crm.models import AuditEntry
from crm.types import AuthUser


def _locked(candidate: Candidate) -> Candidate:
    # One trajectory open at a time: two starts at once must not both see "none open".
    return Candidate.objects.select_for_update().get(pk=candidate.pk)


@transaction.atomic
def trajectory_start(*, candidate: Candidate, start_date: date, by: AuthUser, method: str = Method.IPS) -> Trajectory:
    """Start a new trajectory; refused while another one is still open."""
    _check_owner(candidate, by)
    candidate = _locked(candidate)
    if candidate.is_anonymised:
        raise ValidationError(_("This candidate has been anonymised."))
    if method not in Method.values:
        raise ValidationError({"method": _("Choose a method from the list.")})
    if candidate.trajectories.filter(end_date__isnull=True).exists():
        raise ValidationError(_("End the current trajectory before you start a new one."))
    last = candidate.trajectories.order_by("-end_date").first()
    if last is not None and last.end_date is not None and start_date < last.end_date:
        raise ValidationError({"start_date": _("A new trajectory starts after the previous one ended.")})
    trajectory = Trajectory(candidate=candidate, method=method, start_date=start_date, guide=by)
    trajectory.full_clean()
    trajectory.save()
    Candidate.objects.filter(pk=candidate.pk).update(trajectory_start=start_date, trajectory_end=None)
    AuditEntry.record("candidates.trajectory.started", target=trajectory, actor=by, data={"method": method})
    return trajectory


@transaction.atomic
def trajectory_end(*, trajectory: Trajectory, end_date: date, outcome: str, by: AuthUser) -> Trajectory:
    """End an open trajectory with its outcome (a fixed list: never a health reason)."""
    _check_owner(trajectory.candidate, by)
    candidate = _locked(trajectory.candidate)
    trajectory = Trajectory.objects.select_for_update().get(pk=trajectory.pk)
    if trajectory.end_date is not None:
        raise ValidationError(_("This trajectory has already ended."))
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": _("Choose an outcome from the list.")})
    if end_date < trajectory.start_date:
        raise ValidationError({"end_date": _("A trajectory cannot end before it started.")})
    trajectory.end_date, trajectory.outcome = end_date, outcome
    trajectory.full_clean()
    trajectory.save(update_fields=["end_date", "outcome"])
    if not candidate.trajectories.filter(end_date__isnull=True).exists():
        Candidate.objects.filter(pk=candidate.pk).update(trajectory_end=end_date)
    AuditEntry.record("candidates.trajectory.ended", target=trajectory, actor=by, data={"outcome": outcome})
    return trajectory
