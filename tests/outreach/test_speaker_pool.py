"""The speaker pool across regions (issue 20): the session form picks speakers from the pool (or
adds one inline), only consenting speakers are seen outside their region, the AWVN adviser sees
the national pool, the adviser searches "practice story employers in sector Q near Utrecht", and
a session without an employer's practice story shows the guidance's nudge."""

from __future__ import annotations

from datetime import timedelta
from importlib import import_module
from typing import Any

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from outreach import privacy
from outreach.models import PoolSpeaker, Speaker
from outreach.services.speakers import pool_speaker_create
from tests.factories import ContactPersonFactory, EmployerFactory
from tests.outreach.factories import EventFactory
from tests.quality.snapshot import nothing_changes

pytestmark = pytest.mark.django_db


def _speaker(region: str, *, listed: bool, **fields: Any) -> PoolSpeaker:
    fields.setdefault("name", f"Spreker {region} {'listed' if listed else 'own'}")
    fields.setdefault("kind", "researcher")
    return PoolSpeaker.objects.create(region_id=region, listed_consent_at=timezone.now() if listed else None, **fields)


def _session(region: str = "AM18", **speaker_rows: str) -> dict[str, Any]:
    starts = timezone.localtime() + timedelta(days=30)
    body = {
        "region": region, "title": "Inclusief werkgeven", "venue_name": "Bibliotheek", "venue_address": "Straat 1",
        "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (starts + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "speakers-TOTAL_FORMS": "1", "speakers-INITIAL_FORMS": "0", "speakers-MIN_NUM_FORMS": "0",
        "speakers-MAX_NUM_FORMS": "20",
    }  # fmt: skip
    body.update({f"speakers-0-{k}": v for k, v in speaker_rows.items()})
    return body


def test_the_session_form_picks_a_listed_speaker_of_another_region(cast: Any, web: Any) -> None:
    utrecht = _speaker("AM13", listed=True, kind="employer", story="Wij werken met jobcoaches.")
    hidden = _speaker("AM13", listed=False)
    client = web(cast["adviser_a"])

    form = client.get(reverse("outreach:event-create")).content.decode()
    assert utrecht.display_name in form and hidden.display_name not in form
    with nothing_changes():
        refused = client.post(reverse("outreach:event-create"), _session(pool_speaker=str(hidden.pk)))
    made = client.post(reverse("outreach:event-create"), _session(pool_speaker=str(utrecht.pk)))

    assert refused.status_code == 400
    assert made.status_code == 302
    (row,) = Speaker.objects.all()
    assert (row.pool_speaker, row.name, row.kind, row.bio) == (utrecht, utrecht.name, "employer", utrecht.story)


def test_a_new_speaker_typed_in_the_session_form_joins_the_pool_with_consent(cast: Any, web: Any) -> None:
    answer = web(cast["adviser_a"]).post(
        reverse("outreach:event-create"),
        _session(name="Dr. Ans de Wit", kind="researcher", bio="Onderzoekt duurzaam werk.", add_to_pool="on",
                 consent="on"),
    )  # fmt: skip

    assert answer.status_code == 302
    entry = PoolSpeaker.objects.get()
    assert (entry.region_id, entry.name, entry.kind, entry.listed) == ("AM18", "Dr. Ans de Wit", "researcher", True)
    assert Speaker.objects.get().pool_speaker == entry


def test_only_listed_speakers_are_seen_outside_their_region_and_awvn_sees_the_national_pool(
    cast: Any, web: Any
) -> None:
    own, listed = _speaker("AM18", listed=False), _speaker("AM18", listed=True)
    elsewhere = _speaker("AM13", listed=True)

    def names(who: str) -> set[str]:
        page = web(cast[who]).get(reverse("outreach:speakers")).content.decode()
        return {s.name for s in (own, listed, elsewhere) if s.name in page}

    assert names("adviser_a") == names("guide_a") == {own.name, listed.name, elsewhere.name}
    assert names("adviser_b") == names("awvn") == {listed.name, elsewhere.name}
    assert web(cast["adviser_b"]).get(reverse("outreach:speaker-detail", args=[own.pk])).status_code == 404
    assert web(cast["awvn"]).get(reverse("outreach:speaker-detail", args=[listed.pk])).status_code == 200


