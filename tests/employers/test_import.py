"""Import of employer lists: the dry run writes nothing, confirming writes exactly the chosen rows."""

from __future__ import annotations

import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from crm.models import AuditEntry, Region
from employers.importing import ImportFileError, import_check, import_confirm, import_run_check, import_run_confirm
from employers.models import ContactPerson, Employer, ImportBatch, ImportState
from tests.factories import EmployerFactory

pytestmark = pytest.mark.django_db

HEADER = "Naam;KvK-nummer;Postcode;Plaats;SBI;Grootte;Fase;Contactpersoon;E-mail\r\n"


def csv_bytes(lines: list[str], header: str = HEADER, bom: bool = True, encoding: str = "utf-8") -> bytes:
    text = header + "".join(line + "\r\n" for line in lines)
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding)


def check(user, lines, **kwargs) -> ImportBatch:
    return import_check(
        by=user, region=Region.objects.get(code="AM18"), filename="lijst.csv", raw=csv_bytes(lines, **kwargs)
    )


def test_every_field_rule_has_its_message(adviser_a) -> None:
    batch = check(
        adviser_a,
        [
            ";12345678;1012 AB;Amsterdam;Q;klein;open;;",
            "Bakkerij Jansen;1234567;1012 AB;Amsterdam;Q;;;;",
            "Bakkerij Pieters;23456789;101 AB;Amsterdam;Q;;;;",
            "Bakkerij Smit;34567890;1012 AB;Amsterdam;Z;;;;",
            "Bakkerij Vos;45678901;1012 AB;Amsterdam;Q;;;Piet Vos;piet@",
            "Bakkerij Bos;56789012;1012 AB;Amsterdam;Q;reus;zwevend;;",
        ],
    )
    errors = [row["errors"] for row in batch.rows]
    assert errors[0] == {"legal_name": "The employer's name is missing."}
    assert errors[1] == {"kvk_number": "A KvK number has exactly 8 digits."}
    assert errors[2] == {"postcode": "Give a Dutch postcode as 1234 AB."}
    assert errors[3]["sbi_section"].startswith("Unknown SBI code “Z”: use an SBI 2008 code of 2 to 5 digits")
    assert errors[4] == {"contact_email": "“piet@” is not a valid e-mail address."}
    assert errors[5] == {
        "size_class": "Unknown size: use micro, klein, middel or groot.",
        "stage": "Unknown network stage: use prospect, interested, open, active, ambassador or paused.",
    }
    assert Employer.objects.count() == 0


def test_values_are_normalised(adviser_a) -> None:
    batch = check(adviser_a, ["Zorg B.V.;1234 5678;1012ab;Amsterdam;q;Middel;Ambassadeur;Anna de Vries;Anna@Zorg.NL"])
    row = batch.rows[0]
    assert row["errors"] == {}
    assert row["data"]["kvk_number"] == "12345678"
    assert row["data"]["postcode"] == "1012 AB"
    assert row["data"]["sbi_section"] == "Q"
    assert row["data"]["size_class"] == "medium"
    assert row["data"]["stage"] == "ambassador"
    assert row["data"]["contact_email"] == "anna@zorg.nl"


def test_thousand_rows_with_broken_ones_write_nothing_until_confirmed_then_exactly_the_valid_rows(adviser_a) -> None:
    lines = []
    for n in range(1000):
        kvk = f"{20000000 + n:08d}"
        if n % 10 == 3:
            kvk = "12AB"  # broken KvK
        postcode = "1012 AB" if n % 10 != 7 else "ABCD"  # broken postcode
        lines.append(f"Werkgever {n};{kvk};{postcode};Amsterdam;Q;klein;;Contact {n};contact{n}@example.nl")
    batch = check(adviser_a, lines)
    assert len(batch.rows) == 1000
    assert len(batch.error_rows) == 200
    assert Employer.objects.count() == 0
    assert ContactPerson.objects.count() == 0

    counts = import_confirm(batch=batch, by=adviser_a, actions={row["line"]: "create" for row in batch.rows})

    assert counts == {"created": 800, "updated": 0, "contacts": 0, "skipped": 200, "rows": 1000}
    assert Employer.objects.count() == 800
    assert ContactPerson.objects.count() == 800
    assert not Employer.objects.filter(kvk_number="12AB").exists()
    assert set(Employer.objects.values_list("region_id", "source")) == {("AM18", "import")}
    entry = AuditEntry.objects.get(action="employers.import")
    assert entry.actor == adviser_a
    assert entry.data["created"] == 800
    batch.refresh_from_db()
    assert batch.state == ImportState.IMPORTED
    with pytest.raises(ValidationError, match="already been imported"):
        import_confirm(batch=batch, by=adviser_a, actions={})


