"""The stats API's JSON and the dashboard's SVG charts, pinned byte for byte (JSON) and element
for element (SVG) against snapshots taken before the figures became typed records and the
charts templates. A deliberate change of output regenerates the snapshot:
``PIN_UPDATE=1 make test PYTEST_ARGS=tests/reports/test_output_pinned.py``."""

from __future__ import annotations

import json
import os
import re
import xml.etree.ElementTree as ET
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from crm.models import Role
from employers.models import StageChange
from tests.candidates.factories import CandidateFactory, PlacementFactory
from tests.contacts.factories import ContactFactory
from tests.factories import ContactPersonFactory, EmployerFactory, UserFactory, membership
from tests.outreach.factories import EventFactory, InvitationFactory

pytestmark = pytest.mark.django_db
AMS = ZoneInfo("Europe/Amsterdam")
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=AMS)
SNAPSHOTS = Path(__file__).parent / "snapshots"
UPDATE = os.environ.get("PIN_UPDATE") == "1"


def _build_data(region_a: Any) -> None:
    guide = membership(UserFactory(username="pin_guide", first_name="Sam", last_name="Jansen"), Role.GUIDE, region_a)
    membership(UserFactory(username="pin_guide2", first_name="", last_name=""), Role.GUIDE, region_a)
    employers = [
        EmployerFactory(region_id="AM18", stage=stage)
        for stage in ("prospect", "interested", "open", "open", "active", "ambassador")
    ]
    EmployerFactory(region_id="AM13", stage="open")
    for i, (employer, to_stage, at) in enumerate(
        [
            (employers[2], "open", datetime(2026, 10, 5, tzinfo=AMS)),
            (employers[3], "open", datetime(2026, 3, 30, 23, 30, tzinfo=AMS)),
            (employers[4], "active", datetime(2026, 11, 2, tzinfo=AMS)),
        ]
    ):
        row = StageChange.objects.create(employer=employer, from_stage="interested" if i else "", to_stage=to_stage)
        StageChange.objects.filter(pk=row.pk).update(at=at)
    for days, channel in ((1, "visit"), (3, "phone"), (40, "email"), (70, "visit"), (200, "visit")):
        ContactFactory(employer=employers[2], by=guide, channel=channel, when=NOW - timedelta(days=days))
    event = EventFactory(region_id="AM18", title="Werkgeversontbijt", starts_at=datetime(2026, 9, 10, 14, tzinfo=AMS),
                         ends_at=datetime(2026, 9, 10, 16, tzinfo=AMS), state="held")  # fmt: skip
    answers = ((employers[1], "yes", True), (employers[0], "yes", False), (employers[5], "no", False))
    for employer, rsvp, attended in answers:
        InvitationFactory(event=event, contact_person=ContactPersonFactory(employer=employer), rsvp=rsvp,
                          attended=attended)  # fmt: skip
    row = StageChange.objects.create(employer=employers[1], from_stage="prospect", to_stage="interested")
    StageChange.objects.filter(pk=row.pk).update(at=event.starts_at + timedelta(days=20))
    candidate = CandidateFactory(guide=guide, region_id="AM18", reference_code="AM18-PIN01")
    PlacementFactory(candidate=candidate, employer=employers[2], start_date=date(2026, 2, 3), durable_6m=True)
    PlacementFactory(candidate=CandidateFactory(guide=guide, region_id="AM18", reference_code="AM18-PIN02"),
                     employer=employers[4], start_date=date(2026, 10, 1))  # fmt: skip


def _check(name: str, actual: str) -> None:
    path = SNAPSHOTS / name
    if UPDATE:
        SNAPSHOTS.mkdir(exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    assert actual == path.read_text(encoding="utf-8")


def _canonical_svg(svg: str) -> str:
    """The element tree with its attributes and texts, without the whitespace between tags
    (a template indents where an f-string did not)."""
    root = ET.fromstring(svg)  # noqa: S314 - our own output, not untrusted input
    lines: list[str] = []

    def walk(element: ET.Element, depth: int) -> None:
        attrs = " ".join(f"{k}={v!r}" for k, v in sorted(element.attrib.items()))
        text, tail = (re.sub(r"\s+", " ", t or "").strip() for t in (element.text, element.tail))
        lines.append(f"{'  ' * depth}{element.tag.split('}')[-1]} {attrs} | {text} | {tail}")
        for child in element:
            walk(child, depth + 1)

    walk(root, 0)
    return "\n".join(lines) + "\n"


@time_machine.travel(NOW, tick=False)
def test_stats_api_json_is_unchanged(api, region_a, coordinator_a, awvn):
    _build_data(region_a)

    for name, user, url in (
        ("region-year.json", coordinator_a, "/api/v1/stats/regions/AM18/"),
        ("region-2026Q3.json", coordinator_a, "/api/v1/stats/regions/AM18/?period=2026Q3"),
        ("national-12m.json", awvn, "/api/v1/stats/national/?period=12m"),
    ):
        response = api(user).get(url)
        assert response.status_code == 200
        _check(name, json.dumps(response.json(), indent=1, ensure_ascii=False) + "\n")


@time_machine.travel(NOW, tick=False)
def test_dashboard_charts_draw_the_same_svg(web, region_a, coordinator_a, awvn):
    _build_data(region_a)

    for name, user, url in (
        ("region-12m", coordinator_a, "/reports/regions/AM18/?period=12m"),
        ("national-year", awvn, "/reports/national/"),
    ):
        html = web(user).get(url).content.decode()
        charts = re.findall(r"<svg.*?</svg>", html, flags=re.S)
        assert charts
        _check(f"{name}.svg.txt", "\n".join(_canonical_svg(svg) for svg in charts))