def test_the_adviser_finds_practice_story_employers_in_sector_q_near_utrecht(cast: Any, web: Any) -> None:
    care = ContactPersonFactory(name="Karin Zorg", employer=EmployerFactory(region_id="AM13", sbi_section="Q"))
    build = ContactPersonFactory(name="Bert Bouw", employer=EmployerFactory(region_id="AM13", sbi_section="F"))
    _speaker("AM13", listed=True, kind="employer", contact_person=care, name="")
    _speaker("AM13", listed=True, kind="employer", contact_person=build, name="")
    willing = ContactPersonFactory(name="Anna Amsterdam", employer=EmployerFactory(region_id="AM18", sbi_section="Q"))
    travels = _speaker("AM18", listed=True, kind="employer", contact_person=willing, name="")
    travels.willing_regions.add("AM13")
    _speaker("AM13", listed=True, kind="researcher", name="Dr. Zorg")

    page = web(cast["adviser_a"]).get(
        reverse("outreach:speakers"), {"kind": "employer", "sector": "Q", "near": "Utrecht"}
    )

    text = page.content.decode()
    assert page.status_code == 200
    assert "Karin Zorg" in text and "Anna Amsterdam" in text
    assert "Bert Bouw" not in text and "Dr. Zorg" not in text


def test_a_session_without_an_employers_practice_story_shows_the_nudge(cast: Any, web: Any) -> None:
    client = web(cast["adviser_a"])
    bare = EventFactory(region_id="AM18", owner=cast["adviser_a"])
    Speaker.objects.create(event=bare, kind="researcher", name="Dr. X")
    told = EventFactory(region_id="AM18", owner=cast["adviser_a"])
    Speaker.objects.create(event=told, kind="employer", name="Werkgever Y")

    assert 'id="practice-story-nudge"' in client.get(reverse("outreach:event-detail", args=[bare.pk])).content.decode()
    assert (
        'id="practice-story-nudge"' not in client.get(reverse("outreach:event-detail", args=[told.pk])).content.decode()
    )
    assert 'id="practice-story-nudge"' in client.get(reverse("outreach:event-create")).content.decode()


def test_the_pool_pages_record_consent_with_when_and_keep_contact_persons_to_the_region(cast: Any, web: Any) -> None:
    client = web(cast["adviser_a"])
    person = ContactPersonFactory(employer=EmployerFactory(region_id="AM18"))
    foreign = ContactPersonFactory(employer=EmployerFactory(region_id="AM13"))
    body = {"region": "AM18", "kind": "employer", "topics": "Jobcoaching, Proefplaatsing", "willing_regions": ["AM13"]}

    with nothing_changes():
        refused = client.post(reverse("outreach:speaker-create"), {**body, "contact_person": foreign.pk})
        nameless = client.post(reverse("outreach:speaker-create"), {**body, "kind": "researcher"})
    made = client.post(reverse("outreach:speaker-create"), {**body, "contact_person": person.pk, "consent": "on"})

    assert refused.status_code == 400 and nameless.status_code == 400
    assert made.status_code == 302
    entry = PoolSpeaker.objects.get()
    assert (entry.contact_person, entry.topics, entry.listed) == (person, ["jobcoaching", "proefplaatsing"], True)
    assert list(entry.willing_regions.values_list("code", flat=True)) == ["AM13"]
    withdrawn = client.post(reverse("outreach:speaker-edit", args=[entry.pk]), {**body, "contact_person": person.pk})
    entry.refresh_from_db()
    assert withdrawn.status_code == 302 and entry.listed_consent_at is None


def test_free_text_speakers_are_migrated_into_the_pool_once_per_name_and_region() -> None:
    first, second = EventFactory(region_id="AM18"), EventFactory(region_id="AM18")
    other = EventFactory(region_id="AM13")
    for event in (first, second, other):
        Speaker.objects.create(event=event, kind="experience_expert", name="Mo  Ali", bio="Ervaringsdeskundige")

    import_module("outreach.migrations.0011_speakers_into_the_pool").forwards(apps, None)

    entries = PoolSpeaker.objects.order_by("region_id")
    assert [(e.region_id, e.name, e.kind, e.listed) for e in entries] == [
        ("AM13", "Mo Ali", "experience_expert", False),
        ("AM18", "Mo Ali", "experience_expert", False),
    ]
    assert entries.get(region_id="AM18").appearances.count() == 2


def test_erasing_a_contact_person_removes_them_from_the_pool(cast: Any) -> None:
    person = ContactPersonFactory(name="Karin Zorg", employer=EmployerFactory(region_id="AM18"))
    entry = pool_speaker_create(by=cast["adviser_a"], region="AM18", kind="employer", contact_person=person)
    event = EventFactory(region_id="AM18")
    Speaker.objects.create(event=event, kind="employer", name="Karin Zorg", pool_speaker=entry)

    privacy.person_erase(contact_person=person, by=cast["coordinator_a"])

    assert not PoolSpeaker.objects.exists()
    assert "Karin" not in Speaker.objects.get().name
