"""Recording what a bounce or complaint says, on the outbox row and the person it reached."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.models import AuditEntry
from employers.contacts.services import followup_create
from employers.models import ContactPerson
from employers.services_parts import contact_person_bounced, contact_person_mail_preferences
from outreach.bounces import reading
from outreach.models import Bounce, OutboundEmail

logger = logging.getLogger(__name__)


def _people(row: OutboundEmail) -> list[ContactPerson]:
    if row.invitation_id is not None and row.invitation is not None:
        return [row.invitation.contact_person]
    if not row.to_email:
        return []
    return list(ContactPerson.objects.filter(email__iexact=row.to_email).select_related("employer"))


def _ask_to_check(person: ContactPerson) -> None:
    """A follow-up "e-mailadres controleren" for the employer's owning adviser."""
    employer = person.employer
    if employer.owner is None:
        return
    note = _("Check the e-mail address of %(name)s: mail to it bounced.") % {"name": person.name}
    try:
        followup_create(employer=employer, owner=employer.owner, due_date=timezone.localdate() + timedelta(days=1),
                        by=None, note=note[:300])  # fmt: skip
    except ValidationError as error:
        logger.warning("bounce of person %s: no follow-up (%s)", person.pk, " ".join(error.messages))


@transaction.atomic
def bounce_record(*, row_id: int, kind: str) -> str:
    """Record a bounce (``Bounce.HARD``/``SOFT``) or complaint of row ``row_id``. Once per row
    and kind (a soft one may still turn hard): reading the same report twice changes nothing."""
    row = (
        OutboundEmail.objects.select_for_update(of=("self",))
        .select_related("invitation__contact_person__employer")
        .filter(pk=row_id)
        .first()
    )
    if row is None:
        return "unknown-row"
    if row.bounce == kind or (row.bounce == Bounce.HARD and kind == Bounce.SOFT):
        return "already"
    if kind != Bounce.COMPLAINT or not row.bounce:
        row.bounce, row.bounced_at = kind, timezone.now()
        row.save(update_fields=["bounce", "bounced_at"])
    for person in _people(row):
        if kind == Bounce.COMPLAINT:
            contact_person_mail_preferences(contact_person=person, subscribed=False, source="spam complaint (ARF)")
            AuditEntry.record("outreach.person.complained", target=person, data={"email": row.pk})
        elif contact_person_bounced(contact_person=person, hard=kind == Bounce.HARD):
            _ask_to_check(person)
    return str(kind)


def process(raw: bytes) -> str:
    """One message of the bounce mailbox: ``ignored`` (no valid VERP address of ours: not ours,
    or forged), ``unrecognised`` (ours, but no bounce), else what ``bounce_record`` says."""
    row_id, kind = reading.read(raw)
    if row_id is None:
        return "ignored"
    if kind is None:
        return "unrecognised"
    return bounce_record(row_id=row_id, kind=kind)
