"""A session of region A, and a small network around it: one person who can be invited and
one for each reason to be left out, plus someone of region B who must never show up."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone

from tests.factories import ContactPersonFactory, EmployerFactory
from tests.outreach.factories import EventFactory


@pytest.fixture
def event_a(adviser_a: Any) -> Any:
    return EventFactory(region_id="AM18", title="Werk werkt", owner=adviser_a, capacity=20)


@pytest.fixture
def draft_a(adviser_a: Any) -> Any:
    return EventFactory(region_id="AM18", title="Nog in de maak", owner=adviser_a, state="draft")


@pytest.fixture
def event_b(adviser_b: Any) -> Any:
    return EventFactory(region_id="AM13", title="Utrecht werkt", owner=adviser_b)


@pytest.fixture
def network(region_a: Any, region_b: Any) -> SimpleNamespace:
    bakery = EmployerFactory(region_id="AM18", legal_name="Bakkerij Zon B.V.", stage="open", sbi_section="G")
    shop = EmployerFactory(region_id="AM18", legal_name="Fietsenmaker Wiel", stage="prospect", sbi_section="G")
    closed = EmployerFactory(
        region_id="AM18", legal_name="Gesloten Deur B.V.", stage="open", do_not_contact=True, sbi_section="G"
    )
    utrecht = EmployerFactory(region_id="AM13", legal_name="Domstad Zorg", stage="open", sbi_section="G")
    return SimpleNamespace(
        bakery=bakery,
        shop=shop,
        closed=closed,
        reachable=ContactPersonFactory(employer=bakery, name="Ada Bakker"),
        opted_out=ContactPersonFactory(employer=bakery, name="Otto Uit", opted_out_at=timezone.now()),
        no_email=ContactPersonFactory(employer=bakery, name="Nina Zonder", email=""),
        do_not_contact=ContactPersonFactory(employer=closed, name="Dirk Dicht"),
        prospect=ContactPersonFactory(employer=shop, name="Piet Wiel"),
        other_region=ContactPersonFactory(employer=utrecht, name="Ursula Utrecht"),
    )
