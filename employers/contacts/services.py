"""Writes for contacts and follow-ups: each one a transaction with its audit entry."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.fields import FOLLOW_UP_DATES, date_range
from crm.models import AuditEntry, Membership
from crm.scoping import NETWORK_READ
from employers.models import (
    Contact,
    ContactPerson,
    Employer,
    FollowUp,
    FollowUpFeed,
    FollowUpState,
    UserPreference,
)
from employers.sharing import acting_region, employer_regions

if TYPE_CHECKING:
    from crm.types import AuthUser

CONTACT_FIELDS = ("contact_person", "when", "channel", "purpose", "summary", "outcome")


def _check_contact_person(employer: Employer, contact_person: ContactPerson | None) -> None:
    if contact_person is not None and contact_person.employer_id != employer.pk:
        raise ValidationError({"contact_person": _("This person does not work for this employer.")})


# Clocks drift and people log while walking out of the door; the future beyond this is a typo.
FUTURE_TOLERANCE = timedelta(hours=1)


def _check_when(when: datetime) -> None:
    if when > timezone.now() + FUTURE_TOLERANCE:
        raise ValidationError({"when": _("A contact is logged after it happened: this moment is in the future.")})


def _check_owner(employer: Employer, owner: AuthUser, field: str = "owner") -> None:
    """A follow-up goes to someone who works in the employer's region (or one it is shared with)."""
    regions = sorted(employer_regions(employer))
    in_region = Membership.objects.filter(user=owner, region_id__in=regions, role__in=NETWORK_READ).exists()
    if not in_region:
        raise ValidationError({field: _("Choose someone who works in this employer's region.")})


def refresh_last_contact(*, employer_ids: list[int] | None = None) -> int:
    """Set ``Employer.last_contact_at`` from the contacts (of the given employers, or of all:
    after the benchmarks' bulk inserts). Returns the number of employers updated."""
    latest = Contact.objects.filter(employer_id=OuterRef("pk")).order_by("-when").values("when")[:1]
    if employer_ids is None:
        return Employer.objects.update(last_contact_at=Subquery(latest))
    return Employer.objects.filter(pk__in=employer_ids).update_locked(last_contact_at=Subquery(latest))


def _snapshot(contact: Contact) -> dict[str, Any]:
    return {
        "employer": contact.employer_id,
        "contact_person": contact.contact_person_id,
        "by": contact.by_id,
        "when": contact.when.isoformat(),
        "channel": contact.channel,
        "purpose": contact.purpose,
        "in_person": contact.in_person,
        "summary": contact.summary,
        "outcome": contact.outcome,
    }


@transaction.atomic
def contact_log(
    *,
    employer: Employer,
    by: AuthUser,
    channel: str,
    purpose: str,
    summary: str,
    when: datetime | None = None,
    contact_person: ContactPerson | None = None,
    outcome: str = "",
    event_in_person: bool = False,
    follow_up_on: date | None = None,
    follow_up_owner: AuthUser | None = None,
    follow_up_note: str = "",
) -> Contact:
    """Log one contact; with ``follow_up_on`` it also opens a follow-up (for ``by`` by default)."""
    when = when or timezone.now()
    _check_when(when)
    _check_contact_person(employer, contact_person)
    if follow_up_on is not None:
        _check_owner(employer, follow_up_owner or by, "follow_up_owner")
    contact = Contact(
        employer=employer,
        # The participating region on a shared employer, else the employer's own (the reports
        # count a contact in the region that made it: Contact.region).
        region_id=acting_region(employer, by, strict=False) or employer.region_id,
        contact_person=contact_person,
        by=by,
        when=when,
        channel=channel,
        purpose=purpose,
        in_person=Contact.derive_in_person(channel, event_in_person),
        summary=summary,
        outcome=outcome,
    )
    contact.full_clean()
    contact.save()
    refresh_last_contact(employer_ids=[employer.pk])
    AuditEntry.record("employers.contact.logged", target=contact, actor=by, data={"employer": employer.pk})
    if follow_up_on is not None:
        followup_create(
            employer=employer,
            owner=follow_up_owner or by,
            due_date=follow_up_on,
            note=follow_up_note,
            contact=contact,
            by=by,
        )
    return contact


