"""The counting rules of issue 19, as the README states them (section "Counting the programme")."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.http import Http404

from candidates import durability
from candidates.models import Trajectory
from candidates.services.placements import placement_end, placement_record_durable
from crm.models import Region
from reports.figures import national_figures, region_figures
from reports.models import RegionTarget
from reports.periods import parse_period
from reports.services import region_target_set
from tests.candidates.factories import CandidateFactory, PlacementFactory

pytestmark = pytest.mark.django_db
AMS = ZoneInfo("Europe/Amsterdam")
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=AMS)


def figures():
    return region_figures(Region.objects.get(code="AM18"), parse_period("year")).placements


def test_a_placement_that_ends_at_five_months_is_not_durable(guide_a):
    candidate = CandidateFactory(guide=guide_a)
    with time_machine.travel(datetime(2026, 1, 5, 10, tzinfo=AMS), tick=False):
        placement = PlacementFactory(candidate=candidate, start_date=date(2026, 1, 5))
    with time_machine.travel(datetime(2026, 6, 5, 10, tzinfo=AMS), tick=False):
        placement_end(placement=placement, end_date=date(2026, 6, 5), end_reason="resigned", by=guide_a)
    with time_machine.travel(datetime(2026, 7, 6, 10, tzinfo=AMS), tick=False):
        # Even a "still working" answer afterwards does not make it durable: it ended first.
        placement_record_durable(placement=placement, months=6, still_working=True, by=guide_a)
        placement.refresh_from_db()
        assert durability.status(placement) == durability.NOT_DURABLE
    with time_machine.travel(NOW, tick=False):
        p = figures()
        assert (p.this_year, p.ended_early, p.unknown_this_year) == (0, 1, 0)


def test_checked_still_working_at_six_months_is_durable(guide_a):
    candidate = CandidateFactory(guide=guide_a)
    placement = PlacementFactory(candidate=candidate, start_date=date(2026, 1, 5))
    with time_machine.travel(datetime(2026, 7, 6, 10, tzinfo=AMS), tick=False):
        placement_record_durable(placement=placement, months=6, still_working=True, by=guide_a)
        placement.refresh_from_db()
        assert durability.status(placement) == durability.DURABLE
    with time_machine.travel(NOW, tick=False):
        assert figures().this_year == 1


def test_a_placement_without_its_check_is_unknown_shown_and_not_counted(guide_a, coordinator_a, web):
    placement = PlacementFactory(candidate=CandidateFactory(guide=guide_a), start_date=date(2026, 1, 5))
    with time_machine.travel(NOW, tick=False):
        assert durability.status(placement) == durability.UNKNOWN
        p = figures()
        assert (p.this_year, p.unknown_this_year) == (0, 1)
        page = web(coordinator_a).get("/reports/regions/AM18/", {"period": "year"}).content.decode()
    # On the region dashboard as its own row, beside the durable one that does not count it.
    assert (
        '<th scope="row">Onbekend: moment dit jaar verstreken, controle niet beantwoord (niet meegeteld)</th><td>1</td>'
        in page
    )
    assert '<th scope="row">Duurzaam dit jaar (6-maandsmoment dit jaar, nog aan het werk)</th><td>0</td>' in page


def test_before_its_mark_a_placement_is_running(guide_a):
    placement = PlacementFactory(candidate=CandidateFactory(guide=guide_a), start_date=date(2026, 10, 1))
    with time_machine.travel(NOW, tick=False):
        assert durability.status(placement) == durability.RUNNING
        assert figures().running == 1


def test_a_trajectory_ending_in_durable_work_counts_once_with_two_placements(guide_a):
    candidate = CandidateFactory(guide=guide_a)
    trajectory = Trajectory.objects.create(candidate=candidate, start_date=date(2026, 1, 1), guide=guide_a)
    for start in (date(2026, 1, 5), date(2026, 2, 2)):
        PlacementFactory(candidate=candidate, trajectory=trajectory, start_date=start, durable_6m=True)
    with time_machine.travel(NOW, tick=False):
        p = figures()
        national = national_figures(parse_period("year"))
    assert (p.this_year, p.trajectories_started, p.trajectories_durable, p.durable_share) == (1, 1, 1, 100.0)
    assert {m.method: m.durable for m in p.by_method}["ips"] == 1
    assert (national.durable_this_year, national.trajectories_started, national.trajectories_durable) == (1, 1, 1)
    assert (national.trajectories_target, national.durable_share_target) == (7125, 40)


@pytest.mark.parametrize(
    ("start", "counted_in_2026"),
    [
        (date(2025, 6, 30), False),  # mark 31 Dec 2025: counts in 2025
        (date(2025, 7, 1), True),  # mark 1 Jan 2026
        (date(2026, 5, 1), True),  # mark 1 Nov 2026
        (date(2026, 7, 1), False),  # mark 1 Jan 2027: counts in 2027
    ],
)
def test_a_year_counts_placements_whose_six_month_mark_falls_in_it(guide_a, start, counted_in_2026):
    PlacementFactory(candidate=CandidateFactory(guide=guide_a), start_date=start, durable_6m=True)
    with time_machine.travel(datetime(2026, 12, 31, 12, tzinfo=AMS), tick=False):
        assert figures().this_year == (1 if counted_in_2026 else 0)


def test_the_coordinator_sets_the_regions_target(coordinator_a):
    with time_machine.travel(NOW, tick=False):
        assert figures().target == 100
        region_target_set(region_code="AM18", year=2026, durable_placements=120, by=coordinator_a)
        region_target_set(region_code="AM18", year=2026, durable_placements=110, by=coordinator_a)
        assert figures().target == 110
    assert RegionTarget.objects.count() == 1


@pytest.mark.parametrize("who", ["guide_a", "adviser_b", "nobody"])
def test_a_target_of_another_region_or_by_a_non_coordinator_is_404(request, who):
    with pytest.raises(Http404):
        region_target_set(region_code="AM18", year=2026, durable_placements=5, by=request.getfixturevalue(who))
    assert not RegionTarget.objects.exists()


def test_a_coordinator_of_another_region_cannot_set_its_target(coordinator_a):
    with pytest.raises(Http404):
        region_target_set(region_code="AM13", year=2026, durable_placements=5, by=coordinator_a)
    assert not RegionTarget.objects.exists()


def test_the_target_api_sets_the_target_for_the_regions_coordinator(api, coordinator_a):
    response = api(coordinator_a).put(
        "/api/v1/stats/regions/AM18/targets/2026/", {"durable_placements": 80}, format="json"
    )
    assert response.status_code == 200, response.content
    assert RegionTarget.objects.get(region_id="AM18", year=2026).durable_placements == 80


@pytest.mark.parametrize("who", ["guide_a", "adviser_a", "adviser_b", "awvn", "nobody"])
def test_the_target_api_is_404_for_outsiders(api, request, who):
    response = api(request.getfixturevalue(who)).put(
        "/api/v1/stats/regions/AM18/targets/2026/", {"durable_placements": 80}, format="json"
    )
    assert response.status_code == 404
    assert not RegionTarget.objects.exists()


def test_the_target_api_is_404_for_another_regions_id(api, coordinator_a):
    response = api(coordinator_a).put(
        "/api/v1/stats/regions/AM13/targets/2026/", {"durable_placements": 80}, format="json"
    )
    assert response.status_code == 404
    assert not RegionTarget.objects.exists()
