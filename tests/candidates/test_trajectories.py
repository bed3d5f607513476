"""Placement ends and trajectories from the guide's page and the API (issue 19): the owning
guide writes, the coordinator reads, everyone else gets 404; a foreign id changes nothing;
durability is computed from the checks and the end, never typed in."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from candidates.models import Candidate, Placement, Trajectory
from candidates.services.placements import durable_checks_due
from candidates.services.trajectories import trajectory_start
from crm.models import AuditEntry
from tests.candidates.factories import CandidateFactory, PlacementFactory

pytestmark = pytest.mark.django_db


def _ended(placement: Placement) -> tuple[Any, str]:
    placement.refresh_from_db()
    return placement.end_date, placement.end_reason


def test_the_guide_records_the_end_of_a_placement_on_the_page(guide_a: Any, web: Any) -> None:
    placement = PlacementFactory(candidate=CandidateFactory(guide=guide_a), start_date=date(2026, 1, 5))
    page = web(guide_a).get(reverse("candidates:detail", args=[placement.candidate_id]))
    assert reverse("candidates:placement-end", args=[placement.pk]) in page.content.decode()

    answer = web(guide_a).post(
        reverse("candidates:placement-end", args=[placement.pk]),
        {"end_date": "2026-04-01", "end_reason": "resigned", "end_note": ""},
        follow=True,
    )
    assert answer.status_code == 200
    assert _ended(placement) == (date(2026, 4, 1), "resigned")
    assert "niet duurzaam" in answer.content.decode()  # computed: ended before the 6-month mark
    assert AuditEntry.objects.filter(action="candidates.placement.ended", target_id=placement.pk).exists()


def test_bad_input_to_the_end_form_is_a_message_and_changes_nothing(guide_a: Any, web: Any) -> None:
    placement = PlacementFactory(candidate=CandidateFactory(guide=guide_a), start_date=date(2026, 1, 5))
    url = reverse("candidates:placement-end", args=[placement.pk])
    for body in (
        {"end_date": "2025-12-01", "end_reason": "resigned"},  # before the start
        {"end_date": "9999-12-31", "end_reason": "resigned"},  # out of the sane range
        {"end_date": "2026-03-01", "end_reason": "burn-out"},  # not on the list
        {"end_date": "not a date", "end_reason": "other"},
    ):
        answer = web(guide_a).post(url, body, follow=True)
        assert answer.status_code == 200
        assert 'class="message message-error"' in answer.content.decode() or "error" in answer.content.decode()
        assert _ended(placement) == (None, "")


@pytest.mark.parametrize("who", ["coordinator_a", "adviser_a", "guide_b", "adviser_b", "awvn"])
def test_only_the_owning_guide_ends_a_placement_others_get_404(who: str, guide_a: Any, web: Any, request: Any) -> None:
    placement = PlacementFactory(candidate=CandidateFactory(guide=guide_a), start_date=date(2026, 1, 5))
    user = request.getfixturevalue(who)
    answer = web(user).post(
        reverse("candidates:placement-end", args=[placement.pk]), {"end_date": "2026-04-01", "end_reason": "other"}
    )
    assert answer.status_code in (403, 404)
    if who != "coordinator_a":  # the coordinator may see the candidate, never write
        assert answer.status_code == 404
    assert _ended(placement) == (None, "")


def test_the_api_ends_a_placement_and_shows_the_computed_durability(guide_a: Any, guide_b: Any, api: Any) -> None:
    placement = PlacementFactory(candidate=CandidateFactory(guide=guide_a), start_date=date(2026, 1, 5))
    url = f"/api/v1/placements/{placement.pk}/end/"

    assert api(guide_b).post(url, {"end_date": "2026-04-01", "end_reason": "resigned"}).status_code == 404
    assert _ended(placement) == (None, "")
    refused = api(guide_a).post(url, {"end_date": "2026-04-01", "end_reason": "ill"}, format="json")
    assert refused.status_code == 400 and "end_reason" in refused.json()

    answer = api(guide_a).post(url, {"end_date": "2026-04-01", "end_reason": "resigned"}, format="json")
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert (body["end_date"], body["end_reason"], body["durability"]) == ("2026-04-01", "resigned", "not_durable")
    # Durability and the end are read-only on the placement itself: only …/end/ writes the end.
    fields = api(guide_a).options("/api/v1/placements/").json()["actions"]["POST"]
    assert fields["durability"]["read_only"] and fields["end_date"]["read_only"]


def test_a_placement_that_ended_before_its_mark_is_not_prompted_for_the_check(guide_a: Any) -> None:
    ended = PlacementFactory(candidate=CandidateFactory(guide=guide_a), start_date=date(2026, 1, 5))
    running = PlacementFactory(candidate=CandidateFactory(guide=guide_a), start_date=date(2026, 1, 5))
    Placement.objects.filter(pk=ended.pk).update(end_date=date(2026, 3, 1), end_reason="resigned")
    due = durable_checks_due(date(2026, 7, 10))
    assert (running.pk, 6) in due
    assert (ended.pk, 6) not in due


def test_the_guide_ends_a_trajectory_and_starts_a_new_one(guide_a: Any, web: Any) -> None:
    candidate = CandidateFactory(guide=guide_a)
    first = trajectory_start(candidate=candidate, start_date=date(2026, 1, 5), by=guide_a)
    detail = reverse("candidates:detail", args=[candidate.pk])

    # A second start while one is open is refused with a message.
    web(guide_a).post(
        reverse("candidates:trajectory-start", args=[candidate.pk]), {"method": "ips", "start_date": "2026-02-01"}
    )
    assert candidate.trajectories.count() == 1

    answer = web(guide_a).post(
        reverse("candidates:trajectory-end", args=[first.pk]),
        {"end_date": "2026-06-01", "outcome": "education"},
        follow=True,
    )
    assert answer.redirect_chain[-1][0] == detail
    first.refresh_from_db()
    assert (first.end_date, first.outcome) == (date(2026, 6, 1), "education")
    assert Candidate.objects.get(pk=candidate.pk).trajectory_end == date(2026, 6, 1)

    # A new one may not start before the previous ended; after it, it may.
    web(guide_a).post(
        reverse("candidates:trajectory-start", args=[candidate.pk]),
        {"method": "jobcoaching", "start_date": "2026-05-01"},
    )
    assert candidate.trajectories.count() == 1
    web(guide_a).post(
        reverse("candidates:trajectory-start", args=[candidate.pk]), {"method": "ips", "start_date": "2026-07-01"}
    )
    assert candidate.trajectories.count() == 2
    refreshed = Candidate.objects.get(pk=candidate.pk)
    assert (refreshed.trajectory_start, refreshed.trajectory_end) == (date(2026, 7, 1), None)
    page = web(guide_a).get(detail).content.decode()
    assert "Onderwijs" in page  # the outcome, in Dutch


@pytest.mark.parametrize("who", ["adviser_a", "guide_b", "adviser_b", "awvn"])
def test_trajectory_writes_by_anyone_but_the_guide_are_404_and_change_nothing(
    who: str, guide_a: Any, web: Any, api: Any, request: Any
) -> None:
    candidate = CandidateFactory(guide=guide_a)
    trajectory = trajectory_start(candidate=candidate, start_date=date(2026, 1, 5), by=guide_a)
    user = request.getfixturevalue(who)
    end = {"end_date": "2026-06-01", "outcome": "stopped"}
    assert web(user).post(reverse("candidates:trajectory-end", args=[trajectory.pk]), end).status_code == 404
    assert (
        web(user)
        .post(
            reverse("candidates:trajectory-start", args=[candidate.pk]), {"method": "ips", "start_date": "2026-07-01"}
        )
        .status_code
        == 404
    )
    assert api(user).post(f"/api/v1/trajectories/{trajectory.pk}/end/", end, format="json").status_code in (403, 404)
    assert api(user).get(f"/api/v1/trajectories/{trajectory.pk}/").status_code in (403, 404)
    created = api(user).post(
        "/api/v1/trajectories/", {"candidate": candidate.pk, "start_date": "2026-07-01"}, format="json"
    )
    assert created.status_code in (400, 403, 404)
    assert list(Trajectory.objects.filter(candidate=candidate).values_list("end_date", flat=True)) == [None]


def test_the_trajectory_api(guide_a: Any, coordinator_a: Any, api: Any) -> None:
    candidate = CandidateFactory(guide=guide_a)
    created = api(guide_a).post(
        "/api/v1/trajectories/", {"candidate": candidate.pk, "method": "ips", "start_date": "2026-01-05"}, format="json"
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    again = api(guide_a).post(
        "/api/v1/trajectories/", {"candidate": candidate.pk, "start_date": "2026-02-05"}, format="json"
    )
    assert again.status_code == 400
    bad = api(guide_a).post(
        f"/api/v1/trajectories/{pk}/end/", {"end_date": "2025-01-01", "outcome": "moved"}, format="json"
    )
    assert bad.status_code == 400 and "end_date" in bad.json()
    ended = api(guide_a).post(
        f"/api/v1/trajectories/{pk}/end/", {"end_date": "2026-09-01", "outcome": "durable_work"}, format="json"
    )
    assert ended.status_code == 200 and ended.json()["outcome"] == "durable_work"
    twice = api(guide_a).post(
        f"/api/v1/trajectories/{pk}/end/", {"end_date": "2026-09-02", "outcome": "moved"}, format="json"
    )
    assert twice.status_code == 400
    # The coordinator reads the region's trajectories, filtered by open/closed.
    listed = api(coordinator_a).get("/api/v1/trajectories/", {"open": "false"}).json()["results"]
    assert [row["id"] for row in listed] == [pk]
    assert api(coordinator_a).post(
        f"/api/v1/trajectories/{pk}/end/", {"end_date": "2026-09-02", "outcome": "moved"}, format="json"
    ).status_code in (403, 404)
