"""Reading a CSV or XLSX upload as rows, within the limits (settings ``IMPORT_MAX_*``)."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils import formats
from django.utils.translation import gettext as _

from crm.fields import clean_text
from employers.importing.columns import ImportFileError, _column_for

if TYPE_CHECKING:
    pass

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
