"""What a personal link does: find its invitation, unsubscribe (RFC 8058 one-click too), the
preferences page, and a fresh set of links by mail."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from crm.models import AuditEntry
from employers.models import ContactPerson
from employers.services_parts import contact_person_mail_preferences
from outreach import mail, outbox, tokens
from outreach.models import EmailKind, EventState, Invitation


def invitation_for_token(token: str, purpose: str = "rsvp") -> Invitation | None:
    """The invitation behind a signed link of that purpose ("rsvp" or "unsubscribe"), or None
    when the link is tampered with, of another purpose, or no longer exists."""
    raw = tokens.unsign(token, purpose)
    if raw is None:
        return None
    return (
        Invitation.objects.select_related("event__region", "event__owner", "contact_person__employer")
        .filter(token=raw)
        .first()
    )


@transaction.atomic
def unsubscribe(*, invitation: Invitation, source: str = "link") -> bool:
    """Opt the contact person out of all outreach mail (idempotent; RFC 8058 one-click too).
    Returns whether this call changed anything."""
    # employers owns the contact person's row: its service writes the opt-out.
    person, changed = contact_person_mail_preferences(
        contact_person=invitation.contact_person_id, subscribed=False, source=f"unsubscribe ({source})"
    )
    if changed:
        AuditEntry.record("outreach.person.unsubscribed", target=person, data={"source": source})
    invitation.contact_person = person
    return changed


@transaction.atomic
def preferences_update(*, invitation: Invitation, subscribed: bool, language: str) -> ContactPerson:
    """The preferences page: mail or no mail, and in which language."""
    person, changed = contact_person_mail_preferences(
        contact_person=invitation.contact_person_id, subscribed=subscribed, source="preferences page", language=language
    )
    if changed and subscribed:
        AuditEntry.record("outreach.person.resubscribed", target=person)
    elif changed:
        AuditEntry.record("outreach.person.unsubscribed", target=person, data={"source": "preferences"})
    return person


@transaction.atomic
def request_fresh_link(*, email: str) -> int:
    """Mail a person their personal links for sessions that have not started (at most once an
    hour per invitation); returns how many were queued. The page never says which."""
    email = (email or "").strip()
    if not email or "@" not in email:
        return 0
    hour = timezone.now().strftime("%Y%m%d%H")
    invitations = Invitation.objects.filter(
        contact_person__email__iexact=email, event__state=EventState.PUBLISHED, event__starts_at__gt=timezone.now()
    ).select_related("contact_person", "event")
    rows = [
        mail.invitation_row(inv, EmailKind.FRESH_LINK, f"fresh-link:{inv.pk}:{hour}", ics_method=None)
        for inv in invitations
    ]
    return len(outbox.store(rows))
