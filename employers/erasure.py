"""Erasing a contact person from the employer network (the right to erasure, GDPR art. 17).

The rows stay so that every count and report stays true (contacts logged, people invited,
employers reached), but nothing in them names the person any more: the person's own fields are
emptied, the free text of the contacts logged with them is replaced, and wherever else in the
employer's records their name or address was written (contacts, follow-ups, the employer's
notes, an imported list) it is replaced by ``ERASED``. The outreach side (invitations, mail,
registrations) is ``outreach.privacy``'s, which calls this first; the audit entry is written
there, once, for both.
"""

from __future__ import annotations

import json
import re
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from crm.models import AuditEntry
from employers.models import Contact, ContactPerson, Employer, FollowUp, ImportBatch

ERASED = "[gewist]"


def identifiers(person: ContactPerson) -> list[str]:
    """What names the person in free text: the full name and the e-mail address (a name of
    fewer than 3 characters is too likely to be part of other words)."""
    found = [value.strip() for value in (person.name, person.email) if len((value or "").strip()) >= 3]
    return sorted(set(found), key=len, reverse=True)


def scrub(text: str, names: list[str]) -> str:
    """``text`` with every occurrence of ``names`` (any case) replaced by ``ERASED``."""
    for name in names:
        text = re.sub(re.escape(name), ERASED, text, flags=re.IGNORECASE)
    return text


def _mentions(field: str, names: list[str]) -> Q:
    query = Q(pk__in=[])
    for name in names:
        query |= Q(**{f"{field}__icontains": name})
    return query


def _scrub_rows(queryset: Any, fields: tuple[str, ...], names: list[str]) -> int:
    """Replace ``names`` in ``fields`` of the rows of ``queryset`` that mention them."""
    mentioning = Q(pk__in=[])
    for field in fields:
        mentioning |= _mentions(field, names)
    changed = 0
    for row in queryset.filter(mentioning).select_for_update():
        for field in fields:
            setattr(row, field, scrub(getattr(row, field), names))
        row.save(update_fields=list(fields))
        changed += 1
    return changed


def _scrub_imports(person: ContactPerson, names: list[str]) -> int:
    """Imported lists of the person's region that named them: the rows are scrubbed and the
    uploaded file itself dropped (it cannot be edited, and the import is done)."""
    changed = 0
    batches = ImportBatch.objects.filter(region_id=person.employer.region_id).select_for_update()
    for batch in batches.only("pk", "rows"):
        rows = json.dumps(batch.rows, ensure_ascii=False)
        if not any(name.lower() in rows.lower() for name in names):
            continue
        batch.rows = json.loads(scrub(rows, [json.dumps(name)[1:-1] for name in names]))
        batch.raw = b""
        batch.save(update_fields=["rows", "raw"])
        changed += 1
    return changed


@transaction.atomic
def contact_person_erase(*, contact_person: ContactPerson | int) -> dict[str, int]:
    """Empty the person's fields and take their name out of the employer's records. Returns
    what was changed, per kind of row; a second call finds nothing left to do."""
    person = (
        ContactPerson.objects.select_for_update()
        .select_related("employer")
        .get(pk=getattr(contact_person, "pk", contact_person))
    )
    names = identifiers(person)
    employer = person.employer
    counts = {
        "contacts": Contact.objects.filter(contact_person=person).update(summary=ERASED, outcome=""),
    }
    if names:
        counts["contacts_mentioning"] = _scrub_rows(
            Contact.objects.filter(employer=employer), ("summary", "outcome"), names
        )
        counts["follow_ups"] = _scrub_rows(FollowUp.objects.filter(employer=employer), ("note",), names)
        counts["employer_notes"] = _scrub_rows(
            Employer.objects.filter(pk=employer.pk), ("notes", "do_not_contact_reason"), names
        )
        counts["imports"] = _scrub_imports(person, names)
    # Audit lines name their target by its text: the person's name, until now.
    counts["audit_entries"] = AuditEntry.objects.filter(
        target_type__app_label="employers", target_type__model="contactperson", target_id=str(person.pk)
    ).update(target_repr=ERASED)
    person.name, person.function, person.email, person.phone = ERASED, "", "", ""
    person.lawful_basis, person.opt_out_source = "", "erased"
    person.opted_out_at = person.opted_out_at or timezone.now()  # out of every audience, for good
    person.erased_at = person.erased_at or timezone.now()
    person.save()
    return counts
