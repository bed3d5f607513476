"""Post-event conversion: the thank-you mail's one-click wishes ("Ja, neem contact met mij op",
"Stuur mij informatie over een kandidaat / proefplaatsing").

A wish is stored on the invitation (when it was made: the employer's timeline shows it on the
session's entry, the session page counts it), audited, and opens a follow-up for the employer's
owner or, without one, the session's organiser. Clicking again changes nothing.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from crm.models import AuditEntry
from employers.contacts.services import followup_create
from outreach.models import Invitation

logger = logging.getLogger(__name__)

WISHES = {"contact": "wish_contact_at", "candidate": "wish_candidate_at"}
FOLLOW_UP_AFTER = timedelta(days=2)


def _note(invitation: Invitation, wish: str) -> str:
    values = {"name": invitation.contact_person.name, "title": invitation.event.title}
    with translation.override(settings.LANGUAGE_CODE):  # the advisers' follow-up list: Dutch first
        if wish == "contact":
            return _("%(name)s asks to be contacted after “%(title)s”.") % values
        return _("%(name)s asks for information about a candidate or a trial placement after “%(title)s”.") % values


@transaction.atomic
def record_wish(*, invitation: Invitation, wish: str) -> bool:
    """Record ``wish`` ("contact" or "candidate") once; returns whether this call recorded it."""
    if wish not in WISHES:
        raise ValidationError(_("Unknown choice."))
    field = WISHES[wish]
    now = timezone.now()
    updated = Invitation.objects.filter(pk=invitation.pk, **{f"{field}__isnull": True}).update(**{field: now})
    if not updated:
        return False
    setattr(invitation, field, now)
    AuditEntry.record("outreach.invitation.wish", target=invitation, data={"wish": wish, "event": invitation.event_id})
    employer = invitation.contact_person.employer
    owner = employer.owner or invitation.event.owner
    if owner is None:
        logger.info("invitation %s: wish %s without an owner or organiser for a follow-up", invitation.pk, wish)
        return True
    try:
        followup_create(
            employer=employer,
            owner=owner,
            due_date=timezone.localdate() + FOLLOW_UP_AFTER,
            by=None,
            note=_note(invitation, wish)[:300],
        )
    except ValidationError as error:
        logger.warning("invitation %s: no follow-up for wish %s (%s)", invitation.pk, wish, " ".join(error.messages))
    return True
