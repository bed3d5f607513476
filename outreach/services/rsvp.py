"""Answers on the public RSVP page, seats and the waitlist (each seat decision under the event's
row lock)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.models import AuditEntry
from outreach import mail, outbox
from outreach.models import EmailKind, Event, EventState, Invitation, OutboundEmail, Rsvp

MAX_PEOPLE_PER_ANSWER = 10


def seats_taken(event: Event, exclude: Invitation | None = None) -> int:
    taken = event.invitations.confirmed()
    if exclude is not None:
        taken = taken.exclude(pk=exclude.pk)
    return taken.aggregate(n=Sum("people_count"))["n"] or 0


def seats_free(event: Event, exclude: Invitation | None = None) -> int | None:
    """None when there is no limit."""
    if event.capacity is None:
        return None
    return max(event.capacity - seats_taken(event, exclude), 0)


def _fits(event: Event, invitation: Invitation) -> bool:
    free = seats_free(event, exclude=invitation)
    return free is None or invitation.people_count <= free


def _next_key(kind: str, invitation: Invitation) -> str:
    """Answers and offers can repeat: number them per invitation (under the invitation's lock)."""
    n = OutboundEmail.objects.filter(invitation=invitation, kind=kind).count() + 1
    return f"{kind}:{invitation.event_id}:{invitation.contact_person_id}:{n}"


def _check_answer(rsvp: str, people_count: int, names: str, access_needs: str) -> None:
    if rsvp not in (Rsvp.YES, Rsvp.NO, Rsvp.MAYBE):
        raise ValidationError({"rsvp": _("Choose yes, no or maybe.")})
    if not 1 <= people_count <= MAX_PEOPLE_PER_ANSWER:
        raise ValidationError(
            {"people_count": _("Between 1 and %(max)d people, please.") % {"max": MAX_PEOPLE_PER_ANSWER}}
        )
    if len(names) > 2000 or len(access_needs) > 2000:
        raise ValidationError({"names": _("That is too long; please keep it shorter.")})


@transaction.atomic
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
    _check_answer(rsvp, people_count, names, access_needs)
    # The event row is the lock every seat decision of this session queues behind.
    event = Event.objects.select_for_update().get(pk=invitation.event_id)
    inv = Invitation.objects.select_for_update().select_related("contact_person").get(pk=invitation.pk)
    inv.event = event
    if event.state != EventState.PUBLISHED or event.has_started():
        raise ValidationError(_("Answers can no longer be changed for this session."))
    had_seat, old_count = inv.is_confirmed, inv.people_count
    inv.rsvp, inv.people_count = rsvp, people_count
    inv.names, inv.access_needs = names.strip(), access_needs.strip()
    inv.answered_at = timezone.now()
    if rsvp != Rsvp.YES:
        inv.waitlist_position = None
    elif had_seat and people_count > old_count and not _fits(event, inv):
        free = seats_free(event, exclude=inv) or 0
        raise ValidationError({"people_count": _("There are only %(n)d seats for your party.") % {"n": free}})
    elif not had_seat and inv.waitlist_position is None and not _fits(event, inv):
        last = event.invitations.waitlisted().order_by("-waitlist_position").values_list("waitlist_position", flat=True)
        inv.waitlist_position = (last.first() or 0) + 1
    inv.save()
    AuditEntry.record(
        "outreach.invitation.answered",
        target=inv,
        data={"rsvp": rsvp, "people": people_count, "waitlist": inv.waitlist_position},
    )
    confirmation = mail.invitation_row(
        inv,
        EmailKind.RSVP_CONFIRM,
        _next_key(EmailKind.RSVP_CONFIRM, inv),
        # The invitation itself carried the session's calendar file: a no takes it out of the
        # person's calendar whether or not they had said yes (waitlisted or not answered yet).
        ics_method="PUBLISH" if inv.is_confirmed else ("CANCEL" if had_seat or rsvp == Rsvp.NO else None),
    )
    outbox.store([confirmation])
    if had_seat and (not inv.is_confirmed or people_count < old_count):
        promote_waitlist(event)
    return inv


def promote_waitlist(event: Event) -> list[Invitation]:
    """Give free seats to the waitlist in order, and tell each promoted person (call with the
    event row locked). Strict order: someone further down never jumps a larger party."""
    promoted: list[Invitation] = []
    for inv in event.invitations.waitlisted().select_for_update().select_related("contact_person"):
        if not _fits(event, inv):
            break
        inv.waitlist_position = None
        inv.seat_offered_at = timezone.now()
        inv.save(update_fields=["waitlist_position", "seat_offered_at", "updated_at"])
        inv.event = event
        AuditEntry.record("outreach.invitation.promoted", target=inv, data={"event": event.pk})
        promoted.append(inv)
        if inv.contact_person.email:
            outbox.store([mail.invitation_row(inv, EmailKind.WAITLIST_SEAT, _next_key(EmailKind.WAITLIST_SEAT, inv))])
    return promoted
