"""Staff pages of knowledge sessions, for each member of the cast."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from employers.models import Contact, FollowUp
from outreach.models import EmailState, Event, Invitation, OutboundEmail
from tests.factories import ContactPersonFactory
from tests.outreach.factories import EventFactory, InvitationFactory
from tests.quality.snapshot import nothing_changes

pytestmark = pytest.mark.django_db


def _object_pages(event: Event) -> list[tuple[str, str]]:
    return [
        ("get", reverse("outreach:event-detail", args=[event.pk])),
        ("get", reverse("outreach:event-edit", args=[event.pk])),
        ("post", reverse("outreach:event-edit", args=[event.pk])),
        ("post", reverse("outreach:event-publish", args=[event.pk])),
        ("post", reverse("outreach:event-register-awvn", args=[event.pk])),
        ("get", reverse("outreach:event-cancel", args=[event.pk])),
        ("post", reverse("outreach:event-cancel", args=[event.pk])),
        ("post", reverse("outreach:event-mark-held", args=[event.pk])),
        ("get", reverse("outreach:event-invite", args=[event.pk])),
        ("post", reverse("outreach:event-invite", args=[event.pk])),
        ("get", reverse("outreach:event-checkin", args=[event.pk])),
        ("post", reverse("outreach:event-checkin", args=[event.pk])),
    ]


@pytest.mark.parametrize("who", ["adviser_a", "coordinator_a"])
def test_the_regions_advisers_and_coordinator_open_every_page(cast, web, event_a, who):
    client = web(cast[who])
    for url in (
        reverse("outreach:event-list"),
        reverse("outreach:event-create"),
        reverse("outreach:event-detail", args=[event_a.pk]),
        reverse("outreach:event-edit", args=[event_a.pk]),
        reverse("outreach:event-cancel", args=[event_a.pk]),
        reverse("outreach:event-invite", args=[event_a.pk]),
        reverse("outreach:event-checkin", args=[event_a.pk]),
    ):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("who", ["adviser_b", "guide_a", "guide_b", "awvn", "nobody"])
def test_outsiders_get_404_on_every_page_of_a_session(cast, nobody, web, event_a, who):
    client = web(nobody if who == "nobody" else cast[who])
    for method, url in _object_pages(event_a):
        assert getattr(client, method)(url).status_code == 404, (who, method, url)
    event_a.refresh_from_db()
    assert event_a.state == "published" and not event_a.invitations.exists()


@pytest.mark.parametrize("who", ["guide_a", "guide_b", "awvn", "nobody"])
def test_only_advisers_and_coordinators_have_a_session_list(cast, nobody, web, who):
    client = web(nobody if who == "nobody" else cast[who])
    assert client.get(reverse("outreach:event-list")).status_code == 404
    assert client.get(reverse("outreach:event-create")).status_code == 404


def test_the_list_shows_my_regions_sessions_with_their_counts(cast, web, event_a, event_b, network):
    InvitationFactory(event=event_a, contact_person=network.reachable, rsvp="yes", attended=True)
    InvitationFactory(event=event_a, contact_person=network.prospect, rsvp="no")
    response = web(cast["adviser_a"]).get(reverse("outreach:event-list"))
    body = response.content.decode()
    assert "Werk werkt" in body and "Utrecht werkt" not in body
    page_event = response.context["page"].object_list[0]
    assert (page_event.invited_count, page_event.yes_count, page_event.attended_count) == (2, 1, 1)


def test_past_sessions_are_listed_apart(cast, web, event_a):
    start = timezone.now() - timedelta(days=10)
    EventFactory(region_id="AM18", title="Vorige keer", starts_at=start, state="held")
    client = web(cast["adviser_a"])
    upcoming = client.get(reverse("outreach:event-list")).content.decode()
    past = client.get(reverse("outreach:event-list") + "?when=past").content.decode()
    assert "Werk werkt" in upcoming and "Vorige keer" not in upcoming
    assert "Vorige keer" in past and "Werk werkt" not in past


# --- Create, edit, publish, cancel ----------------------------------------------------------


def _form(**overrides: Any) -> dict[str, Any]:
    data = {
        "region": "AM18",
        "title": "Psychische kwetsbaarheid op de werkvloer",
        "description": "Een ondernemer vertelt.",
        "starts_at": "2027-03-10T15:00",
        "ends_at": "2027-03-10T17:00",
        "venue_name": "Pakhuis",
        "venue_address": "Kade 1, Amsterdam",
        "online_url": "",
        "practical_info": "",
        "capacity": "30",
        "linkedin_url": "",
        "next_step": "",
        "speakers-TOTAL_FORMS": "2",
        "speakers-INITIAL_FORMS": "0",
        "speakers-MIN_NUM_FORMS": "0",
        "speakers-MAX_NUM_FORMS": "20",
        "speakers-0-kind": "employer",
        "speakers-0-name": "Mila de Groot",
        "speakers-0-bio": "Eigenaar van een bakkerij",
        "speakers-1-kind": "other",
        "speakers-1-name": "",
        "speakers-1-bio": "",
    }
    data.update(overrides)
    return data


def test_an_adviser_creates_a_draft_with_speakers_in_amsterdam_time(cast, web):
    response = web(cast["adviser_a"]).post(reverse("outreach:event-create"), _form())
    event = Event.objects.get()
    assert response.status_code == 302 and response.url == reverse("outreach:event-detail", args=[event.pk])
    assert event.state == "draft" and event.region_id == "AM18" and event.owner == cast["adviser_a"]
    assert timezone.localtime(event.starts_at).strftime("%H:%M") == "15:00"
    assert event.starts_at.utcoffset() == timedelta(0) and event.starts_at.hour == 14  # CET is UTC+1
    assert [(s.kind, s.name) for s in event.speakers.all()] == [("employer", "Mila de Groot")]


def test_form_errors_are_shown_at_the_field_and_read_out(cast, web):
    response = web(cast["adviser_a"]).post(
        reverse("outreach:event-create"), _form(title="", ends_at="2027-03-10T14:00", online_url="geen-url")
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert {"title", "ends_at", "online_url"} <= set(form.errors)
    body = response.content.decode()
    assert 'id="id_ends_at-error"' in body and 'aria-invalid="true"' in body
    assert 'aria-describedby="id_ends_at-help id_ends_at-error"' in body
    assert not Event.objects.exists()


def test_a_session_cannot_be_created_in_another_region(cast, web):
    response = web(cast["adviser_a"]).post(reverse("outreach:event-create"), _form(region="AM13"))
    assert response.status_code == 400 and "region" in response.context["form"].errors
    assert not Event.objects.exists()


def test_editing_a_published_sessions_time_sends_an_update_to_yes_sayers(cast, web, event_a, network):
    InvitationFactory(event=event_a, contact_person=network.reachable, rsvp="yes")
    url = reverse("outreach:event-edit", args=[event_a.pk])
    client = web(cast["adviser_a"])
    page = client.get(url)
    assert page.context["speakers"].total_form_count() == 2
    start = timezone.localtime(event_a.starts_at) + timedelta(hours=1)
    data = _form(
        title="Werk werkt (nieuwe tijd)",
        starts_at=start.strftime("%Y-%m-%dT%H:%M"),
        ends_at=(start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
    )
    data.pop("region")
    response = client.post(url, data)
    assert response.status_code == 302
    event_a.refresh_from_db()
    assert event_a.title == "Werk werkt (nieuwe tijd)" and event_a.ics_sequence == 1
    assert OutboundEmail.objects.filter(kind="event-update", invitation__contact_person=network.reachable).count() == 1


def test_publishing_with_awvn_registration_mails_the_awvn_adviser(cast, web, draft_a):
    response = web(cast["adviser_a"]).post(
        reverse("outreach:event-publish", args=[draft_a.pk]), {"register_with_awvn": "on"}, follow=True
    )
    draft_a.refresh_from_db()
    assert draft_a.state == "published" and draft_a.awvn_requested_at is not None
    assert OutboundEmail.objects.filter(kind="awvn-registration", to_email=cast["awvn"].email).count() == 1
    assert "AWVN" in str(list(response.context["messages"])[0])


def test_publishing_without_a_place_says_why(cast, web, draft_a):
    draft_a.venue_address = ""
    draft_a.save()
    response = web(cast["adviser_a"]).post(reverse("outreach:event-publish", args=[draft_a.pk]), follow=True)
    draft_a.refresh_from_db()
    assert draft_a.state == "draft"
    assert "venue address or an online link" in str(list(response.context["messages"])[0])


def test_register_with_awvn_later(cast, web, event_a):
    web(cast["adviser_a"]).post(reverse("outreach:event-register-awvn", args=[event_a.pk]))
    event_a.refresh_from_db()
    assert event_a.awvn_state == "requested"


def test_cancel_asks_first_then_cancels(cast, web, event_a, network):
    InvitationFactory(event=event_a, contact_person=network.reachable, rsvp="yes")
    client = web(cast["adviser_a"])
    confirm = client.get(reverse("outreach:event-cancel", args=[event_a.pk]))
    assert confirm.status_code == 200 and confirm.context["yes_count"] == 1
    event_a.refresh_from_db()
    assert event_a.state == "published"
    client.post(reverse("outreach:event-cancel", args=[event_a.pk]), {"reason": "Spreker ziek"})
    event_a.refresh_from_db()
    assert event_a.state == "cancelled" and event_a.cancel_reason == "Spreker ziek"
    assert OutboundEmail.objects.filter(kind="event-cancel").count() == 1
    assert client.get(reverse("outreach:event-edit", args=[event_a.pk])).status_code == 302


def test_mark_held(cast, web, event_a):
    web(cast["coordinator_a"]).post(reverse("outreach:event-mark-held", args=[event_a.pk]))
    event_a.refresh_from_db()
    assert event_a.state == "held"


def test_the_detail_page_shows_invitations_and_why_mail_failed(
    cast, web, event_a, network, django_assert_max_num_queries
):
    inv = InvitationFactory(event=event_a, contact_person=network.reachable, rsvp="yes", waitlist_position=None)
    OutboundEmail.objects.create(
        idempotency_key=f"invite:{event_a.pk}:{network.reachable.pk}",
        kind="invite",
        to_email=network.reachable.email,
        subject="Uitnodiging",
        body_text="x",
        message_id="<m1@test>",
        state=EmailState.FAILED,
        last_error="550 5.1.1 mailbox unavailable",
        event=event_a,
        invitation=inv,
    )
    client = web(cast["adviser_a"])
    # session+user, membership, event with counts, speakers, invitations, emails (count, page), failed count,
    # invitation rounds
    with django_assert_max_num_queries(11):
        response = client.get(reverse("outreach:event-detail", args=[event_a.pk]))
    body = response.content.decode()
    assert "Ada Bakker" in body and "Bakkerij Zon" in body
    assert "550 5.1.1 mailbox unavailable" in body
    assert "could not be delivered" in body
    assert reverse("outreach:public-event", args=[event_a.slug]) in body


# --- Audience picker ------------------------------------------------------------------------


def _preview(client: Any, event: Event, query: str) -> Any:
    return client.get(reverse("outreach:event-invite", args=[event.pk]) + "?preview=1&" + query)


def test_the_preview_excludes_and_explains_opted_out_do_not_contact_and_no_email(cast, web, event_a, network):
    response = _preview(web(cast["adviser_a"]), event_a, "stages=open")
    assert response.status_code == 200
    assert [p.name for p in response.context["included"]] == ["Ada Bakker"]
    reasons = {person.name: reason for person, reason in response.context["excluded"]}
    assert reasons == {
        "Otto Uit": "Opted out of mail",
        "Nina Zonder": "No e-mail address",
        "Dirk Dicht": "Employer is marked do-not-contact",
    }
    body = response.content.decode()
    assert "Send 1 invitation" in body and "Ursula Utrecht" not in body
    assert not Invitation.objects.exists()


def test_filters_narrow_by_stage_section_and_region(cast, web, event_a, network):
    client = web(cast["adviser_a"])
    prospects = _preview(client, event_a, "stages=prospect")
    assert [p.name for p in prospects.context["included"]] == ["Piet Wiel"]
    other_section = _preview(client, event_a, "sbi_sections=Q")
    assert other_section.context["count"] == 0
    region = _preview(client, event_a, "regions=AM18")
    assert {p.name for p in region.context["included"]} == {"Ada Bakker", "Piet Wiel"}


def test_a_region_that_is_not_mine_is_refused(cast, web, event_a, network):
    response = _preview(web(cast["adviser_a"]), event_a, "regions=AM13")
    assert response.status_code == 400 and "regions" in response.context["form"].errors


def test_an_empty_picker_asks_for_a_filter(cast, web, event_a, network):
    response = _preview(web(cast["adviser_a"]), event_a, "")
    assert response.status_code == 400 and response.context["form"].non_field_errors()


def test_previous_attendance_filters(cast, web, event_a, network):
    earlier = EventFactory(region_id="AM18", state="held", starts_at=timezone.now() - timedelta(days=30))
    InvitationFactory(event=earlier, contact_person=network.reachable, rsvp="yes", attended=True)
    client = web(cast["adviser_a"])
    came = _preview(client, event_a, "attendance=attended")
    assert [p.name for p in came.context["included"]] == ["Ada Bakker"]
    came_to_that = _preview(client, event_a, f"attendance=attended&earlier_event={earlier.pk}")
    assert came_to_that.context["count"] == 1
    never = _preview(client, event_a, "attendance=never")
    assert [p.name for p in never.context["included"]] == ["Piet Wiel"]


def test_hand_picked_people_are_added(cast, web, event_a, network):
    response = _preview(
        web(cast["adviser_a"]), event_a, f"persons={network.prospect.pk}&persons={network.opted_out.pk}"
    )
    assert [p.name for p in response.context["included"]] == ["Piet Wiel"]
    assert [(p.name, r) for p, r in response.context["excluded"]] == [("Otto Uit", "Opted out of mail")]


def test_someone_of_another_region_cannot_be_hand_picked(cast, web, event_a, network):
    response = _preview(web(cast["adviser_a"]), event_a, f"persons={network.other_region.pk}")
    assert response.status_code == 400 and "persons" in response.context["form"].errors


def test_sending_after_the_preview_creates_invitations_and_outbox_rows(cast, web, event_a, network):
    client = web(cast["adviser_a"])
    url = reverse("outreach:event-invite", args=[event_a.pk])
    response = client.post(url, {"stages": ["open", "prospect"], "expected": "2"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("outreach:event-detail", args=[event_a.pk])
    invited = set(Invitation.objects.filter(event=event_a).values_list("contact_person__name", flat=True))
    assert invited == {"Ada Bakker", "Piet Wiel"}
    keys = set(OutboundEmail.objects.filter(kind="invite").values_list("idempotency_key", flat=True))
    assert keys == {f"invite:{event_a.pk}:{network.reachable.pk}", f"invite:{event_a.pk}:{network.prospect.pk}"}
    assert "2 invitations are on their way" in response.content.decode()


def test_a_changed_audience_is_not_sent_without_a_new_look(cast, web, event_a, network):
    response = web(cast["adviser_a"]).post(
        reverse("outreach:event-invite", args=[event_a.pk]), {"stages": ["open"], "expected": "5"}
    )
    assert response.status_code == 409 and response.context["count"] == 1
    assert not Invitation.objects.exists()


def test_a_draft_cannot_be_sent_invitations(cast, web, draft_a, network):
    client = web(cast["adviser_a"])
    preview = _preview(client, draft_a, "stages=open")
    assert preview.context["closed"] and "Send 1 invitation" not in preview.content.decode()
    response = client.post(reverse("outreach:event-invite", args=[draft_a.pk]), {"stages": ["open"], "expected": "1"})
    assert response.status_code == 400 and not Invitation.objects.exists()


# --- Check-in -------------------------------------------------------------------------------


def test_check_in_marks_attended_and_logs_a_contact_on_the_employer(cast, web, event_a, network):
    yes = InvitationFactory(event=event_a, contact_person=network.reachable, rsvp="yes")
    InvitationFactory(event=event_a, contact_person=network.prospect, rsvp="no")
    client = web(cast["adviser_a"])
    url = reverse("outreach:event-checkin", args=[event_a.pk])
    page = client.get(url)
    assert [r.contact_person.name for r in page.context["rows"]] == ["Ada Bakker"]
    assert len(client.get(url + "?all=1").context["rows"]) == 2

    client.post(url, {"invitation": yes.pk, "attended": "1"})
    yes.refresh_from_db()
    assert yes.attended is True
    contact = Contact.objects.get(employer=network.bakery)
    assert contact.channel == "event" and contact.contact_person == network.reachable
    assert FollowUp.objects.filter(employer=network.bakery).exists()

    client.post(url, {"invitation": yes.pk, "attended": "0"})
    yes.refresh_from_db()
    assert yes.attended is False and not Contact.objects.exists()


def test_a_walk_in_is_added_as_attended(cast, web, event_a, network):
    url = reverse("outreach:event-checkin", args=[event_a.pk])
    client = web(cast["coordinator_a"])
    client.post(url, {"contact_person": network.prospect.pk})
    walk_in = Invitation.objects.get(event=event_a, contact_person=network.prospect)
    assert walk_in.walk_in and walk_in.attended
    assert Contact.objects.filter(employer=network.shop).exists()


def test_a_walk_in_from_another_region_is_refused(cast, web, event_a, network):
    client = web(cast["adviser_a"])
    with nothing_changes():
        response = client.post(
            reverse("outreach:event-checkin", args=[event_a.pk]), {"contact_person": network.other_region.pk}
        )
    assert response.status_code == 400 and not Invitation.objects.exists()


def test_check_in_does_not_reach_another_sessions_invitation(cast, web, event_a, event_b, network):
    other = InvitationFactory(event=event_b, contact_person=network.other_region, rsvp="yes")
    response = web(cast["adviser_a"]).post(
        reverse("outreach:event-checkin", args=[event_a.pk]), {"invitation": other.pk, "attended": "1"}
    )
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.attended is None


# --- National agenda ------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["awvn", "coordinator_a"])
def test_the_agenda_shows_every_regions_published_sessions(cast, web, event_a, event_b, draft_a, who):
    body = web(cast[who]).get(reverse("outreach:agenda")).content.decode()
    assert "Werk werkt" in body and "Utrecht werkt" in body and "Nog in de maak" not in body


@pytest.mark.parametrize("who", ["adviser_a", "guide_a", "adviser_b", "guide_b"])
def test_the_agenda_is_for_awvn_and_coordinators(cast, web, who):
    assert web(cast[who]).get(reverse("outreach:agenda")).status_code == 404


def test_the_agenda_filters_by_region_and_month(cast, web, event_a, event_b):
    client = web(cast["awvn"])
    utrecht = client.get(reverse("outreach:agenda") + "?region=AM13").content.decode()
    assert "Utrecht werkt" in utrecht and "Werk werkt" not in utrecht
    month = timezone.localtime(event_a.starts_at).strftime("%Y-%m")
    in_month = client.get(reverse("outreach:agenda") + f"?month={month}").context["page"].object_list
    assert {e.title for e in in_month} == {"Werk werkt", "Utrecht werkt"}
    assert not client.get(reverse("outreach:agenda") + "?month=2020-01").context["page"].object_list


def test_awvn_confirms_a_registration_with_its_reference(cast, web, event_a):
    event_a.awvn_requested_at = timezone.now()
    event_a.save()
    client = web(cast["awvn"])
    page = client.get(reverse("outreach:agenda")).content.decode()
    assert reverse("outreach:agenda-confirm", args=[event_a.pk]) in page
    response = client.post(reverse("outreach:agenda-confirm", args=[event_a.pk]), {"reference": "AWVN-2027-042"})
    assert response.status_code == 302
    event_a.refresh_from_db()
    assert event_a.awvn_state == "confirmed" and event_a.awvn_reference == "AWVN-2027-042"


def test_coordinators_see_the_agenda_read_only(cast, web, event_a):
    event_a.awvn_requested_at = timezone.now()
    event_a.save()
    client = web(cast["coordinator_a"])
    assert (
        reverse("outreach:agenda-confirm", args=[event_a.pk])
        not in client.get(reverse("outreach:agenda")).content.decode()
    )
    response = client.post(reverse("outreach:agenda-confirm", args=[event_a.pk]), {"reference": "X"})
    assert response.status_code == 404
    event_a.refresh_from_db()
    assert event_a.awvn_confirmed_at is None


def test_awvn_cannot_confirm_a_draft(cast, web, draft_a):
    client = web(cast["awvn"])
    with nothing_changes():
        response = client.post(reverse("outreach:agenda-confirm", args=[draft_a.pk]), {"reference": "X"})
    assert response.status_code == 404


def test_a_confirmation_without_reference_says_so(cast, web, event_a):
    event_a.awvn_requested_at = timezone.now()
    event_a.save()
    response = web(cast["awvn"]).post(
        reverse("outreach:agenda-confirm", args=[event_a.pk]), {"reference": ""}, follow=True
    )
    assert "reference" in str(list(response.context["messages"])[0])
    event_a.refresh_from_db()
    assert event_a.awvn_confirmed_at is None


def test_a_contact_person_factory_is_region_a_by_default():
    # guards the fixtures above: EmployerFactory defaults to AM18
    assert ContactPersonFactory().employer.region_id == "AM18"


def test_the_pages_speak_dutch_by_default(cast, web, event_a, network):
    client = web(cast["adviser_a"])
    client.cookies.pop("django_language", None)  # no choice made: Dutch
    assert "Nieuwe sessie" in client.get(reverse("outreach:event-list")).content.decode()
    body = _preview(client, event_a, "stages=open").content.decode()
    assert "1 uitnodiging versturen" in body and "Afgemeld voor mail" in body


def test_the_list_costs_the_same_for_many_sessions(cast, web, network, django_assert_max_num_queries):
    for n in range(12):
        event = EventFactory(region_id="AM18", title=f"Sessie {n}")
        InvitationFactory(event=event, contact_person=network.reachable, rsvp="yes")
    client = web(cast["adviser_a"])
    # session, user, membership, count, page of sessions with their counts, language preference
    with django_assert_max_num_queries(8):
        response = client.get(reverse("outreach:event-list"))
    assert len(response.context["page"].object_list) == 12


def test_a_large_audience_is_invited_in_the_background(cast, web, event_a, network, monkeypatch):
    from outreach import selectors_staff

    monkeypatch.setattr(selectors_staff, "INVITE_IN_REQUEST_MAX", 1)
    calls = []
    monkeypatch.setattr("outreach.views_staff.invite.invite_in_background", lambda **kw: calls.append(kw))
    response = web(cast["adviser_a"]).post(
        reverse("outreach:event-invite", args=[event_a.pk]),
        {"stages": ["open", "prospect"], "expected": "2"},
        follow=True,
    )
    assert "being prepared" in response.content.decode()
    assert sorted(calls[0]["persons"]) == sorted([network.reachable.pk, network.prospect.pk])
    assert not Invitation.objects.exists()  # the task creates them


def test_a_session_whose_organiser_left_still_shows_its_pages(web, adviser_a):
    """``owner`` is SET_NULL: a session of someone who left keeps working for the others."""
    event = EventFactory(region_id="AM18", owner=None)
    client = web(adviser_a)
    for name in ("outreach:event-detail", "outreach:event-edit", "outreach:event-invite", "outreach:event-checkin"):
        assert client.get(reverse(name, args=[event.pk])).status_code == 200, name
