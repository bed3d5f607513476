"""Bulk actions on the employer list (issue 17): tick rows, then assign an owner, change the
stage, add a tag or invite to a session, each through the services (stage history, audit,
invitations); a foreign id anywhere changes nothing, and the message counts what was done."""

from __future__ import annotations

import pytest
from django.urls import reverse

from crm.models import AuditEntry
from employers.models import Employer, StageChange
from outreach.models import Invitation
from tests.factories import ContactPersonFactory, EmployerFactory
from tests.outreach.factories import EventFactory

pytestmark = pytest.mark.django_db


def _bulk(client, employers, **body):
    return client.post(
        reverse("employers:bulk"), {"employers": [e.pk for e in employers], "query": "stage=open", **body}
    )


def _message(response) -> str:
    return " ".join(str(m) for m in response.wsgi_request._messages)


def test_the_list_has_boxes_a_select_all_and_the_actions(adviser_a, web):
    EmployerFactory()
    html = web(adviser_a).get(reverse("employers:list")).content.decode()

    assert 'name="employers"' in html and 'data-select-all="employers"' in html
    assert 'value="owner"' in html and 'value="stage"' in html and 'value="tag"' in html
    assert reverse("outreach:bulk-invite") in html


def test_stage_owner_and_tag_go_through_the_services_with_counts(adviser_a, coordinator_a, web):
    alfa, bravo = EmployerFactory(stage="prospect", tags=["zorg"]), EmployerFactory(stage="open")
    client = web(adviser_a)

    staged = _bulk(client, [alfa, bravo], action="stage", stage="open")
    owned = _bulk(client, [alfa, bravo], action="owner", owner=coordinator_a.pk)
    tagged = _bulk(client, [alfa], action="tag", tag=" Zorg ")

    assert staged.status_code == 302 and staged["Location"] == reverse("employers:list") + "?stage=open"
    assert "1 employer changed; 1 was so already." in _message(staged)
    (change,) = StageChange.objects.filter(employer=alfa, to_stage="open")
    assert change.by == adviser_a and AuditEntry.objects.filter(action="employers.employer.stage_changed").count() == 1
    assert "2 employers changed." in _message(owned)
    assert set(Employer.objects.values_list("owner", flat=True)) == {coordinator_a.pk}
    assert "0 employers changed; 1 was so already." in _message(tagged)


def test_a_foreign_employer_or_owner_changes_nothing(adviser_a, adviser_b, web):
    own, foreign = EmployerFactory(stage="prospect"), EmployerFactory(region_id="AM13", stage="prospect")
    client = web(adviser_a)

    with_foreign_employer = _bulk(client, [own, foreign], action="stage", stage="open")
    with_foreign_owner = _bulk(client, [own], action="owner", owner=adviser_b.pk)
    with_nothing = _bulk(client, [], action="stage", stage="open")

    assert with_foreign_employer.status_code == 404
    assert with_foreign_owner.status_code == 400 and "Choose an adviser or coordinator" in _message(with_foreign_owner)
    assert with_nothing.status_code == 400
    assert set(Employer.objects.values_list("stage", "owner")) == {("prospect", None)}


def test_a_guide_cannot_change_them(guide_a, web):
    employer = EmployerFactory(stage="prospect")

    answer = _bulk(web(guide_a), [employer], action="stage", stage="open")

    assert answer.status_code == 302 and "1 skipped" in _message(answer)
    assert Employer.objects.get().stage == "prospect"


def test_inviting_the_chosen_employers_asks_the_session_then_invites_their_people(adviser_a, web):
    event, other = EventFactory(owner=adviser_a), EventFactory(region_id="AM13")
    alfa = EmployerFactory()
    ContactPersonFactory(employer=alfa, email="a@alfa.example")
    ContactPersonFactory(employer=alfa, email="")  # no address: skipped
    client = web(adviser_a)
    url = reverse("outreach:bulk-invite")

    ask = client.post(url, {"employers": [alfa.pk]})
    foreign_session = client.post(url, {"employers": [alfa.pk], "event": other.pk})
    sent = client.post(url, {"employers": [alfa.pk], "event": event.pk})

    assert ask.status_code == 200 and event.title in ask.content.decode() and other.title not in ask.content.decode()
    assert foreign_session.status_code == 404
    assert sent.status_code == 302 and "Invitations sent: 1, to people of 1 employers; skipped: 1" in _message(sent)
    assert list(Invitation.objects.values_list("event", "contact_person__email")) == [(event.pk, "a@alfa.example")]
