"""The small leaks and the table owners of issue 13: filters that take a user id, the AWVN
adviser's sessions over the API, and outreach changing employer tables only through employers'
services (so derived columns such as ``Employer.last_contact_at`` stay true)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from crm.models import Role
from employers.models import Contact, Employer, FollowUp
from outreach.services.attendance import attendance_mark
from outreach.services.links import unsubscribe
from tests.contacts.factories import ContactFactory
from tests.factories import EmployerFactory, UserFactory, membership
from tests.outreach.factories import EventFactory, InvitationFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("url", "param"), [("/api/v1/contacts/", "by"), ("/api/v1/follow-ups/", "owner")])
def test_a_user_filter_does_not_confirm_that_a_user_exists_elsewhere(
    url: str, param: str, cast: dict[str, Any], api: Any
) -> None:
    ContactFactory(employer=EmployerFactory(region_id="AM18"), by=cast["adviser_a"])
    client = api(cast["adviser_a"])

    colleague = client.get(url, {param: cast["guide_a"].pk})
    foreign = client.get(url, {param: cast["adviser_b"].pk})
    missing = client.get(url, {param: 99999999})

    assert colleague.status_code == 200
    assert foreign.status_code == missing.status_code == 400
    assert foreign.json()[param][0].replace(str(cast["adviser_b"].pk), "N") == missing.json()[param][0].replace(
        "99999999", "N"
    )


def test_a_follow_up_for_a_user_of_another_region_is_the_same_400_as_for_a_missing_one(
    cast: dict[str, Any], api: Any
) -> None:
    employer = EmployerFactory(region_id="AM18")
    body = {"employer": employer.pk, "due_date": timezone.localdate().isoformat()}
    client = api(cast["adviser_a"])

    foreign = client.post("/api/v1/follow-ups/", {**body, "owner": cast["adviser_b"].pk}, format="json")
    missing = client.post("/api/v1/follow-ups/", {**body, "owner": 99999999}, format="json")

    assert foreign.status_code == missing.status_code == 400
    assert list(foreign.json()) == list(missing.json()) == ["owner"]
    assert not FollowUp.objects.exists()


def test_the_awvn_adviser_reads_over_the_api_the_sessions_the_agenda_shows(cast: dict[str, Any], api: Any) -> None:
    published = EventFactory(region_id="AM13", state="published")
    draft = EventFactory(region_id="AM13", state="draft")
    client = api(cast["awvn"])

    ids = {row["id"] for row in client.get("/api/v1/events/", {"page_size": 200}).json()["results"]}

    assert published.pk in ids and draft.pk not in ids
    assert client.get(f"/api/v1/events/{draft.pk}/").status_code == 404


def test_unmarking_attendance_leaves_last_contact_at_on_the_latest_remaining_contact(
    adviser_a: Any, coordinator_a: Any
) -> None:
    employer = EmployerFactory(owner=adviser_a)
    earlier = timezone.now() - timedelta(days=20)
    from employers.contacts.services import contact_log

    contact_log(
        employer=employer, by=adviser_a, channel="phone", purpose="relationship", summary="Gebeld", when=earlier
    )
    event = EventFactory(region_id="AM18", state="published", starts_at=timezone.now() - timedelta(hours=3))
    event.ends_at = event.starts_at + timedelta(hours=2)
    event.save()
    inv = InvitationFactory(event=event, contact_person__employer=employer)

    attendance_mark(invitation=inv, by=coordinator_a, attended=True)
    assert Employer.objects.get(pk=employer.pk).last_contact_at > earlier
    attendance_mark(invitation=inv, by=coordinator_a, attended=False)

    employer.refresh_from_db()
    assert employer.last_contact_at == earlier
    assert list(Contact.objects.filter(employer=employer).values_list("when", flat=True)) == [earlier]
    assert not FollowUp.objects.filter(employer=employer, state="open").exists()


def test_an_unsubscribe_goes_through_the_employers_service(adviser_a: Any) -> None:
    inv = InvitationFactory(event__region_id="AM18", contact_person__employer__region_id="AM18")

    assert unsubscribe(invitation=inv, source="one-click") is True
    assert unsubscribe(invitation=inv, source="one-click") is False

    inv.contact_person.refresh_from_db()
    assert inv.contact_person.opted_out_at is not None and "one-click" in inv.contact_person.opt_out_source


def test_a_users_own_id_and_a_colleagues_are_visible_but_not_a_stranger(region_a: Any) -> None:
    from crm.scoping import users_visible_to

    me = membership(UserFactory(username="me"), Role.GUIDE, region_a)
    colleague = membership(UserFactory(username="colleague"), Role.ADVISER, region_a)
    stranger = UserFactory(username="stranger")

    assert set(users_visible_to(me)) == {me, colleague}
    assert stranger not in users_visible_to(me)
