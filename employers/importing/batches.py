"""The import as batches: upload, the dry run and the write as Celery tasks (enqueued by name),
discarding, and the preview's summary."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import translation
from django.utils.translation import gettext as _
from psycopg.types.json import Jsonb

from crm.fields import clean_text
from crm.models import Region
from crm.queue import send_after_commit
from employers.importing.checking import _duplicates, check_row, choices_for
from employers.importing.columns import HEADERS, ImportFileError
from employers.importing.reading import check_size, estimate_rows, read_header, read_rows
from employers.importing.writing import import_confirm
from employers.models import (
    ImportBatch,
    ImportState,
)

if TYPE_CHECKING:
    from crm.types import AuthUser

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
    send_after_commit("employers.tasks.check_import", batch.pk)
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
    store_rows(batch_id, rows)
    ImportBatch.objects.filter(pk=batch_id).update(
        state=ImportState.PREVIEW, notices=notices, raw=b"", progress=len(rows), total=len(rows)
    )
    return "checked"


STORE_CHUNK = 2000  # rows serialised per statement


def store_rows(batch_id: int, rows: list[dict]) -> None:
    """The checked rows into the batch, appended a chunk per statement: the JSON of 20,000
    rows at once would cost as much memory again as the rows themselves."""
    table = ImportBatch._meta.db_table
    with connection.cursor() as cursor:
        empty: list[Any] = [Jsonb([]), batch_id]
        cursor.execute(f'UPDATE "{table}" SET "rows" = %s WHERE "id" = %s', empty)  # noqa: S608 - our own table name
        for start in range(0, len(rows), STORE_CHUNK):
            chunk: list[Any] = [Jsonb(rows[start : start + STORE_CHUNK]), batch_id]
            cursor.execute(f'UPDATE "{table}" SET "rows" = "rows" || %s WHERE "id" = %s', chunk)  # noqa: S608 - our own table name


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
        # Empty cells are not kept: every reader takes a missing field as empty, and 20,000
        # rows of mostly empty columns would cost their memory twice (the rows and their JSON).
        data = {field: value for field, value in data.items() if value}
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
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            region=region, created_by=by, filename=clean_text(filename)[:200], notices=notices
        )
        store_rows(batch.pk, rows)
    batch.rows = rows
    return batch


def import_request_confirm(*, batch: ImportBatch, by: AuthUser, actions: dict[int, str]) -> bool:
    """The user confirmed: claim the batch (preview -> importing) with the chosen actions and hand
    the write to Celery after commit. The write runs in the task too: updates go row by row
    through the employer services (stage history, audit), which for 20,000 rows takes longer
    than a web request may. ``False`` when the batch was not waiting for confirmation."""
    claimed = ImportBatch.objects.filter(pk=batch.pk, state=ImportState.PREVIEW).update(
        state=ImportState.IMPORTING, actions={str(line): action for line, action in actions.items()}, error=""
    )
    if claimed:
        send_after_commit("employers.tasks.run_import", batch.pk, by.pk)
    return bool(claimed)


def import_run_confirm(*, batch_id: int, by_id: int) -> str:
    """The task's body: write the confirmed rows; a refusal puts the batch back to the preview
    with the reason shown on its page."""
    from django.contrib.auth import get_user_model

    batch = ImportBatch.objects.select_related("region").filter(pk=batch_id, state=ImportState.IMPORTING).first()
    by = get_user_model().objects.filter(pk=by_id).first()
    if batch is None:
        return "gone or already imported"
    if by is None:  # the user was deleted between the click and the task
        with translation.override(batch.language or None):
            error = _("The user who confirmed this import no longer exists.")
        ImportBatch.objects.filter(pk=batch_id, state=ImportState.IMPORTING).update(
            state=ImportState.PREVIEW, error=error
        )
        return "user gone"
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


def import_correct(*, batch: ImportBatch, by: AuthUser, corrections: dict[int, dict[str, str]]) -> ImportBatch:
    """Corrected cells from the preview: the corrected rows are checked again (every rule, as at
    the upload), then every row's duplicates and choices, so a fixed row can be imported rather
    than only skipped. Only a batch waiting for confirmation is changed."""
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().select_related("region").get(pk=batch.pk)
        if batch.state != ImportState.PREVIEW:
            raise ValidationError(_("This import has already been imported or discarded."))
        rows = batch.rows
        for row in rows:
            cells = corrections.get(row["line"])
            if cells:
                allowed = {field: str(value) for field, value in cells.items() if field in HEADERS}
                row["data"], row["errors"] = check_row({**row["data"], **allowed})
        _duplicates(rows, batch.region)
        for row in rows:
            row.setdefault("diff", [])
            row["choices"] = choices_for(row)
        batch.rows = rows
        batch.save(update_fields=["rows"])
    return batch
