"""Writes for an employer's parts: its contact persons and its openings.

Like ``employers.services``: each service validates, saves in one transaction and writes its
audit entry, with field-keyed ``ValidationError``s; the field rules (postcode, hours) are that
module's.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.models import AuditEntry
from employers.models import ContactPerson, Employer, Opening, OpeningState
from employers.services import MAX_HOURS, accommodation_codes, normalise_postcode
from employers.sharing import acting_region

if TYPE_CHECKING:
    from crm.types import AuthUser

CONTACT_PERSON_FIELDS = ("name", "function", "email", "phone", "language", "lawful_basis", "opt_out_source")
OPENING_FIELDS = (
    "title",
    "hours_min",
    "hours_max",
    "postcode",
    "start_date",
    "requirements",
    "trial_possible",
    "state",
)


# --- Contact persons -------------------------------------------------------------------


def _apply_opt_out(person: ContactPerson, opted_out: bool | None, source: str) -> None:
    if opted_out is None:
        return
    if opted_out and person.opted_out_at is None:
        person.opted_out_at = timezone.now()
        person.opt_out_source = source or _("recorded in the CRM")
    elif not opted_out:
        person.opted_out_at = None
        person.opt_out_source = ""


@transaction.atomic
def contact_person_mail_preferences(
    *, contact_person: ContactPerson | int, subscribed: bool, source: str, language: str | None = None
) -> tuple[ContactPerson, bool]:
    """The person's own choice from a mail link (unsubscribe, the preferences page): mail or no
    mail, and in which language. Under the row's lock; returns the person and whether the
    subscription changed (the caller, outreach's public pages, records the audit entry that
    names the link used)."""
    person = ContactPerson.objects.select_for_update().get(pk=getattr(contact_person, "pk", contact_person))
    changed = False
    if language in ("nl", "en"):
        person.language = language
    if subscribed and person.opted_out_at is not None:
        person.opted_out_at, person.opt_out_source, changed = None, "", True
    elif not subscribed and person.opted_out_at is None:
        person.opted_out_at, person.opt_out_source, changed = timezone.now(), source[:100], True
    person.save(update_fields=["language", "opted_out_at", "opt_out_source", "updated_at"])
    return person, changed


# Soft bounces (mailbox full, server away) of this many different messages mark an address invalid.
SOFT_BOUNCE_LIMIT = 3


@transaction.atomic
def contact_person_bounced(*, contact_person: ContactPerson | int, hard: bool) -> bool:
    """Mail to the person's address bounced (read from the bounce mailbox, ``outreach.bounces``,
    once per message): a hard bounce, or the ``SOFT_BOUNCE_LIMIT``-th soft one, marks the address
    invalid, and every audience leaves the person out until the address is changed. Returns
    whether the address became invalid now."""
    person = ContactPerson.objects.select_for_update().get(pk=getattr(contact_person, "pk", contact_person))
    if person.email_invalid_at is not None:
        return False
    if not hard:
        person.soft_bounces += 1
    if hard or person.soft_bounces >= SOFT_BOUNCE_LIMIT:
        person.email_invalid_at = timezone.now()
    person.save(update_fields=["soft_bounces", "email_invalid_at"])  # not updated_at: no activity
    if person.email_invalid_at is None:
        return False
    AuditEntry.record("employers.contact_person.email_invalid", target=person, data={"hard": hard})
    return True


def _clean_person(person: ContactPerson) -> None:
    person.name = (person.name or "").strip()
    if not person.name:
        raise ValidationError({"name": _("Give the contact person's name.")})
    person.email = (person.email or "").strip().lower()
    person.full_clean()


@transaction.atomic
def contact_person_create(*, employer: Employer, by: AuthUser, opted_out: bool = False, **fields: Any) -> ContactPerson:
    unknown = set(fields) - set(CONTACT_PERSON_FIELDS)
    if unknown:
        raise TypeError(f"contact_person_create does not take {sorted(unknown)}")
    source = fields.pop("opt_out_source", "")
    person = ContactPerson(employer=employer, region_id=acting_region(employer, by), **fields)
    _apply_opt_out(person, opted_out, source)
    _clean_person(person)
    person.save()
    AuditEntry.record("employers.contact_person.created", target=person, actor=by, data={"employer": employer.pk})
    return person


@transaction.atomic
def contact_person_update(
    *, contact_person: ContactPerson, by: AuthUser, opted_out: bool | None = None, **changes: Any
) -> ContactPerson:
    unknown = set(changes) - set(CONTACT_PERSON_FIELDS)
    if unknown:
        raise TypeError(f"contact_person_update does not change {sorted(unknown)}")
    person = ContactPerson.objects.select_for_update().get(pk=contact_person.pk)
    names = [*CONTACT_PERSON_FIELDS, "opted_out_at"]
    before = {n: str(getattr(person, n) or "") for n in names}
    source = changes.pop("opt_out_source", "")
    for name, value in changes.items():
        setattr(person, name, value)
    _apply_opt_out(person, opted_out, source)
    _clean_person(person)
    if before["email"] != person.email:  # a new address has not bounced yet
        person.email_invalid_at, person.soft_bounces = None, 0
    person.save()
    changed = {
        n: [before[n], str(getattr(person, n) or "")] for n in names if before[n] != str(getattr(person, n) or "")
    }
    if changed:
        AuditEntry.record("employers.contact_person.updated", target=person, actor=by, data={"changed": changed})
    return person


# --- Openings --------------------------------------------------------------------------


def _clean_opening(opening: Opening) -> None:
    opening.title = (opening.title or "").strip()
    if not opening.title:
        raise ValidationError({"title": _("Give the opening a title.")})
    opening.postcode = normalise_postcode(opening.postcode)
    for name in ("hours_min", "hours_max"):
        hours = getattr(opening, name)
        if hours is not None and not 1 <= hours <= MAX_HOURS:
            raise ValidationError({name: _("Hours per week are between 1 and %(max)s.") % {"max": MAX_HOURS}})
    if opening.hours_min is not None and opening.hours_max is not None and opening.hours_min > opening.hours_max:
        raise ValidationError({"hours_max": _("The maximum hours cannot be fewer than the minimum.")})
    opening.full_clean(exclude=["accommodations"], validate_constraints=False)


def refresh_open_openings(*, employer_ids: list[int]) -> None:
    """Set ``Employer.open_openings`` from the openings."""
    open_ones = (
        Opening.objects.filter(employer_id=OuterRef("pk"), state=OpeningState.OPEN)
        .order_by()
        .values("employer_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    Employer.objects.filter(pk__in=employer_ids).update_locked(open_openings=Coalesce(Subquery(open_ones), 0))


@transaction.atomic
def opening_create(*, employer: Employer, by: AuthUser, accommodations: Iterable[Any] = (), **fields: Any) -> Opening:
    unknown = set(fields) - set(OPENING_FIELDS)
    if unknown:
        raise TypeError(f"opening_create does not take {sorted(unknown)}")
    opening = Opening(employer=employer, region_id=acting_region(employer, by), **fields)
    if not opening.postcode:
        opening.postcode = employer.postcode
    _clean_opening(opening)
    opening.save()
    # The primary key is the code; the stubs accept only int ids or instances here.
    opening.accommodations.set(accommodation_codes(accommodations))  # type: ignore[arg-type]
    refresh_open_openings(employer_ids=[employer.pk])
    AuditEntry.record("employers.opening.created", target=opening, actor=by, data={"employer": employer.pk})
    return opening


@transaction.atomic
def opening_update(
    *, opening: Opening, by: AuthUser, accommodations: Iterable[Any] | None = None, **changes: Any
) -> Opening:
    unknown = set(changes) - set(OPENING_FIELDS)
    if unknown:
        raise TypeError(f"opening_update does not change {sorted(unknown)}")
    opening = Opening.objects.select_for_update().get(pk=opening.pk)
    before = {n: str(getattr(opening, n)) for n in OPENING_FIELDS}
    for name, value in changes.items():
        setattr(opening, name, value)
    _clean_opening(opening)
    opening.save()
    refresh_open_openings(employer_ids=[opening.employer_id])
    changed = {
        n: [before[n], str(getattr(opening, n))] for n in OPENING_FIELDS if before[n] != str(getattr(opening, n))
    }
    if accommodations is not None:
        # The primary key is the code; the stubs accept only int ids or instances here.
        opening.accommodations.set(accommodation_codes(accommodations))  # type: ignore[arg-type]
    if changed:
        AuditEntry.record("employers.opening.updated", target=opening, actor=by, data={"changed": changed})
    return opening
