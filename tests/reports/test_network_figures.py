from __future__ import annotations

from dataclasses import fields
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from crm.models import Region
from employers.models import StageChange
from reports.figures import national_figures, region_figures
from reports.periods import parse_period
from tests.factories import EmployerFactory

pytestmark = pytest.mark.django_db
AMS = ZoneInfo("Europe/Amsterdam")
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=AMS)


def change(employer, to_stage, at, from_stage=""):
    row = StageChange.objects.create(employer=employer, from_stage=from_stage, to_stage=to_stage)
    StageChange.objects.filter(pk=row.pk).update(at=at)


@time_machine.travel(NOW, tick=False)
def test_stage_counts_and_quarter_change_for_one_region():
    a = [EmployerFactory(region_id="AM18", stage=s) for s in ("prospect", "open", "open", "active")]
    EmployerFactory(region_id="AM13", stage="open")  # another region: not counted
    change(a[1], "open", datetime(2026, 10, 5, tzinfo=AMS), from_stage="interested")
    change(a[2], "open", datetime(2026, 9, 30, 23, 30, tzinfo=AMS), from_stage="prospect")  # last quarter

    network = region_figures(Region.objects.get(code="AM18"), parse_period("year")).network

    assert network.stages["open"] == 2
    assert network.stages["prospect"] == 1
    assert network.employers == 4
    assert network.open_or_further == 3
    assert network.quarter_change["open"] == 1
    assert network.quarter_change["interested"] == -1
    assert network.quarter_change["prospect"] == 0


@time_machine.travel(NOW, tick=False)
def test_new_open_per_month_uses_amsterdam_month_boundaries():
    employer = EmployerFactory(region_id="AM18")
    # 31 Oct 23:30 in Amsterdam is 22:30 UTC: still October here.
    change(employer, "open", datetime(2026, 10, 31, 23, 30, tzinfo=AMS))
    # 1 Nov 00:30 in Amsterdam is 31 Oct 23:30 UTC: November here.
    change(employer, "open", datetime(2026, 11, 1, 0, 30, tzinfo=AMS))
    # Before the period (last year): not counted.
    change(employer, "open", datetime(2025, 12, 31, 23, 59, tzinfo=AMS))

    months = region_figures(Region.objects.get(code="AM18"), parse_period("year")).network.new_open_per_month

    assert len(months) == 12
    assert {m.month: m.count for m in months if m.count} == {"2026-10": 1, "2026-11": 1}


@time_machine.travel(NOW, tick=False)
def test_quarter_period_bounds():
    period = parse_period("2026Q1")

    assert period.start == datetime(2026, 1, 1, tzinfo=AMS)
    assert period.end == datetime(2026, 4, 1, tzinfo=AMS)
    assert [m.month for m in period.months] == [1, 2, 3]


def test_national_figures_list_all_35_regions_without_personal_data(db):
    EmployerFactory(region_id="AM18", stage="open")

    figures = national_figures(parse_period("year"))

    assert len(figures.regions) == 35
    row = next(r for r in figures.regions if r.code == "AM18")
    assert row.open_or_further == 1
    assert {f.name for f in fields(row)} == {
        "code", "name", "employers", "open_or_further", "new_open", "contacts",
        "events_held", "event_attendances", "placements_this_year", "placements_in_period", "durable_6m",
        "placements_target", "trajectories_started", "trajectories_durable", "event_conversions",
    }  # fmt: skip


def test_region_figures_query_count_does_not_grow(django_assert_num_queries, guide_a):
    region = Region.objects.get(code="AM18")
    for _ in range(30):
        EmployerFactory(region_id="AM18")
    # stages, quarter changes, new open per month, contacts per month, guides, their IPS counts,
    # their caseload, their placements, their contacts per visit, their first contacts per
    # trajectory, sessions held, their invitations, attending employers that moved, the region's
    # target, placements, durable placements per method, trajectories started and ended durable
    with django_assert_num_queries(17):
        region_figures(region, parse_period("year"))
