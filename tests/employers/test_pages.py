"""The employer network pages: each role, outsiders, forms with field errors, pipeline, export."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from openpyxl import load_workbook

from crm.models import AuditEntry
from employers.models import ContactPerson, Employer, Opening, StageChange
from tests.factories import ContactPersonFactory, EmployerFactory, OpeningFactory

pytestmark = pytest.mark.django_db


def _object_pages(employer: Employer, person: ContactPerson, opening: Opening) -> list[str]:
    return [
        reverse("employers:detail", args=[employer.pk]),
        reverse("employers:edit", args=[employer.pk]),
        reverse("employers:stage", args=[employer.pk]),
        reverse("employers:merge", args=[employer.pk]),
        reverse("employers:contact-person-create", args=[employer.pk]),
        reverse("employers:contact-person-edit", args=[person.pk]),
        reverse("employers:opening-create", args=[employer.pk]),
        reverse("employers:opening-edit", args=[opening.pk]),
    ]


@pytest.fixture
def network() -> tuple[Employer, ContactPerson, Opening]:
    employer = EmployerFactory(legal_name="Bakkerij Vermeulen B.V.", accommodations=["buddy"])
    return employer, ContactPersonFactory(employer=employer), OpeningFactory(employer=employer)


@pytest.mark.parametrize("role", ["adviser_a", "coordinator_a"])
def test_advisers_and_coordinators_open_every_page(role: str, cast: dict, web: Callable, network: tuple) -> None:
    client = web(cast[role])
    for url in [
        reverse("employers:list"),
        reverse("employers:create"),
        reverse("employers:pipeline"),
        *_object_pages(*network),
    ]:
        assert client.get(url).status_code == 200, url


def test_guide_reads_and_adds_people_and_openings_but_does_not_edit(
    guide_a: Any, web: Callable, network: tuple
) -> None:
    employer, person, opening = network
    client = web(guide_a)
    for url in [reverse("employers:list"), reverse("employers:pipeline"), *_object_pages(*network)[:1]]:
        assert client.get(url).status_code == 200, url
    for url in _object_pages(*network)[4:]:
        assert client.get(url).status_code == 200, url
    for url in _object_pages(*network)[1:4]:
        assert client.get(url).status_code == 403, url
    assert "Add an employer you know" in client.get(reverse("employers:create")).content.decode()
    assert client.post(reverse("employers:delete", args=[employer.pk])).status_code == 403
    assert Employer.objects.filter(pk=employer.pk).exists()


@pytest.mark.parametrize("role", ["adviser_b", "guide_b", "awvn"])
def test_outsiders_get_404_on_every_object_page(role: str, cast: dict, web: Callable, network: tuple) -> None:
    client = web(cast[role])
    for url in _object_pages(*network):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"stage": "active", "name": "X", "title": "X"}).status_code in (404, 405), url
    assert Employer.objects.get(pk=network[0].pk).stage == "open"


def test_awvn_has_no_employer_pages(awvn: Any, web: Callable) -> None:
    client = web(awvn)
    for name in ("employers:list", "employers:pipeline", "employers:export", "employers:create"):
        assert client.get(reverse(name)).status_code == 404, name


def test_list_is_scoped_filtered_and_keeps_the_query_in_links(adviser_a: Any, web: Callable) -> None:
    for n in range(30):
        EmployerFactory(legal_name=f"Zorg {n:02d} B.V.", stage="open")
    EmployerFactory(legal_name="Utrecht Geheim B.V.", region_id="AM13")
    client = web(adviser_a)

    page = client.get(reverse("employers:list"), {"stage": "open", "search": "zorg"}).content.decode()

    assert "Utrecht Geheim" not in page
    assert "Zorg 00 B.V." in page and "Zorg 29 B.V." not in page  # 25 a page
    assert "?stage=open&amp;search=zorg&amp;page=2" in page
    assert "/employers/export/?stage=open&amp;search=zorg&amp;format=csv" in page


def test_a_search_past_the_cap_says_more_than(adviser_a: Any, web: Callable, monkeypatch: Any) -> None:
    from crm.paging import CappedPaginator

    for n in range(30):
        EmployerFactory(legal_name=f"Zorg {n:02d} B.V.")
    monkeypatch.setattr(CappedPaginator, "cap", 26)
    client = web(adviser_a)

    page = client.get(reverse("employers:list"), {"search": "zorg"}).content.decode()
    assert "More than 26 employers" in page and "Page 1 of 2 or more" in page
    assert "30 employers" in client.get(reverse("employers:list")).content.decode()  # no search: exact


def test_detail_shows_people_openings_history_and_timeline(adviser_a: Any, web: Callable, network: tuple) -> None:
    employer, person, opening = network
    StageChange.objects.create(employer=employer, from_stage="interested", to_stage="open", by=adviser_a)

    page = web(adviser_a).get(reverse("employers:detail", args=[employer.pk])).content.decode()

    assert escape(person.name) in page and escape(opening.title) in page  # a Faker name may hold an apostrophe
    assert "Buddy or mentor at work" in page
    assert "Stage history" in page and "Timeline" in page
    assert f"{reverse('employers:contact-create')}?employer={employer.pk}" in page


def test_create_shows_field_errors_and_then_saves(adviser_a: Any, web: Callable) -> None:
    client = web(adviser_a)
    data = {"legal_name": "Zorg B.V.", "kvk_number": "123", "postcode": "10", "stage": "prospect"}

    response = client.post(reverse("employers:create"), data)

    assert response.status_code == 400
    assert response.context["form"].errors == {"kvk_number": ["A KvK number has exactly 8 digits."]}
    response = client.post(reverse("employers:create"), {**data, "kvk_number": "12345678"})
    assert response.context["form"].errors == {"postcode": ["Give a Dutch postcode as 1234 AB."]}
    response = client.post(
        reverse("employers:create"),
        {**data, "kvk_number": "12345678", "postcode": "1012ab", "accommodations": ["buddy", "home_working"]},
    )
    employer = Employer.objects.get(kvk_number="12345678")
    assert response.status_code == 302 and response["Location"] == reverse("employers:detail", args=[employer.pk])
    assert (employer.postcode, employer.region_id) == ("1012 AB", "AM18")
    assert employer.accommodations.count() == 2


def test_create_duplicate_in_same_region_links_to_it(adviser_a: Any, web: Callable) -> None:
    existing = EmployerFactory(kvk_number="11112222")

    response = web(adviser_a).post(
        reverse("employers:create"), {"legal_name": "Nieuw B.V.", "kvk_number": "11112222", "stage": "prospect"}
    )

    assert response.status_code == 400
    assert f'href="{reverse("employers:detail", args=[existing.pk])}"' in response.content.decode()


def test_edit_and_stage_change_from_pages(adviser_a: Any, web: Callable) -> None:
    employer = EmployerFactory(stage="open")
    client = web(adviser_a)

    response = client.post(
        reverse("employers:edit", args=[employer.pk]),
        {"legal_name": employer.legal_name, "kvk_number": employer.kvk_number, "region": "AM18", "place": "Diemen"},
    )
    assert response.status_code == 302
    response = client.post(reverse("employers:stage", args=[employer.pk]), {"stage": "active"})
    assert response.status_code == 302

    employer.refresh_from_db()
    assert (employer.place, employer.stage) == ("Diemen", "active")
    assert StageChange.objects.filter(employer=employer, from_stage="open", to_stage="active").exists()


def test_delete_asks_first_and_only_a_coordinator_after_archiving(
    adviser_a: Any, coordinator_a: Any, web: Callable
) -> None:
    employer = EmployerFactory()
    url = reverse("employers:delete", args=[employer.pk])
    employer.archived_at = timezone.now()
    employer.save()
    assert web(adviser_a).post(url).status_code == 403  # an adviser never deletes for good
    coordinator = web(coordinator_a)  # one test client: signs in as the coordinator now
    Employer.objects.filter(pk=employer.pk).update(archived_at=None)
    assert coordinator.get(url).status_code == 403  # not archived
    Employer.objects.filter(pk=employer.pk).update(archived_at=timezone.now())
    assert "Delete for good" in coordinator.get(url).content.decode()
    assert Employer.objects.filter(pk=employer.pk).exists()
    assert coordinator.post(url).status_code == 302
    assert not Employer.objects.filter(pk=employer.pk).exists()


def test_contact_person_and_opening_forms(guide_a: Any, web: Callable) -> None:
    employer = EmployerFactory()
    client = web(guide_a)

    bad = client.post(reverse("employers:contact-person-create", args=[employer.pk]), {"name": "Els", "email": "x@"})
    assert bad.status_code == 400 and "email" in bad.context["form"].errors
    good = client.post(
        reverse("employers:contact-person-create", args=[employer.pk]),
        {"name": "Els de Boer", "email": "els@example.nl", "language": "nl"},
    )
    assert good.status_code == 302
    bad = client.post(
        reverse("employers:opening-create", args=[employer.pk]),
        {"title": "Magazijn", "hours_min": "30", "hours_max": "20", "state": "open"},
    )
    assert bad.context["form"].errors == {"hours_max": ["The maximum hours cannot be fewer than the minimum."]}
    opening = OpeningFactory(employer=employer)
    good = client.post(reverse("employers:opening-edit", args=[opening.pk]), {"title": "Balie", "state": "filled"})
    assert good.status_code == 302
    opening.refresh_from_db()
    assert (opening.title, opening.state) == ("Balie", "filled")


def test_pipeline_counts_per_stage_with_links(adviser_a: Any, web: Callable) -> None:
    EmployerFactory.create_batch(3, stage="open")
    EmployerFactory(stage="prospect")
    EmployerFactory(stage="open", region_id="AM13")

    response = web(adviser_a).get(reverse("employers:pipeline"))

    (row,) = response.context["rows"]
    assert row["region"].code == "AM18" and row["total"] == 4
    assert {c["n"] for c in row["cells"]} == {3, 1, 0}
    assert "/employers/?region=AM18&amp;stage=open" in response.content.decode()


def _csv_rows(response: Any) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:]), delimiter=";"))


def test_export_csv_is_filtered_scoped_and_audited(adviser_a: Any, web: Callable) -> None:
    wanted = EmployerFactory(legal_name="=HYPERLINK(1)", stage="open", accommodations=["buddy"])
    EmployerFactory(stage="prospect")
    EmployerFactory(stage="open", region_id="AM13")

    response = web(adviser_a).get(reverse("employers:export"), {"stage": "open", "format": "csv"})

    assert response["Content-Type"].startswith("text/csv")
    header, *rows = _csv_rows(response)
    assert header[:3] == ["ID", "Name", "Trade name"]
    assert [r[0] for r in rows] == [str(wanted.pk)]
    assert rows[0][1] == "'=HYPERLINK(1)"  # never a formula in Excel
    assert rows[0][header.index("Accommodations")]  # the accommodation's name, for people
    entry = AuditEntry.objects.get(action="employers.employer.exported")
    assert entry.actor == adviser_a and entry.data == {"format": "csv", "rows": 1, "filters": {"stage": ["open"]}}


def test_export_xlsx(adviser_a: Any, web: Callable) -> None:
    EmployerFactory(legal_name="Bakkerij B.V.", kvk_number="12345678")
    EmployerFactory(region_id="AM13")

    response = web(adviser_a).get(reverse("employers:export"), {"format": "xlsx"})

    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][1] == "Name"
    assert [(r[1], r[3]) for r in rows[1:]] == [("Bakkerij B.V.", "12345678")]


def test_guide_exports_region_only(guide_a: Any, guide_b: Any, web: Callable) -> None:
    EmployerFactory(region_id="AM18")
    EmployerFactory(region_id="AM13")

    _header, *rows = _csv_rows(web(guide_b).get(reverse("employers:export")))

    assert len(rows) == 1


@pytest.mark.parametrize("rows", [10, 100])
def test_list_page_query_count_is_flat(
    rows: int, adviser_a: Any, web: Callable, django_assert_num_queries: Any
) -> None:
    from tests.factories import NetworkFactory

    club = NetworkFactory()
    for _n in range(rows):
        employer = EmployerFactory(owner=adviser_a, accommodations=["buddy"], tags=["horeca"])
        employer.networks.add(club, NetworkFactory())
        OpeningFactory(employer=employer)
    client = web(adviser_a)

    # session, user, memberships, the page with its count (a search counts from its own rows:
    # crm.paging; the columns shown, region and owner joined; the list shows no accommodations,
    # so none are fetched), networks prefetched, then the filter form's choices: regions,
    # accommodations, owners, networks; every option's count (one statement:
    # employers.list_counts), the user's saved filters, the bulk actions' owners
    with django_assert_num_queries(12):
        assert client.get(reverse("employers:list"), {"search": "werkgever"}).status_code == 200
