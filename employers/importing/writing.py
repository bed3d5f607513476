"""Writing the confirmed rows of a checked import, all or nothing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.models import AuditEntry
from employers.importing.checking import _duplicates, choices_for
from employers.importing.columns import CONTACT, CREATE, EMPLOYER_COLUMNS, FILL, SKIP, UPDATE
from employers.models import (
    ContactPerson,
    Employer,
    ImportBatch,
    ImportState,
    Source,
    Stage,
    StageChange,
)
from employers.services import employer_change_stage

if TYPE_CHECKING:
    from crm.types import AuthUser

# --- Writing ---------------------------------------------------------------------------


def _employer_fields(data: dict[str, str]) -> dict[str, str]:
    return {column: data[column] for column in EMPLOYER_COLUMNS if data.get(column)}


def _person(employer_id: int, data: dict[str, str]) -> ContactPerson | None:
    if not data.get("contact_name"):
        return None
    return ContactPerson(
        employer_id=employer_id,
        name=data["contact_name"][:200],
        function=data.get("contact_function", "")[:200],
        email=data.get("contact_email", ""),
        phone=data.get("contact_phone", "")[:30],
        lawful_basis=_("Imported from an employer list"),
    )


def import_confirm(
    *, batch: ImportBatch, by: AuthUser, actions: dict[int, str], state: str = ImportState.PREVIEW
) -> dict[str, int]:
    """Write the chosen rows (``{line: create|update|skip}``), all or nothing.

    Duplicates are checked again against the database as it is now; a row that has become a
    duplicate since the dry run stops the whole import with a message naming its line.
    """
    if batch.state != state:
        raise ValidationError(_("This import has already been imported or discarded."))
    rows = [dict(row, data=dict(row["data"])) for row in batch.rows]
    for row in rows:
        row["errors"] = dict(row["errors"])
    _duplicates(rows, batch.region)
    planned: list[tuple[dict, str]] = []
    problems = []
    for row in rows:
        action = actions.get(row["line"], SKIP)
        if action not in choices_for(row):
            # Allowed at the check but not any more: the database changed in between.
            if action in row.get("choices", ()):
                problems.append(row["line"])
            continue
        planned.append((row, action))
    if problems:
        raise ValidationError(
            _("Lines %(lines)s changed since the check (a duplicate appeared). Check the file again.")
            % {"lines": ", ".join(str(line) for line in problems[:10])}
        )
    try:
        return _write(batch, by, planned, state)
    except IntegrityError as error:
        # A concurrent change (say, the same KvK number saved a moment ago): nothing was written.
        raise ValidationError(
            _("Another change got in the way; nothing was imported. Check the file again.")
        ) from error


def _write(batch: ImportBatch, by: AuthUser, planned: list[tuple[dict, str]], state: str) -> dict[str, int]:
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.state != state:
            raise ValidationError(_("This import has already been imported or discarded."))
        defaults = {"region": batch.region, "source": Source.IMPORT, "stage": Stage.PROSPECT}
        creates = [
            (row, Employer(**{**defaults, **_employer_fields(row["data"])}))
            for row, action in planned
            if action == CREATE
        ]
        created = Employer.objects.bulk_create([employer for _row, employer in creates], batch_size=1000)
        StageChange.objects.bulk_create(
            [StageChange(employer=e, from_stage="", to_stage=e.stage, by=by) for e in created], batch_size=1000
        )
        people = [_person(employer.pk, row["data"]) for row, employer in creates]
        employer_of_line = {row["line"]: employer.pk for row, employer in creates}
        updated = 0
        updates = {row["duplicate"]["employer"]: (row, action) for row, action in planned if action in (FILL, UPDATE)}
        for employer in Employer.objects.select_for_update().filter(pk__in=updates, region=batch.region):
            row, action = updates[employer.pk]
            data = row["data"]
            overwrite = action == UPDATE  # chosen per row or for all; FILL keeps every curated value
            stage = data.get("stage") if overwrite else None  # a stage is never empty: only overwrite moves it
            changed = [
                column
                for column, value in _employer_fields(data).items()
                if column != "stage" and (overwrite or not getattr(employer, column))
            ]
            for column in changed:
                setattr(employer, column, data[column])
            if changed:
                employer.save(update_fields=[*changed, "updated_at"])
                AuditEntry.record(
                    "employers.employer.updated_by_import",
                    target=employer,
                    actor=by,
                    data={"batch": batch.pk, "mode": action, "fields": changed},
                )
            if stage:
                # The one stage service: history, audit entry; the same stage changes nothing.
                employer = employer_change_stage(employer=employer, by=by, stage=stage)
            known = set(employer.contact_persons.values_list("name", flat=True))
            person = _person(employer.pk, data)
            if person is not None and person.name not in known:
                people.append(person)
            employer_of_line[row["line"]] = employer.pk
            updated += 1
        contacts = _contact_rows(planned, employer_of_line, people)
        ContactPerson.objects.bulk_create([p for p in people if p is not None], batch_size=1000)
        counts = {
            "created": len(created),
            "updated": updated,
            "contacts": contacts,
            "skipped": len(batch.rows) - len(created) - updated - contacts,
            "rows": len(batch.rows),
        }
        batch.state = ImportState.IMPORTED
        batch.imported_at = timezone.now()
        batch.counts = counts
        batch.error = ""
        batch.save(update_fields=["state", "imported_at", "counts", "error"])
        AuditEntry.record(
            "employers.import",
            target=batch,
            actor=by,
            data={"region": batch.region_id, "file": batch.filename, **counts},
        )
        return counts


def _contact_rows(planned: list[tuple[dict, str]], employer_of_line: dict[int, int], people: list) -> int:
    """Rows repeating an earlier row's employer add their contact person to it (once per name);
    the employer is the one that earlier row created or updated. Returns how many were added."""
    taken = {(p.employer_id, p.name) for p in people if p is not None}
    taken |= set(
        ContactPerson.objects.filter(employer_id__in=set(employer_of_line.values())).values_list("employer_id", "name")
    )
    added = 0
    for row, action in planned:
        employer_id = employer_of_line.get(row["duplicate"]["line"]) if action == CONTACT else None
        person = _person(employer_id, row["data"]) if employer_id else None
        if person is not None and (employer_id, person.name) not in taken:
            taken.add((employer_id, person.name))
            people.append(person)
            added += 1
    return added
