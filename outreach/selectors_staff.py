"""Reads of the staff pages and the API: session lists with their counts, and the audience
picker's translation of form fields into ``AudienceFilters`` (plus "never attended")."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Case, CharField, Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.utils import timezone

from crm.models import Region, Role
from crm.scoping import has_role
from employers.models import ContactPerson
from outreach.models import Bounce, EmailKind, EmailState, Event, Invitation, OutboundEmail, Rsvp
from outreach.services.audience import AudienceFilters, AudiencePreview, audience_preview

if TYPE_CHECKING:
    from crm.types import AuthUser

# Above this many people, invitations are created in a Celery task (each personal message
# takes a few milliseconds to render): the page or API answers at once.
INVITE_IN_REQUEST_MAX = 200

# Ids never used by a row: "attended one of these" with no earlier sessions matches nobody.
_NO_EVENT = 0


def staff_events(user: AuthUser) -> QuerySet[Event]:
    """Sessions a user organises: their adviser/coordinator regions (guides see none)."""
    return Event.objects.editable_by(user).select_related("region")


def api_events(user: AuthUser) -> QuerySet[Event]:
    """The API adds every region's sessions, read-only, for the AWVN adviser: the ones the
    national agenda shows (not drafts, which stay with their own region's organisers)."""
    if has_role(user, {Role.AWVN}):
        national = Event.objects.visible_to(user).public().values("pk")
        return Event.objects.filter(
            Q(pk__in=national) | Q(pk__in=Event.objects.editable_by(user).values("pk"))
        ).select_related("region")
    return staff_events(user)


def with_counts(events: QuerySet[Event]) -> QuerySet[Event]:
    return events.annotate(
        invited_count=Count("invitations"),
        yes_count=Count("invitations", filter=Q(invitations__rsvp=Rsvp.YES, invitations__waitlist_position=None)),
        waitlist_count=Count("invitations", filter=Q(invitations__rsvp=Rsvp.YES, invitations__waitlist_position__gt=0)),
        attended_count=Count("invitations", filter=Q(invitations__attended=True)),
    )


def upcoming_or_past(events: QuerySet[Event], past: bool) -> QuerySet[Event]:
    now = timezone.now()
    if past:
        return events.filter(ends_at__lt=now).order_by("-starts_at", "-id")
    return events.filter(ends_at__gte=now).order_by("starts_at", "id")


def invite_state_subquery() -> Any:
    """The invitation mail's state, or ``bounced`` once it bounced for good (outreach.bounces)."""
    state = Case(When(bounce=Bounce.HARD, then=Value("bounced")), default=F("state"), output_field=CharField())
    rows = OutboundEmail.objects.filter(invitation=OuterRef("pk"), kind=EmailKind.INVITE)
    return Subquery(rows.annotate(shown=state).values("shown")[:1])


def event_invitations(event: Event) -> QuerySet[Invitation]:
    return (
        event.invitations.select_related("contact_person__employer")
        .annotate(invite_state=invite_state_subquery())
        .order_by("contact_person__employer__legal_name", "contact_person__name", "id")
    )


def event_emails(event: Event) -> QuerySet[OutboundEmail]:
    """Failed rows first (they need attention), then the newest."""
    failed_first = Q(state=EmailState.FAILED)
    return event.emails.annotate(is_failed=failed_first).order_by("-is_failed", "-created_at", "-id")


@dataclass
class Audience:
    filters: AudienceFilters
    preview: AudiencePreview
    included: QuerySet[ContactPerson]

    @property
    def count(self) -> int:
        return self.included.count()


def audience(
    *,
    event: Event,
    by: AuthUser,
    regions: list[str],
    stages: list[str],
    sbi_sections: list[str],
    networks: list[int] | None = None,
    tags: list[str] | None = None,
    attendance: str = "",
    earlier_event: int | None = None,
    persons: list[int] | None = None,
) -> Audience:
    """``attendance``: "" (anyone), "attended" (an earlier session, or ``earlier_event``) or
    "never" (never attended any session). Hand-picked ``persons`` are always kept."""
    persons = list(persons or [])
    codes = list(Region.objects.writable_by(by).values_list("code", flat=True))
    attended_events: list[int] = []
    if attendance == "attended":
        if earlier_event:
            attended_events = [earlier_event]
        else:
            earlier = Event.objects.editable_by(by).filter(invitations__attended=True).exclude(pk=event.pk)
            attended_events = list(earlier.values_list("pk", flat=True).distinct()) or [_NO_EVENT]
    networks, tags = list(networks or []), list(tags or [])
    if attendance == "never" and not (regions or stages or sbi_sections or networks or tags):
        regions = codes  # "never attended" on its own: everyone in my regions who never came
    filters = AudienceFilters(
        regions=list(regions),
        stages=list(stages),
        sbi_sections=list(sbi_sections),
        networks=networks,
        tags=tags,
        attended_events=attended_events,
        persons=persons,
    )
    preview = audience_preview(event=event, by=by, filters=filters)
    included = preview.included
    if attendance == "never":
        came = Invitation.objects.filter(contact_person=OuterRef("pk"), attended=True)
        included = included.filter(Q(~Exists(came)) | Q(pk__in=persons))
    return Audience(filters=filters, preview=preview, included=included)
