"""Import fuzz: each hostile or broken file gets a clear message naming the line, the field or the
limit, within bounded time and memory (the reader streams and stops at the first offending row);
never a 500. Stage changes of an import go through the stage service; names are cleaned."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from crm.models import AuditEntry, Region
from employers.importing import ImportFileError, import_check, import_confirm
from employers.models import ContactPerson, Employer, ImportBatch, ImportState, StageChange
from tests.factories import EmployerFactory

pytestmark = pytest.mark.django_db

HEADER = b"Naam;KvK;Postcode;Plaats;Fase;Contactpersoon\r\n"


def check(user, raw: bytes, filename: str = "lijst.csv") -> ImportBatch:
    return import_check(by=user, region=Region.objects.get(code="AM18"), filename=filename, raw=raw)


def refused(user, raw: bytes, message: str, filename: str = "lijst.csv") -> None:
    with pytest.raises(ImportFileError, match=re.escape(message)):
        check(user, raw, filename)


def test_utf16_without_bom_says_how_to_save_it(adviser_a) -> None:
    raw = "Naam;KvK\r\nBakkerij Jansen;12345678\r\n".encode("utf-16-le")
    refused(adviser_a, raw, "saved as UTF-16 (“Unicode text”) without a byte order mark")


def test_utf16_with_bom_is_read(adviser_a) -> None:
    batch = check(adviser_a, "Naam;KvK\r\nBakkerij Jansen;12345678\r\n".encode("utf-16"))
    assert batch.rows[0]["data"]["legal_name"] == "Bakkerij Jansen" and batch.rows[0]["errors"] == {}


def test_a_nul_in_a_name_is_an_error_of_that_row_and_field(adviser_a) -> None:
    batch = check(adviser_a, HEADER + b"Bakkerij\x00 Jansen;12345678;;;;\r\nGoed B.V.;23456789;;;;\r\n")
    assert batch.rows[0]["errors"] == {
        "legal_name": "Contains a NUL character: the file is damaged here; correct this cell."
    }
    assert batch.rows[1]["errors"] == {}


def test_a_quoted_field_over_128_kb_names_its_line(adviser_a) -> None:
    raw = HEADER + b"Goed B.V.;;;;;\r\n" + b'"' + b"x" * (200 * 1024) + b'";;;;;\r\n'
    refused(adviser_a, raw, "Line 3: a cell is longer than 5,000 characters.")


def test_a_4_mb_cell_names_its_line(adviser_a) -> None:
    refused(adviser_a, HEADER + b'"' + b"x" * (4 * 1024 * 1024) + b'";;;;;\r\n', "Line 2: a cell is longer than")


def test_a_cell_over_the_cell_limit_is_an_error_of_its_row(adviser_a) -> None:
    batch = check(adviser_a, HEADER + b"Goed B.V.;;;;;" + b"k" * 6000 + b"\r\n")
    assert batch.rows[0]["errors"] == {"contact_name": "Longer than 5,000 characters."}
    assert len(batch.rows[0]["data"]["contact_name"]) == 200  # not 6,000 characters kept in the preview


def test_a_file_over_the_size_limit_is_refused_before_reading(adviser_a) -> None:
    refused(adviser_a, HEADER + b"\r\n" * (3 * 1024 * 1024), "The file is larger than 5 MB")


def test_ten_million_blank_rows_stop_after_a_run_of_empty_rows(adviser_a, settings) -> None:
    settings.IMPORT_MAX_BYTES = 25 * 1024 * 1024  # let the blank rows past the size limit
    batch = check(adviser_a, HEADER + b"Goed B.V.;;;;;\r\n" + b" \n" * 10_000_000)
    assert len(batch.rows) == 1
    assert batch.notices == ["Reading stopped at line 1002 after 1,000 empty rows; rows after it are not imported."]


def test_16384_columns_stop_at_the_first_row(adviser_a, settings) -> None:
    settings.IMPORT_MAX_BYTES = 64 * 1024 * 1024
    row = b";".join([b"Naam"] + [b"k%d" % i for i in range(16_383)]) + b"\r\n"
    refused(adviser_a, row * 500, "Line 1 has more than 60 columns; remove the empty or unused ones.")


def test_16384_columns_in_xlsx_stop_at_the_first_row(adviser_a) -> None:
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    for _ in range(20):
        sheet.append(["Naam"] + [f"k{i}" for i in range(16_383)])
    buffer = io.BytesIO()
    book.save(buffer)
    refused(adviser_a, buffer.getvalue(), "Line 1 has more than 60 columns", filename="lijst.xlsx")


def test_an_xlsx_that_unpacks_beyond_the_limit_is_refused(adviser_a, settings) -> None:
    settings.IMPORT_MAX_XLSX_UNPACKED_BYTES = 1024 * 1024
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["Naam"])
    for _ in range(60_000):
        sheet.append(["Zelfde Naam B.V."])
    buffer = io.BytesIO()
    book.save(buffer)
    refused(adviser_a, buffer.getvalue(), "The Excel file unpacks to more than 1 MB", filename="lijst.xlsx")


def test_more_rows_than_the_limit_stop_reading(adviser_a, settings) -> None:
    settings.IMPORT_MAX_ROWS = 10
    refused(adviser_a, HEADER + b"".join(b"Werkgever %d;;;;;\r\n" % i for i in range(11)), "more than 10 rows")


def test_the_upload_form_refuses_an_oversized_file_before_storing_it(web, adviser_a, settings) -> None:
    settings.IMPORT_MAX_BYTES = 2048
    file = SimpleUploadedFile("lijst.csv", HEADER + b"x" * 4096, content_type="text/csv")
    response = web(adviser_a).post(reverse("employers:import"), {"file": file, "region": "AM18"})
    assert response.status_code == 400
    assert "The file is larger than 2 KB" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_a_failed_check_shows_its_reason_on_the_page(web, adviser_a, django_capture_on_commit_callbacks) -> None:
    from employers.importing import import_run_check

    client = web(adviser_a)
    raw = "Naam;KvK\r\nBakkerij Jansen;12345678\r\n".encode("utf-16-le")
    with django_capture_on_commit_callbacks():
        response = client.post(
            reverse("employers:import"),
            {"file": SimpleUploadedFile("lijst.csv", raw, content_type="text/csv"), "region": "AM18"},
        )
    batch = ImportBatch.objects.get()
    assert import_run_check(batch_id=batch.pk) == "failed"
    page = client.get(response.url).content.decode()
    assert "without a byte order mark" in page
    batch.refresh_from_db()
    assert batch.state == ImportState.FAILED and bytes(batch.raw) == b""


# --- Stage through the stage service; names on one line ---------------------------------------


def test_an_update_moving_the_stage_goes_through_the_stage_service(adviser_a) -> None:
    existing = EmployerFactory(legal_name="Bakkerij Jansen", kvk_number="12345678", stage="interested")
    batch = check(adviser_a, HEADER + b"Bakkerij Jansen;12345678;1012 AB;Amsterdam;actief;\r\n")

    import_confirm(batch=batch, by=adviser_a, actions={2: "update"})

    existing.refresh_from_db()
    assert existing.stage == "active"
    change = StageChange.objects.get(employer=existing)
    assert (change.from_stage, change.to_stage, change.by) == ("interested", "active", adviser_a)
    audit = AuditEntry.objects.get(action="employers.employer.stage_changed")
    assert audit.data == {"from": "interested", "to": "active"}


def test_names_with_line_breaks_are_stored_on_one_line(adviser_a) -> None:
    raw = HEADER + b'"Bakkerij\r\nJansen";12345678;1012 AB;Amsterdam;;"Kees\nJansen"\r\n'
    batch = check(adviser_a, raw)
    assert batch.rows[0]["errors"] == {} and batch.rows[0]["data"]["legal_name"] == "Bakkerij Jansen"

    import_confirm(batch=batch, by=adviser_a, actions={batch.rows[0]["line"]: "create"})

    assert Employer.objects.get().legal_name == "Bakkerij Jansen"
    assert ContactPerson.objects.get().name == "Kees Jansen"
