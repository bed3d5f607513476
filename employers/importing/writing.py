"""Writing the confirmed rows of a checked import, all or nothing."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
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
    # The batch's own rows, not a copy (20,000 rows are tens of MB): only their duplicate and
    # diff are worked out again, and the batch's rows are not saved from here.
    rows = batch.rows
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


WRITE_CHUNK = 500  # rows written per round of bulk statements (bounded memory)


def _chunks(items: list, size: int = WRITE_CHUNK) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _write(batch: ImportBatch, by: AuthUser, planned: list[tuple[dict, str]], state: str) -> dict[str, int]:
    with transaction.atomic():
        total = len(batch.rows)
        # Locked again to write, without reading the rows and the file a second time.
        batch = ImportBatch.objects.select_for_update().defer("rows", "raw").select_related("region").get(pk=batch.pk)
        if batch.state != state:
            raise ValidationError(_("This import has already been imported or discarded."))
        employer_of_line: dict[int, int] = {}
        taken: set[tuple[int, str]] = set()  # (employer, contact name) there now or written here
        created = _create(batch, by, [row for row, action in planned if action == CREATE], employer_of_line, taken)
        changes = [(row, action) for row, action in planned if action in (FILL, UPDATE)]
        updated = _update(batch, by, changes, employer_of_line, taken)
        contacts = _contact_rows(planned, employer_of_line, taken)
        counts = {
            "created": created,
            "updated": updated,
            "contacts": contacts,
            "skipped": total - created - updated - contacts,
            "rows": total,
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


def _add_people(people: Sequence[ContactPerson | None], taken: set[tuple[int, str]]) -> None:
    fresh = [p for p in people if p is not None]
    ContactPerson.objects.bulk_create(fresh, batch_size=WRITE_CHUNK)
    taken.update((p.employer_id, p.name) for p in fresh)


def _create(batch: ImportBatch, by: AuthUser, rows: list[dict], employer_of_line: dict[int, int], taken: set) -> int:
    """New employers with their first stage in the history and their contact person, a chunk
    at a time."""
    defaults = {"region": batch.region, "source": Source.IMPORT, "stage": Stage.PROSPECT}
    for chunk in _chunks(rows):
        employers = [Employer(**{**defaults, **_employer_fields(row["data"])}) for row in chunk]
        Employer.objects.bulk_create(employers, batch_size=WRITE_CHUNK)
        StageChange.objects.bulk_create(
            [StageChange(employer=e, from_stage="", to_stage=e.stage, by=by) for e in employers],
            batch_size=WRITE_CHUNK,
        )
        _add_people([_person(e.pk, row["data"]) for row, e in zip(chunk, employers, strict=True)], taken)
        employer_of_line.update((row["line"], e.pk) for row, e in zip(chunk, employers, strict=True))
    return len(rows)


def _update(
    batch: ImportBatch, by: AuthUser, changes: list[tuple[dict, str]], employer_of_line: dict[int, int], taken: set
) -> int:
    """Matched employers of the region, a chunk at a time: the changed columns in one UPDATE per
    set of columns, their audit entries in one INSERT, a new stage through the stage service."""
    updated = 0
    for chunk in _chunks(changes):
        wanted = {row["duplicate"]["employer"]: (row, action) for row, action in chunk}
        employers = list(Employer.objects.select_for_update().filter(pk__in=wanted, region=batch.region))
        taken.update(ContactPerson.objects.filter(employer__in=employers).values_list("employer_id", "name"))
        by_columns: dict[tuple[str, ...], list[Employer]] = defaultdict(list)
        audits, stages, people = [], [], []
        now = timezone.now()
        for employer in employers:
            row, action = wanted[employer.pk]
            data = row["data"]
            overwrite = action == UPDATE  # chosen per row or for all; FILL keeps every curated value
            changed = [
                column
                for column, value in _employer_fields(data).items()
                if column != "stage" and (overwrite or not getattr(employer, column))
            ]
            for column in changed:
                setattr(employer, column, data[column])
            if changed:
                employer.updated_at = now
                by_columns[tuple(changed)].append(employer)
                audits.append(
                    AuditEntry.entry(
                        "employers.employer.updated_by_import",
                        target=employer,
                        actor=by,
                        data={"batch": batch.pk, "mode": action, "fields": changed},
                    )
                )
            if overwrite and data.get("stage"):  # a stage is never empty: only overwrite moves it
                stages.append((employer, data["stage"]))
            person = _person(employer.pk, data)
            if person is not None and (employer.pk, person.name) not in taken:
                people.append(person)
                taken.add((employer.pk, person.name))
            employer_of_line[row["line"]] = employer.pk
            updated += 1
        for columns, group in by_columns.items():
            Employer.objects.bulk_update(group, [*columns, "updated_at"], batch_size=WRITE_CHUNK)
        AuditEntry.objects.bulk_create(audits, batch_size=WRITE_CHUNK)
        for employer, stage in stages:
            # The one stage service: history, audit entry; the same stage changes nothing.
            employer_change_stage(employer=employer, by=by, stage=stage)
        _add_people(people, set())
    return updated


def _contact_rows(planned: list[tuple[dict, str]], employer_of_line: dict[int, int], taken: set) -> int:
    """Rows repeating an earlier row's employer add their contact person to it (once per name);
    the employer is the one that earlier row created or updated. Returns how many were added."""
    people = []
    for row, action in planned:
        employer_id = employer_of_line.get(row["duplicate"]["line"]) if action == CONTACT else None
        person = _person(employer_id, row["data"]) if employer_id else None
        if person is not None and (employer_id, person.name) not in taken:
            taken.add((employer_id, person.name))
            people.append(person)
    _add_people(people, set())
    return len(people)
