"""Knowledge sessions (kennissessies), who is invited and answered, and the outbox of their mail.

Times are stored in UTC and shown or computed in Europe/Amsterdam. Every message that must go
out is first an ``OutboundEmail`` row with a unique idempotency key; Celery only delivers rows.

By subject: ``events`` (sessions, speakers, calendar feeds), ``invitations`` (invitations,
answers, invitation rounds) and ``outbox`` (outgoing mail). Everything is re-exported here:
``outreach.models`` is the app's models module for Django and its import path for every caller.
"""

from outreach.models.events import (
    CalendarFeed,
    CalendarFeedQuerySet,
    Event,
    EventQuerySet,
    EventState,
    Speaker,
    SpeakerKind,
    SpeakerQuerySet,
    new_token,
)
from outreach.models.invitations import (
    Invitation,
    InvitationQuerySet,
    InvitationRound,
    InvitationRoundQuerySet,
    RoundState,
    Rsvp,
)
from outreach.models.outbox import (
    TRANSACTIONAL_KINDS,
    Bounce,
    EmailKind,
    EmailState,
    OutboundEmail,
    OutboundEmailQuerySet,
)
from outreach.models.registrations import Registration, RegistrationQuerySet
from outreach.models.speakers import POOL_READERS, PoolSpeaker, PoolSpeakerQuerySet

__all__ = [
    "POOL_READERS",
    "TRANSACTIONAL_KINDS",
    "Bounce",
    "CalendarFeed",
    "CalendarFeedQuerySet",
    "EmailKind",
    "EmailState",
    "Event",
    "EventQuerySet",
    "EventState",
    "Invitation",
    "InvitationQuerySet",
    "InvitationRound",
    "InvitationRoundQuerySet",
    "OutboundEmail",
    "OutboundEmailQuerySet",
    "PoolSpeaker",
    "PoolSpeakerQuerySet",
    "Registration",
    "RegistrationQuerySet",
    "RoundState",
    "Rsvp",
    "Speaker",
    "SpeakerKind",
    "SpeakerQuerySet",
    "new_token",
]
