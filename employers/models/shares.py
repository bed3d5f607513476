"""National employers (key accounts): one employer record shared with other regions.

The employer's own region and owner stay the lead (stage and owner are theirs); each other region
that works with it is an ``EmployerShare`` row, first ``requested`` (from the KvK duplicate
message), then ``accepted`` or ``declined`` by the lead's owner or a coordinator of the lead
region. An accepted region sees the employer and every contact person, contact and opening on
it, and writes only its own rows (``region`` on those rows, ``crm.scoping``).
"""

from __future__ import annotations

from typing import Any, Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from crm.models import Region
from crm.scoping import RegionScopedQuerySet


class ShareState(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class EmployerShareQuerySet(RegionScopedQuerySet):
    """Written (asked) by the participating region; read by it and by the lead region, which
    decides (``employers.shares``)."""

    region_path = "region"

    def _seen_in(self, codes: set[str]) -> EmployerShareQuerySet:
        mine = sorted(codes)
        return self.filter(Q(region_id__in=mine) | Q(employer__region_id__in=mine))

    def accepted(self) -> EmployerShareQuerySet:
        return self.filter(state=ShareState.ACCEPTED)


class EmployerShare(models.Model):
    employer = models.ForeignKey(
        "employers.Employer", on_delete=models.CASCADE, related_name="shares", verbose_name=_("employer")
    )
    region = models.ForeignKey(
        Region, on_delete=models.CASCADE, related_name="employer_shares", verbose_name=_("participating region")
    )
    state = models.CharField(_("state"), max_length=10, choices=ShareState.choices, default=ShareState.REQUESTED)
    note = models.CharField(_("why this region wants to take part"), max_length=300, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    objects = EmployerShareQuerySet.as_manager()

    class Meta:
        ordering = ["region_id", "id"]
        verbose_name = _("participating region")
        verbose_name_plural = _("participating regions")
        constraints = [
            models.UniqueConstraint(fields=["employer", "region"], name="one_share_per_employer_region"),
            models.CheckConstraint(
                condition=Q(state="requested") | Q(decided_at__isnull=False), name="share_decided_at_when_decided"
            ),
        ]
        indexes = [
            # visible_to: "the employers shared with these regions" is an index-only scan.
            models.Index(fields=["region", "employer"], condition=Q(state="accepted"), name="share_accepted_region"),
            # The list's "shared with" column per row: without it the planner walked the index
            # above (region first) for every row, 0.15 ms a row (issue 22).
            models.Index(fields=["employer", "region"], condition=Q(state="accepted"), name="share_accepted_employer"),
        ]

    def __str__(self) -> str:
        return f"{self.employer_id} · {self.region_id} ({self.state})"


# --- The scoping of shared employers (crm.scoping's hooks; the querysets in .network use them) --


def shared_with(codes: set[str]) -> models.QuerySet:
    """The ids of the employers other regions share with ``codes`` (accepted shares only)."""
    return EmployerShare.objects.filter(state=ShareState.ACCEPTED, region_id__in=sorted(codes)).values("employer_id")


class EmployerPartQuerySet(RegionScopedQuerySet):
    """An employer's contact persons, contacts and openings: read by every region that sees the
    employer (its lead and the regions it is shared with), written by the region the row belongs
    to (``region``; empty for the lead region's own rows, so they follow the employer)."""

    region_path = "employer__region"

    def _in_regions(self, codes: set[str]) -> Self:
        mine = sorted(codes)
        return self.filter(Q(region_id__in=mine) | Q(region__isnull=True, employer__region_id__in=mine))

    def _seen_in(self, codes: set[str]) -> Self:
        return self.filter(Q(employer__region_id__in=sorted(codes)) | Q(employer_id__in_array=shared_with(codes)))


def part_region_field() -> Any:
    """``region`` on a contact person, contact or opening: the participating region that keeps the
    row on a national employer; empty for the lead region's own rows (``EmployerPartQuerySet``)."""
    return models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, editable=False, related_name="+",
        verbose_name=_("region"),
    )  # fmt: skip
