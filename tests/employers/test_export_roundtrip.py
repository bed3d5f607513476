"""Issue 17: the export is for people (Dutch headers and labels, English for English users) and
the import reads it back unchanged: export, import into an empty region, the same employers and
contact persons."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from crm.models import Region
from employers.importing import import_check, import_confirm
from employers.models import ContactPerson, Employer
from tests.factories import EmployerFactory

pytestmark = pytest.mark.django_db

FIELDS = ("legal_name", "trade_name", "kvk_number", "sbi_section", "sbi_code", "size_class", "website")
FIELDS += ("address", "postcode", "place", "stage")


def _get(web, user, settings, language: str, **params):
    client = web(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language  # the language switch
    return client.get(reverse("employers:export"), params)


def _csv(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8")


@pytest.fixture
def network(adviser_a):
    hotel = EmployerFactory(
        legal_name="Hotel De Gouden Kroon",
        trade_name="De Kroon",
        kvk_number="30000005",
        sbi_section="I",
        sbi_code="5510",
        size_class="medium",
        website="https://kroon.example",
        address="Damrak 1",
        postcode="1012 LG",
        stage="open",
    )
    bakery = EmployerFactory(legal_name="Bakkerij Vermeulen", kvk_number="30000001", sbi_section="C", stage="active")
    ContactPerson.objects.create(employer=hotel, name="Kees Kroon", email="kees@kroon.nl", phone="020 123 4567")
    ContactPerson.objects.create(employer=hotel, name="Anna Bos", function="HR", email="anna@kroon.nl")
    ContactPerson.objects.create(employer=bakery, name="Els Vermeulen", email="els@vermeulen.nl")
    EmployerFactory(legal_name="Zonder Contact B.V.", kvk_number="30000002", stage="prospect", size_class="")
    return hotel


def _employers(region: str) -> list[tuple]:
    return sorted(Employer.objects.filter(region_id=region).values_list(*FIELDS))


def _people(region: str) -> list[tuple]:
    return sorted(
        ContactPerson.objects.filter(employer__region_id=region).values_list(
            "employer__kvk_number", "name", "function", "email", "phone"
        )
    )


def test_dutch_headers_and_labels(web, adviser_a, network, settings) -> None:
    body = _csv(_get(web, adviser_a, settings, "nl", format="csv"))
    header, *rows = list(csv.reader(io.StringIO(body[1:]), delimiter=";"))
    assert header[:4] == ["ID", "Naam", "Handelsnaam", "KvK-nummer"]
    hotel = next(r for r in rows if r[1] == "Hotel De Gouden Kroon")
    assert hotel[header.index("Fase")] == "Staat open voor onze kandidaten"
    assert hotel[header.index("Omvang")] == "50-249 medewerkers"
    assert hotel[header.index("Niet benaderen")] == "Nee"


def test_english_for_an_english_user(web, adviser_a, network, settings) -> None:
    body = _csv(_get(web, adviser_a, settings, "en", format="csv"))
    header, *rows = list(csv.reader(io.StringIO(body[1:]), delimiter=";"))
    assert header[1:4] == ["Name", "Trade name", "KvK number"]
    hotel = next(r for r in rows if r[1] == "Hotel De Gouden Kroon")
    assert hotel[header.index("Stage")] == "Open to our candidates"


@pytest.mark.parametrize(("kind", "language"), [("csv", "nl"), ("xlsx", "nl"), ("csv", "en")])
def test_export_per_contact_reimports_into_an_empty_region(web, adviser_a, network, kind, language, settings) -> None:
    response = _get(web, adviser_a, settings, language, format=kind, per_contact="1")
    raw = response.content if kind == "xlsx" else _csv(response).encode("utf-8")
    if kind == "xlsx":
        sheet = load_workbook(io.BytesIO(raw)).active
        assert len(list(sheet.iter_rows())) == 1 + 4  # the hotel twice, the bakery, the one without
    before, people_before = _employers("AM18"), _people("AM18")
    ContactPerson.objects.all().delete()
    Employer.objects.all().delete()  # the same KvK numbers would otherwise be found as duplicates

    batch = import_check(by=adviser_a, region=Region.objects.get(code="AM18"), filename=f"export.{kind}", raw=raw)
    assert [row["errors"] for row in batch.rows] == [{}] * 4
    import_confirm(batch=batch, by=adviser_a, actions={row["line"]: row["choices"][0] for row in batch.rows})

    assert _employers("AM18") == before
    assert _people("AM18") == people_before
