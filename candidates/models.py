"""Candidates (guide-owned, pseudonymised), their matches with employers, and placements.

Privacy first: there is no field for a diagnosis or any health data, and there never will be.
Free-text fields carry a visible warning in every form. Only the owning guide reads and writes a
candidate; the region's coordinator reads (without the real name). Every read of a candidate's
page or API record leaves a ``CandidateAccess`` row (who, when, what).
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Self

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.fields import PLACEMENT_DATES, TRAJECTORY_DATES, date_range
from crm.models import Region, Role
from crm.scoping import RegionScopedQuerySet, region_codes
from employers.models import Accommodation, Employer, Opening

if TYPE_CHECKING:
    from crm.types import AuthUser

CANDIDATE_READ = frozenset({Role.GUIDE, Role.COORDINATOR})
CANDIDATE_WRITE = frozenset({Role.GUIDE})

HEALTH_WARNING = _("Never enter a diagnosis or any health information here: write only what matters for work.")

# Alphabet without look-alikes (0/O, 1/I/L), so a code can be read out on the phone.
_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_reference_code(region_code: str) -> str:
    return f"{region_code}-" + "".join(secrets.choice(_CODE_ALPHABET) for _ in range(6))


class CandidateState(models.TextChoices):
    SEARCHING = "searching", _("Searching")
    MATCHED = "matched", _("Matched")
    PLACED = "placed", _("Placed")
    ENDED = "ended", _("Ended")


class Disclosure(models.TextChoices):
    NOTHING = "nothing", _("Nothing: the employer is not told that there is support")
    SUPPORT_ONLY = "support_only", _("Only that the candidate gets job support")
    AGREED_TEXT = "agreed_text", _("What the candidate agreed to share (see the note)")


class CandidateQuerySet(RegionScopedQuerySet):
    """Not the network rule: only the owning guide, and the region's coordinator (read-only).
    The rule lives here, beside the model, because it names the guide (``guide=user``), which the
    region-only rule of ``crm.scoping`` cannot say; it is still a ``RegionScopedQuerySet``."""

    read_roles = CANDIDATE_READ
    write_roles = CANDIDATE_WRITE

    def visible_to(self, user: AuthUser) -> Self:
        if not getattr(user, "is_authenticated", False):
            return self.none()
        guide_regions = sorted(region_codes(user, {Role.GUIDE}))
        coordinator_regions = sorted(region_codes(user, {Role.COORDINATOR}))
        if not guide_regions and not coordinator_regions:
            return self.none()
        return self.filter(Q(guide=user, region__in=guide_regions) | Q(region__in=coordinator_regions))

    def editable_by(self, user: AuthUser) -> Self:
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(guide=user, region__in=sorted(region_codes(user, {Role.GUIDE})))


class Candidate(models.Model):
    guide = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="candidates", verbose_name=_("guide")
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="candidates", verbose_name=_("region"))
    reference_code = models.CharField(_("reference code"), max_length=20, unique=True)
    real_name = models.CharField(
        _("real name"), max_length=200, blank=True, help_text=_("Optional. Only you see it, nobody else.")
    )
    pc4 = models.CharField(
        _("postcode (4 digits)"),
        max_length=4,
        validators=[RegexValidator(r"^[0-9]{4}$", _("Give only the 4 digits of the postcode, for example 1012."))],
    )
    sbi_sections = models.JSONField(_("sectors wished"), default=list, blank=True)
    work_kinds = models.JSONField(_("kinds of work"), default=list, blank=True)
    hours_min = models.PositiveSmallIntegerField(
        _("hours per week (min)"), null=True, blank=True, validators=[MaxValueValidator(60)]
    )
    hours_max = models.PositiveSmallIntegerField(
        _("hours per week (max)"), null=True, blank=True, validators=[MaxValueValidator(60)]
    )
    max_travel_km = models.PositiveSmallIntegerField(
        _("maximum travel distance (km)"), default=15, validators=[MinValueValidator(1), MaxValueValidator(200)]
    )
    accommodations_needed = models.ManyToManyField(
        Accommodation, blank=True, related_name="candidates", verbose_name=_("accommodations needed")
    )
    available_from = models.DateField(
        _("can start from"), null=True, blank=True, validators=[date_range(TRAJECTORY_DATES)]
    )
    disclosure = models.CharField(
        _("what the employer may be told"), max_length=20, choices=Disclosure.choices, default=Disclosure.SUPPORT_ONLY
    )
    disclosure_note = models.TextField(_("agreed wording for the employer"), blank=True, help_text=HEALTH_WARNING)
    notes = models.TextField(_("notes about work"), blank=True, help_text=HEALTH_WARNING)
    state = models.CharField(
        _("state"), max_length=10, choices=CandidateState.choices, default=CandidateState.SEARCHING
    )
    trajectory_start = models.DateField(
        _("trajectory start"), default=timezone.localdate, validators=[date_range(TRAJECTORY_DATES)]
    )
    trajectory_end = models.DateField(
        _("trajectory end"), null=True, blank=True, validators=[date_range(TRAJECTORY_DATES)]
    )
    # In the trajectories' range like the dates above: a year-996 moment was stored before, and
    # answered with Amsterdam's local-mean-time offset (+00:19:32), which is not RFC 3339.
    consent_recorded_at = models.DateTimeField(
        _("consent recorded at"), null=True, blank=True, validators=[date_range(TRAJECTORY_DATES)]
    )
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CandidateQuerySet.as_manager()

    class Meta:
        ordering = ["reference_code"]
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        indexes = [
            models.Index(fields=["guide", "state"], name="candidate_guide_state"),
            models.Index(fields=["trajectory_end"], name="candidate_trajectory_end"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(pc4__regex=r"^[0-9]{4}$"), name="candidate_pc4_four_digits"),
            models.CheckConstraint(
                condition=Q(hours_min__isnull=True)
                | Q(hours_max__isnull=True)
                | Q(hours_min__lte=models.F("hours_max")),
                name="candidate_hours_min_le_max",
            ),
            models.CheckConstraint(
                condition=Q(trajectory_end__isnull=True) | Q(trajectory_end__gte=models.F("trajectory_start")),
                name="candidate_trajectory_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.reference_code

    @property
    def is_anonymised(self) -> bool:
        return self.anonymised_at is not None


class CandidateAccess(models.Model):
    """Who read which candidate, when, and through what (a page or an API record)."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="accesses")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(_("at"), auto_now_add=True)
    what = models.CharField(_("what"), max_length=60)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("candidate access")
        verbose_name_plural = _("candidate accesses")
        indexes = [models.Index(fields=["candidate", "-at"], name="candidate_access_when")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_id} {self.what} {self.candidate_id}"


