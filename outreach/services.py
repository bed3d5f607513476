"""Every write of the outreach app: sessions, invitations, answers, attendance, and the outbox.

Services own their transaction; mail is only ever an ``OutboundEmail`` row created in that
transaction, and delivery is enqueued after commit (``outreach.delivery``). Views and the API
call these and turn ``ValidationError`` (field-keyed) into form or JSON errors.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import QuerySet

from employers.models import ContactPerson
from outreach.models import Event, Invitation


@dataclass(frozen=True)
class AudienceFilters:
    """Who to invite. Empty lists mean "no restriction" on that axis; ``persons`` adds
    hand-picked contact persons (always within the user's regions)."""

    regions: list[str] = field(default_factory=list)
    stages: list[str] = field(default_factory=list)
    sbi_sections: list[str] = field(default_factory=list)
    # Attended (or was invited to) any of these earlier sessions.
    attended_events: list[int] = field(default_factory=list)
    invited_events: list[int] = field(default_factory=list)
    persons: list[int] = field(default_factory=list)


class ExclusionReason:
    OPTED_OUT = "opted_out"
    DO_NOT_CONTACT = "do_not_contact"
    NO_EMAIL = "no_email"
    ALREADY_INVITED = "already_invited"


@dataclass
class AudiencePreview:
    """``included``: ContactPerson queryset that would be invited; ``excluded``: a list of
    ``(contact_person, reason)`` with ``reason`` one of ``ExclusionReason``."""

    included: QuerySet
    excluded: list[tuple[ContactPerson, str]]

    @property
    def count(self) -> int:
        return self.included.count()


# --- Sessions ---------------------------------------------------------------------------


def event_create(*, by: Any, region: Any, title: str, starts_at: datetime, ends_at: datetime, **fields: Any) -> Event:
    """Create a draft session (readable unique slug from the title and date). ``fields``: any
    of description, venue_name, venue_address, online_url, practical_info, capacity,
    linkedin_url, next_step, owner, speakers (list of dicts kind/name/bio). Audited."""
    raise NotImplementedError


def event_update(*, event: Event, by: Any, speakers: list[dict] | None = None, **changes: Any) -> Event:
    """Change a session. When a published session's time or place changes, SEQUENCE goes up
    and everyone who said yes gets an update mail (same calendar UID, key
    ``event-update:<event>:<seq>:<person>``). Cancelled or held sessions cannot be edited."""
    raise NotImplementedError


def event_publish(*, event: Event, by: Any, register_with_awvn: bool = False) -> Event:
    """Draft → published. With ``register_with_awvn`` every AWVN adviser gets the session with
    a calendar file (``awvn-registration:<event>:<user>``) and ``awvn_requested_at`` is set."""
    raise NotImplementedError


def event_register_awvn(*, event: Event, by: Any) -> Event:
    """Ask AWVN to register an already published session (same mail as at publish; once)."""
    raise NotImplementedError


def awvn_confirm(*, event: Event, by: Any, reference: str) -> Event:
    """The AWVN adviser confirms the registration with AWVN's reference (their only write)."""
    raise NotImplementedError


def event_cancel(*, event: Event, by: Any, reason: str = "") -> Event:
    """Published/draft → cancelled; a cancellation (METHOD:CANCEL, same UID, SEQUENCE+1) goes
    to everyone who said yes or is on the waitlist, or maybe."""
    raise NotImplementedError


def event_mark_held(*, event: Event, by: Any) -> Event:
    """Published → held (also done by the beat tick once the session has ended)."""
    raise NotImplementedError


# --- Audience and invitations -------------------------------------------------------------


def audience_preview(*, event: Event, by: Any, filters: AudienceFilters) -> AudiencePreview:
    """Who would be invited, and who is left out and why (opted out, do-not-contact employer,
    no e-mail address, already invited). Scoped to the user's regions. Sends nothing."""
    raise NotImplementedError


def invite(*, event: Event, by: Any, persons: Iterable[ContactPerson]) -> list[Invitation]:
    """Create invitations and their ``invite:<event>:<person>`` outbox rows in one transaction
    (persons already invited, opted out, do-not-contact or without e-mail are skipped), then
    deliver after commit. Only for a published session. Running it twice sends nothing new."""
    raise NotImplementedError


def invite_audience(*, event: Event, by: Any, filters: AudienceFilters) -> list[Invitation]:
    """``invite`` the ``included`` part of ``audience_preview``."""
    raise NotImplementedError


# --- Answers (public RSVP page) ------------------------------------------------------------


def invitation_for_token(token: str, purpose: str = "rsvp") -> Invitation | None:
    """The invitation behind a signed link of that purpose ("rsvp" or "unsubscribe"), or None
    when the link is tampered with, of another purpose, or no longer exists."""
    raise NotImplementedError


def rsvp_answer(
    *,
    invitation: Invitation,
    rsvp: str,
    people_count: int = 1,
    names: str = "",
    access_needs: str = "",
) -> Invitation:
    """Answer or change the answer until the session starts. Locks the event row: a yes takes
    a seat when there is room, else a waitlist place; leaving a seat offers it to the first on
    the waitlist (``waitlist-seat`` mail). Sends a transactional confirmation each time."""
    raise NotImplementedError


def unsubscribe(*, invitation: Invitation, source: str = "link") -> None:
    """Opt the contact person out of all outreach mail (idempotent; RFC 8058 one-click too)."""
    raise NotImplementedError


def request_fresh_link(*, email: str) -> int:
    """Mail a person their current personal links for upcoming sessions (at most once an hour
    per invitation); returns how many were queued. Never reveals whether the address is known."""
    raise NotImplementedError


# --- The day itself ---------------------------------------------------------------------


def attendance_mark(*, invitation: Invitation, by: Any, attended: bool) -> Invitation:
    """Check-in. Attended: a Contact (channel event, purpose event) on the employer's timeline
    and a follow-up for the employer's owning adviser (or ``by``). Idempotent."""
    raise NotImplementedError


def walk_in_add(*, event: Event, by: Any, contact_person: ContactPerson) -> Invitation:
    """Someone who came without an invitation: an attended walk-in invitation (no mail)."""
    raise NotImplementedError
