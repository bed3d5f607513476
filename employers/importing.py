"""Import of employer lists as WSPs keep them: CSV from Dutch Excel (semicolon or comma, UTF-8
with or without BOM, or Windows-1252) and XLSX.

Two steps, each in a Celery task (``employers.tasks``), so that no web request reads or writes a
file of 20,000 rows. ``import_upload`` stores the file as a queued ``ImportBatch``; the task
(``import_run_check``, or ``import_check`` called directly) reads it within the limits (settings
``IMPORT_MAX_*``), checks every row (all of a row's errors, not just the first) and finds
duplicates in the file and in the database, reporting progress on the batch row; it writes no
employer. ``import_request_confirm`` hands the chosen rows to the second task, and
``import_confirm`` writes them in one transaction, re-checking duplicates first: either every
chosen row is written or none is.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from crm import queue
from crm.fields import clean_text
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
from employers.services import employer_change_stage, normalise_kvk, normalise_postcode

if TYPE_CHECKING:
    from crm.types import AuthUser

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
#
# Streaming, and every limit checked as the rows come: the reader stops at the first row over a
# limit, so a file of millions of rows or thousands of columns costs what its first offending
# row costs, not the whole file. The limits are settings (README, Configuration).

# Excel pads a sheet with formatted but empty rows; this many empty rows in a row end the data.
MAX_BLANK_RUN = 1_000


def limits() -> dict[str, int]:
    return {
        "bytes": settings.IMPORT_MAX_BYTES,
        "rows": settings.IMPORT_MAX_ROWS,
        "columns": settings.IMPORT_MAX_COLUMNS,
        "cell": settings.IMPORT_MAX_CELL_CHARS,
        "unpacked": settings.IMPORT_MAX_XLSX_UNPACKED_BYTES,
    }


def _number(value: int) -> str:
    """1,000 in English, 1.000 in Dutch."""
    return formats.number_format(value, force_grouping=True)


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB" if size >= 1024 * 1024 else f"{size // 1024} KB"


def check_size(size: int) -> None:
    if size > settings.IMPORT_MAX_BYTES:
        raise ImportFileError(
            _("The file is larger than %(max)s; split it into smaller files.")
            % {"max": _megabytes(settings.IMPORT_MAX_BYTES)}
        )


def _looks_like_utf16(raw: bytes) -> bool:
    """UTF-16 without a byte order mark: every other byte of Latin text is NUL."""
    sample = raw[:4096]
    return len(sample) >= 4 and (sample[1::2].count(0) > len(sample) // 4 or sample[0::2].count(0) > len(sample) // 4)


def _decode(raw: bytes) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            pass
    elif _looks_like_utf16(raw):
        raise ImportFileError(
            _("The file is saved as UTF-16 (“Unicode text”) without a byte order mark. Save it as CSV UTF-8.")
        )
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError(_("The file is not UTF-8 or Windows text. Save it from Excel as CSV UTF-8."))


def _csv_rows(raw: bytes) -> Iterator[tuple[int, list[str]]]:
    text = _decode(raw)
    first_line = text[: text.find("\n")] if "\n" in text else text  # no copy of the whole text
    delimiter = max(";,\t", key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    while True:
        line = reader.line_num + 1  # where the row starts: a quoted cell may hold line breaks
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            # A quoted cell over csv's field_size_limit (128 KB), or a NUL the csv module refuses.
            if "field larger" in str(error):
                raise ImportFileError(
                    _("Line %(line)s: a cell is longer than %(max)s characters.")
                    % {"line": line, "max": _number(settings.IMPORT_MAX_CELL_CHARS)}
                ) from None
            raise ImportFileError(_("Line %(line)s cannot be read as CSV.") % {"line": line}) from None
        yield line, cells


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # Excel keeps KvK numbers and house numbers as floats
    return str(value).strip()


def _check_unpacked(raw: bytes) -> None:
    """A zip bomb (a few MB unpacking to gigabytes of XML) is refused before openpyxl reads it."""
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise ImportFileError(_("This is not a readable Excel (.xlsx) file.")) from error
    if unpacked > settings.IMPORT_MAX_XLSX_UNPACKED_BYTES:
        raise ImportFileError(
            _("The Excel file unpacks to more than %(max)s; remove empty rows and columns or split it.")
            % {"max": _megabytes(settings.IMPORT_MAX_XLSX_UNPACKED_BYTES)}
        )


def _xlsx_rows(raw: bytes) -> Iterator[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    _check_unpacked(raw)
    try:
        workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises several kinds for a file that is not XLSX
        raise ImportFileError(_("This is not a readable Excel (.xlsx) file.")) from error
    try:
        sheet = workbook.worksheets[0]
        # max_col: a row is read one column past the limit, enough to say it is over it.
        rows = sheet.iter_rows(values_only=True, max_col=settings.IMPORT_MAX_COLUMNS + 1)
        for line, row in enumerate(rows, start=1):
            yield line, [_cell(value) for value in row]
    except ImportFileError:
        raise
    except Exception as error:  # a damaged sheet inside a valid zip
        raise ImportFileError(_("This is not a readable Excel (.xlsx) file.")) from error
    finally:
        workbook.close()


def estimate_rows(filename: str, raw: bytes) -> int:
    """Rows the progress counts towards: lines of a CSV, the sheet's declared size of an XLSX."""
    if filename.lower().endswith(".xlsx"):
        return 0  # unknown until read; the page then shows rows checked so far
    return max(raw.count(b"\n") - 1, 0)