def test_duplicates_in_the_file_in_the_region_and_elsewhere(adviser_a, adviser_b) -> None:
    mine = EmployerFactory(region_id="AM18", kvk_number="11111111", legal_name="Oud B.V.", place="Oud")
    theirs = EmployerFactory(region_id="AM13", kvk_number="22222222", owner=adviser_b, notes="secret notes")
    batch = check(
        adviser_a,
        [
            "Nieuw B.V.;33333333;1012 AB;Amsterdam;Q;;;;",
            "Nieuw Dubbel B.V.;33333333;1012 AB;Amsterdam;Q;;;;",
            "Oud B.V.;11111111;1012 AB;Nieuwe Plaats;Q;;actief;;",
            "Andermans B.V.;22222222;3511 AB;Utrecht;Q;;;;",
        ],
    )
    new, in_file, in_region, elsewhere = batch.rows
    assert new["duplicate"] is None and new["choices"] == ["create", "skip"]
    assert in_file["duplicate"] == {"kind": "file", "line": 2} and in_file["choices"] == ["skip"]
    assert in_region["duplicate"]["employer"] == mine.pk and in_region["choices"] == ["fill", "update", "skip"]
    assert elsewhere["duplicate"] == {
        "kind": "other_region",
        "region": theirs.region.name,
        "owner": adviser_b.get_full_name(),
        "join": "/employers/shares/request/?kvk=22222222&region=AM18",  # a national employer: ask to join
    }
    assert elsewhere["choices"] == ["skip"]

    counts = import_confirm(batch=batch, by=adviser_a, actions={2: "create", 3: "create", 4: "update", 5: "create"})
    assert counts == {"created": 1, "updated": 1, "contacts": 0, "skipped": 2, "rows": 4}
    mine.refresh_from_db()
    assert mine.place == "Nieuwe Plaats"
    assert mine.stage == "active"
    assert mine.stage_changes.filter(to_stage="active", by=adviser_a).exists()
    theirs.refresh_from_db()
    assert theirs.region_id == "AM13" and theirs.notes == "secret notes"


def test_a_duplicate_that_appears_after_the_check_stops_the_whole_import(adviser_a) -> None:
    batch = check(
        adviser_a, ["Een B.V.;44444444;1012 AB;Amsterdam;Q;;;;", "Twee B.V.;55555555;1012 AB;Amsterdam;Q;;;;"]
    )
    EmployerFactory(region_id="AM13", kvk_number="55555555")
    with pytest.raises(ValidationError, match="Lines 3 changed"):
        import_confirm(batch=batch, by=adviser_a, actions={2: "create", 3: "create"})
    assert not Employer.objects.filter(kvk_number="44444444").exists()
    batch.refresh_from_db()
    assert batch.state == ImportState.PREVIEW


def test_comma_separated_windows_1252_without_bom(adviser_a) -> None:
    header = "Bedrijfsnaam,KvK,Postcode,Plaats\r\n"
    batch = check(adviser_a, ["Café Ötzi,66666666,1012 AB,Amsterdam"], header=header, bom=False, encoding="cp1252")
    assert batch.rows[0]["data"]["legal_name"] == "Café Ötzi"
    assert batch.rows[0]["errors"] == {}


