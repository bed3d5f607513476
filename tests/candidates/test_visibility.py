"""Who sees a candidate: the owning guide (read, write), the region's coordinator (read only),
nobody else (404). Every read of a candidate leaves exactly one access entry."""

from __future__ import annotations

import pytest

from candidates.models import Candidate, CandidateAccess
from tests.candidates.factories import CandidateFactory, MatchFactory, PlacementFactory
from tests.factories import EmployerFactory
from tests.quality.snapshot import nothing_changes

pytestmark = pytest.mark.django_db

OUTSIDERS = ["adviser_a", "adviser_b", "guide_b", "awvn", "nobody"]


@pytest.fixture
def world(cast):
    candidate = CandidateFactory(guide=cast["guide_a"], real_name="Jan Geheim")
    employer = EmployerFactory(postcode="1017 AB")
    match = MatchFactory(candidate=candidate, employer=employer, state="approached")
    placement = PlacementFactory(candidate=candidate, employer=employer)
    return candidate, match, placement


def _reads(candidate, match, placement):
    return [
        f"/api/v1/candidates/{candidate.pk}/",
        f"/api/v1/candidates/{candidate.pk}/matches/",
        f"/api/v1/matches/{match.pk}/",
        f"/api/v1/matches/{match.pk}/history/",
        f"/api/v1/placements/{placement.pk}/",
        f"/candidates/{candidate.pk}/",
        f"/candidates/{candidate.pk}/matches/",
    ]


def _client(who, cast, nobody, api, web, url):
    user = nobody if who == "nobody" else cast[who]
    return api(user) if url.startswith("/api/") else web(user)


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_get_404_on_every_read(who, cast, nobody, api, web, world):
    for url in _reads(*world):
        assert _client(who, cast, nobody, api, web, url).get(url).status_code == 404, (who, url)
    assert not CandidateAccess.objects.exists()


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_see_empty_lists_or_404(who, cast, nobody, api, web, world):
    for url in ("/api/v1/candidates/", "/api/v1/matches/", "/api/v1/placements/", "/candidates/"):
        response = _client(who, cast, nobody, api, web, url).get(url)
        if response.status_code == 200 and url.startswith("/api/"):
            assert response.json()["count"] == 0, (who, url)
        elif response.status_code == 200:
            page = response.content.decode()
            assert "Jan Geheim" not in page and world[0].reference_code not in page
        else:
            assert response.status_code == 404, (who, url)


@pytest.mark.parametrize("who", ["guide_a", "coordinator_a"])
def test_each_read_writes_exactly_one_access_entry(who, cast, api, web, world):
    for url in _reads(*world):
        before = CandidateAccess.objects.count()
        response = _client(who, cast, None, api, web, url).get(url)
        assert response.status_code == 200, (who, url)
        entries = CandidateAccess.objects.order_by("-id")[: CandidateAccess.objects.count() - before]
        assert len(entries) == 1, (who, url)
        assert entries[0].user == cast[who] and entries[0].candidate == world[0]


def test_a_list_writes_one_entry_per_candidate_shown(cast, api, web, world):
    CandidateFactory(guide=cast["guide_a"])
    CandidateFactory(guide=cast["guide_b"], region_id="AM13")

    assert api(cast["guide_a"]).get("/api/v1/candidates/").json()["count"] == 2
    assert CandidateAccess.objects.filter(what="api:candidate-list").count() == 2
    assert web(cast["coordinator_a"]).get("/candidates/").status_code == 200
    assert CandidateAccess.objects.filter(what="page:candidate-list", user=cast["coordinator_a"]).count() == 2


def test_the_real_name_is_for_the_guide_only(cast, api, web, world):
    candidate = world[0]

    assert api(cast["guide_a"]).get(f"/api/v1/candidates/{candidate.pk}/").json()["real_name"] == "Jan Geheim"
    assert "real_name" not in api(cast["coordinator_a"]).get(f"/api/v1/candidates/{candidate.pk}/").json()
    assert "Jan Geheim" in web(cast["guide_a"]).get(f"/candidates/{candidate.pk}/").content.decode()
    assert "Jan Geheim" not in web(cast["coordinator_a"]).get(f"/candidates/{candidate.pk}/").content.decode()


def test_the_coordinator_reads_but_does_not_write(cast, api, web, world):
    candidate, match, placement = world
    coordinator = api(cast["coordinator_a"])

    assert coordinator.patch(f"/api/v1/candidates/{candidate.pk}/", {"pc4": "1017"}, format="json").status_code == 403
    assert coordinator.post("/api/v1/candidates/", {"pc4": "1017"}, format="json").status_code == 403
    assert coordinator.patch(f"/api/v1/matches/{match.pk}/", {"state": "interview"}, format="json").status_code == 403
    body = {"months": 6, "still_working": True}
    assert coordinator.post(f"/api/v1/placements/{placement.pk}/durable-check/", body, format="json").status_code == 403
    assert web(cast["coordinator_a"]).get(f"/candidates/{candidate.pk}/edit/").status_code == 404
    assert web(cast["coordinator_a"]).get("/candidates/new/").status_code == 404
    candidate.refresh_from_db()
    assert candidate.pc4 == "1012"


