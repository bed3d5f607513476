"""Matching writes keep matching's rules (issue 13): a match or placement only with an employer
the candidate's ranked list could contain (in reach, matchable stage, not do-not-contact), an
existing match's, or one of the guide's own network with a reason outside the list. Another
region's employer out of reach is the same 400 as a missing id, and nothing is written."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from candidates.models import Candidate, Match, Placement
from candidates.services import match_set_state, placement_create
from crm.models import AuditEntry
from employers.models import Employer, FollowUp, StageChange
from tests.candidates.factories import CandidateFactory, MatchFactory
from tests.factories import EmployerFactory, OpeningFactory

pytestmark = pytest.mark.django_db

NOT_FOUND = "object bestaat niet"  # DRF's "does not exist", in Dutch (the default language)


def _utrecht_candidate(guide_b: Any) -> Candidate:
    """A candidate of begeleider-utrecht (AM13) with a 5 km reach around Utrecht centre."""
    return CandidateFactory(guide=guide_b, region_id="AM13", reference_code="AM13-X00001", pc4="3511", max_travel_km=5)


def _counts() -> dict[str, int]:
    return {
        "matches": Match.objects.count(),
        "placements": Placement.objects.count(),
        "stage_changes": StageChange.objects.count(),
        "follow_ups": FollowUp.objects.count(),
        "audit": AuditEntry.objects.count(),
    }


def test_a_placement_with_an_unreadable_employer_of_another_region_is_a_400_and_changes_nothing(
    guide_b: Any, adviser_a: Any, api: Any
) -> None:
    candidate = _utrecht_candidate(guide_b)
    amsterdam = EmployerFactory(region_id="AM18", postcode="1012 AB", stage="prospect", owner=adviser_a)
    amsterdam_open = EmployerFactory(region_id="AM18", postcode="1012 AB", stage="open", owner=adviser_a)
    before = _counts()

    for employer in (amsterdam, amsterdam_open):
        answer = api(guide_b).post(
            "/api/v1/placements/",
            {"candidate": candidate.pk, "employer": employer.pk, "start_date": "2026-11-01", "hours_per_week": 20},
            format="json",
        )
        assert answer.status_code == 400, answer.content
        assert NOT_FOUND in str(answer.json()["employer"])

    assert _counts() == before
    assert Employer.objects.get(pk=amsterdam.pk).stage == "prospect"
    assert Employer.objects.get(pk=amsterdam_open.pk).stage == "open"


def test_a_foreign_id_and_a_missing_id_get_the_same_answer(guide_b: Any, api: Any) -> None:
    candidate = _utrecht_candidate(guide_b)
    far = EmployerFactory(region_id="AM18", postcode="1012 AB")
    body = {"candidate": candidate.pk, "start_date": "2026-11-01", "hours_per_week": 20}

    foreign = api(guide_b).post("/api/v1/placements/", {**body, "employer": far.pk}, format="json")
    missing = api(guide_b).post("/api/v1/placements/", {**body, "employer": 99999999}, format="json")

    assert foreign.status_code == missing.status_code == 400
    assert foreign.json()["employer"][0].replace(str(far.pk), "N") == missing.json()["employer"][0].replace(
        "99999999", "N"
    )


def test_the_match_api_refuses_an_employer_far_out_of_reach(guide_b: Any, api: Any) -> None:
    candidate = _utrecht_candidate(guide_b)
    groningen = EmployerFactory(region_id="AM01", postcode="9711 AA", place="Groningen", stage="open")
    before = _counts()

    answer = api(guide_b).post("/api/v1/matches/", {"candidate": candidate.pk, "employer": groningen.pk}, format="json")

    assert answer.status_code == 400
    assert NOT_FOUND in str(answer.json()["employer"])
    assert groningen.legal_name not in answer.content.decode()
    assert _counts() == before


def test_the_match_api_refuses_a_do_not_contact_employer_in_reach(guide_b: Any, api: Any) -> None:
    candidate = _utrecht_candidate(guide_b)
    blocked = EmployerFactory(region_id="AM13", postcode="3511 AA", place="Utrecht", do_not_contact=True)

    for reason in ("", "Ken ik van vroeger"):
        answer = api(guide_b).post(
            "/api/v1/matches/",
            {"candidate": candidate.pk, "employer": blocked.pk, "outside_list_reason": reason},
            format="json",
        )
        assert answer.status_code == 400
    assert not Match.objects.exists()


def test_the_match_api_takes_an_employer_of_the_list_also_of_another_region(guide_b: Any, api: Any) -> None:
    candidate = _utrecht_candidate(guide_b)
    candidate.max_travel_km = 60
    candidate.save()
    amsterdam = EmployerFactory(region_id="AM18", postcode="1012 AB", stage="open")

    answer = api(guide_b).post("/api/v1/matches/", {"candidate": candidate.pk, "employer": amsterdam.pk}, format="json")

    assert answer.status_code == 201, answer.content
    assert answer.json()["outside_list_reason"] == ""


def test_an_own_region_employer_outside_the_list_needs_a_reason_which_is_kept(guide_b: Any, api: Any) -> None:
    candidate = _utrecht_candidate(guide_b)
    prospect = EmployerFactory(region_id="AM13", postcode="3511 AA", place="Utrecht", stage="prospect")
    body = {"candidate": candidate.pk, "employer": prospect.pk}

    without = api(guide_b).post("/api/v1/matches/", body, format="json")
    with_reason = api(guide_b).post(
        "/api/v1/matches/", {**body, "outside_list_reason": "Oom van de kandidaat werkt daar"}, format="json"
    )

    assert without.status_code == 400
    assert with_reason.status_code == 201, with_reason.content
    match = Match.objects.get()
    assert match.outside_list_reason == "Oom van de kandidaat werkt daar"
    entry = AuditEntry.objects.get(action="candidates.match.state_changed")
    assert entry.data["outside_list_reason"] == "Oom van de kandidaat werkt daar"


def test_a_reason_does_not_open_another_regions_employer(guide_b: Any, api: Any) -> None:
    candidate = _utrecht_candidate(guide_b)
    far = EmployerFactory(region_id="AM18", postcode="1012 AB", stage="open")

    answer = api(guide_b).post(
        "/api/v1/matches/",
        {"candidate": candidate.pk, "employer": far.pk, "outside_list_reason": "toch proberen"},
        format="json",
    )

    assert answer.status_code == 400
    assert not Match.objects.exists()


def test_an_opening_of_another_employer_is_not_found(guide_a: Any, api: Any) -> None:
    candidate = CandidateFactory(guide=guide_a)
    employer = EmployerFactory()
    elsewhere = OpeningFactory(employer=EmployerFactory(region_id="AM13", postcode="3511 AA"))

    answer = api(guide_a).post(
        "/api/v1/matches/",
        {"candidate": candidate.pk, "employer": employer.pk, "opening": elsewhere.pk},
        format="json",
    )

    assert answer.status_code == 400
    assert NOT_FOUND in str(answer.json()["opening"])
    assert not Match.objects.exists()


def test_the_match_state_page_refuses_any_employer_the_list_cannot_hold(guide_b: Any, adviser_a: Any, web: Any) -> None:
    candidate = _utrecht_candidate(guide_b)
    far = EmployerFactory(region_id="AM18", postcode="1012 AB", stage="open", owner=adviser_a, legal_name="Geheim BV")
    blocked = EmployerFactory(region_id="AM13", postcode="3511 AA", do_not_contact=True, legal_name="Nee BV")
    before = _counts()
    client = web(guide_b)

    for employer in (far, blocked):
        answer = client.post(
            f"/candidates/{candidate.pk}/matches/state/", {"employer": employer.pk, "state": "approached"}, follow=True
        )
        assert answer.status_code == 404
        assert employer.legal_name not in answer.content.decode()

    assert _counts() == before


def test_the_service_checks_again(guide_b: Any) -> None:
    candidate = _utrecht_candidate(guide_b)
    far = EmployerFactory(region_id="AM18", postcode="1012 AB", stage="open")

    with pytest.raises(ValidationError):
        match_set_state(candidate=candidate, employer=far, state="approached", by=guide_b)
    with pytest.raises(ValidationError):
        placement_create(
            candidate=candidate, employer=far, start_date="2026-11-01", hours_per_week=20, method="ips", by=guide_b
        )
    assert not Match.objects.exists() and not Placement.objects.exists()


def test_an_existing_match_with_a_now_blocked_employer_can_only_be_declined(guide_a: Any) -> None:
    candidate = CandidateFactory(guide=guide_a)
    match = MatchFactory(candidate=candidate, employer=EmployerFactory(do_not_contact=True))

    with pytest.raises(ValidationError):
        match_set_state(candidate=candidate, employer=match.employer, state="approached", by=guide_a)
    match_set_state(candidate=candidate, employer=match.employer, state="declined", reason="geen contact", by=guide_a)

    assert Match.objects.get().state == "declined"


# --- Candidate data read = audit row, in every path ------------------------------------------


def test_api_create_and_update_answers_leave_an_access_row(guide_a: Any, api: Any) -> None:
    from candidates.models import CandidateAccess

    created = api(guide_a).post("/api/v1/candidates/", {"pc4": "1012", "notes": "Wil buiten werken"}, format="json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    updated = api(guide_a).patch(f"/api/v1/candidates/{pk}/", {"notes": "Liever binnen"}, format="json")
    assert updated.status_code == 200

    assert list(CandidateAccess.objects.filter(candidate_id=pk).order_by("id").values_list("what", "user")) == [
        ("api:candidate-created", guide_a.pk),
        ("api:candidate-updated", guide_a.pk),
    ]


def test_the_admin_shows_no_free_text_and_leaves_access_rows(guide_a: Any, client: Any) -> None:
    from django.contrib.auth import get_user_model

    from candidates.models import CandidateAccess

    candidate = CandidateFactory(
        guide=guide_a, notes="Vertrouwelijke notitie", disclosure_note="Afgesproken tekst", real_name="Jan Geheim"
    )
    operator = get_user_model().objects.create_superuser("operator", "operator@example.org", "x-pass-2026")
    client.force_login(operator)

    listing = client.get("/admin/candidates/candidate/")
    page = client.get(f"/admin/candidates/candidate/{candidate.pk}/change/")

    assert listing.status_code == page.status_code == 200
    for secret in ("Vertrouwelijke notitie", "Afgesproken tekst", "Jan Geheim"):
        assert secret not in listing.content.decode() and secret not in page.content.decode()
    assert sorted(CandidateAccess.objects.filter(user=operator).values_list("what", flat=True)) == [
        "admin:candidate",
        "admin:candidate-list",
    ]


def test_the_schema_says_a_placements_employer_reads_null_but_is_required_to_write() -> None:
    from drf_spectacular.generators import SchemaGenerator

    schemas = SchemaGenerator().get_schema(request=None, public=True)["components"]["schemas"]

    assert schemas["Placement"]["properties"]["employer"] == {"type": "integer", "nullable": True}
    assert schemas["PlacementRequest"]["properties"]["employer"] == {"type": "integer"}
    assert "employer" in schemas["PlacementRequest"]["required"]


def test_a_placement_whose_employer_was_deleted_reads_null(guide_a: Any, api: Any) -> None:
    from tests.candidates.factories import PlacementFactory

    placement = PlacementFactory(candidate=CandidateFactory(guide=guide_a))
    Employer.objects.filter(pk=placement.employer_id).delete()

    answer = api(guide_a).get(f"/api/v1/placements/{placement.pk}/")

    assert answer.status_code == 200 and answer.json()["employer"] is None
