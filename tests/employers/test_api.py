"""/api/v1/employers/, /api/v1/contact-persons/, /api/v1/openings/: scope, errors, filters, query counts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from crm.models import AuditEntry
from employers.models import ContactPerson, Employer, Opening, StageChange
from tests.factories import ContactPersonFactory, EmployerFactory, NetworkFactory, OpeningFactory, UserFactory
from tests.quality.snapshot import nothing_changes

pytestmark = pytest.mark.django_db

EMPLOYERS = "/api/v1/employers/"


def _ids(response: Any) -> set[int]:
    return {row["id"] for row in response.json()["results"]}


def test_list_shows_only_my_regions(cast: dict[str, Any], api: Callable) -> None:
    mine = EmployerFactory(region_id="AM18")
    theirs = EmployerFactory(region_id="AM13")

    assert _ids(api(cast["adviser_a"]).get(EMPLOYERS)) == {mine.pk}
    assert _ids(api(cast["guide_a"]).get(EMPLOYERS)) == {mine.pk}
    assert _ids(api(cast["adviser_b"]).get(EMPLOYERS)) == {theirs.pk}


def test_awvn_and_anonymous_see_nothing(awvn: Any, nobody: Any, api: Callable) -> None:
    employer = EmployerFactory()

    assert api(awvn).get(EMPLOYERS).status_code == 404
    assert api(awvn).get(f"{EMPLOYERS}{employer.pk}/").status_code == 404
    assert api(awvn).get("/api/v1/contact-persons/").status_code == 404
    assert api(awvn).get("/api/v1/openings/").status_code == 404
    assert api(nobody).get(EMPLOYERS).status_code == 404
    assert api(None).get(EMPLOYERS).status_code in (401, 403)


def test_outsider_gets_404_on_detail_update_delete_and_stage(adviser_b: Any, guide_b: Any, api: Callable) -> None:
    employer = EmployerFactory(region_id="AM18")
    url = f"{EMPLOYERS}{employer.pk}/"
    for user in (adviser_b, guide_b):
        client = api(user)
        assert client.get(url).status_code == 404
        assert client.patch(url, {"place": "Utrecht"}, format="json").status_code == 404
        assert client.delete(url).status_code == 404
        assert client.post(f"{url}stage/", {"stage": "active"}, format="json").status_code == 404
        assert client.get(f"{url}stage-history/").status_code == 404
    assert Employer.objects.filter(pk=employer.pk, place="Amsterdam").exists()


def test_outsider_cannot_name_another_regions_employer(adviser_b: Any, api: Callable) -> None:
    employer = EmployerFactory(region_id="AM18")

    person = api(adviser_b).post("/api/v1/contact-persons/", {"employer": employer.pk, "name": "X"}, format="json")
    opening = api(adviser_b).post("/api/v1/openings/", {"employer": employer.pk, "title": "X"}, format="json")
    listed = api(adviser_b).get(f"/api/v1/contact-persons/?employer={employer.pk}")

    assert person.status_code == 400 and "employer" in person.json()
    assert opening.status_code == 400 and "employer" in opening.json()
    assert listed.status_code == 400
    assert not ContactPerson.objects.exists() and not Opening.objects.exists()


def test_adviser_creates_with_field_keyed_errors(adviser_a: Any, api: Callable) -> None:
    client = api(adviser_a)

    bad = client.post(EMPLOYERS, {"legal_name": "Zorg B.V.", "kvk_number": "123", "postcode": "1012ab"}, format="json")
    assert bad.status_code == 400
    assert bad.json() == {"kvk_number": ["A KvK number has exactly 8 digits."]}

    good = client.post(
        EMPLOYERS,
        {"legal_name": "Zorg B.V.", "kvk_number": "12345678", "postcode": "1012ab", "accommodations": ["buddy"]},
        format="json",
    )
    assert good.status_code == 201, good.json()
    body = good.json()
    assert (body["postcode"], body["region"], body["stage"], body["accommodations"]) == (
        "1012 AB",
        "AM18",
        "prospect",
        ["buddy"],
    )
    assert body["open_openings"] == 0 and body["last_contact_at"] is None


def test_duplicate_in_another_region_over_the_api(adviser_a: Any, adviser_b: Any, api: Callable) -> None:
    EmployerFactory(kvk_number="87654321", region_id="AM13", owner=adviser_b, legal_name="Geheim B.V.")

    response = api(adviser_a).post(EMPLOYERS, {"legal_name": "Iets B.V.", "kvk_number": "87654321"}, format="json")

    assert response.status_code == 400
    (message,) = response.json()["kvk_number"]
    assert message.startswith("This employer already exists in region Midden-Utrecht, owned by Pieter")
    assert "Geheim" not in str(response.json())


def test_guide_reads_but_does_not_write_employers(guide_a: Any, api: Callable) -> None:
    employer = EmployerFactory(region_id="AM18")
    client = api(guide_a)

    assert client.get(f"{EMPLOYERS}{employer.pk}/").status_code == 200
    with nothing_changes():
        # A guide's own contact is a proposal (tests/employers/test_proposals.py); changing one is not.
        assert client.post(EMPLOYERS, {"legal_name": "Zorg B.V.", "stage": "open"}, format="json").status_code == 403
        assert (
            client.post(EMPLOYERS, {"legal_name": "Zorg B.V.", "do_not_contact": True}, format="json").status_code
            == 403
        )
        assert client.patch(f"{EMPLOYERS}{employer.pk}/", {"place": "X"}, format="json").status_code == 403
        assert client.post(f"{EMPLOYERS}{employer.pk}/stage/", {"stage": "active"}, format="json").status_code == 403
        assert client.delete(f"{EMPLOYERS}{employer.pk}/").status_code == 403


def test_guide_adds_contact_persons_and_openings(guide_a: Any, api: Callable) -> None:
    employer = EmployerFactory(region_id="AM18", postcode="1012 AB")
    client = api(guide_a)

    person = client.post("/api/v1/contact-persons/", {"employer": employer.pk, "name": "Els"}, format="json")
    opening = client.post(
        "/api/v1/openings/",
        {"employer": employer.pk, "title": "Magazijn", "hours_min": 20, "hours_max": 10},
        format="json",
    )
    assert person.status_code == 201
    assert opening.status_code == 400
    assert opening.json() == {"hours_max": ["The maximum hours cannot be fewer than the minimum."]}

    opening = client.post("/api/v1/openings/", {"employer": employer.pk, "title": "Magazijn"}, format="json")
    assert opening.status_code == 201 and opening.json()["postcode"] == "1012 AB"
    changed = client.patch(f"/api/v1/openings/{opening.json()['id']}/", {"state": "filled"}, format="json")
    assert changed.status_code == 200 and changed.json()["state"] == "filled"


def test_stage_change_by_update_and_by_action(adviser_a: Any, api: Callable) -> None:
    employer = EmployerFactory(stage="open")
    client = api(adviser_a)

    assert client.patch(f"{EMPLOYERS}{employer.pk}/", {"stage": "active"}, format="json").json()["stage"] == "active"
    response = client.post(f"{EMPLOYERS}{employer.pk}/stage/", {"stage": "ambassador"}, format="json")
    assert response.status_code == 200 and response.json()["stage"] == "ambassador"

    history = client.get(f"{EMPLOYERS}{employer.pk}/stage-history/").json()
    assert [(h["from_stage"], h["to_stage"]) for h in history] == [("active", "ambassador"), ("open", "active")]
    assert StageChange.objects.filter(employer=employer, by=adviser_a).count() == 2


def test_delete_is_audited(adviser_a: Any, coordinator_a: Any, api: Callable) -> None:
    employer = EmployerFactory()

    assert api(coordinator_a).delete(f"{EMPLOYERS}{employer.pk}/").status_code == 400  # archive first
    assert api(adviser_a).post(f"{EMPLOYERS}{employer.pk}/archive/").status_code == 200
    assert api(adviser_a).delete(f"{EMPLOYERS}{employer.pk}/").status_code == 403  # coordinators only
    assert api(coordinator_a).delete(f"{EMPLOYERS}{employer.pk}/").status_code == 204
    assert AuditEntry.objects.filter(action="employers.employer.deleted", target_id=str(employer.pk)).exists()


def test_filters(adviser_a: Any, api: Callable) -> None:
    open_one = EmployerFactory(stage="open", sbi_section="Q", accommodations=["buddy", "quiet_workplace"])
    OpeningFactory(employer=open_one)
    prospect = EmployerFactory(stage="prospect", sbi_section="C", accommodations=["buddy"])
    paused = EmployerFactory(stage="paused", sbi_section="C")
    client = api(adviser_a)

    assert _ids(client.get(f"{EMPLOYERS}?stage=open&stage=prospect")) == {open_one.pk, prospect.pk}
    assert _ids(client.get(f"{EMPLOYERS}?sbi_section=C")) == {prospect.pk, paused.pk}
    assert _ids(client.get(f"{EMPLOYERS}?accommodation=buddy")) == {open_one.pk, prospect.pk}
    assert _ids(client.get(f"{EMPLOYERS}?accommodation=buddy&accommodation=quiet_workplace")) == {open_one.pk}
    assert _ids(client.get(f"{EMPLOYERS}?has_open_openings=true")) == {open_one.pk}
    assert _ids(client.get(f"{EMPLOYERS}?has_open_openings=false")) == {prospect.pk, paused.pk}
    assert _ids(client.get(f"{EMPLOYERS}?region=AM18")) == {open_one.pk, prospect.pk, paused.pk}
    assert client.get(f"{EMPLOYERS}?region=AM13").status_code == 400  # not a choice for region A
    assert _ids(client.get(f"{EMPLOYERS}?updated_since=2999-01-01")) == set()
    rows = client.get(f"{EMPLOYERS}?accommodation=buddy&ordering=-name").json()["results"]
    assert [r["id"] for r in rows] == sorted([open_one.pk, prospect.pk], reverse=True)  # names follow the pk
    assert {r["id"]: r["open_openings"] for r in rows} == {open_one.pk: 1, prospect.pk: 0}


def test_owner_choices_are_scoped(adviser_a: Any, adviser_b: Any, api: Callable) -> None:
    EmployerFactory(region_id="AM13", owner=adviser_b)

    assert api(adviser_a).get(f"{EMPLOYERS}?owner={adviser_b.pk}").status_code == 400
    assert api(adviser_b).get(f"{EMPLOYERS}?owner={adviser_b.pk}").json()["count"] == 1


def test_search_tolerates_typos_and_case(adviser_a: Any, api: Callable) -> None:
    target = EmployerFactory(legal_name="Bakkerij Vermeulen B.V.", trade_name="Brood & Banket", place="Zaandam")
    EmployerFactory(legal_name="Hotel Krasnapolsky", place="Amsterdam", kvk_number="55556666")
    client = api(adviser_a)

    assert _ids(client.get(f"{EMPLOYERS}?search=VERMEULEN")) == {target.pk}
    assert _ids(client.get(f"{EMPLOYERS}?search=Vermeuleen")) == {target.pk}  # a typo
    assert _ids(client.get(f"{EMPLOYERS}?search=bakerij")) == {target.pk}
    assert _ids(client.get(f"{EMPLOYERS}?search=zaandm")) == {target.pk}
    assert target.pk not in _ids(client.get(f"{EMPLOYERS}?search=55556666"))
    assert len(_ids(client.get(f"{EMPLOYERS}?search=5555"))) == 1


def test_search_never_reaches_another_region(adviser_a: Any, api: Callable) -> None:
    EmployerFactory(legal_name="Vermeulen Utrecht B.V.", region_id="AM13")

    assert _ids(api(adviser_a).get(f"{EMPLOYERS}?search=vermeulen")) == set()


def _make_employers(n: int, owner: Any) -> None:
    """``n`` employers, each with accommodations, an opening, two networks (one shared) and tags."""
    from tests.factories import NetworkFactory

    club = NetworkFactory()
    for _i in range(n):
        employer = EmployerFactory(owner=owner, accommodations=["buddy", "home_working"], tags=["horeca", "zorg"])
        employer.networks.add(club, NetworkFactory())
        OpeningFactory(employer=employer)


@pytest.mark.parametrize("rows", [10, 100])
def test_list_query_count_does_not_grow_with_rows(
    rows: int, adviser_a: Any, api: Callable, django_assert_num_queries: Any
) -> None:
    _make_employers(rows, adviser_a)
    client = api(adviser_a)
    client.get(EMPLOYERS)  # the user's roles are now cached on the user object, as within one request

    # the page with its count (a search counts from its own rows, crm.paging): region, owner and
    # accommodations are read from the row; networks prefetched (tags are a column of the row)
    with django_assert_num_queries(2):
        response = client.get(f"{EMPLOYERS}?page_size=200&search=werkgever")
    assert response.json()["count"] == rows


@pytest.mark.parametrize("rows", [10, 100])
def test_contact_person_and_opening_lists_query_count(
    rows: int, guide_a: Any, api: Callable, django_assert_num_queries: Any
) -> None:
    employer = EmployerFactory()
    for _i in range(rows):
        ContactPersonFactory(employer=employer)
        opening = OpeningFactory(employer=employer)
        opening.accommodations.set(["buddy"])
    client = api(guide_a)

    with django_assert_num_queries(3):  # memberships, count, page
        assert client.get("/api/v1/contact-persons/?page_size=200").json()["count"] == rows
    with django_assert_num_queries(3):  # count, page, accommodations prefetch (roles cached by now)
        assert client.get("/api/v1/openings/?page_size=200").json()["count"] == rows


def test_detail_query_count(adviser_a: Any, api: Callable, django_assert_num_queries: Any) -> None:
    employer = EmployerFactory(owner=adviser_a, accommodations=["buddy"], tags=["horeca"])
    employer.networks.add(NetworkFactory())
    client = api(adviser_a)

    # memberships, the employer (owner, region, accommodations on the row), networks
    with django_assert_num_queries(3):
        assert client.get(f"{EMPLOYERS}{employer.pk}/").status_code == 200


def test_coordinator_of_two_regions_chooses_the_region(coordinator_a: Any, api: Callable) -> None:
    from crm.models import Region, Role
    from tests.factories import membership

    membership(coordinator_a, Role.COORDINATOR, Region.objects.get(code="AM13"))
    owner = UserFactory(username="owner-b")
    membership(owner, Role.ADVISER, Region.objects.get(code="AM13"))

    response = api(coordinator_a).post(
        EMPLOYERS, {"legal_name": "Zorg B.V.", "postcode": "3511 AB", "owner": owner.pk}, format="json"
    )

    assert response.status_code == 201, response.json()
    assert response.json()["region"] == "AM13"


def test_a_search_past_the_cap_counts_to_the_cap(adviser_a: Any, api: Callable, monkeypatch: Any) -> None:
    from crm.paging import CappedPaginator

    for _n in range(3):
        EmployerFactory(legal_name="Hotel Gouden Leeuw", accommodations=["buddy"])
    monkeypatch.setattr(CappedPaginator, "cap", 2)
    client = api(adviser_a)

    capped = client.get(f"{EMPLOYERS}?search=hotel gouden&page_size=1").json()
    assert capped["count"] == 2 and capped["next"] is not None
    assert capped["results"][0]["accommodations"] == ["buddy"]  # read from the row
    assert client.get(f"{EMPLOYERS}?page_size=1").json()["count"] == 3  # no search: exact
