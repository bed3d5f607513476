"""The demo employers: believable, in the demo regions, and enough for the demo contact log."""

from __future__ import annotations

import pytest

from crm.demo import seed_users
from employers import demo
from employers.contacts import demo as demo_contacts
from employers.models import Contact, ContactPerson, Employer, Opening, StageChange

pytestmark = pytest.mark.django_db


def test_demo_employers_then_demo_contacts() -> None:
    users = seed_users()

    summary = demo.seed(users)
    demo_contacts.seed(users)

    assert summary == f"{Employer.objects.count()} employers"
    assert Employer.objects.filter(region_id="AM18").count() >= 15
    assert Employer.objects.filter(region_id="AM13").count() >= 15
    assert Employer.objects.exclude(region_id__in=["AM18", "AM13"]).exists()
    assert set(Employer.objects.values_list("stage", flat=True)) >= {"prospect", "open", "active", "ambassador"}
    assert all(email.endswith("@example.nl") for email in ContactPerson.objects.values_list("email", flat=True))
    assert Opening.objects.filter(state="open").exists()
    assert StageChange.objects.filter(to_stage="ambassador").exists()
    assert Contact.objects.exists()
