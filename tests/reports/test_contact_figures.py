from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from crm.models import Region
from reports.figures import region_figures
from reports.periods import parse_period
from tests.contacts.factories import ContactFactory
from tests.factories import EmployerFactory

pytestmark = pytest.mark.django_db
AMS = ZoneInfo("Europe/Amsterdam")
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=AMS)  # a Wednesday


@time_machine.travel(NOW, tick=False)
def test_contacts_per_month_by_channel_count_only_the_region_and_period(guide_a, adviser_b):
    mine = EmployerFactory(region_id="AM18")
    theirs = EmployerFactory(region_id="AM13")
    ContactFactory(employer=mine, by=guide_a, channel="visit", when=datetime(2026, 10, 31, 23, 30, tzinfo=AMS))
    ContactFactory(
        employer=mine, by=guide_a, channel="phone", in_person=False, when=datetime(2026, 11, 1, 0, 30, tzinfo=AMS)
    )
    ContactFactory(
        employer=mine, by=guide_a, channel="phone", in_person=False, when=datetime(2025, 12, 31, 12, tzinfo=AMS)
    )
    ContactFactory(employer=theirs, by=adviser_b, channel="visit", when=datetime(2026, 11, 2, tzinfo=AMS))

    contacts = region_figures(Region.objects.get(code="AM18"), parse_period("year")).contacts

    months = {m.month: m for m in contacts.per_month}
    assert months["2026-10"].per_channel["visit"] == 1
    assert months["2026-11"].per_channel["phone"] == 1
    assert months["2026-11"].per_channel["visit"] == 0
    assert contacts.total == 2


@time_machine.travel(NOW, tick=False)
def test_ips_counts_face_to_face_per_guide_per_week_against_six(guide_a):
    employer = EmployerFactory(region_id="AM18")
    monday = datetime(2026, 11, 23, 9, 0, tzinfo=AMS)
    for i in range(6):
        ContactFactory(employer=employer, by=guide_a, channel="visit", when=monday + timedelta(hours=i))
    ContactFactory(employer=employer, by=guide_a, channel="phone", in_person=False, when=monday)
    # Sunday 23:30 belongs to the week before.
    ContactFactory(employer=employer, by=guide_a, channel="visit", when=datetime(2026, 11, 22, 23, 30, tzinfo=AMS))

    ips = region_figures(Region.objects.get(code="AM18"), parse_period("year")).ips

    assert ips.target == 6
    assert ips.weeks[-1] == "2026-11-23"
    (guide,) = ips.guides
    assert guide.per_week[-1] == 6
    assert guide.per_week[-2] == 1
    assert guide.weeks_on_target == 1