@transaction.atomic
def contact_update(*, contact: Contact, by: AuthUser, event_in_person: bool | None = None, **changes: Any) -> Contact:
    """The author corrects a contact within the edit window (CONTACT_EDIT_WINDOW_HOURS)."""
    if not contact.can_be_changed_by(by):
        raise PermissionDenied(_("Only the author can change a contact, and only within the edit window."))
    unknown = set(changes) - set(CONTACT_FIELDS)
    if unknown:
        raise TypeError(f"contact_update does not change {sorted(unknown)}")
    before = _snapshot(contact)
    for name, value in changes.items():
        setattr(contact, name, value)
    _check_contact_person(contact.employer, contact.contact_person)
    _check_when(contact.when)
    if event_in_person is None:
        event_in_person = contact.in_person
    contact.in_person = Contact.derive_in_person(contact.channel, event_in_person)
    contact.full_clean()
    contact.save()
    refresh_last_contact(employer_ids=[contact.employer_id])
    after = _snapshot(contact)
    changed = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    AuditEntry.record("employers.contact.updated", target=contact, actor=by, data={"changed": changed})
    return contact


@transaction.atomic
def contact_delete(*, contact: Contact, by: AuthUser) -> None:
    """Deleting leaves the whole contact in the audit log."""
    if not contact.can_be_changed_by(by):
        raise PermissionDenied(_("Only the author can delete a contact, and only within the edit window."))
    AuditEntry.record("employers.contact.deleted", target=contact, actor=by, data=_snapshot(contact))
    contact.delete()
    refresh_last_contact(employer_ids=[contact.employer_id])


@transaction.atomic
def contact_withdraw(*, contact: Contact, by: AuthUser, reason: str) -> None:
    """Take back a contact that another app logged for ``by``'s region (attendance unmarked at a
    session's check-in): the contact and its open follow-ups go, the audit log keeps the whole
    contact, and ``Employer.last_contact_at`` is the latest remaining contact again. Unlike
    ``contact_delete`` this is not the author's edit window: whoever may write the employer's
    contact log (``Contact.objects.editable_by``) may withdraw what was logged in its name."""
    if not Contact.objects.editable_by(by).filter(pk=contact.pk).exists():
        raise PermissionDenied(_("This contact is outside your regions."))
    FollowUp.objects.filter(contact=contact, state=FollowUpState.OPEN).delete()
    AuditEntry.record(
        "employers.contact.deleted", target=contact, actor=by, data={**_snapshot(contact), "reason": reason}
    )
    employer_id = contact.employer_id
    contact.delete()
    refresh_last_contact(employer_ids=[employer_id])


@transaction.atomic
def followup_create(
    *,
    employer: Employer,
    owner: AuthUser,
    due_date: date,
    by: AuthUser | None,  # None: opened by the system (a placement's durability check)
    note: str = "",
    contact: Contact | None = None,
) -> FollowUp:
    _check_owner(employer, owner)
    try:
        date_range(FOLLOW_UP_DATES)(due_date)
    except ValidationError as error:
        raise ValidationError({"due_date": error.messages}) from None
    followup = FollowUp.objects.create(
        employer=employer, owner=owner, due_date=due_date, note=note, contact=contact, created_by=by
    )
    AuditEntry.record(
        "employers.followup.created",
        target=followup,
        actor=by,
        data={"owner": owner.pk, "due_date": due_date.isoformat()},
    )
    return followup


@transaction.atomic
def followup_complete(*, followup: FollowUp, by: AuthUser) -> FollowUp:
    """Idempotent: completing a done follow-up changes nothing and logs nothing."""
    updated = FollowUp.objects.filter(pk=followup.pk, state=FollowUpState.OPEN).update(
        state=FollowUpState.DONE, done_at=timezone.now(), done_by=by
    )
    followup.refresh_from_db()
    if updated:
        AuditEntry.record("employers.followup.completed", target=followup, actor=by)
    return followup


