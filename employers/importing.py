"""Import of employer lists as WSPs keep them: CSV from Dutch Excel (semicolon or comma, UTF-8
with or without BOM, or Windows-1252) and XLSX.

Two steps. ``import_check`` reads the file, checks every row (all of a row's errors, not just the
first) and finds duplicates in the file and in the database; it stores the result as an
``ImportBatch`` and writes no employer. ``import_confirm`` then writes, in one transaction, the
rows the user chose to create or update, re-checking duplicates first: either every chosen row
is written or none is.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from crm.models import AuditEntry, Region
from employers.models import (
    ContactPerson,
    Employer,
    ImportBatch,
    ImportState,
    SbiSection,
    SizeClass,
    Source,
    Stage,
    StageChange,
)
from employers.services import normalise_kvk, normalise_postcode

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000

CREATE, UPDATE, SKIP = "create", "update", "skip"

# Column headers as people write them, in Dutch or English; compared lower-case without spaces,
# dashes, dots or underscores.
HEADERS: dict[str, tuple[str, ...]] = {
    "legal_name": ("naam", "bedrijfsnaam", "statutairenaam", "werkgever", "organisatie", "legalname", "name"),
    "trade_name": ("handelsnaam", "tradename"),
    "kvk_number": ("kvk", "kvknummer", "kvknr", "kvknumber"),
    "sbi_section": ("sbi", "sbisectie", "sector", "sbisection"),
    "sbi_code": ("sbicode",),
    "size_class": ("grootte", "omvang", "size", "sizeclass"),
    "website": ("website", "site", "url"),
    "address": ("adres", "bezoekadres", "address"),
    "postcode": ("postcode", "postalcode", "zip"),
    "place": ("plaats", "woonplaats", "vestigingsplaats", "place", "city"),
    "stage": ("fase", "netwerkfase", "stage"),
    "notes": ("notities", "opmerkingen", "notes"),
    "contact_name": ("contactpersoon", "contact", "contactperson", "contactname"),
    "contact_function": ("functie", "function"),
    "contact_email": ("email", "emailadres", "mail", "contactemail"),
    "contact_phone": ("telefoon", "telefoonnummer", "tel", "phone"),
}
EMPLOYER_COLUMNS = ("legal_name", "trade_name", "kvk_number", "sbi_section", "sbi_code", "size_class")
EMPLOYER_COLUMNS += ("website", "address", "postcode", "place", "stage", "notes")
SIZE_WORDS = {
    SizeClass.MICRO: ("micro", "1-9", "zzp"),
    SizeClass.SMALL: ("small", "klein", "10-49"),
    SizeClass.MEDIUM: ("medium", "middel", "middelgroot", "50-249"),
    SizeClass.LARGE: ("large", "groot", "250+", "250ofmeer"),
}


class ImportFileError(ValueError):
    """The file as a whole cannot be read; the message says why, for the person who uploaded it."""


def _key(header: Any) -> str:
    return "".join(ch for ch in str(header or "").lower() if ch.isalnum())


def _column_for(header: Any) -> str | None:
    key = _key(header)
    for column, names in HEADERS.items():
        if key in names:
            return column
    return None


# --- Reading ---------------------------------------------------------------------------


def _decode(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError(_("The file is not UTF-8 or Windows text. Save it from Excel as CSV UTF-8."))


def _csv_rows(raw: bytes) -> Iterator[list[str]]:
    text = _decode(raw)
    first_line = text.split("\n", 1)[0]
    delimiter = max(";,\t", key=first_line.count)
    yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # Excel keeps KvK numbers and house numbers as floats
    return str(value).strip()


def _xlsx_rows(raw: bytes) -> Iterator[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises several kinds for a file that is not XLSX
        raise ImportFileError(_("This is not a readable Excel (.xlsx) file.")) from error
    try:
        for row in workbook.worksheets[0].iter_rows(values_only=True):
            yield [_cell(value) for value in row]
    finally:
        workbook.close()


def read_table(filename: str, raw: bytes) -> tuple[dict[int, str], list[tuple[int, list[str]]], list[str]]:
    """``({column index: field}, [(line number, cells)], notices)`` of a CSV or XLSX file."""
    if len(raw) > MAX_BYTES:
        raise ImportFileError(_("The file is larger than 5 MB; split it into smaller files."))
    name = filename.lower()
    if name.endswith(".xlsx"):
        rows = _xlsx_rows(raw)
    elif name.endswith((".csv", ".txt")):
        rows = _csv_rows(raw)
    else:
        raise ImportFileError(_("Upload a .csv or .xlsx file."))
    header: list[str] | None = None
    data: list[tuple[int, list[str]]] = []
    for line, cells in enumerate(rows, start=1):
        if not any(cell.strip() for cell in cells):
            continue
        if header is None:
            header = cells
            continue
        data.append((line, cells))
        if len(data) > MAX_ROWS:
            raise ImportFileError(_("The file has more than %(max)s rows; split it.") % {"max": f"{MAX_ROWS:,}"})
    if header is None:
        raise ImportFileError(_("The file is empty."))
    columns: dict[int, str] = {}
    notices = []
    for index, title in enumerate(header):
        column = _column_for(title)
        if column and column not in columns.values():
            columns[index] = column
        elif title.strip():
            notices.append(_("Column “%(title)s” is not used.") % {"title": title.strip()})
    if "legal_name" not in columns.values():
        raise ImportFileError(_("The file needs a column with the employer's name (Naam or Bedrijfsnaam)."))
    return columns, data, notices


# --- Checking --------------------------------------------------------------------------


def _size(value: str) -> str:
    key = _key(value)
    for size, words in SIZE_WORDS.items():
        if key in {_key(word) for word in words}:
            return size.value
    raise ValidationError(_("Unknown size: use micro, klein, middel or groot."))


STAGE_WORDS = {
    Stage.PROSPECT: ("prospect", "kandidaat"),
    Stage.INTERESTED: ("interested", "geinteresseerd", "geïnteresseerd"),
    Stage.OPEN: ("open",),
    Stage.ACTIVE: ("active", "actief"),
    Stage.AMBASSADOR: ("ambassador", "ambassadeur"),
    Stage.PAUSED: ("paused", "gepauzeerd", "pauze"),
}


def _stage(value: str) -> str:
    """A stage code, a common Dutch or English word for it, or its label in either language."""
    lowered = value.strip().lower()
    for stage in Stage:
        names = set(STAGE_WORDS[stage])
        for language in ("nl", "en"):
            with translation.override(language):
                names.add(str(stage.label).lower())
        if lowered in names:
            return stage.value
    raise ValidationError(_("Unknown network stage: use prospect, interested, open, active, ambassador or paused."))


def _first_message(error: ValidationError) -> str:
    if hasattr(error, "message_dict"):
        return next(iter(error.message_dict.values()))[0]
    return error.messages[0]


def check_row(cells: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """Normalised data and every error of one row, keyed by field."""
    data = {column: (value or "").strip() for column, value in cells.items()}
    errors: dict[str, str] = {}

    def rule(field: str, convert: Any) -> None:
        if data.get(field):
            try:
                data[field] = convert(data[field])
            except ValidationError as error:
                errors[field] = _first_message(error)

    if not data.get("legal_name"):
        errors["legal_name"] = _("The employer's name is missing.")
    rule("kvk_number", lambda v: normalise_kvk(v.replace(" ", "").replace(".", "")))
    rule("postcode", normalise_postcode)
    rule("sbi_section", _sbi_section)
    rule("size_class", _size)
    rule("stage", _stage)
    rule("website", _website)
    rule("contact_email", _email)
    if data.get("contact_email") and not data.get("contact_name") and "contact_email" not in errors:
        errors["contact_name"] = _("An e-mail address needs the contact person's name.")
    for field, limit in (("legal_name", 200), ("trade_name", 200), ("place", 100), ("address", 200)):
        if len(data.get(field, "")) > limit and field not in errors:
            errors[field] = _("Longer than %(limit)s characters.") % {"limit": limit}
    return data, errors


def _sbi_section(value: str) -> str:
    value = value.strip().upper()
    if value not in SbiSection.values:
        raise ValidationError(_("Unknown SBI section “%(value)s”: use one letter from A to U.") % {"value": value})
    return value


def _email(value: str) -> str:
    try:
        validate_email(value)
    except ValidationError:
        raise ValidationError(_("“%(value)s” is not a valid e-mail address.") % {"value": value}) from None
    return value.lower()


def _website(value: str) -> str:
    if "://" not in value:
        value = f"https://{value}"
    try:
        URLValidator()(value)
    except ValidationError:
        raise ValidationError(_("“%(value)s” is not a valid website address.") % {"value": value}) from None
    return value


def _duplicates(rows: list[dict], region: Region) -> None:
    """Mark each row's duplicate: earlier in the file, in this region, or in another region."""
    kvks = {row["data"]["kvk_number"] for row in rows if row["data"].get("kvk_number") and not row["errors"]}
    names = {row["data"]["legal_name"].lower() for row in rows if row["data"].get("legal_name")}
    found = Employer.objects.annotate(lower_name=Lower("legal_name")).filter(
        Q(kvk_number__in=kvks) | Q(lower_name__in=names)
    )
    by_kvk, by_name = {}, {}
    for employer in found.select_related("region", "owner"):
        if employer.kvk_number:
            by_kvk[employer.kvk_number] = employer
        by_name[(employer.legal_name.lower(), employer.postcode)] = employer
    seen: dict[Any, int] = {}
    for row in rows:
        row["duplicate"] = None
        data = row["data"]
        if row["errors"]:
            continue
        keys = [("kvk", data["kvk_number"])] if data.get("kvk_number") else []
        if data.get("postcode"):
            keys.append(("name", data["legal_name"].lower(), data["postcode"]))
        earlier = next((seen[k] for k in keys if k in seen), None)
        if earlier is not None:
            row["duplicate"] = {"kind": "file", "line": earlier}
            continue
        for k in keys:
            seen[k] = row["line"]
        existing = by_kvk.get(data.get("kvk_number", "")) if data.get("kvk_number") else None
        if existing is None and data.get("postcode"):
            existing = by_name.get((data["legal_name"].lower(), data["postcode"]))
        if existing is None:
            continue
        if existing.region_id == region.code:
            row["duplicate"] = {"kind": "region", "employer": existing.pk, "name": existing.display_name}
        else:
            owner = existing.owner.get_full_name() or existing.owner.username if existing.owner else ""
            row["duplicate"] = {"kind": "other_region", "region": existing.region.name, "owner": owner}


