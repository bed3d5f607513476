""" "Toon onze organisatie als deelnemer": social proof on a session's public page, by consent.

Off by default. A registrant ticks it on the form (stored on the registration with when, and
carried to the invitation when the registration is confirmed); anyone answering yes may give
or withdraw it on their personal RSVP page. Each change is audited on the contact person, so
the data-subject export lists it beside the other consents. The public page shows the names
of the organisations only (nothing about a person), of invitations that hold a seat, whose
person is not erased and, once attendance is marked, did attend.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from crm.models import AuditEntry
from outreach.models import Event, Invitation, Rsvp


def _record(invitation: Invitation, shown: bool) -> None:
    action = "outreach.participant.shown" if shown else "outreach.participant.withdrawn"
    AuditEntry.record(action, target=invitation.contact_person, data={"event": invitation.event_id})


@transaction.atomic
def show_organisation_set(*, invitation: Invitation, show: bool, at: datetime | None = None) -> Invitation:
    """Give (``show``) or withdraw the consent; ``at`` is when it was given (a registration's
    tick, carried over on confirmation), else now. Giving it twice keeps the first moment."""
    if show:
        changed = Invitation.objects.filter(pk=invitation.pk, show_organisation_at__isnull=True).update(
            show_organisation_at=at or timezone.now()
        )
    else:
        changed = Invitation.objects.filter(pk=invitation.pk, show_organisation_at__isnull=False).update(
            show_organisation_at=None
        )
    if changed:
        _record(invitation, show)
    invitation.refresh_from_db(fields=["show_organisation_at"])
    return invitation


def shown_participants(event: Event) -> list[str]:
    """The organisation names the public page lists (sorted, each once)."""
    rows = (
        Invitation.objects.filter(
            event=event,
            show_organisation_at__isnull=False,
            rsvp=Rsvp.YES,
            waitlist_position__isnull=True,
            contact_person__erased_at__isnull=True,
        )
        .exclude(attended=False)
        .values_list("contact_person__employer__trade_name", "contact_person__employer__legal_name")
    )
    return sorted({trade or legal for trade, legal in rows if trade or legal}, key=str.casefold)