@transaction.atomic
def followup_reopen(*, followup: FollowUp, by: AuthUser) -> FollowUp:
    updated = FollowUp.objects.filter(pk=followup.pk, state=FollowUpState.DONE).update(
        state=FollowUpState.OPEN, done_at=None, done_by=None
    )
    followup.refresh_from_db()
    if updated:
        AuditEntry.record("employers.followup.reopened", target=followup, actor=by)
    return followup


def _open_followup_to_change(followup: FollowUp, by: AuthUser) -> FollowUp:
    """The follow-up, locked, if ``by`` writes its region's contact log and it is still open."""
    locked = FollowUp.objects.editable_by(by).select_for_update().filter(pk=followup.pk).first()
    if locked is None:
        raise PermissionDenied(_("This follow-up is outside your regions."))
    if locked.state != FollowUpState.OPEN:
        raise ValidationError(_("This follow-up is already done."))
    return locked


@transaction.atomic
def followup_snooze(
    *, followup: FollowUp, by: AuthUser, days: int | None = None, due_date: date | None = None
) -> FollowUp:
    """Move the due date: ``days`` later (counted from the due date, or from today when it is
    overdue, so "one day" never leaves it overdue), or to ``due_date`` (today or later)."""
    if (days is None) == (due_date is None):
        raise TypeError("followup_snooze takes either days or due_date")
    locked = _open_followup_to_change(followup, by)
    today = timezone.localdate()  # TIME_ZONE is Europe/Amsterdam
    if days is not None:
        if days < 1:
            raise ValidationError({"days": _("Snooze by one day or more.")})
        due_date = max(locked.due_date, today) + timedelta(days=days)
    elif due_date is None:  # excluded above; said again for the type checker
        raise TypeError("followup_snooze takes either days or due_date")
    if due_date < today:
        raise ValidationError({"due_date": _("Choose today or a later date.")})
    try:
        date_range(FOLLOW_UP_DATES)(due_date)
    except ValidationError as error:
        raise ValidationError({"due_date": error.messages}) from None
    before = locked.due_date
    if due_date == before:
        followup.refresh_from_db()
        return followup
    locked.due_date = due_date
    locked.save(update_fields=["due_date"])
    AuditEntry.record(
        "employers.followup.snoozed",
        target=locked,
        actor=by,
        data={"due_date": [before.isoformat(), due_date.isoformat()]},
    )
    followup.refresh_from_db()
    return followup


@transaction.atomic
def followup_reassign(*, followup: FollowUp, by: AuthUser, owner: AuthUser) -> FollowUp:
    """Give an open follow-up to someone else who works in the employer's region."""
    locked = _open_followup_to_change(followup, by)
    if owner.pk == locked.owner_id:
        followup.refresh_from_db()
        return followup
    if not getattr(owner, "is_active", False):
        raise ValidationError({"owner": _("Choose someone who works in this employer's region.")})
    _check_owner(locked.employer, owner)
    before = locked.owner_id
    locked.owner = owner
    locked.save(update_fields=["owner"])
    AuditEntry.record("employers.followup.reassigned", target=locked, actor=by, data={"owner": [before, owner.pk]})
    followup.refresh_from_db()
    return followup


@transaction.atomic
def followup_feed_renew(*, user: AuthUser) -> FollowUpFeed:
    """A new secret calendar link for ``user``'s own follow-ups; the old link stops working."""
    revoked = FollowUpFeed.objects.active().filter(user=user).update(revoked_at=timezone.now())
    feed = FollowUpFeed.objects.create(user=user)
    AuditEntry.record("employers.followup_feed.renewed", target=feed, actor=user, data={"revoked": revoked})
    return feed


def preference_remember_language(*, user: AuthUser, language: str) -> None:
    """Keep the language the user last used, for mail sent when they are not online."""
    if language in ("nl", "en"):
        UserPreference.objects.update_or_create(user=user, defaults={"language": language})