class MatchState(models.TextChoices):
    SUGGESTED = "suggested", _("Suggested")
    APPROACHED = "approached", _("Approached")
    INTERVIEW = "interview", _("Interview")
    TRIAL = "trial", _("Trial placement")
    PLACED = "placed", _("Placed")
    DECLINED = "declined", _("Declined")


class _ViaCandidateQuerySet(models.QuerySet):
    """Matches, placements and trajectories are as visible as their candidate."""

    def visible_to(self, user: AuthUser) -> Self:
        return self.filter(candidate__in=Candidate.objects.visible_to(user).values("pk"))

    def editable_by(self, user: AuthUser) -> Self:
        return self.filter(candidate__in=Candidate.objects.editable_by(user).values("pk"))


class Match(models.Model):
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="matches")
    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="+", verbose_name=_("employer"))
    opening = models.ForeignKey(
        Opening, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("opening")
    )
    state = models.CharField(_("state"), max_length=10, choices=MatchState.choices, default=MatchState.SUGGESTED)
    declined_reason = models.CharField(_("reason"), max_length=300, blank=True)
    # Why the guide matched an employer that the candidate's ranked list could not contain (out of
    # reach, not in a matchable stage); empty for a match from the list. Kept in the audit entry.
    outside_list_reason = models.CharField(_("reason outside the list"), max_length=300, blank=True)
    score = models.FloatField(_("score"), null=True, blank=True)
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    # Claimed by the warm-introduction task before it mails, so the adviser hears it once.
    intro_notified_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = _ViaCandidateQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("match")
        verbose_name_plural = _("matches")
        constraints = [models.UniqueConstraint(fields=["candidate", "employer"], name="one_match_per_employer")]

    def __str__(self) -> str:
        return f"{self.candidate_id} x {self.employer_id}: {self.state}"


class MatchChange(models.Model):
    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="changes")
    from_state = models.CharField(_("from"), max_length=10, choices=MatchState.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=10, choices=MatchState.choices)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("match change")
        verbose_name_plural = _("match changes")

    def __str__(self) -> str:
        return f"{self.match_id}: {self.from_state or '-'} -> {self.to_state}"


class Method(models.TextChoices):
    IPS = "ips", _("IPS")
    JOBCOACHING = "jobcoaching", _("Job coaching")
    WERK_ALS_BESTE_ZORG = "werk_als_beste_zorg", _("Werk als beste zorg")
    OTHER = "other", _("Other")


