"""National employers (issue 20): one employer record shared with other regions.

The cast: region A (Groot Amsterdam) leads the employer, region B (Midden-Utrecht) takes part,
region C (Groningen) does not; each sees exactly what is shared with it, and writes its own rows.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from crm.models import AuditEntry, Region
from crm.roles import Role
from employers import services_parts, shares
from employers.contacts.services import contact_log
from employers.models import Contact, ContactPerson, Employer, EmployerShare, FollowUp, Opening
from tests.factories import EmployerFactory, UserFactory, membership

pytestmark = pytest.mark.django_db

KVK = "33445566"
API = "/api/v1"


@pytest.fixture
def adviser_c(db: Any) -> Any:
    return membership(UserFactory(username="adviser_c"), Role.ADVISER, Region.objects.get(code="AM01"))


@pytest.fixture
def national(adviser_a: Any, adviser_b: Any, guide_b: Any) -> dict[str, Any]:
    """Region A leads (owner adviser_a) and shares with region B; each has a person, an opening
    and a contact of its own."""
    employer = EmployerFactory(region_id="AM18", owner=adviser_a, kvk_number=KVK, legal_name="Landelijke Winkels B.V.")
    share = shares.share_request(kvk_number=KVK, region="AM13", by=adviser_b)
    shares.share_decide(share=share, by=adviser_a, accept=True)
    rows: dict[str, Any] = {"employer": employer}
    for key, user in (("a", adviser_a), ("b", guide_b)):
        person = services_parts.contact_person_create(employer=employer, by=user, name=f"Persoon {key.upper()}")
        rows[f"person_{key}"] = person
        rows[f"opening_{key}"] = services_parts.opening_create(employer=employer, by=user, title=f"Vacature {key}")
        rows[f"contact_{key}"] = contact_log(
            employer=employer, by=user, channel="phone", purpose="relationship", summary=f"Gesprek {key}"
        )
    return rows


def test_a_kvk_number_of_another_region_offers_a_request_to_join(adviser_a: Any, adviser_b: Any, web: Any, api: Any):
    EmployerFactory(region_id="AM18", owner=adviser_a, kvk_number=KVK)
    body = {"legal_name": "Landelijke Winkels", "kvk_number": KVK, "region": "AM13", "stage": "prospect"}

    page = web(adviser_b).post(reverse("employers:create"), body)
    answer = api(adviser_b).post(f"{API}/employers/", body, format="json")

    join = reverse("employers:share-request") + f"?kvk={KVK}&region=AM13"
    assert page.status_code == 400
    assert join.replace("&", "&amp;") in page.content.decode()
    assert "Ask them to share it" not in page.content.decode()
    assert answer.status_code == 400
    assert join in str(answer.json())


def test_the_api_duplicate_answer_names_the_api_request_to_join_and_following_it_asks(
    adviser_a: Any, adviser_b: Any, api: Any
):
    employer = EmployerFactory(region_id="AM18", owner=adviser_a, kvk_number=KVK)
    body = {"legal_name": "Landelijke Winkels", "kvk_number": KVK, "region": "AM13", "stage": "prospect"}
    client = api(adviser_b)

    refused = client.post(f"{API}/employers/", body, format="json").json()
    hint = refused["request_to_join"]
    asked = client.generic(hint["method"], hint["url"], json.dumps(hint["body"]), content_type="application/json")

    assert (hint["url"], hint["body"]) == (f"{API}/employer-shares/", {"kvk": KVK, "region": "AM13", "note": ""})
    assert asked.status_code == 201, asked.content
    share = EmployerShare.objects.get()
    assert (share.employer, share.region_id, share.state) == (employer, "AM13", "requested")
    # The same region's duplicate, or no KvK number: no request to make.
    same = client.post(f"{API}/employers/", {**body, "kvk_number": "", "legal_name": ""}, format="json").json()
    assert "request_to_join" not in same


def test_the_lead_owner_accepts_a_request_and_the_requester_gets_a_follow_up(adviser_a: Any, adviser_b: Any, web: Any):
    employer = EmployerFactory(region_id="AM18", owner=adviser_a, kvk_number=KVK)
    detail = reverse("employers:detail", args=[employer.pk])

    asked = web(adviser_b).post(reverse("employers:share-request"), {"kvk": KVK, "region": "AM13", "note": "Filialen"})
    before = web(adviser_b).get(detail).status_code
    share = EmployerShare.objects.get(employer=employer)
    listed = web(adviser_a).get(reverse("employers:shares"))
    decided = web(adviser_a).post(reverse("employers:share-decide", args=[share.pk]), {"decision": "accept"})

    assert asked.status_code == 302 and before == 404
    assert "Filialen" in listed.content.decode()
    assert decided.status_code == 302
    share.refresh_from_db()
    assert share.state == "accepted" and share.decided_by == adviser_a
    assert web(adviser_b).get(detail).status_code == 200
    assert FollowUp.objects.filter(employer=employer, owner=adviser_b, state="open").exists()
    actions = set(AuditEntry.objects.filter(target_id=str(employer.pk)).values_list("action", flat=True))
    assert {"employers.share.requested", "employers.share.accepted"} <= actions


def test_a_declined_request_shows_the_requester_the_answer_and_nothing_else(adviser_a: Any, adviser_b: Any, web: Any):
    employer = EmployerFactory(region_id="AM18", owner=adviser_a, kvk_number=KVK)
    share = shares.share_request(kvk_number=KVK, region="AM13", by=adviser_b)

    web(adviser_a).post(reverse("employers:share-decide", args=[share.pk]), {"decision": "decline"})

    mine = web(adviser_b).get(reverse("employers:shares")).content.decode()
    assert "Declined" in mine or "Afgewezen" in mine
    assert web(adviser_b).get(reverse("employers:detail", args=[employer.pk])).status_code == 404
    assert AuditEntry.objects.filter(action="employers.share.declined", target_id=str(employer.pk)).exists()


def test_only_the_lead_owner_or_the_lead_coordinator_decides(
    adviser_a: Any, adviser_b: Any, coordinator_a: Any, web: Any
):
    other_adviser = membership(UserFactory(), Role.ADVISER, Region.objects.get(code="AM18"))
    EmployerFactory(region_id="AM18", owner=adviser_a, kvk_number=KVK)
    share = shares.share_request(kvk_number=KVK, region="AM13", by=adviser_b)
    url = reverse("employers:share-decide", args=[share.pk])

    assert web(adviser_b).post(url, {"decision": "accept"}).status_code == 403
    assert web(other_adviser).post(url, {"decision": "accept"}).status_code == 403
    assert web(coordinator_a).post(url, {"decision": "accept"}).status_code == 302
    share.refresh_from_db()
    assert share.state == "accepted" and share.decided_by == coordinator_a


def test_a_request_is_asked_once_and_only_for_the_users_own_region(adviser_a: Any, adviser_b: Any):
    EmployerFactory(region_id="AM18", owner=adviser_a, kvk_number=KVK)
    shares.share_request(kvk_number=KVK, region="AM13", by=adviser_b)

    with pytest.raises(Exception, match="already asked"):
        shares.share_request(kvk_number=KVK, region="AM13", by=adviser_b)
    with pytest.raises(Exception, match="own regions"):
        shares.share_request(kvk_number=KVK, region="AM01", by=adviser_b)
    with pytest.raises(Exception, match="already in this region"):
        shares.share_request(kvk_number=KVK, region="AM18", by=adviser_a)


def _pages(rows: dict[str, Any]) -> dict[str, str]:
    employer = rows["employer"]
    return {
        "employer page": reverse("employers:detail", args=[employer.pk]),
        "timeline": reverse("employers:timeline", args=[employer.pk]),
        "api employer": f"{API}/employers/{employer.pk}/",
        **{f"api person {k}": f"{API}/contact-persons/{rows[f'person_{k}'].pk}/" for k in "ab"},
        **{f"api opening {k}": f"{API}/openings/{rows[f'opening_{k}'].pk}/" for k in "ab"},
        **{f"api contact {k}": f"{API}/contacts/{rows[f'contact_{k}'].pk}/" for k in "ab"},
    }


def test_two_sharing_regions_see_everything_shared_and_an_outsider_region_nothing(
    national: dict[str, Any], adviser_a: Any, adviser_b: Any, adviser_c: Any, web: Any, api: Any
):
    for user in (adviser_a, adviser_b):
        for name, url in _pages(national).items():
            client = api(user) if url.startswith("/api/") else web(user)
            assert client.get(url).status_code == 200, (user.username, name)
        page = web(user).get(reverse("employers:detail", args=[national["employer"].pk])).content.decode()
        for text in ("Persoon A", "Persoon B", "Vacature a", "Vacature b", "Gesprek a", "Gesprek b", "Midden-Utrecht"):
            assert text in page, (user.username, text)
    for name, url in _pages(national).items():
        client = api(adviser_c) if url.startswith("/api/") else web(adviser_c)
        assert client.get(url).status_code == 404, name
    for listing in ("employers", "contact-persons", "openings", "contacts"):
        assert api(adviser_c).get(f"{API}/{listing}/").json()["results"] == [], listing
        assert api(adviser_b).get(f"{API}/{listing}/").json()["results"], listing


def test_a_participating_region_writes_only_its_own_rows(
    national: dict[str, Any], adviser_b: Any, guide_b: Any, web: Any, api: Any
):
    employer = national["employer"]
    own = national["person_b"]

    added = web(guide_b).post(
        reverse("employers:contact-person-create", args=[employer.pk]), {"name": "Nieuw B", "language": "nl"}
    )
    edit_lead = web(adviser_b).get(reverse("employers:contact-person-edit", args=[national["person_a"].pk]))
    edit_opening = web(adviser_b).get(reverse("employers:opening-edit", args=[national["opening_a"].pk]))
    patch_lead = api(adviser_b).patch(f"{API}/contact-persons/{national['person_a'].pk}/", {"name": "X"}, format="json")
    patch_own = api(adviser_b).patch(f"{API}/contact-persons/{own.pk}/", {"function": "Filiaalmanager"}, format="json")
    stage = web(adviser_b).post(reverse("employers:stage", args=[employer.pk]), {"stage": "ambassador"})
    edit_employer = api(adviser_b).patch(f"{API}/employers/{employer.pk}/", {"owner": adviser_b.pk}, format="json")

    assert added.status_code == 302
    assert ContactPerson.objects.get(name="Nieuw B").region_id == "AM13"
    assert own.region_id == "AM13" and national["person_a"].region_id is None
    assert national["opening_b"].region_id == "AM13" and national["contact_b"].region_id == "AM13"
    assert edit_lead.status_code == 404 and edit_opening.status_code == 404
    assert patch_lead.status_code == 403 and patch_own.status_code == 200
    assert stage.status_code == 403 and edit_employer.status_code in (403, 404)
    employer.refresh_from_db()
    assert employer.stage == "open" and employer.owner.username == "adviser_a"
    assert ContactPerson.objects.get(pk=national["person_a"].pk).name == "Persoon A"


def test_a_pending_request_shares_nothing(adviser_a: Any, adviser_b: Any):
    employer = EmployerFactory(region_id="AM18", owner=adviser_a, kvk_number=KVK)
    shares.share_request(kvk_number=KVK, region="AM13", by=adviser_b)

    assert not Employer.objects.visible_to(adviser_b).filter(pk=employer.pk).exists()
    with pytest.raises(Exception, match="outside your regions"):
        services_parts.contact_person_create(employer=employer, by=adviser_b, name="Te vroeg")


def test_the_audience_of_a_participating_region_includes_the_shared_employer(
    national: dict[str, Any], adviser_b: Any, adviser_c: Any
):
    audience = ContactPerson.objects.invitable_by(adviser_b)

    assert {national["person_a"].pk, national["person_b"].pk} <= set(audience.values_list("pk", flat=True))
    assert not ContactPerson.objects.invitable_by(adviser_c).exists()


def test_matching_of_a_participating_region_includes_the_shared_employer(national: dict[str, Any], guide_b: Any):
    from candidates.services.matches import employers_matchable
    from tests.candidates.factories import CandidateFactory

    candidate = CandidateFactory(guide=guide_b, region_id="AM13", reference_code="AM13-T99999", pc4="3511")

    matchable = employers_matchable(candidate=candidate, by=guide_b, outside_list=True)

    assert national["employer"] in matchable


def test_the_timeline_badges_each_row_with_its_region(national: dict[str, Any], adviser_b: Any, web: Any):
    page = web(adviser_b).get(reverse("employers:timeline", args=[national["employer"].pk])).content.decode()

    assert page.count('class="badge region-badge"') >= 4  # two contacts and two openings
    assert "Groot Amsterdam" in page and "Midden-Utrecht" in page


def test_the_shares_row_of_a_row_region_is_kept_when_created_through_other_paths(national: dict[str, Any]):
    # Another app logging in the lead's name (no acting user) keeps the lead's row: the contact
    # carries the lead region (Contact.region is always set, for the reports' rollups).
    contact = contact_log(
        employer=national["employer"], by=national["contact_a"].by, channel="email", purpose="relationship",
        summary="Nieuwsbrief", when=timezone.now(),
    )  # fmt: skip

    assert Contact.objects.get(pk=contact.pk).region_id == national["employer"].region_id
    assert Opening.objects.filter(employer=national["employer"], region__isnull=True).count() == 1


def _shared_employers(rows: int, adviser_a: Any) -> None:
    """``rows`` employers region A leads, each shared with region B and tagged, in a network."""
    from tests.factories import NetworkFactory

    club = NetworkFactory(region_id="AM18")
    now = timezone.now()
    made = Employer.objects.bulk_create(
        Employer(legal_name=f"Keten {i} B.V.", region_id="AM18", owner=adviser_a, stage="open", tags=["retail"])
        for i in range(rows)
    )
    Employer.networks.through.objects.bulk_create(
        Employer.networks.through(employer_id=e.pk, network_id=club.pk) for e in made
    )
    EmployerShare.objects.bulk_create(
        EmployerShare(employer=e, region_id="AM13", state="accepted", decided_at=now) for e in made
    )


@pytest.mark.parametrize("rows", [10, 100])
def test_the_employer_list_of_a_participating_region_runs_the_same_queries_for_10_and_100_shared_rows(
    rows: int, adviser_a: Any, adviser_b: Any, web: Any, api: Any
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _shared_employers(rows, adviser_a)
    page, listing = web(adviser_b), api(adviser_b)
    page.get(reverse("employers:list")), listing.get(f"{API}/employers/")  # warm-up: roles, translations

    with CaptureQueriesContext(connection) as on_page:
        shown = page.get(reverse("employers:list"))
    with CaptureQueriesContext(connection) as on_api:
        answer = listing.get(f"{API}/employers/")

    assert shown.status_code == 200 and answer.status_code == 200
    assert answer.json()["count"] == rows
    assert {tuple(row["shared_with"]) for row in answer.json()["results"]} == {("AM13",)}
    # session, user, roles; count, region filter, accommodations, owners, networks filter, rows,
    # the rows' networks, the option counts, saved filters, bulk owners: the shares are a sub-select
    # of each, never a query per row
    assert len(on_page.captured_queries) == 13, [q["sql"][:120] for q in on_page.captured_queries]
    # count, rows, the rows' networks (the API client is authenticated without a session)
    assert len(on_api.captured_queries) == 3, [q["sql"][:120] for q in on_api.captured_queries]


def test_the_region_filter_includes_the_national_employers_a_region_takes_part_in(
    national: dict[str, Any], adviser_a: Any, adviser_b: Any, web: Any, api: Any
) -> None:
    """Region B (AM13) takes part in A's employer: filtering on B lists it on the page, in the
    API, in the export and in B's option count; a declined request does not; filtering on A
    still lists it too (A leads it)."""
    from crm.models import Membership

    own_b = EmployerFactory(region_id="AM13", legal_name="Eigen Utrechts B.V.")
    declined = EmployerFactory(region_id="AM18", owner=adviser_a, kvk_number="77665544", legal_name="Afgewezen B.V.")
    shares.share_decide(
        share=shares.share_request(kvk_number="77665544", region="AM13", by=adviser_b), by=adviser_a, accept=False
    )
    shared = national["employer"]
    # A reader of both regions: there the filter narrows (one region is not the whole scope).
    both = membership(UserFactory(username="adviser_ab"), Role.ADVISER, Region.objects.get(code="AM13"))
    Membership.objects.create(user=both, region_id="AM18", role=Role.ADVISER)

    for who, region, wanted, unwanted in (
        (adviser_b, "AM13", {shared.pk, own_b.pk}, {declined.pk}),
        (both, "AM13", {shared.pk, own_b.pk}, {declined.pk}),
        (both, "AM18", {shared.pk, declined.pk}, {own_b.pk}),
    ):
        answer = api(who).get(f"{API}/employers/?region={region}&page_size=200").json()
        listed = {row["id"] for row in answer["results"]}
        page = web(who).get(reverse("employers:list"), {"region": region}).content.decode()
        export = web(who).get(reverse("employers:export"), {"region": region, "format": "csv"})
        exported = b"".join(export.streaming_content if export.streaming else [export.content]).decode()
        assert wanted <= listed and not unwanted & listed, (region, listed)
        assert shared.legal_name in page and shared.legal_name in exported
        assert all(Employer.objects.get(pk=pk).legal_name not in page for pk in unwanted)
    counts = web(adviser_b).get(reverse("employers:list")).content.decode()
    led_or_shared_b = Employer.objects.filter(region_id="AM13").count() + 1
    assert f"Midden-Utrecht (AM13) ({led_or_shared_b})</label>" in counts  # led 1 + shared 1


def test_a_region_filter_over_the_whole_scope_adds_no_second_condition(
    adviser_a: Any, national: dict[str, Any]
) -> None:
    """For a one-region reader, "region = mine" is the scope again: the query says it once, so
    that PostgreSQL does not multiply the two estimates into a 35th of the rows."""
    from django.test import RequestFactory

    from employers.filters import EmployerFilter

    request = RequestFactory().get("/")
    request.user = adviser_a
    scoped = Employer.objects.visible_to(adviser_a)
    narrowed = EmployerFilter({"region": ["AM18"]}, queryset=scoped, request=request).qs
    sql = str(narrowed.query)
    assert sql.count("employers_employershare") == 1 and sql.count('"employers_employer"."region_id" IN') == 1
    assert set(narrowed) == set(scoped) and national["employer"] in set(narrowed)