def _rows_of(filename: str, raw: bytes) -> Iterator[tuple[int, list[str]]]:
    name = filename.lower()
    if name.endswith(".xlsx"):
        return _xlsx_rows(raw)
    if name.endswith((".csv", ".txt")):
        return _csv_rows(raw)
    raise ImportFileError(_("Upload a .csv or .xlsx file."))


def _too_many_columns(line: int, count: int) -> ImportFileError:
    return ImportFileError(
        _("Line %(line)s has more than %(max)s columns; remove the empty or unused ones.")
        % {"line": line, "max": settings.IMPORT_MAX_COLUMNS}
    )


def read_rows(filename: str, raw: bytes, notices: list[str]) -> Iterator[tuple[int, list[str]]]:
    """``(line number, cells)`` of each non-empty row, the header first, within the limits."""
    check_size(len(raw))
    data_rows = blank_run = 0
    for line, cells in _rows_of(filename, raw):
        if len(cells) > settings.IMPORT_MAX_COLUMNS and any(c.strip() for c in cells[settings.IMPORT_MAX_COLUMNS :]):
            raise _too_many_columns(line, len(cells))
        cells = cells[: settings.IMPORT_MAX_COLUMNS]
        if not any(cell.strip() for cell in cells):
            blank_run += 1
            if blank_run >= MAX_BLANK_RUN:
                notices.append(
                    _("Reading stopped at line %(line)s after %(n)s empty rows; rows after it are not imported.")
                    % {"line": line, "n": _number(MAX_BLANK_RUN)}
                )
                return
            continue
        blank_run = 0
        data_rows += 1
        if data_rows > settings.IMPORT_MAX_ROWS + 1:  # + the header
            raise ImportFileError(
                _("The file has more than %(max)s rows; split it.") % {"max": _number(settings.IMPORT_MAX_ROWS)}
            )
        yield line, cells


def read_header(header: list[str]) -> tuple[dict[int, str], list[str]]:
    """``({column index: field}, notices)`` of the header row."""
    columns: dict[int, str] = {}
    notices = []
    for index, title in enumerate(header):
        column = _column_for(title)
        if column and column not in columns.values():
            columns[index] = column
        elif title.strip():
            notices.append(_("Column “%(title)s” is not used.") % {"title": clean_text(title.strip())[:100]})
    if "legal_name" not in columns.values():
        raise ImportFileError(_("The file needs a column with the employer's name (Naam or Bedrijfsnaam)."))
    return columns, notices


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


# Values that end up in mail headers and file names: stored on one line (see crm.fields).
ONE_LINE = ("legal_name", "trade_name", "place", "address", "contact_name", "contact_function", "contact_phone")