class Outcome(models.TextChoices):
    """How a trajectory ended, as the programme counts it. Never a health reason."""

    DURABLE_WORK = "durable_work", _("Durable work")
    WORK_NOT_DURABLE = "work_not_durable", _("Work, not durable")
    EDUCATION = "education", _("Education")
    STOPPED = "stopped", _("Stopped")
    MOVED = "moved", _("Moved")


class Trajectory(models.Model):
    """A candidate's trajectory as the programme measures it: method, start, guide, end and
    outcome. Whether it ended in *durable* work is computed from its placements (see
    ``candidates.durability``), never typed in."""

    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="trajectories")
    method = models.CharField(_("method"), max_length=20, choices=Method.choices, default=Method.IPS)
    start_date = models.DateField(_("start date"), validators=[date_range(TRAJECTORY_DATES)])
    guide = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="trajectories",
        verbose_name=_("guide"),
    )
    end_date = models.DateField(_("end date"), null=True, blank=True, validators=[date_range(TRAJECTORY_DATES)])
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = _ViaCandidateQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "-id"]
        verbose_name = _("trajectory")
        verbose_name_plural = _("trajectories")
        indexes = [models.Index(fields=["start_date"], name="trajectory_start")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")), name="trajectory_end_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.candidate_id} {self.method} from {self.start_date}"


class EndReason(models.TextChoices):
    CONTRACT_ENDED = "contract_ended", _("Contract ended")
    RESIGNED = "resigned", _("Resigned")
    DISMISSED = "dismissed", _("Dismissed")
    EMPLOYER_CLOSED = "employer_closed", _("Employer closed")
    OTHER = "other", _("Other")


class Placement(models.Model):
    """Kept when the candidate is anonymised: placements count toward the region's target."""

    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="placements")
    employer = models.ForeignKey(
        Employer, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("employer")
    )
    opening = models.ForeignKey(
        Opening, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("opening")
    )
    start_date = models.DateField(_("start date"), validators=[date_range(PLACEMENT_DATES)])
    hours_per_week = models.PositiveSmallIntegerField(
        _("hours per week"), validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    method = models.CharField(_("method"), max_length=20, choices=Method.choices, default=Method.IPS)
    durable_6m = models.BooleanField(_("still working after 6 months"), null=True, blank=True)
    durable_6m_checked_at = models.DateTimeField(_("6-month check at"), null=True, blank=True)
    durable_6m_prompted_at = models.DateTimeField(null=True, blank=True)
    durable_12m = models.BooleanField(_("still working after 12 months"), null=True, blank=True)
    durable_12m_checked_at = models.DateTimeField(_("12-month check at"), null=True, blank=True)
    durable_12m_prompted_at = models.DateTimeField(null=True, blank=True)
    trajectory = models.ForeignKey(
        Trajectory,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="placements",
        verbose_name=_("trajectory"),
    )
    end_date = models.DateField(_("end date"), null=True, blank=True, validators=[date_range(PLACEMENT_DATES)])
    end_reason = models.CharField(_("end reason"), max_length=20, choices=EndReason.choices, blank=True)
    end_note = models.CharField(_("end note"), max_length=300, blank=True, help_text=HEALTH_WARNING)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = _ViaCandidateQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "-id"]
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        indexes = [models.Index(fields=["start_date"], name="placement_start")]

    def __str__(self) -> str:
        return f"{self.candidate_id} @ {self.employer_id} from {self.start_date}"


class CandidateContact(models.Model):
    """An employer contact that a guide made *for* one of their own candidates (IPS job
    development for that person). It lives with the candidate, behind the privacy wall: the
    contact log (``employers``) knows nothing of it; a contact without a link is general job
    development. One contact may be for several candidates (``candidates.services.contacts``)."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="employer_contacts")
    contact = models.ForeignKey(
        "employers.Contact", on_delete=models.CASCADE, related_name="+", verbose_name=_("contact")
    )
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    linked_at = models.DateTimeField(auto_now_add=True)

    objects = _ViaCandidateQuerySet.as_manager()

    class Meta:
        ordering = ["-linked_at", "-id"]
        verbose_name = _("contact for a candidate")
        verbose_name_plural = _("contacts for candidates")
        constraints = [models.UniqueConstraint(fields=["candidate", "contact"], name="one_link_per_candidate_contact")]

    def __str__(self) -> str:
        return f"{self.contact_id} for {self.candidate_id}"
