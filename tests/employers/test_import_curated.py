"""Issue 17: an import never loses curated data. A matched row fills empty fields only unless
overwriting is chosen (per row or for all), with the changes shown first; a stage moves only
then, through employer_change_stage (history with its author, audit); SBI 2008 codes are read."""

from __future__ import annotations

import pytest
from django.urls import reverse

from crm.models import AuditEntry, Region
from employers.importing import import_check, import_confirm, import_correct, import_run_check, import_run_confirm
from employers.models import Employer, ImportBatch, StageChange
from tests.employers.test_import import upload
from tests.factories import EmployerFactory

pytestmark = pytest.mark.django_db

HEADER = "Bedrijfsnaam;KvK-nummer;Adres;Postcode;Plaats;SBI-code;Grootte;Fase;Contactpersoon;E-mail\r\n"
# A realistic Dutch list: SBI codes with and without dots, the app's stage labels and short forms.
LIST = [
    "Bakkerij Vermeulen;30000001;Dorpsstraat 1;1012 AB;Amsterdam;1071;klein;Prospect;Els Vermeulen;els@vermeulen.nl",
    "Zorggroep Amstel;30000002;Zorglaan 2;1013 AB;Amsterdam;87.10;250 of meer medewerkers;Geïnteresseerd;;",
    "Eetcafé De Pijp;30000003;;1072 AB;Amsterdam;56;10-49 medewerkers;Staat open;;",
    "Hotel Aan Zee;30000004;;1014 AB;Amsterdam;55.10;Small;Interested;;",
    "Hotel De Gouden Kroon;30000005;Nieuwe Weg 9;1015 AB;Amsterdam;5510;middel;Prospect;Kees Kroon;kees@kroon.nl",
]


def raw(lines: list[str]) -> bytes:
    return b"\xef\xbb\xbf" + (HEADER + "".join(line + "\r\n" for line in lines)).encode()


@pytest.fixture
def kroon(adviser_a):
    return EmployerFactory(
        legal_name="Hotel De Gouden Kroon",
        kvk_number="30000005",
        address="Damrak 1",
        postcode="1012 LG",
        size_class="",
        stage="open",
        owner=adviser_a,
    )


def check(user) -> ImportBatch:
    return import_check(by=user, region=Region.objects.get(code="AM18"), filename="lijst.csv", raw=raw(LIST))


def test_the_list_reads_sbi_codes_labels_and_short_forms(adviser_a) -> None:
    batch = check(adviser_a)
    assert [row["errors"] for row in batch.rows] == [{}] * 5
    data = [row["data"] for row in batch.rows]
    assert [(d["sbi_section"], d["sbi_code"]) for d in data] == [
        ("C", "1071"),
        ("Q", "8710"),
        ("I", "56"),
        ("I", "5510"),
        ("I", "5510"),
    ]
    assert [d["stage"] for d in data] == ["prospect", "interested", "open", "interested", "prospect"]
    assert [d["size_class"] for d in data] == ["small", "large", "small", "small", "medium"]


def test_nothing_curated_changes_by_default(adviser_a, kroon) -> None:
    batch = check(adviser_a)
    row = batch.rows[4]
    assert row["duplicate"]["employer"] == kroon.pk and row["choices"][0] == "fill"
    diff = {change["field"]: change for change in row["diff"]}
    assert diff["stage"]["old"] == "Open to our candidates" and diff["stage"]["new"] == "Prospect"
    assert diff["address"]["old"] == "Damrak 1" and not diff["address"]["fills"]
    assert diff["size_class"]["fills"]
    actions = {r["line"]: r["choices"][0] for r in batch.rows}  # every default
    import_confirm(batch=batch, by=adviser_a, actions=actions)
    kroon.refresh_from_db()
    assert (kroon.stage, kroon.address, kroon.postcode) == ("open", "Damrak 1", "1012 LG")
    assert kroon.size_class == "medium" and kroon.sbi_code == "5510"  # empty fields are filled
    assert not StageChange.objects.filter(employer=kroon).exists()
    assert Employer.objects.filter(region_id="AM18").count() == 5
    entry = AuditEntry.objects.get(action="employers.employer.updated_by_import")
    assert entry.actor == adviser_a and entry.data["mode"] == "fill"
    assert set(entry.data["fields"]) == {"size_class", "sbi_code"}  # only what was empty