def test_another_guide_cannot_write_to_my_candidate(cast, api, world):
    candidate, match, _ = world
    other = api(cast["guide_b"])

    with nothing_changes():
        assert other.patch(f"/api/v1/candidates/{candidate.pk}/", {"pc4": "3511"}, format="json").status_code == 404
        body = {"candidate": candidate.pk, "employer": match.employer_id}
        response = other.post("/api/v1/matches/", body, format="json")
    assert response.status_code == 400 and "candidate" in response.json()


def test_the_guide_creates_and_edits_over_the_api(cast, api):
    guide = api(cast["guide_a"])
    body = {
        "pc4": "1012",
        "sbi_sections": ["Q", "I"],
        "work_kinds": ["keuken", "receptie"],
        "hours_min": 16,
        "hours_max": 24,
        "accommodations_needed": ["quiet_workplace"],
    }

    created = guide.post("/api/v1/candidates/", body, format="json")

    assert created.status_code == 201, created.json()
    data = created.json()
    assert data["region"] == "AM18" and data["reference_code"].startswith("AM18-")
    assert data["sbi_sections"] == ["I", "Q"] and data["accommodations_needed"] == ["quiet_workplace"]
    bad = guide.patch(f"/api/v1/candidates/{data['id']}/", {"pc4": "12a4"}, format="json")
    assert bad.status_code == 400 and "pc4" in bad.json()
    bad = guide.patch(f"/api/v1/candidates/{data['id']}/", {"hours_min": 30, "hours_max": 20}, format="json")
    assert bad.status_code == 400
    ok = guide.patch(f"/api/v1/candidates/{data['id']}/", {"max_travel_km": 25}, format="json")
    assert ok.status_code == 200 and ok.json()["max_travel_km"] == 25
    assert Candidate.objects.get().guide == cast["guide_a"]


def test_the_guide_creates_and_edits_on_the_pages(cast, web):
    client = web(cast["guide_a"])
    page = client.get("/candidates/new/").content.decode()
    assert "nooit een diagnose" in page  # the health-data warning, in Dutch

    response = client.post(
        "/candidates/new/",
        {"pc4": "1012", "max_travel_km": 10, "disclosure": "support_only", "sbi_sections": ["Q"],
         "work_kinds": "keuken, magazijn", "accommodations_needed": ["buddy"], "consent_given": "on",
         "trajectory_start": "2026-01-05"},
    )  # fmt: skip

    assert response.status_code == 302, response.content.decode()[:2000]
    candidate = Candidate.objects.get()
    assert candidate.work_kinds == ["keuken", "magazijn"] and candidate.consent_recorded_at is not None
    assert client.get(response["Location"]).status_code == 200
    edit = {"pc4": "10", "max_travel_km": 10, "disclosure": "nothing", "state": "searching",
            "trajectory_start": "2026-01-05"}  # fmt: skip
    bad = client.post(f"/candidates/{candidate.pk}/edit/", edit)
    assert bad.status_code == 400


def test_filters_on_the_lists(cast, api, world):
    candidate, match, placement = world
    CandidateFactory(guide=cast["guide_a"], state="ended")
    guide = api(cast["guide_a"])

    assert guide.get("/api/v1/candidates/", {"state": "ended"}).json()["count"] == 1
    assert guide.get("/api/v1/matches/", {"state": "approached"}).json()["count"] == 1
    assert guide.get("/api/v1/matches/", {"state": "declined"}).json()["count"] == 0
    assert guide.get("/api/v1/placements/", {"method": "ips"}).json()["count"] == 1
    assert guide.get("/api/v1/placements/", {"candidate": candidate.pk}).json()["count"] == 1


def test_the_matches_endpoint_ranks_with_filters(cast, api, world):
    candidate = world[0]
    EmployerFactory(legal_name="Ver weg", postcode="1181 AA", sbi_section="C")  # ~7 km
    guide = api(cast["guide_a"])

    rows = guide.get(f"/api/v1/candidates/{candidate.pk}/matches/").json()

    assert [r["employer_name"] for r in rows][1] == "Ver weg"
    assert rows[0]["match_state"] == "approached" and rows[0]["parts"][0]["code"] == "sector"
    url = f"/api/v1/candidates/{candidate.pk}/matches/"
    assert guide.get(url, {"max_km": 5}).json()[-1]["employer_name"] != "Ver weg"
    assert [r["employer_name"] for r in guide.get(url, {"sector": "C"}).json()] == ["Ver weg"]
    assert guide.get(url, {"only_with_openings": "true"}).json() == []
    assert guide.get(url, {"max_km": "x"}).status_code == 400
