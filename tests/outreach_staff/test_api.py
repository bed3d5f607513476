"""/api/v1/events/, /api/v1/invitations/, /api/v1/outbound-emails/ for each member of the cast."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from employers.models import Contact
from outreach.models import EmailState, Event, Invitation, OutboundEmail
from tests.outreach.factories import EventFactory, InvitationFactory
from tests.quality.snapshot import nothing_changes

pytestmark = pytest.mark.django_db


def _outbox_row(event: Event, invitation: Invitation | None = None, **fields: Any) -> OutboundEmail:
    n = OutboundEmail.objects.count()
    defaults = {
        "idempotency_key": f"test:{event.pk}:{n}",
        "kind": "invite",
        "to_email": "someone@example.org",
        "subject": "Uitnodiging",
        "body_text": "x",
        "message_id": f"<test-{event.pk}-{n}@wsp>",
        "event": event,
        "invitation": invitation,
    }
    defaults.update(fields)
    return OutboundEmail.objects.create(**defaults)


@pytest.fixture
def world(event_a: Event, network: Any) -> Any:
    invitation = InvitationFactory(event=event_a, contact_person=network.reachable, rsvp="yes")
    email = _outbox_row(event_a, invitation, state=EmailState.FAILED, last_error="550 no such user")
    return event_a, invitation, email


def _endpoints(event: Event, invitation: Invitation, email: OutboundEmail) -> list[tuple[str, str, Any]]:
    e = f"/api/v1/events/{event.pk}/"
    return [
        ("get", e, None),
        ("patch", e, {"title": "x"}),
        ("post", e + "publish/", {}),
        ("post", e + "cancel/", {}),
        ("post", e + "invite/", {"stages": ["open"], "dry_run": True}),
        ("post", e + "register-awvn/", None),
        ("post", e + "confirm-awvn/", {"reference": "R-1"}),
        ("get", f"/api/v1/invitations/{invitation.pk}/", None),
        ("patch", f"/api/v1/invitations/{invitation.pk}/", {"attended": True}),
        ("get", f"/api/v1/outbound-emails/{email.pk}/", None),
    ]


@pytest.mark.parametrize("who", ["adviser_b", "guide_a", "guide_b", "nobody"])
def test_outsiders_get_404_on_every_object_endpoint(cast, nobody, api, world, who):
    client = api(nobody if who == "nobody" else cast[who])
    for method, url, body in _endpoints(*world):
        assert getattr(client, method)(url, body, format="json").status_code == 404, (who, method, url)
    event = Event.objects.get(pk=world[0].pk)
    assert (event.state, event.title, event.awvn_requested_at) == ("published", "Werk werkt", None)


@pytest.mark.parametrize("who", ["guide_a", "guide_b", "nobody"])
def test_guides_have_no_session_lists(cast, nobody, api, world, who):
    client = api(nobody if who == "nobody" else cast[who])
    for url in ("/api/v1/events/", "/api/v1/invitations/", "/api/v1/outbound-emails/"):
        assert client.get(url).status_code == 404, url


def test_anonymous_is_refused(api, world):
    for method, url, body in _endpoints(*world):
        assert getattr(api(None), method)(url, body, format="json").status_code in (401, 403), url


def test_another_regions_adviser_lists_nothing_of_region_a(cast, api, world, event_b):
    client = api(cast["adviser_b"])
    assert [e["title"] for e in client.get("/api/v1/events/").json()["results"]] == ["Utrecht werkt"]
    assert client.get("/api/v1/invitations/").json()["count"] == 0
    assert client.get("/api/v1/outbound-emails/").json()["count"] == 0
    assert client.get(f"/api/v1/invitations/?event={world[0].pk}").status_code == 400  # not a choice


# --- AWVN: reads every region, changes only the confirmation --------------------------------


def test_awvn_reads_every_regions_sessions(cast, api, world, event_b):
    client = api(cast["awvn"])
    titles = {e["title"] for e in client.get("/api/v1/events/").json()["results"]}
    assert titles == {"Werk werkt", "Utrecht werkt"}
    assert client.get(f"/api/v1/events/{world[0].pk}/").status_code == 200


def test_awvn_sees_no_invitations_or_mail(cast, api, world):
    client = api(cast["awvn"])
    assert client.get("/api/v1/invitations/").status_code == 404
    assert client.get(f"/api/v1/invitations/{world[1].pk}/").status_code == 404
    assert client.get("/api/v1/outbound-emails/").status_code == 404


def test_awvn_changes_nothing_but_the_confirmation(cast, api, world):
    event = world[0]
    client = api(cast["awvn"])
    for method, url, body in _endpoints(*world)[:6]:
        if method == "get":
            continue
        assert getattr(client, method)(url, body, format="json").status_code == 403, (method, url)
    assert client.post("/api/v1/events/", {"region": "AM18", "title": "x"}, format="json").status_code == 403
    event.refresh_from_db()
    assert event.title == "Werk werkt" and event.state == "published" and not event.invitations.exclude(pk=world[1].pk)


def test_awvn_confirms_a_requested_registration(cast, api, world):
    event = world[0]
    api(cast["adviser_a"]).post(f"/api/v1/events/{event.pk}/register-awvn/", format="json")
    client = api(cast["awvn"])
    missing = client.post(f"/api/v1/events/{event.pk}/confirm-awvn/", {}, format="json")
    assert missing.status_code == 400 and "reference" in missing.json()
    response = client.post(f"/api/v1/events/{event.pk}/confirm-awvn/", {"reference": "AWVN-77"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["awvn_state"] == "confirmed" and response.json()["awvn_reference"] == "AWVN-77"


def test_only_awvn_confirms(cast, api, world):
    event = world[0]
    event.awvn_requested_at = timezone.now()
    event.save()
    response = api(cast["adviser_a"]).post(
        f"/api/v1/events/{event.pk}/confirm-awvn/", {"reference": "R"}, format="json"
    )
    assert response.status_code == 403
    event.refresh_from_db()
    assert event.awvn_confirmed_at is None


def test_confirming_an_unrequested_registration_is_an_error(cast, api, world):
    with nothing_changes():
        response = api(cast["awvn"]).post(
            f"/api/v1/events/{world[0].pk}/confirm-awvn/", {"reference": "R"}, format="json"
        )
    assert response.status_code == 400 and "non_field_errors" in response.json()


# --- Sessions ---------------------------------------------------------------------------------


def _new(**overrides: Any) -> dict[str, Any]:
    start = (timezone.now() + timedelta(days=30)).replace(microsecond=0)
    body = {
        "region": "AM18",
        "title": "Inclusief werkgeven",
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=2)).isoformat(),
        "venue_address": "Kade 1, Amsterdam",
        "capacity": 25,
        "speakers": [{"kind": "experience_expert", "name": "Joris", "bio": "Ervaringsdeskundige"}],
    }
    body.update(overrides)
    return body


@pytest.mark.parametrize("who", ["adviser_a", "coordinator_a"])
def test_advisers_and_coordinators_create_drafts(cast, api, who):
    response = api(cast[who]).post("/api/v1/events/", _new(), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["state"] == "draft" and body["region"] == "AM18" and body["slug"].startswith("inclusief-werkgeven-")
    assert body["speakers"] == [
        {"kind": "experience_expert", "name": "Joris", "bio": "Ervaringsdeskundige", "pool_speaker": None}
    ]
    assert body["invited_count"] == 0 and body["awvn_state"] == "none"


def test_create_errors_are_keyed_by_field(cast, api):
    client = api(cast["adviser_a"])
    other_region = client.post("/api/v1/events/", _new(region="AM13"), format="json")
    assert other_region.status_code == 400 and "region" in other_region.json()
    start = timezone.now() + timedelta(days=3)
    backwards = client.post(
        "/api/v1/events/", _new(starts_at=start.isoformat(), ends_at=start.isoformat()), format="json"
    )
    assert backwards.status_code == 400 and "ends_at" in backwards.json()
    bad = client.post("/api/v1/events/", _new(title="", online_url="nope", speakers=[{"kind": "x"}]), format="json")
    assert bad.status_code == 400 and {"title", "online_url", "speakers"} <= set(bad.json())
    assert not Event.objects.exists()


def test_patch_changes_a_session_and_cannot_move_it(cast, api, world):
    event = world[0]
    response = api(cast["adviser_a"]).patch(
        f"/api/v1/events/{event.pk}/", {"title": "Werk werkt!", "region": "AM13"}, format="json"
    )
    assert response.status_code == 200 and response.json()["title"] == "Werk werkt!"
    assert response.json()["region"] == "AM18"


def test_publish_with_awvn_and_the_service_errors_keyed_by_field(cast, api, draft_a):
    client = api(cast["adviser_a"])
    draft_a.venue_address = ""
    draft_a.save()
    no_place = client.post(f"/api/v1/events/{draft_a.pk}/publish/", {"register_with_awvn": True}, format="json")
    assert no_place.status_code == 400 and "venue_address" in no_place.json()
    client.patch(f"/api/v1/events/{draft_a.pk}/", {"online_url": "https://meet.example/abc"}, format="json")
    response = client.post(f"/api/v1/events/{draft_a.pk}/publish/", {"register_with_awvn": True}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "published" and response.json()["awvn_state"] == "requested"
    assert OutboundEmail.objects.filter(kind="awvn-registration", to_email=cast["awvn"].email).exists()


def test_cancel(cast, api, world):
    response = api(cast["coordinator_a"]).post(
        f"/api/v1/events/{world[0].pk}/cancel/", {"reason": "Te weinig aanmeldingen"}, format="json"
    )
    assert response.status_code == 200 and response.json()["state"] == "cancelled"
    assert OutboundEmail.objects.filter(kind="event-cancel").count() == 1
    again = api(cast["coordinator_a"]).post(f"/api/v1/events/{world[0].pk}/cancel/", {}, format="json")
    assert again.status_code == 400


def test_there_is_no_delete(cast, api, world):
    with nothing_changes():
        assert api(cast["adviser_a"]).delete(f"/api/v1/events/{world[0].pk}/").status_code == 405


def test_event_list_filters_and_query_count(cast, api, world, event_b, draft_a, django_assert_max_num_queries):
    client = api(cast["adviser_a"])
    with django_assert_max_num_queries(4):  # membership, count, page with invitation counts, speakers
        response = client.get("/api/v1/events/?state=draft")
    assert [e["title"] for e in response.json()["results"]] == ["Nog in de maak"]
    listed = {e["title"]: e for e in client.get("/api/v1/events/").json()["results"]}
    assert listed["Werk werkt"]["yes_count"] == 1 and listed["Werk werkt"]["invited_count"] == 1


# --- Invite -------------------------------------------------------------------------------------


def test_invite_dry_run_counts_and_explains(cast, api, event_a, network):
    response = api(cast["adviser_a"]).post(
        f"/api/v1/events/{event_a.pk}/invite/", {"stages": ["open"], "dry_run": True}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json() == {
        "dry_run": True,
        "background": False,
        "included": 1,
        "invited": 0,
        "excluded": {"opted_out": 1, "no_email": 1, "do_not_contact": 1},
    }
    assert not Invitation.objects.exists()


def test_invite_creates_invitations_and_outbox_rows_once(cast, api, event_a, network):
    client = api(cast["adviser_a"])
    body = {"regions": ["AM18"]}
    first = client.post(f"/api/v1/events/{event_a.pk}/invite/", body, format="json").json()
    assert (first["included"], first["invited"]) == (2, 2)
    again = client.post(f"/api/v1/events/{event_a.pk}/invite/", body, format="json").json()
    assert (again["included"], again["invited"], again["excluded"]["already_invited"]) == (0, 0, 2)
    assert OutboundEmail.objects.filter(kind="invite", event=event_a).count() == 2


def test_invite_validates_the_filters(cast, api, event_a, network):
    client = api(cast["adviser_a"])
    url = f"/api/v1/events/{event_a.pk}/invite/"
    assert "regions" in client.post(url, {"regions": ["AM13"]}, format="json").json()
    assert "stages" in client.post(url, {"stages": ["nope"]}, format="json").json()
    assert "non_field_errors" in client.post(url, {}, format="json").json()
    outside = client.post(url, {"persons": [network.other_region.pk]}, format="json")
    assert outside.status_code == 400 and "persons" in outside.json()
    assert not Invitation.objects.filter(contact_person=network.other_region).exists()


def test_invite_for_a_draft_is_refused(cast, api, draft_a, network):
    with nothing_changes():
        response = api(cast["adviser_a"]).post(
            f"/api/v1/events/{draft_a.pk}/invite/", {"stages": ["open"]}, format="json"
        )
    assert response.status_code == 400 and not Invitation.objects.exists()


# --- Invitations and outbox -------------------------------------------------------------------


def test_invitation_filters(cast, api, world, network, django_assert_max_num_queries):
    event, yes, _email = world
    no = InvitationFactory(event=event, contact_person=network.prospect, rsvp="no", attended=False)
    client = api(cast["adviser_a"])
    with django_assert_max_num_queries(4):  # membership, event choice, count, page
        by_event = client.get(f"/api/v1/invitations/?event={event.pk}").json()
    assert by_event["count"] == 2
    assert [r["id"] for r in client.get("/api/v1/invitations/?rsvp=no").json()["results"]] == [no.pk]
    assert [r["id"] for r in client.get("/api/v1/invitations/?attended=false").json()["results"]] == [no.pk]
    failed = client.get("/api/v1/invitations/?delivery_state=failed").json()["results"]
    assert [(r["id"], r["delivery_state"]) for r in failed] == [(yes.pk, "failed")]


def test_patch_attended_is_the_check_in(cast, api, world, network):
    _event, invitation, _email = world
    client = api(cast["adviser_a"])
    response = client.patch(f"/api/v1/invitations/{invitation.pk}/", {"attended": True}, format="json")
    assert response.status_code == 200 and response.json()["attended"] is True
    assert Contact.objects.filter(employer=network.bakery, channel="event").count() == 1
    only_attended = client.patch(f"/api/v1/invitations/{invitation.pk}/", {"rsvp": "no"}, format="json")
    assert only_attended.status_code == 400 and "attended" in only_attended.json()
    invitation.refresh_from_db()
    assert invitation.rsvp == "yes"


def test_outbound_emails_are_read_only_with_the_failure_reason(cast, api, world, django_assert_max_num_queries):
    event, _invitation, email = world
    client = api(cast["adviser_a"])
    with django_assert_max_num_queries(4):  # membership, event choice, count, page
        rows = client.get(f"/api/v1/outbound-emails/?event={event.pk}&state=failed").json()["results"]
    assert [(r["id"], r["last_error"]) for r in rows] == [(email.pk, "550 no such user")]
    assert client.delete(f"/api/v1/outbound-emails/{email.pk}/").status_code == 405
    assert client.post("/api/v1/outbound-emails/", {}, format="json").status_code == 405


def test_a_held_session_in_the_past_still_lists(cast, api):
    EventFactory(region_id="AM18", state="held", starts_at=timezone.now() - timedelta(days=3))
    assert api(cast["adviser_a"]).get("/api/v1/events/?state=held").json()["count"] == 1


def test_a_large_audience_is_invited_in_the_background(cast, api, event_a, network, monkeypatch):
    from outreach import selectors_staff

    monkeypatch.setattr(selectors_staff, "INVITE_IN_REQUEST_MAX", 1)
    calls = []
    monkeypatch.setattr("outreach.api.invite_in_background", lambda **kw: calls.append(kw))
    body = api(cast["adviser_a"]).post(f"/api/v1/events/{event_a.pk}/invite/", {"regions": ["AM18"]}, format="json")
    assert body.json()["background"] is True and body.json()["included"] == 2 and body.json()["invited"] == 0
    assert sorted(calls[0]["persons"]) == sorted([network.reachable.pk, network.prospect.pk])
