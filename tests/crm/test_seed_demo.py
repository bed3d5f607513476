from __future__ import annotations

from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_seed_demo_finds_every_apps_demo_and_runs_them_layer_by_layer():
    from crm.models import Region
    from reports.figures import region_figures
    from reports.ips import ips_region_figures
    from reports.periods import parse_period
    from reports.regionmap import band_of

    # crm names no app: the demo modules are found through settings.LOCAL_APPS. A fixed day, so
    # the demo's earlier trajectories reach their marks within the year the figures count.
    out = StringIO()
    with time_machine.travel(datetime(2026, 11, 25, 12, tzinfo=ZoneInfo("Europe/Amsterdam"))):
        call_command("seed_demo", quiet_logins=True, stdout=out)
        amsterdam = region_figures(Region.objects.get(code="AM18"), parse_period("year")).placements
        (guide,) = ips_region_figures("AM18").guides

    seeded = [line.split(":")[0] for line in out.getvalue().splitlines() if ": " in line]
    assert seeded == [
        "employers",
        "employers.contacts",
        "outreach",
        "candidates",
        "candidates.demo_outcomes",
        "reports",
    ]
    assert "Demo data created." in out.getvalue()
    # The figures, the IPS page and the map have something to show (issue 19).
    assert amsterdam.target == 60  # the coordinator's, beside Midden-Utrecht's default 100
    assert amsterdam.this_year >= 15 and band_of(100 * amsterdam.this_year / amsterdam.target) >= 1
    assert amsterdam.unknown_this_year > 0 and amsterdam.ended_early > 0 and amsterdam.running > 0
    assert 0 < amsterdam.trajectories_durable < amsterdam.trajectories_started
    assert sum(1 for m in amsterdam.by_method if m.durable) >= 3
    assert guide.contacts_for_candidate > 0 and guide.first_contact_on_time > 0 and guide.first_contact_late > 0
    assert guide.caseload > 0 and guide.employers_placed_with > 1