def test_overwriting_is_chosen_and_the_stage_goes_through_the_service(web, adviser_a, kroon) -> None:
    client = web(adviser_a)
    upload(client, raw(LIST))
    batch = ImportBatch.objects.get()
    import_run_check(batch_id=batch.pk)
    url = reverse("employers:import-preview", args=[batch.pk])
    page = client.get(url).content.decode()
    assert "Damrak 1" in page and "Nieuwe Weg 9" in page  # old -> new before anything is chosen
    assert client.post(url, {"action-6": "update"}).status_code == 302
    import_run_confirm(batch_id=batch.pk, by_id=adviser_a.pk)
    kroon.refresh_from_db()
    assert (kroon.stage, kroon.address) == ("prospect", "Nieuwe Weg 9")
    change = StageChange.objects.get(employer=kroon)
    assert (change.from_stage, change.to_stage, change.by) == ("open", "prospect", adviser_a)
    assert AuditEntry.objects.filter(action="employers.employer.stage_changed", actor=adviser_a).exists()


def test_overwrite_for_all(web, adviser_a, kroon) -> None:
    client = web(adviser_a)
    upload(client, raw(LIST))
    batch = ImportBatch.objects.get()
    import_run_check(batch_id=batch.pk)
    client.post(reverse("employers:import-preview", args=[batch.pk]), {"overwrite_all": "1"})
    import_run_confirm(batch_id=batch.pk, by_id=adviser_a.pk)
    kroon.refresh_from_db()
    assert kroon.stage == "prospect"
    assert StageChange.objects.get(employer=kroon).by == adviser_a


def test_a_row_with_errors_is_corrected_in_the_preview(web, adviser_a) -> None:
    batch = import_check(
        by=adviser_a,
        region=Region.objects.get(code="AM18"),
        filename="lijst.csv",
        raw=raw(["Bakkerij Fout;123;;1012 AB;Amsterdam;00.12;klein;zwevend;;"]),
    )
    assert set(batch.rows[0]["errors"]) == {"kvk_number", "sbi_code", "stage"}
    client = web(adviser_a)
    url = reverse("employers:import-preview", args=[batch.pk])
    page = client.get(url).content.decode()
    assert 'name="cell-2-kvk_number"' in page
    response = client.post(
        url, {"recheck": "1", "cell-2-kvk_number": "30000009", "cell-2-sbi_code": "10.71", "cell-2-stage": "Staat open"}
    )
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.rows[0]["errors"] == {} and batch.rows[0]["choices"] == ["create", "skip"]
    assert batch.rows[0]["data"]["stage"] == "open" and batch.rows[0]["data"]["sbi_section"] == "C"


def test_corrections_only_touch_known_fields_and_the_callers_batch(adviser_a, adviser_b) -> None:
    batch = check(adviser_a)
    import_correct(batch=batch, by=adviser_a, corrections={2: {"region_id": "AM13", "legal_name": "Nieuw"}})
    batch.refresh_from_db()
    assert batch.rows[0]["data"]["legal_name"] == "Nieuw" and "region_id" not in batch.rows[0]["data"]


def test_outsiders_cannot_recheck_a_foreign_batch(web, adviser_a, adviser_b) -> None:
    batch = check(adviser_a)
    url = reverse("employers:import-preview", args=[batch.pk])
    assert web(adviser_b).post(url, {"recheck": "1", "cell-2-legal_name": "X"}).status_code == 404
    batch.refresh_from_db()
    assert batch.rows[0]["data"]["legal_name"] == "Bakkerij Vermeulen"


def test_a_four_megabyte_cell_and_wrong_types_give_messages_not_500(web, adviser_a) -> None:
    batch = check(adviser_a)
    client = web(adviser_a)
    url = reverse("employers:import-preview", args=[batch.pk])
    assert client.post(url, {"recheck": "1", "cell-2-legal_name": "x" * (4 * 1024 * 1024)}).status_code in (302, 400)
    assert client.post(url, {"action-2": ["create", "nonsense"], "action-3": "12"}).status_code in (302, 400)


@pytest.mark.parametrize("region", ["AM13", "ZZ99", "1; DROP", ""])
def test_the_upload_refuses_a_foreign_or_malformed_region(web, adviser_a, region) -> None:
    response = upload(web(adviser_a), raw(LIST), region=region)
    assert response.status_code == 400
    assert not ImportBatch.objects.exists()