def check_row(cells: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """Normalised data and every error of one row, keyed by field."""
    data = {column: (value or "").strip() for column, value in cells.items()}
    errors: dict[str, str] = {}
    for field, value in data.items():
        if len(value) > settings.IMPORT_MAX_CELL_CHARS:
            errors[field] = _("Longer than %(limit)s characters.") % {"limit": _number(settings.IMPORT_MAX_CELL_CHARS)}
            data[field] = value[:200]  # enough to recognise the row in the preview
        elif "\x00" in value:
            errors[field] = _("Contains a NUL character: the file is damaged here; correct this cell.")
            data[field] = value.replace("\x00", "")
    for field in ONE_LINE:
        if data.get(field):
            data[field] = clean_text(data[field])  # Alt+Enter in Excel: the name becomes one line

    def rule(field: str, convert: Any) -> None:
        if data.get(field):
            try:
                data[field] = convert(data[field])
            except ValidationError as error:
                errors[field] = _first_message(error)

    if not data.get("legal_name") and "legal_name" not in errors:
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


PROGRESS_EVERY = 500  # rows between two progress updates of the batch row


def import_upload(*, by: AuthUser, region: Region, filename: str, raw: bytes, language: str = "") -> ImportBatch:
    """Store the upload and hand the dry run to Celery (after commit); nothing is read here, so
    the request returns at once whatever the file holds."""
    check_size(len(raw))
    if not filename.lower().endswith((".csv", ".txt", ".xlsx")):
        raise ImportFileError(_("Upload a .csv or .xlsx file."))
    batch = ImportBatch.objects.create(
        region=region,
        created_by=by,
        filename=clean_text(filename)[:200],
        raw=raw,
        language=language,
        state=ImportState.QUEUED,
        total=estimate_rows(filename, raw),
    )
    queue.send_after_commit("employers.tasks.check_import", batch.pk)
    return batch


def import_run_check(*, batch_id: int) -> str:
    """The task's body: claim the queued batch, read and check it, store the preview or the error."""
    claimed = ImportBatch.objects.filter(pk=batch_id, state=ImportState.QUEUED).update(state=ImportState.CHECKING)
    if not claimed:
        return "gone or already checked"
    batch = ImportBatch.objects.select_related("region").get(pk=batch_id)
    with translation.override(batch.language or None):
        try:
            rows, notices = _check(batch.filename, bytes(batch.raw), batch.region, _progress(batch.pk))
        except ImportFileError as error:
            ImportBatch.objects.filter(pk=batch_id).update(state=ImportState.FAILED, error=str(error), raw=b"")
            return "failed"
    ImportBatch.objects.filter(pk=batch_id).update(
        state=ImportState.PREVIEW, rows=rows, notices=notices, raw=b"", progress=len(rows), total=len(rows)
    )
    return "checked"


def _progress(batch_id: int) -> Any:
    def report(done: int) -> None:
        ImportBatch.objects.filter(pk=batch_id).update(progress=done)

    return report


def _check(filename: str, raw: bytes, region: Region, report: Any = None) -> tuple[list[dict], list[str]]:
    notices: list[str] = []
    table = read_rows(filename, raw, notices)
    first = next(table, None)
    if first is None:
        raise ImportFileError(_("The file is empty."))
    columns, header_notices = read_header(first[1])
    rows = []
    for line, cells in table:
        values = {field: (cells[index] if index < len(cells) else "") for index, field in columns.items()}
        data, errors = check_row(values)
        rows.append({"line": line, "data": data, "errors": errors})
        if report is not None and len(rows) % PROGRESS_EVERY == 0:
            report(len(rows))
    if not rows:
        raise ImportFileError(_("The file has a header but no rows."))
    _duplicates(rows, region)
    for row in rows:
        row["choices"] = choices_for(row)
    return rows, header_notices + notices


def import_check(*, by: AuthUser, region: Region, filename: str, raw: bytes) -> ImportBatch:
    """The dry run in one go (what the task does, for a caller that already runs in a worker or
    a shell): read and check the file, store the outcome; no employer is written."""
    check_size(len(raw))
    rows, notices = _check(filename, raw, region)
    return ImportBatch.objects.create(
        region=region, created_by=by, filename=clean_text(filename)[:200], rows=rows, notices=notices
    )


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


def import_request_confirm(*, batch: ImportBatch, by: AuthUser, actions: dict[int, str]) -> bool:
    """The user confirmed: claim the batch (preview -> importing) with the chosen actions and hand
    the write to Celery after commit. The write runs in the task too: updates go row by row
    through the employer services (stage history, audit), which for 20,000 rows takes longer
    than a web request may. ``False`` when the batch was not waiting for confirmation."""
    claimed = ImportBatch.objects.filter(pk=batch.pk, state=ImportState.PREVIEW).update(
        state=ImportState.IMPORTING, actions={str(line): action for line, action in actions.items()}, error=""
    )
    if claimed:
        queue.send_after_commit("employers.tasks.run_import", batch.pk, by.pk)
    return bool(claimed)


def import_run_confirm(*, batch_id: int, by_id: int) -> str:
    """The task's body: write the confirmed rows; a refusal puts the batch back to the preview
    with the reason shown on its page."""
    from django.contrib.auth import get_user_model

    batch = ImportBatch.objects.select_related("region").filter(pk=batch_id, state=ImportState.IMPORTING).first()
    by = get_user_model().objects.filter(pk=by_id).first()
    if batch is None:
        return "gone or already imported"
    actions = {int(line): action for line, action in batch.actions.items()}
    with translation.override(batch.language or None):
        try:
            import_confirm(batch=batch, by=by, actions=actions, state=ImportState.IMPORTING)
        except ValidationError as error:
            ImportBatch.objects.filter(pk=batch_id, state=ImportState.IMPORTING).update(
                state=ImportState.PREVIEW, error=" ".join(error.messages)
            )
            return "refused"
    return "imported"


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
        updated = 0
        updates = {row["duplicate"]["employer"]: row for row, action in planned if action == UPDATE}
        for employer in Employer.objects.select_for_update().filter(pk__in=updates, region=batch.region):
            data = updates[employer.pk]["data"]
            stage = data.get("stage")
            for column, value in _employer_fields(data).items():
                if column != "stage":
                    setattr(employer, column, value)
            employer.save()
            if stage:
                # The one stage service: history, audit entry; the same stage changes nothing.
                employer = employer_change_stage(employer=employer, by=by, stage=stage)
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
        batch.error = ""
        batch.save(update_fields=["state", "imported_at", "counts", "error"])
        AuditEntry.record(
            "employers.import",
            target=batch,
            actor=by,
            data={"region": batch.region_id, "file": batch.filename, **counts},
        )
        return counts


def import_discard(*, batch: ImportBatch, by: AuthUser) -> None:
    ImportBatch.objects.filter(pk=batch.pk, state__in=(ImportState.PREVIEW, ImportState.FAILED)).update(
        state=ImportState.DISCARDED, raw=b""
    )


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
