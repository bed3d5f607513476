"""Data-subject rights for a contact person (GDPR art. 15 and 17) and the retention jobs.

Outreach is the lowest app that knows every table naming a contact person: the person and the
contacts logged with them (employers), their invitations, registrations and the mail sent to
them (here). So the export and the erasure live here; the employer side of the erasure is
``employers.erasure``'s (one owner per table), called first, in the same transaction.

The person is found by the caller through the scoped querysets (a coordinator of the person's
region, ``ContactPerson.objects.in_regions_of(user, {coordinator})``); what is stored *about*
that person is then all of it, wherever it is, because an export or an erasure that stopped at
a region border would not be one.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from crm.dates import add_months
from crm.models import AuditEntry
from employers.erasure import ERASED, contact_person_erase, identifiers, scrub
from employers.models import Contact, ContactPerson
from outreach.models import EmailState, Invitation, OutboundEmail, PoolSpeaker, Registration, Speaker

if TYPE_CHECKING:
    from crm.types import AuthUser

PERSON_FIELDS = (
    "id", "name", "function", "email", "phone", "language", "opted_out_at", "opt_out_source",
    "lawful_basis", "email_invalid_at", "soft_bounces", "erased_at", "created_at", "updated_at",
)  # fmt: skip
INVITATION_FIELDS = (
    "id", "rsvp", "people_count", "names", "access_needs", "answered_at", "waitlist_position",
    "attended", "walk_in", "show_organisation_at", "created_at",
)  # fmt: skip
REGISTRATION_FIELDS = (
    "id", "name", "organisation", "email", "kvk_number", "postcode", "people_count", "access_needs",
    "language", "consent_mail", "consent_text", "show_organisation_at", "created_at", "confirmed_at",
)  # fmt: skip
EMAIL_FIELDS = (
    "id", "kind", "to_email", "to_name", "subject", "body_text", "state", "sent_at", "bounce", "bounced_at",
    "created_at",
)  # fmt: skip
CONTACT_FIELDS = ("id", "when", "channel", "purpose", "summary", "outcome", "created_at")


def _values(row: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    out = {}
    for name in fields:
        value = getattr(row, name)
        out[name] = value.isoformat() if hasattr(value, "isoformat") else value
    return out


def registrations_of(person: ContactPerson) -> QuerySet[Registration]:
    """What the person filled in on a public page: the registration that became one of their
    invitations, and any other one with their address."""
    mine = Q(invitation__contact_person=person)
    if person.email:
        mine |= Q(email__iexact=person.email)
    return Registration.objects.filter(mine)


def emails_of(person: ContactPerson) -> QuerySet[OutboundEmail]:
    """The mail to the person: the rows of their invitations and any other row to their address."""
    mine = Q(invitation__contact_person=person)
    if person.email:
        mine |= Q(to_email__iexact=person.email)
    return OutboundEmail.objects.filter(mine)


def audit_of(person: ContactPerson) -> QuerySet[AuditEntry]:
    """The history of the person's row: created, changed, unsubscribed, resubscribed, erased."""
    kind = ContentType.objects.get_for_model(ContactPerson)
    return AuditEntry.objects.filter(target_type=kind, target_id=str(person.pk)).order_by("at", "id")


def person_export(person: ContactPerson) -> dict[str, Any]:
    """Everything stored about ``person``, as plain JSON-able data (the export page renders it)."""
    invitations = Invitation.objects.filter(contact_person=person).select_related("event").order_by("created_at", "id")
    contacts = Contact.objects.filter(contact_person=person).order_by("when", "id")
    registrations = registrations_of(person).order_by("created_at", "id")
    return {
        "contact_person": _values(person, PERSON_FIELDS),
        "employer": {"id": person.employer.pk, "name": person.employer.display_name},
        "invitations": [
            {
                **_values(inv, INVITATION_FIELDS),
                "event": inv.event.title,
                "event_starts_at": inv.event.starts_at.isoformat(),
            }
            for inv in invitations
        ],
        "registrations": [_values(reg, REGISTRATION_FIELDS) for reg in registrations],
        "contacts": [_values(contact, CONTACT_FIELDS) for contact in contacts],
        "emails": [_values(row, EMAIL_FIELDS) for row in emails_of(person).order_by("created_at", "id")],
        "consent_and_opt_out": [
            {"at": entry.at.isoformat(), "action": entry.action, "data": entry.data} for entry in audit_of(person)
        ],
    }


