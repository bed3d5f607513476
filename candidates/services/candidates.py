"""The candidate's record: create and change it (the owning guide only), log each read, and
anonymise it when the retention period has passed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from candidates.models import Candidate, CandidateAccess, CandidateState, Match, MatchChange, new_reference_code
from crm.dates import add_months
from crm.models import AuditEntry, Role
from crm.scoping import region_codes
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
