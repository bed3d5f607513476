"""IPS fidelity beyond six contacts (issue 19): per guide the caseload (candidates in an open
trajectory, norm 20), jobs started this quarter, and the employers and sectors placed with."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from candidates.models import Trajectory
from reports.figures import ips_region_figures
from tests.candidates.factories import CandidateFactory, PlacementFactory
from tests.factories import EmployerFactory

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))


def test_caseload_jobs_and_diversity_per_guide(guide_a: Any, coordinator_a: Any, web: Any) -> None:
    open_ones = [CandidateFactory(guide=guide_a) for _i in range(3)]
    for c in open_ones:
        Trajectory.objects.create(candidate=c, start_date=date(2026, 1, 5), guide=guide_a)
    ended = CandidateFactory(guide=guide_a)
    Trajectory.objects.create(candidate=ended, start_date=date(2025, 1, 5), end_date=date(2025, 9, 1), guide=guide_a)
    bakery = EmployerFactory(region_id="AM18", sbi_section="G")
    care = EmployerFactory(region_id="AM18", sbi_section="Q")
    PlacementFactory(candidate=open_ones[0], employer=bakery, start_date=date(2026, 10, 5))  # this quarter
    PlacementFactory(candidate=open_ones[1], employer=bakery, start_date=date(2026, 11, 2))  # this quarter
    PlacementFactory(candidate=ended, employer=care, start_date=date(2025, 2, 3))  # earlier

    with time_machine.travel(NOW, tick=False):
        (guide,) = [g for g in ips_region_figures("AM18").guides if g.caseload or g.jobs_this_quarter]
        assert (guide.caseload, guide.jobs_this_quarter, guide.employers_placed_with, guide.sectors_placed_with) == (
            3,
            2,
            2,
            2,
        )
        page = web(coordinator_a).get(reverse("reports:region-detail", args=["AM18"])).content.decode()
    assert 'id="panel-ips-fidelity"' in page
    assert "hoogstens 20" in page or "at most 20" in page


def test_an_anonymised_candidate_is_not_in_the_caseload(guide_a: Any) -> None:
    c = CandidateFactory(guide=guide_a, anonymised_at=NOW)
    Trajectory.objects.create(candidate=c, start_date=date(2026, 1, 5), guide=guide_a)
    assert all(g.caseload == 0 for g in ips_region_figures("AM18").guides)