def choices_for(row: dict) -> list[str]:
    """What the user may do with a row: errors and duplicates elsewhere can only be skipped."""
    duplicate = row.get("duplicate")
    if row["errors"] or (duplicate and duplicate["kind"] in ("file", "other_region")):
        return [SKIP]
    if duplicate:
        return [UPDATE, SKIP]
    return [CREATE, SKIP]


def import_check(*, by: Any, region: Region, filename: str, raw: bytes) -> ImportBatch:
    """The dry run: read and check the file, store the outcome; no employer is written."""
    columns, table, notices = read_table(filename, raw)
    rows = []
    for line, cells in table:
        values = {field: (cells[index] if index < len(cells) else "") for index, field in columns.items()}
        data, errors = check_row(values)
        rows.append({"line": line, "data": data, "errors": errors})
    if not rows:
        raise ImportFileError(_("The file has a header but no rows."))
    _duplicates(rows, region)
    for row in rows:
        row["choices"] = choices_for(row)
    return ImportBatch.objects.create(region=region, created_by=by, filename=filename[:200], rows=rows, notices=notices)


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


def import_confirm(*, batch: ImportBatch, by: Any, actions: dict[int, str]) -> dict[str, int]:
    """Write the chosen rows (``{line: create|update|skip}``), all or nothing.

    Duplicates are checked again against the database as it is now; a row that has become a
    duplicate since the dry run stops the whole import with a message naming its line.
    """
    if batch.state != ImportState.PREVIEW:
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
        return _write(batch, by, planned)
    except IntegrityError as error:
        # A concurrent change (say, the same KvK number saved a moment ago): nothing was written.
        raise ValidationError(
            _("Another change got in the way; nothing was imported. Check the file again.")
        ) from error