def _erase_outreach(person: ContactPerson, names: list[str]) -> dict[str, int]:
    invitations = Invitation.objects.filter(contact_person=person)
    counts = {"invitations": invitations.update(names="", access_needs="", show_organisation_at=None)}
    registrations = 0
    for reg in registrations_of(person).select_for_update(of=("self",)):
        reg.name, reg.email, reg.access_needs, reg.show_organisation_at = ERASED, "", "", None
        reg.organisation = scrub(reg.organisation, names)
        reg.save(update_fields=["name", "email", "access_needs", "organisation", "show_organisation_at"])
        registrations += 1
    counts["registrations"] = registrations
    emails = emails_of(person)
    # What has not gone out yet never will: there is nobody to send it to any more.
    emails.filter(state__in=[EmailState.QUEUED, EmailState.SENDING]).update(
        state=EmailState.FAILED, last_error="erased (data-subject request)"
    )
    rows = 0
    for row in emails.select_for_update(of=("self",)).only("pk", "subject"):
        OutboundEmail.objects.filter(pk=row.pk).update(
            to_email="", to_name="", subject=scrub(row.subject, names), body_text="", body_html="",
            headers={}, ics="", mime=b"",
        )  # fmt: skip
        rows += 1
    counts["emails"] = rows
    # The speaker pool: the entry goes, the sessions where they spoke keep a speaker without a name.
    pool = PoolSpeaker.objects.filter(contact_person=person)
    counts["speaker_appearances"] = Speaker.objects.filter(pool_speaker__in=pool).update(name=ERASED, bio="")
    counts["pool_speakers"] = pool.delete()[1].get("outreach.PoolSpeaker", 0)
    return counts


@transaction.atomic
def person_erase(*, contact_person: ContactPerson | int, by: AuthUser | None, reason: str = "") -> dict[str, int]:
    """Erase the person everywhere (see the module's docstring), with one audit entry naming
    who did it and when (the retention job: nobody). Idempotent."""
    person = (
        ContactPerson.objects.select_for_update()
        .select_related("employer")
        .get(pk=getattr(contact_person, "pk", contact_person))
    )
    names = identifiers(person)
    counts = _erase_outreach(person, names) if not person.is_erased else {}
    counts |= contact_person_erase(contact_person=person)
    person.refresh_from_db()
    AuditEntry.record(
        "outreach.contact_person.erased", target=person, actor=by, data={"reason": reason[:200], "rows": counts}
    )
    return counts


# --- Retention (the daily beat job, outreach.tasks.privacy_retention) ----------------------


def access_needs_erase_due(now: Any = None) -> int:
    """Clear the access needs given with an answer or a registration ACCESS_NEEDS_RETENTION_DAYS
    after the session ended: they were asked for that session only."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.ACCESS_NEEDS_RETENTION_DAYS)
    cleared = Invitation.objects.filter(event__ends_at__lte=cutoff).exclude(access_needs="").update(access_needs="")
    return cleared + Registration.objects.filter(event__ends_at__lte=cutoff).exclude(access_needs="").update(
        access_needs=""
    )


def people_erase_due(now: Any = None) -> list[int]:
    """Opted-out contact persons without any activity for CONTACT_PERSON_RETENTION_MONTHS: no
    change to their row, no contact logged with them, no invitation or answer since."""
    cutoff = add_months(timezone.localdate(now or timezone.now()), -settings.CONTACT_PERSON_RETENTION_MONTHS)
    recent_contact = Contact.objects.filter(contact_person=OuterRef("pk"), when__date__gt=cutoff)
    recent_invitation = Invitation.objects.filter(contact_person=OuterRef("pk")).filter(
        Q(created_at__date__gt=cutoff) | Q(answered_at__date__gt=cutoff)
    )
    return list(
        ContactPerson.objects.filter(
            erased_at__isnull=True, opted_out_at__date__lte=cutoff, updated_at__date__lte=cutoff
        )
        .exclude(Exists(recent_contact))
        .exclude(Exists(recent_invitation))
        .values_list("pk", flat=True)
    )


def retention_run(now: Any = None) -> dict[str, int]:
    erased = sum(bool(person_erase(contact_person=pk, by=None, reason="retention")) for pk in people_erase_due(now))
    return {"access_needs": access_needs_erase_due(now), "people": erased}
