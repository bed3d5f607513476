"""National employers over the API (issue 20): ``/api/v1/employer-shares/`` asks to take part in
an employer another region leads (by KvK number, as the duplicate message names it) and lets the
lead owner or a lead coordinator decide, with the services and rules of the requests page.

Region A (Groot Amsterdam) leads, region B (Midden-Utrecht) asks, region C (Groningen) is an
outsider; every other region's id and route is in the outsider and write matrices."""

from __future__ import annotations

from typing import Any

import pytest

from crm.models import AuditEntry, Region
from crm.roles import Role
from employers.models import EmployerShare, FollowUp
from tests.factories import EmployerFactory, UserFactory, membership

pytestmark = pytest.mark.django_db

KVK = "33445566"
SHARES = "/api/v1/employer-shares/"


@pytest.fixture
def led(adviser_a: Any) -> Any:
    return EmployerFactory(region_id="AM18", owner=adviser_a, kvk_number=KVK, legal_name="Landelijke Winkels B.V.")


def test_a_region_asks_by_kvk_and_the_lead_owner_accepts(led: Any, adviser_a: Any, adviser_b: Any, api: Any):
    before = api(adviser_b).get(f"/api/v1/employers/{led.pk}/").status_code

    asked = api(adviser_b).post(SHARES, {"kvk": "3344 5566", "region": "AM13", "note": "Filialen"}, format="json")
    again = api(adviser_b).post(SHARES, {"kvk": KVK, "region": "AM13"}, format="json")
    to_decide = api(adviser_a).get(SHARES, {"to_decide": "true"}).json()["results"]
    not_mine = api(adviser_b).get(SHARES, {"to_decide": "true"}).json()["results"]
    share_id = asked.json()["id"]
    by_asker = api(adviser_b).post(f"{SHARES}{share_id}/accept/")
    accepted = api(adviser_a).post(f"{SHARES}{share_id}/accept/")
    twice = api(adviser_a).post(f"{SHARES}{share_id}/decline/")

    assert before == 404
    assert asked.status_code == 201, asked.content
    assert asked.json() | {"id": 0, "requested_at": "", "requested_by": 0} == {
        "id": 0,
        "employer": led.pk,
        "employer_name": "Landelijke Winkels B.V.",
        "lead_region": "AM18",
        "region": "AM13",
        "state": "requested",
        "note": "Filialen",
        "requested_by": 0,
        "requested_at": "",
        "decided_by": None,
        "decided_at": None,
    }
    assert again.status_code == 400 and "kvk" in again.json()
    assert [row["id"] for row in to_decide] == [share_id] and not_mine == []
    assert by_asker.status_code == 403  # the asker sees the request, the lead decides
    assert accepted.status_code == 200 and accepted.json()["state"] == "accepted"
    assert accepted.json()["decided_by"] == adviser_a.pk
    assert twice.status_code == 400
    assert api(adviser_b).get(f"/api/v1/employers/{led.pk}/").status_code == 200  # now shared with B
    assert FollowUp.objects.filter(employer=led, owner=adviser_b).count() == 1  # "add your contact persons"
    actions = set(AuditEntry.objects.filter(target_id=str(led.pk)).values_list("action", flat=True))
    assert {"employers.share.requested", "employers.share.accepted"} <= actions


def test_a_lead_coordinator_declines_and_an_adviser_who_is_not_the_owner_may_not_decide(
    led: Any, adviser_b: Any, coordinator_a: Any, api: Any
):
    other_adviser_a = membership(UserFactory(username="adviser_a2"), Role.ADVISER, Region.objects.get(code="AM18"))
    share_id = api(adviser_b).post(SHARES, {"kvk": KVK, "region": "AM13"}, format="json").json()["id"]

    not_owner = api(other_adviser_a).post(f"{SHARES}{share_id}/decline/")
    declined = api(coordinator_a).post(f"{SHARES}{share_id}/decline/")
    asked_again = api(adviser_b).post(SHARES, {"kvk": KVK, "region": "AM13"}, format="json")

    assert not_owner.status_code == 403
    assert declined.status_code == 200 and declined.json()["state"] == "declined"
    assert api(adviser_b).get(f"/api/v1/employers/{led.pk}/").status_code == 404  # nothing shared
    assert asked_again.status_code == 201  # a declined request may be asked again
    assert EmployerShare.objects.get(pk=share_id).state == "requested"


def test_bad_asks_are_field_errors_and_write_nothing(led: Any, adviser_a: Any, adviser_b: Any, guide_b: Any, api: Any):
    answers = {
        "no kvk": api(adviser_b).post(SHARES, {"region": "AM13"}, format="json"),
        "unknown kvk": api(adviser_b).post(SHARES, {"kvk": "99999999", "region": "AM13"}, format="json"),
        "own region": api(adviser_a).post(SHARES, {"kvk": KVK, "region": "AM18"}, format="json"),
        "foreign region": api(adviser_b).post(SHARES, {"kvk": KVK, "region": "AM01"}, format="json"),
        "no such region": api(adviser_b).post(SHARES, {"kvk": KVK, "region": "XX99"}, format="json"),
        "long note": api(adviser_b).post(SHARES, {"kvk": KVK, "region": "AM13", "note": "x" * 301}, format="json"),
        "not json": api(adviser_b).post(SHARES, "{", content_type="application/json"),
    }
    guide = api(guide_b).post(SHARES, {"kvk": KVK, "region": "AM13"}, format="json")
    # A 4 MB body is past what Django reads into memory: a JSON 413 saying so, not its HTML page.
    huge = api(adviser_b).post(SHARES, {"kvk": KVK, "region": "AM13", "note": "x" * 4_000_000}, format="json")

    assert {name: a.status_code for name, a in answers.items()} == dict.fromkeys(answers, 400)
    assert "kvk" in answers["no kvk"].json() and "kvk" in answers["unknown kvk"].json()
    assert "kvk" in answers["own region"].json() and "region" in answers["foreign region"].json()
    assert "note" in answers["long note"].json()
    assert huge.status_code == 413 and "MB" in huge.json()["detail"]
    assert guide.status_code == 404  # guides do not ask on behalf of a region
    assert not EmployerShare.objects.exists()
