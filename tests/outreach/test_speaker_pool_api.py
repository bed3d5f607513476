"""The speaker pool through the API (issue 20): /api/v1/pool-speakers/ searches the pool as the
page does, and a session's speakers are picked from it (``pool_speaker``) or typed and added to
the pool (``add_to_pool``) through /api/v1/events/, with the same scoping as the form: another
region's speaker who did not agree to be listed is "does not exist", and nothing is written."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from outreach.models import Event, PoolSpeaker, Speaker
from tests.factories import ContactPersonFactory, EmployerFactory
from tests.outreach.factories import EventFactory
from tests.quality.snapshot import nothing_changes

pytestmark = pytest.mark.django_db

POOL = "/api/v1/pool-speakers/"


def _speaker(region: str, *, listed: bool, **fields: Any) -> PoolSpeaker:
    fields.setdefault("name", f"Spreker {region} {'listed' if listed else 'own'}")
    fields.setdefault("kind", "researcher")
    return PoolSpeaker.objects.create(region_id=region, listed_consent_at=timezone.now() if listed else None, **fields)


def _session(*speakers: dict[str, Any]) -> dict[str, Any]:
    starts = timezone.now() + timedelta(days=30)
    return {
        "region": "AM18", "title": "Inclusief werkgeven", "venue_name": "Bibliotheek", "venue_address": "Straat 1",
        "starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=2)).isoformat(),
        "speakers": list(speakers),
    }  # fmt: skip


def _names(client: Any, **params: str) -> set[str]:
    answer = client.get(POOL, params)
    assert answer.status_code == 200, answer.content
    return {row["name"] for row in answer.json()["results"]}


def test_the_pool_api_shows_each_role_the_pool_the_page_shows(cast: Any, api: Any) -> None:
    own, listed = _speaker("AM18", listed=False), _speaker("AM18", listed=True)
    elsewhere, hidden = _speaker("AM13", listed=True), _speaker("AM13", listed=False)

    assert _names(api(cast["adviser_a"])) == _names(api(cast["guide_a"])) == {own.name, listed.name, elsewhere.name}
    assert _names(api(cast["adviser_b"])) == {listed.name, elsewhere.name, hidden.name}  # AM13 is region B
    assert _names(api(cast["awvn"])) == {listed.name, elsewhere.name}
    assert api(cast["adviser_a"]).get(f"{POOL}{hidden.pk}/").status_code == 404
    assert api(cast["adviser_b"]).get(f"{POOL}{own.pk}/").status_code == 404
    assert api(None).get(POOL).status_code in (401, 403)
    detail = api(cast["awvn"]).get(f"{POOL}{elsewhere.pk}/").json()
    assert (detail["region"], detail["kind"], detail["listed"], detail["employer"]) == (
        "AM13",
        "researcher",
        True,
        None,
    )


def test_the_pool_api_finds_practice_story_employers_in_sector_q_near_utrecht(cast: Any, api: Any) -> None:
    care = ContactPersonFactory(name="Karin Zorg", employer=EmployerFactory(region_id="AM13", sbi_section="Q"))
    build = ContactPersonFactory(name="Bert Bouw", employer=EmployerFactory(region_id="AM13", sbi_section="F"))
    _speaker("AM13", listed=True, kind="employer", contact_person=care, name="", topics=["jobcoaching"])
    _speaker("AM13", listed=True, kind="employer", contact_person=build, name="")
    _speaker("AM13", listed=True, kind="researcher", name="Dr. Zorg")
    client = api(cast["adviser_a"])

    assert _names(client, kind="employer", sector="Q", near="Utrecht") == {"Karin Zorg"}
    assert _names(client, topic="coach") == {"Karin Zorg"}
    (row,) = client.get(POOL, {"sector": "Q"}).json()["results"]
    assert row["employer"]["sector"] == "Q" and row["topics"] == ["jobcoaching"]


@pytest.mark.parametrize(
    ("params", "field"), [({"kind": "astronaut"}, "kind"), ({"sector": "ZZ"}, "sector"), ({"near": "x" * 101}, "near")]
)
def test_a_bad_pool_search_is_a_400_naming_the_field(cast: Any, api: Any, params: dict[str, str], field: str) -> None:
    answer = api(cast["adviser_a"]).get(POOL, params)
    assert answer.status_code == 400
    assert list(answer.json()) == [field]


def test_a_session_made_through_the_api_picks_a_listed_speaker_of_another_region(cast: Any, api: Any) -> None:
    utrecht = _speaker("AM13", listed=True, kind="employer", story="Wij werken met jobcoaches.")
    client = api(cast["adviser_a"])

    made = client.post("/api/v1/events/", _session({"pool_speaker": utrecht.pk}), format="json")

    assert made.status_code == 201, made.content
    (shown,) = made.json()["speakers"]
    assert (shown["pool_speaker"], shown["name"], shown["kind"]) == (utrecht.pk, utrecht.name, "employer")
    (row,) = Speaker.objects.all()
    assert (row.pool_speaker, row.bio) == (utrecht, utrecht.story)
    assert utrecht.appearances.get() == row  # the pool entry's "sessions where they spoke"


def test_a_foreign_unlisted_pool_speaker_is_refused_and_nothing_is_written(cast: Any, api: Any) -> None:
    hidden = _speaker("AM13", listed=False)
    client = api(cast["adviser_a"])
    event = EventFactory(region_id="AM18")

    with nothing_changes():
        made = client.post("/api/v1/events/", _session({"pool_speaker": hidden.pk}), format="json")
        changed = client.patch(
            f"/api/v1/events/{event.pk}/", {"speakers": [{"pool_speaker": hidden.pk}]}, format="json"
        )
        missing = client.post("/api/v1/events/", _session({"pool_speaker": 10**9}), format="json")

    for answer in (made, changed, missing):
        assert answer.status_code == 400
        assert "pool_speaker" in answer.json()["speakers"]["0"]


def test_a_typed_speaker_joins_the_pool_with_consent_when_asked(cast: Any, api: Any) -> None:
    client = api(cast["adviser_a"])
    typed = {"name": "Eva Ervaring", "kind": "experience_expert", "bio": "Mijn verhaal", "add_to_pool": True}

    made = client.post(
        "/api/v1/events/", _session({**typed, "consent": True}, {"name": "Alleen vandaag"}), format="json"
    )

    assert made.status_code == 201, made.content
    entry = PoolSpeaker.objects.get()
    assert (entry.region_id, entry.name, entry.kind, entry.story, entry.listed) == (
        "AM18", "Eva Ervaring", "experience_expert", "Mijn verhaal", True,
    )  # fmt: skip
    assert [s["pool_speaker"] for s in made.json()["speakers"]] == [entry.pk, None]
    assert "add_to_pool" not in made.json()["speakers"][0]


@pytest.mark.parametrize(
    ("speaker", "field"),
    [({"kind": "employer"}, "name"), ({"name": "  "}, "name"), ({"name": "x" * 201}, "name")],
)
def test_a_speaker_without_a_name_or_pool_entry_is_a_400(cast: Any, api: Any, speaker: dict, field: str) -> None:
    with nothing_changes():
        answer = api(cast["adviser_a"]).post("/api/v1/events/", _session(speaker), format="json")
    assert answer.status_code == 400
    assert field in answer.json()["speakers"]["0"]
    assert not Event.objects.exists()


def test_a_pool_speaker_cannot_be_added_to_the_pool_again(cast: Any, api: Any) -> None:
    own = _speaker("AM18", listed=False)
    answer = api(cast["adviser_a"]).post(
        "/api/v1/events/", _session({"pool_speaker": own.pk, "add_to_pool": True}), format="json"
    )
    assert answer.status_code == 400
    assert PoolSpeaker.objects.count() == 1


def test_a_typed_speakers_control_characters_are_cleaned_not_refused(cast: Any, api: Any) -> None:
    made = api(cast["adviser_a"]).post(
        "/api/v1/events/", _session({"name": "Eva\x00 Ervaring", "bio": "Regel 1\r\nRegel\x07 2"}), format="json"
    )
    assert made.status_code == 201, made.content
    (row,) = Speaker.objects.all()
    assert (row.name, row.bio) == ("Eva Ervaring", "Regel 1\nRegel 2")
