"""Open registration on a session's public page: pending until confirmed from the mail
(double opt-in), then one answer through the very service the invitations use.

``register`` stores what the visitor filled in and queues the confirmation mail; nothing else
happens (no seat, no employer). ``confirm`` (idempotent, under the registration's lock) matches
or creates the employer and contact person through the employers app, makes an invitation and
answers it yes with ``rsvp_answer`` (capacity and waitlist exactly as for the invited), and
opens a follow-up for the employer's owner or, without one, the session's organiser.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from crm.emails import header_safe
from crm.models import AuditEntry
from employers.contacts.services import followup_create
from employers.services import normalise_kvk, normalise_postcode
from employers.sign_up import contact_person_from_sign_up, employer_from_sign_up
from outreach import mail, outbox, tokens
from outreach.models import EmailKind, Event, EventState, Invitation, OutboundEmail, Registration, Rsvp
from outreach.services.participants import show_organisation_set
from outreach.services.rsvp import MAX_PEOPLE_PER_ANSWER, rsvp_answer

logger = logging.getLogger(__name__)

CONFIRM_MAX_AGE = timedelta(days=7)
FOLLOW_UP_AFTER = timedelta(days=2)


def consent_text() -> str:
    """The consent line exactly as the form shows it (stored with each registration)."""
    return str(_("Yes, you may send me mail about future knowledge sessions."))


def registration_open(event: Event) -> bool:
    return event.open_registration and event.state == EventState.PUBLISHED and not event.has_started()


def _clean(fields: dict[str, Any]) -> dict[str, Any]:
    for name in ("name", "organisation", "email"):
        fields[name] = (fields.get(name) or "").strip()
        if not fields[name]:
            raise ValidationError({name: _("This field is required.")})
    fields["kvk_number"] = normalise_kvk(fields.get("kvk_number", ""))
    fields["postcode"] = normalise_postcode(fields.get("postcode", ""))
    if not 1 <= fields.get("people_count", 1) <= MAX_PEOPLE_PER_ANSWER:
        raise ValidationError(
            {"people_count": _("Between 1 and %(max)d people, please.") % {"max": MAX_PEOPLE_PER_ANSWER}}
        )
    return fields


@transaction.atomic
def register(*, event: Event, language: str = "nl", **fields: Any) -> Registration:
    """Store a pending registration and queue its confirmation mail (nothing else)."""
    if not registration_open(event):
        raise ValidationError(_("Registration for this session is closed."))
    fields = _clean(fields)
    # Consent to be listed is stored as the moment it was given (None: not given).
    fields["show_organisation_at"] = timezone.now() if fields.pop("show_organisation", False) else None
    registration = Registration(event=event, language=language if language in ("nl", "en") else "nl", **fields)
    with translation.override(registration.language):
        registration.consent_text = consent_text() if registration.consent_mail else ""
    registration.full_clean(exclude=["invitation", "reviewed_by"])
    registration.save()
    AuditEntry.record("outreach.registration.created", target=registration, data={"event": event.pk})
    outbox.store([confirmation_row(registration)])
    return registration


def confirm_url(registration: Registration) -> str:
    return mail.site_url(reverse("outreach:register-confirm", args=[tokens.sign_registration(registration.token)]))


def confirmation_row(registration: Registration) -> OutboundEmail:
    event = registration.event
    context = {
        **mail.event_context(event),
        "person": registration,
        "registration": registration,
        "confirm_url": confirm_url(registration),
        "transactional": True,
    }
    rendered = mail.render(EmailKind.REGISTRATION_CONFIRM, context, registration.language)
    return OutboundEmail(
        idempotency_key=f"{EmailKind.REGISTRATION_CONFIRM}:{registration.pk}",
        kind=EmailKind.REGISTRATION_CONFIRM,
        to_email=registration.email,
        to_name=header_safe(registration.name),
        language=registration.language,
        from_email=context["sender"].from_header,
        subject=rendered.subject,
        body_text=rendered.text,
        body_html=rendered.html,
        headers={"Auto-Submitted": "auto-generated", **mail.organiser_reply_to(event)},
        message_id=mail.new_message_id(),
        event=event,
    )


def registration_for_link(value: str) -> tuple[Registration | None, bool]:
    """``(registration, expired)`` behind a confirmation link; None when forged or gone."""
    token, expired = tokens.unsign_registration(value, int(CONFIRM_MAX_AGE.total_seconds()))
    if token is None:
        return None, False
    found = Registration.objects.select_related("event__region", "invitation").filter(token=token).first()
    return found, expired


@transaction.atomic
def confirm(*, registration: Registration) -> Invitation:
    """Make the registration count (a second call returns the same invitation)."""
    reg = (
        Registration.objects.select_for_update(of=("self",))
        .select_related("event", "invitation")
        .get(pk=registration.pk)
    )
    if reg.invitation is not None:
        return reg.invitation
    if reg.confirmed_at is not None:
        raise ValidationError(_("This registration was withdrawn."))
    event = reg.event
    if event.state != EventState.PUBLISHED or event.has_started():
        raise ValidationError(_("Registration for this session is closed."))
    employer, created = employer_from_sign_up(
        region_id=event.region_id,
        organisation=reg.organisation,
        kvk_number=reg.kvk_number,
        postcode=reg.postcode,
        email=reg.email,
    )
    note = _("Registered for %(title)s on %(date)s") % {
        "title": event.title,
        "date": timezone.localtime(reg.created_at).strftime("%Y-%m-%d %H:%M"),
    }
    if reg.consent_mail:
        note = _("Consent to mail about sessions: %(text)s (%(note)s)") % {"text": reg.consent_text, "note": note}
    person = contact_person_from_sign_up(
        employer=employer,
        name=reg.name,
        email=reg.email,
        language=reg.language,
        consent=reg.consent_mail,
        consent_note=note,
    )
    invitation, _new = Invitation.objects.get_or_create(event=event, contact_person=person)
    invitation = rsvp_answer(
        invitation=invitation,
        rsvp=Rsvp.YES,
        people_count=reg.people_count,
        names=reg.name,
        access_needs=reg.access_needs,
    )
    if reg.show_organisation_at is not None:
        invitation = show_organisation_set(invitation=invitation, show=True, at=reg.show_organisation_at)
    reg.invitation, reg.confirmed_at, reg.employer_created = invitation, timezone.now(), created
    reg.save(update_fields=["invitation", "confirmed_at", "employer_created"])
    AuditEntry.record(
        "outreach.registration.confirmed",
        target=reg,
        data={
            "event": event.pk,
            "employer": employer.pk,
            "new_employer": created,
            "waitlist": invitation.waitlist_position,
        },
    )
    _follow_up(reg, employer)
    return invitation


def _follow_up(reg: Registration, employer: Any) -> None:
    owner = employer.owner or reg.event.owner
    if owner is None:
        logger.info("registration %s: no owner and no organiser for a follow-up", reg.pk)
        return
    note = _("New registration for %(title)s: %(name)s") % {"title": reg.event.title, "name": reg.name}
    try:
        followup_create(
            employer=employer, owner=owner, due_date=timezone.localdate() + FOLLOW_UP_AFTER, by=None, note=note[:300]
        )
    except ValidationError as error:
        logger.warning("registration %s: no follow-up (%s)", reg.pk, " ".join(error.messages))


@transaction.atomic
def mark_reviewed(*, registration: Registration, by: Any) -> Registration:
    """An adviser has looked at a new registration (idempotent)."""
    updated = Registration.objects.filter(pk=registration.pk, reviewed_at__isnull=True).update(
        reviewed_at=timezone.now(), reviewed_by=by
    )
    if updated:
        AuditEntry.record("outreach.registration.reviewed", target=registration, actor=by)
    registration.refresh_from_db()
    return registration
