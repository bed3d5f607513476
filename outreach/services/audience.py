"""Who an invitation round would reach, and who is left out and why. Reads only."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy

from employers.models import ContactPerson, Employer
from outreach.models import Event, Invitation

if TYPE_CHECKING:
    from crm.types import AuthUser


@dataclass(frozen=True)
class AudienceFilters:
    """Who to invite. Empty lists mean "no restriction" on that axis; at least one axis or
    ``persons`` must be given. ``persons`` adds hand-picked contact persons."""

    regions: list[str] = field(default_factory=list)
    stages: list[str] = field(default_factory=list)
    sbi_sections: list[str] = field(default_factory=list)
    # Employers in any of these named networks (``employers.Network``, of the user's regions).
    networks: list[int] = field(default_factory=list)
    # Employers carrying any of these tags (normalised as employers store them: lower case).
    tags: list[str] = field(default_factory=list)
    # Attended (or was invited to) any of these earlier sessions.
    attended_events: list[int] = field(default_factory=list)
    invited_events: list[int] = field(default_factory=list)
    persons: list[int] = field(default_factory=list)

    @property
    def has_criteria(self) -> bool:
        return bool(
            self.regions
            or self.stages
            or self.sbi_sections
            or self.networks
            or self.tags
            or self.attended_events
            or self.invited_events
        )


class ExclusionReason(models.TextChoices):
    """Why a contact person matching the filters is left out (shown in the audience preview)."""

    OPTED_OUT = "opted_out", gettext_lazy("Opted out of mail")
    DO_NOT_CONTACT = "do_not_contact", gettext_lazy("Employer is marked do-not-contact")
    NO_EMAIL = "no_email", gettext_lazy("No e-mail address")
    EMAIL_INVALID = "email_invalid", gettext_lazy("E-mail address bounced")
    ALREADY_INVITED = "already_invited", gettext_lazy("Already invited")


@dataclass
class AudiencePreview:
    """``included``: ContactPerson queryset that would be invited; ``excluded``: a list of
    ``(contact_person, reason)`` with ``reason`` one of ``ExclusionReason``."""

    included: QuerySet
    excluded: list[tuple[ContactPerson, str]]

    @property
    def count(self) -> int:
        return self.included.count()


def _candidates(event: Event, by: AuthUser, filters: AudienceFilters) -> QuerySet:
    """Contact persons in the user's regions matching the filters, or hand-picked."""
    base = ContactPerson.objects.invitable_by(by)
    match = Q(pk__in=[])
    if filters.has_criteria:
        match = Q()
        if filters.regions:
            match &= Q(employer__region__in=filters.regions)
        if filters.stages:
            match &= Q(employer__stage__in=filters.stages)
        if filters.sbi_sections:
            match &= Q(employer__sbi_section__in=filters.sbi_sections)
        if filters.networks:  # a subquery: a person's employer in two of them is still one person
            members = Employer.networks.through.objects.filter(network__in=filters.networks).values("employer_id")
            match &= Q(employer__in=members)
        if filters.tags:
            match &= Q(employer__tags__overlap=list(filters.tags))
        if filters.attended_events:
            match &= Q(
                Exists(
                    Invitation.objects.filter(
                        contact_person=OuterRef("pk"), event__in=filters.attended_events, attended=True
                    )
                )
            )
        if filters.invited_events:
            match &= Q(
                Exists(Invitation.objects.filter(contact_person=OuterRef("pk"), event__in=filters.invited_events))
            )
    if filters.persons:
        match |= Q(pk__in=filters.persons)
    return base.filter(match)


def audience_preview(*, event: Event, by: AuthUser, filters: AudienceFilters) -> AudiencePreview:
    """Who would be invited, and who is left out and why (opted out, do-not-contact employer,
    no e-mail address, already invited). Scoped to the user's regions. Sends nothing."""
    candidates = _candidates(event, by, filters).annotate(
        already=Exists(Invitation.objects.filter(event=event, contact_person=OuterRef("pk")))
    )
    ok = Q(opted_out_at__isnull=True, employer__do_not_contact=False, email_invalid_at__isnull=True, already=False)
    ok &= ~Q(email="")
    included = candidates.filter(ok).select_related("employer").order_by("employer__legal_name", "name", "pk")
    excluded: list[tuple[ContactPerson, str]] = []
    for person in candidates.exclude(ok).select_related("employer").order_by("employer__legal_name", "name", "pk"):
        if person.already:
            reason = ExclusionReason.ALREADY_INVITED
        elif person.opted_out_at is not None:
            reason = ExclusionReason.OPTED_OUT
        elif person.employer.do_not_contact:
            reason = ExclusionReason.DO_NOT_CONTACT
        elif person.email_invalid_at is not None and person.email:
            reason = ExclusionReason.EMAIL_INVALID
        else:
            reason = ExclusionReason.NO_EMAIL
        excluded.append((person, reason))
    return AudiencePreview(included=included, excluded=excluded)
