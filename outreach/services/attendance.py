"""The day itself: check-in and walk-ins. Attending logs a contact on the employer's timeline
and a follow-up for its adviser, through employers' services (employers owns those tables)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.models import AuditEntry, Membership
from crm.scoping import NETWORK_READ
from employers.contacts.selectors import local_today
from employers.contacts.services import contact_log, contact_withdraw
from employers.models import Channel, ContactPerson, Purpose
from outreach.models import Event, EventState, Invitation, Rsvp
from outreach.services.scope import check_writer

if TYPE_CHECKING:
    from crm.types import AuthUser


FOLLOW_UP_AFTER_DAYS = 7


def _follow_up_owner(employer: Any, by: AuthUser) -> Any:
    """The employer's owning adviser when they still work in its region, else whoever checked in."""
    owner = employer.owner
    if (
        owner is not None
        and Membership.objects.filter(user=owner, region_id=employer.region_id, role__in=NETWORK_READ).exists()
    ):
        return owner
    return by


@transaction.atomic
def attendance_mark(*, invitation: Invitation, by: AuthUser, attended: bool) -> Invitation:
    """Check-in. Attended: a Contact (channel event, purpose event) on the employer's timeline
    and a follow-up for the employer's owning adviser (or ``by``). Unmarking removes that
    contact and its open follow-up. Idempotent."""
    inv = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("event", "contact_person__employer")
        .get(pk=invitation.pk)
    )
    event = inv.event
    check_writer(event.region_id, by)
    if event.state not in (EventState.PUBLISHED, EventState.HELD):
        raise ValidationError(_("Attendance is taken for a published or held session."))
    if bool(inv.attended) == attended and inv.attended is not None:
        return inv
    inv.attended, inv.attended_marked_at, inv.attended_marked_by = attended, timezone.now(), by
    if attended and inv.attendance_contact_id is None:
        inv.attendance_contact = _log_attendance(inv, by)
    elif not attended and inv.attendance_contact_id is not None:
        contact = inv.attendance_contact
        inv.attendance_contact = None
        inv.save()  # first: the invitation no longer points at the contact being withdrawn
        # employers owns the contact log: its service removes the contact and its open
        # follow-up and refreshes Employer.last_contact_at (matching's warmth, "going cold").
        contact_withdraw(contact=contact, by=by, reason="attendance unmarked")
    inv.save()
    AuditEntry.record("outreach.invitation.attendance", target=inv, actor=by, data={"attended": attended})
    return inv


def _log_attendance(inv: Invitation, by: AuthUser) -> Any:
    event, person = inv.event, inv.contact_person
    employer = person.employer
    return contact_log(
        employer=employer,
        by=by,
        channel=Channel.EVENT,
        purpose=Purpose.EVENT,
        summary=_("Attended the knowledge session “%(title)s”.") % {"title": event.title},
        when=min(event.starts_at, timezone.now()),
        contact_person=person,
        event_in_person=not event.is_online,
        follow_up_on=local_today() + timedelta(days=FOLLOW_UP_AFTER_DAYS),
        follow_up_owner=_follow_up_owner(employer, by),
        follow_up_note=(_("Follow up on the knowledge session “%(title)s”.") % {"title": event.title})[:300],
    )


@transaction.atomic
def walk_in_add(*, event: Event, by: AuthUser, contact_person: ContactPerson) -> Invitation:
    """Someone who came without an invitation: an attended walk-in invitation (no mail)."""
    check_writer(event.region_id, by)
    if not ContactPerson.objects.visible_to(by).filter(pk=contact_person.pk).exists():
        raise ValidationError({"contact_person": _("This person is outside your regions.")})
    inv, created = Invitation.objects.get_or_create(
        event=event,
        contact_person=contact_person,
        defaults={"walk_in": True, "rsvp": Rsvp.YES, "answered_at": timezone.now(), "invited_by": by},
    )
    if created:
        AuditEntry.record("outreach.invitation.walk_in", target=inv, actor=by)
    return attendance_mark(invitation=inv, by=by, attended=True)
