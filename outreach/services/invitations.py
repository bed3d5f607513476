"""Invitations in the request: one transaction creates them and their outbox rows."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from crm.models import AuditEntry
from employers.models import ContactPerson
from outreach import mail, outbox
from outreach.models import EmailKind, Event, EventState, Invitation, OutboundEmail
from outreach.services.scope import check_in_scope, check_writer, person_ids

if TYPE_CHECKING:
    from crm.types import AuthUser


def invite(*, event: Event, by: AuthUser, persons: Iterable[ContactPerson | int]) -> list[Invitation]:
    """Create invitations and their ``invite:<event>:<person>`` outbox rows in one transaction
    (persons already invited, opted out, do-not-contact, without e-mail or whose address bounced
    are skipped), then
    deliver after commit. Only for a published session. Running it twice sends nothing new."""
    check_writer(event.region_id, by)
    ids = person_ids(persons)
    check_in_scope(by, ids)
    return _invite(event, by, ids)


@transaction.atomic
def _invite(event: Event, by: AuthUser, ids: list[int]) -> list[Invitation]:
    # The state is checked on the row as it is now (under its lock), not on the caller's copy.
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.state != EventState.PUBLISHED or event.has_started():
        raise ValidationError(_("Invitations go out for a published session that has not started."))
    reachable = (
        ContactPerson.objects.filter(
            pk__in=ids, opted_out_at__isnull=True, employer__do_not_contact=False, email_invalid_at__isnull=True
        )
        .exclude(email="")
        .exclude(invitations__event=event)
        .values_list("pk", flat=True)
    )
    fresh = [Invitation(event=event, contact_person_id=pk, invited_by=by) for pk in reachable]
    Invitation.objects.bulk_create(fresh, ignore_conflicts=True, batch_size=1000)
    created = list(
        event.invitations.filter(contact_person__in=[i.contact_person_id for i in fresh])
        .exclude(Exists(OutboundEmail.objects.filter(invitation=OuterRef("pk"), kind=EmailKind.INVITE)))
        .select_related("contact_person", "event")
    )
    context = mail.event_context(event)
    rows = [
        mail.invitation_row(
            inv, EmailKind.INVITE, f"invite:{event.pk}:{inv.contact_person_id}", event_context_=context, answered=0
        )  # new invitations: no answer yet
        for inv in created
    ]
    outbox.store(rows)
    AuditEntry.record("outreach.event.invited", target=event, actor=by, data={"count": len(created)})
    return created