def _write(batch: ImportBatch, by: Any, planned: list[tuple[dict, str]]) -> dict[str, int]:
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.state != ImportState.PREVIEW:
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
        updated = 0
        updates = {row["duplicate"]["employer"]: row for row, action in planned if action == UPDATE}
        for employer in Employer.objects.select_for_update().filter(pk__in=updates, region=batch.region):
            data = updates[employer.pk]["data"]
            stage = data.get("stage")
            for column, value in _employer_fields(data).items():
                if column != "stage":
                    setattr(employer, column, value)
            employer.save()
            if stage and stage != employer.stage:
                StageChange.objects.create(employer=employer, from_stage=employer.stage, to_stage=stage, by=by)
                Employer.objects.filter(pk=employer.pk).update(stage=stage)
            known = set(employer.contact_persons.values_list("name", flat=True))
            person = _person(employer.pk, data)
            if person is not None and person.name not in known:
                people.append(person)
            updated += 1
        ContactPerson.objects.bulk_create([p for p in people if p is not None], batch_size=1000)
        counts = {
            "created": len(created),
            "updated": updated,
            "skipped": len(batch.rows) - len(created) - updated,
            "rows": len(batch.rows),
        }
        batch.state = ImportState.IMPORTED
        batch.imported_at = timezone.now()
        batch.counts = counts
        batch.save(update_fields=["state", "imported_at", "counts"])
        AuditEntry.record(
            "employers.import",
            target=batch,
            actor=by,
            data={"region": batch.region_id, "file": batch.filename, **counts},
        )
        return counts


def import_discard(*, batch: ImportBatch, by: Any) -> None:
    if batch.state == ImportState.PREVIEW:
        batch.state = ImportState.DISCARDED
        batch.save(update_fields=["state"])


def rows_summary(rows: Iterable[dict]) -> dict[str, int]:
    summary = {"rows": 0, "errors": 0, "new": 0, "in_region": 0, "elsewhere": 0, "in_file": 0}
    kinds = {"region": "in_region", "other_region": "elsewhere", "file": "in_file"}
    for row in rows:
        summary["rows"] += 1
        if row["errors"]:
            summary["errors"] += 1
        elif row.get("duplicate"):
            summary[kinds[row["duplicate"]["kind"]]] += 1
        else:
            summary["new"] += 1
    return summary