def test_xlsx_with_numbers_as_excel_keeps_them(adviser_a) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["Naam", "KvK", "Postcode", "Plaats", "Onbekend"])
    sheet.append(["Excel B.V.", 77777777, "1012AB", "Amsterdam", "x"])
    buffer = io.BytesIO()
    book.save(buffer)
    batch = import_check(
        by=adviser_a, region=Region.objects.get(code="AM18"), filename="lijst.xlsx", raw=buffer.getvalue()
    )
    assert batch.rows[0]["data"]["kvk_number"] == "77777777"
    assert batch.rows[0]["data"]["postcode"] == "1012 AB"
    assert batch.notices == ["Column “Onbekend” is not used."]


@pytest.mark.parametrize(
    ("filename", "raw", "message"),
    [
        ("lijst.pdf", b"%PDF", "Upload a .csv or .xlsx file."),
        ("lijst.csv", b"", "The file is empty."),
        ("lijst.csv", b"Plaats;Postcode\r\nAmsterdam;1012 AB\r\n", "The file needs a column with the employer's name"),
        ("lijst.csv", b"Naam;KvK\r\n", "The file has a header but no rows."),
        ("lijst.xlsx", b"not a zip", "This is not a readable Excel (.xlsx) file."),
    ],
)
def test_unreadable_files_say_why(adviser_a, filename, raw, message) -> None:
    with pytest.raises(ImportFileError, match=re.escape(message)):
        import_check(by=adviser_a, region=Region.objects.get(code="AM18"), filename=filename, raw=raw)


def upload(client, content: bytes, region: str = "AM18", name: str = "lijst.csv"):
    file = SimpleUploadedFile(name, content, content_type="text/csv")
    return client.post(reverse("employers:import"), {"file": file, "region": region})


def test_pages_check_preview_and_confirm(web, adviser_a, django_capture_on_commit_callbacks) -> None:
    client = web(adviser_a)
    assert client.get(reverse("employers:import")).status_code == 200
    with django_capture_on_commit_callbacks() as enqueued:
        response = upload(client, csv_bytes(["Pagina B.V.;88888888;1012 AB;Amsterdam;Q;;;;", "Kapot;1;;;;;;;"]))
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response.url == reverse("employers:import-preview", args=[batch.pk])
    # The request stored the file and enqueued the check; it read no row and wrote no employer.
    assert batch.state == ImportState.QUEUED and batch.rows == [] and len(enqueued) == 1
    assert "Waiting to be checked" in client.get(response.url).content.decode()
    import_run_check(batch_id=batch.pk)  # what the task does
    page = client.get(response.url)
    assert page.status_code == 200
    assert "A KvK number has exactly 8 digits." in page.content.decode()
    assert Employer.objects.count() == 0
    with django_capture_on_commit_callbacks() as enqueued:
        done = client.post(response.url, {"action-2": "create", "action-3": "create"})
    assert done.status_code == 302 and len(enqueued) == 1
    assert Employer.objects.count() == 0  # the write is the task's too
    batch.refresh_from_db()
    assert batch.state == ImportState.IMPORTING
    import_run_confirm(batch_id=batch.pk, by_id=adviser_a.pk)
    assert list(Employer.objects.values_list("legal_name", flat=True)) == ["Pagina B.V."]
    assert client.get(response.url).status_code == 200


def test_bad_file_on_the_page_is_a_field_error(web, adviser_a) -> None:
    response = upload(web(adviser_a), b"%PDF", name="lijst.pdf")
    assert response.status_code == 400
    assert "Upload a .csv or .xlsx file." in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_only_own_regions_can_be_chosen(web, adviser_a) -> None:
    response = upload(web(adviser_a), csv_bytes(["X B.V.;;;;;;;;"]), region="AM13")
    assert response.status_code == 400
    assert not ImportBatch.objects.exists()


@pytest.mark.parametrize("who", ["adviser_b", "guide_a", "guide_b", "awvn"])
def test_outsiders_and_guides_get_404(web, cast, who) -> None:
    batch = check(cast["adviser_a"], ["Geheim B.V.;99999999;1012 AB;Amsterdam;Q;;;;"])
    client = web(cast[who])
    url = reverse("employers:import-preview", args=[batch.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"action-2": "create"}).status_code == 404
    assert not Employer.objects.filter(kvk_number="99999999").exists()
    if who != "adviser_b":
        assert client.get(reverse("employers:import")).status_code == 404
