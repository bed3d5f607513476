"""The steering group's report (issue 19): per region and national, as PDF (WeasyPrint) and XLSX,
with the dashboard's own tables, the map for national readers, and the map as PNG. The PDF's
text is read back with pypdf, as ``pdftotext`` would, so the figures are text, not pictures."""

from __future__ import annotations

import io
import struct
from typing import Any

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.candidates.factories import CandidateFactory, PlacementFactory
from tests.factories import EmployerFactory

pytestmark = pytest.mark.django_db


def _pdf_text(content: bytes) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return " ".join(text.replace("-\n", "-").split())  # a cell wraps "Zuid-Limburg" after its hyphen


@pytest.fixture
def placements(region_a: Any, guide_a: Any) -> None:
    employer = EmployerFactory(region=region_a, legal_name="Bakkerij <script>Jansen</script>")
    for _ in range(3):
        PlacementFactory(candidate=CandidateFactory(region_id=region_a.code, guide=guide_a), employer=employer)


def test_the_region_report_as_pdf_carries_the_region_and_its_figures(
    web: Any, coordinator_a: Any, placements: None
) -> None:
    response = web(coordinator_a).get("/reports/regions/AM18/", {"period": "2026Q4", "report": "pdf"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert (
        response["Content-Disposition"].startswith('attachment; filename="')
        and ".pdf" in response["Content-Disposition"]
    )
    text = _pdf_text(response.content)
    assert "Groot Amsterdam" in text
    assert "Werkgevers per netwerkfase" in text  # the dashboard's own table, Dutch first
    assert "Kennissessies" in text
    assert "De regio's op de kaart" in text  # a coordinator reads the national figures, so the map is in
    # The figures themselves, as text: the three placements of the fixture started today.
    assert "0 van 100 duurzame plaatsingen dit jaar" in text
    assert "Plaatsingen gestart dit jaar 3" in text
    assert "Lopende plaatsingen, vóór hun moment 3" in text


def test_an_adviser_gets_the_region_report_without_the_national_map(web: Any, adviser_a: Any) -> None:
    response = web(adviser_a).get("/reports/regions/AM18/", {"report": "pdf"})

    assert response.status_code == 200
    assert "De regio's op de kaart" not in _pdf_text(response.content)


def test_the_region_report_as_xlsx_has_a_sheet_per_table_with_the_page_numbers(
    web: Any, adviser_a: Any, placements: None
) -> None:
    client = web(adviser_a)
    response = client.get("/reports/regions/AM18/", {"report": "xlsx"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[0] == "Samenvatting"
    assert len(book.sheetnames) == len(set(book.sheetnames)) >= 6
    assert all(len(name) <= 31 for name in book.sheetnames)
    stages = book[book.sheetnames[1]]
    assert stages["A1"].value == "Werkgevers per netwerkfase"
    # The same numbers as the CSV of the dashboard.
    csv_rows = client.get("/reports/regions/AM18/", {"csv": "stages"}).content.decode("utf-8-sig").splitlines()
    sheet_rows = [";".join(str(c.value) for c in row) for row in stages.iter_rows(min_row=2)]
    assert sheet_rows == csv_rows


def test_the_national_report_carries_the_map_and_all_35_regions(web: Any, awvn: Any) -> None:
    response = web(awvn).get("/reports/national/", {"report": "pdf"})

    assert response.status_code == 200
    text = _pdf_text(response.content)
    assert "De regio's op de kaart" in text and "Groot Amsterdam" in text and "Zuid-Limburg" in text
    book = load_workbook(io.BytesIO(web(awvn).get("/reports/national/", {"report": "xlsx"}).content))
    regions = book[book.sheetnames[1]]
    assert regions.max_row == 2 + 35


def test_the_map_downloads_as_png(web: Any, awvn: Any) -> None:
    response = web(awvn).get("/reports/national/", {"map": "png"})

    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response.content[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", response.content[16:24])
    assert width == 880 and 880 < height < 1200  # the SVG's 440 px at twice the size


def test_an_unknown_report_kind_is_a_404(web: Any, awvn: Any, adviser_a: Any) -> None:
    assert web(awvn).get("/reports/national/", {"report": "docx"}).status_code == 404
    assert web(adviser_a).get("/reports/regions/AM18/", {"report": ""}).status_code == 404


def test_outsiders_do_not_get_a_report(web: Any, adviser_b: Any, guide_a: Any, adviser_a: Any) -> None:
    assert web(adviser_b).get("/reports/regions/AM18/", {"report": "pdf"}).status_code == 404
    assert web(guide_a).get("/reports/regions/AM18/", {"report": "xlsx"}).status_code in (403, 404)
    assert web(adviser_a).get("/reports/national/", {"report": "pdf"}).status_code in (403, 404)
    assert web(adviser_a).get("/reports/national/", {"map": "png"}).status_code in (403, 404)


def test_the_pages_link_the_reports(web: Any, coordinator_a: Any, awvn: Any) -> None:
    region = web(coordinator_a).get("/reports/regions/AM18/").content.decode()
    assert "report=pdf" in region and "report=xlsx" in region
    national = web(awvn).get("/reports/national/").content.decode()
    assert "report=pdf" in national and "map=png" in national
