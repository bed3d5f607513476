"""Import of employer lists as WSPs keep them: CSV from Dutch Excel (semicolon or comma, UTF-8
with or without BOM, or Windows-1252) and XLSX.

Two steps, each in a Celery task (``employers.tasks``, enqueued by name), so that no web request
reads or writes a file of 20,000 rows. ``import_upload`` stores the file as a queued
``ImportBatch``; the task (``import_run_check``, or ``import_check`` called directly) reads it
within the limits (settings ``IMPORT_MAX_*``), checks every row (all of a row's errors, not just
the first) and finds duplicates in the file and in the database, reporting progress on the batch
row; it writes no employer. ``import_request_confirm`` hands the chosen rows to the second task,
and ``import_confirm`` writes them in one transaction, re-checking duplicates first: either every
chosen row is written or none is.

The modules by concern: ``columns`` (headers, words, actions), ``reading`` (the file as rows),
``checking`` (one row's values and errors, duplicates), ``writing`` (the confirmed rows), and
``batches`` (upload, the two tasks' bodies, discard, summary).
"""

from employers.importing.batches import (
    PROGRESS_EVERY,
    import_check,
    import_correct,
    import_discard,
    import_request_confirm,
    import_run_check,
    import_run_confirm,
    import_upload,
    rows_summary,
)
from employers.importing.checking import check_row, choices_for
from employers.importing.columns import CONTACT, CREATE, FILL, HEADERS, SKIP, UPDATE, ImportFileError
from employers.importing.reading import check_size, limits, read_header, read_rows
from employers.importing.writing import import_confirm

__all__ = [
    "CONTACT",
    "CREATE",
    "FILL",
    "HEADERS",
    "PROGRESS_EVERY",
    "SKIP",
    "UPDATE",
    "ImportFileError",
    "check_row",
    "check_size",
    "choices_for",
    "import_check",
    "import_confirm",
    "import_correct",
    "import_discard",
    "import_request_confirm",
    "import_run_check",
    "import_run_confirm",
    "import_upload",
    "limits",
    "read_header",
    "read_rows",
    "rows_summary",
]
