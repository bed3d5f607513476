"""The demo's region targets (``manage.py seed_demo``, after the candidates' demo): Groot
Amsterdam's coordinator set this year's target to 60 durable placements (the programme's 100 is
the default, which Midden-Utrecht keeps), so the map and the dashboards show a target the
coordinator set beside the default one."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from reports.services import region_target_set

DEMO_TARGETS = [("coordinator", "AM18", 60)]


def seed(users: dict[str, Any]) -> str:
    year = timezone.localdate().year
    made = 0
    for username, region, value in DEMO_TARGETS:
        if username in users:
            region_target_set(region_code=region, year=year, durable_placements=value, by=users[username])
            made += 1
    return f"{made} region targets set for {year}"
