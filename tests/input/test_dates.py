"""Dates in a sane range for their meaning, where users enter them (API, pages, services), and a
stored out-of-range value that still never breaks a page or a task."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from candidates.models import Placement
from candidates.tasks import prompt_durable_checks
from crm.dates import add_months
from crm.fields import PLACEMENT_DATES, years_ahead
from tests.candidates.factories import CandidateFactory, MatchFactory, PlacementFactory
from tests.factories import EmployerFactory
from tests.quality.snapshot import nothing_changes

pytestmark = pytest.mark.django_db


@pytest.fixture
def candidate(guide_a: Any) -> Any:
    return CandidateFactory(guide=guide_a, pc4="1012")


@pytest.fixture
def employer(candidate: Any) -> Any:
    employer = EmployerFactory(postcode="1017 AB")
    MatchFactory(candidate=candidate, employer=employer, state="trial")
    return employer


def _placement(api: Any, guide: Any, candidate: Any, employer: Any, start: str) -> Any:
    body = {"candidate": candidate.pk, "employer": employer.pk, "start_date": start, "hours_per_week": 20}
    return api(guide).post("/api/v1/placements/", body, format="json")


def test_a_placement_in_9999_is_a_400_that_names_the_range(api: Any, guide_a: Any, candidate: Any, employer: Any):
    response = _placement(api, guide_a, candidate, employer, "9999-12-31")

    assert response.status_code == 400
    last = years_ahead(timezone.localdate(), 10)
    [message] = response.json()["start_date"]
    assert message.startswith("Geef een datum van 1 januari 1990 tot en met ") and f"{last.day} " in message
    assert message.endswith(f" {last.year}.")
    assert not Placement.objects.exists()


def test_a_placement_before_1990_is_refused_on_the_page_too(web: Any, guide_a: Any, candidate: Any, employer: Any):
    url = f"/candidates/{candidate.pk}/placements/new/"
    body = {"employer": employer.pk, "start_date": "1989-12-31", "hours_per_week": 20, "method": "ips"}

    response = web(guide_a).post(url, body)

    assert response.status_code in (200, 400)
    assert "Geef een datum van 1 januari 1990" in response.content.decode()  # Dutch first
    assert not Placement.objects.exists()


def test_the_bounds_themselves_are_accepted(api: Any, guide_a: Any, candidate: Any, employer: Any) -> None:
    assert _placement(api, guide_a, candidate, employer, PLACEMENT_DATES[0].isoformat()).status_code == 201


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(start=st.one_of(st.dates().map(date.isoformat), st.text(max_size=20)))
def test_no_placement_date_is_a_server_error(api: Any, guide_a: Any, candidate: Any, employer: Any, start: str):
    response = _placement(api, guide_a, candidate, employer, start)

    assert response.status_code in (201, 400), (start, response.status_code)
    Placement.objects.all().delete()


# --- A stored out-of-range value never breaks a page or a task ---------------------------------


@pytest.mark.parametrize("stored", [date(9999, 12, 31), date(1, 1, 1)])
def test_a_stored_placement_at_the_end_of_the_calendar_breaks_neither_page_nor_task(
    web: Any, guide_a: Any, candidate: Any, employer: Any, stored: date
) -> None:
    placement = PlacementFactory(candidate=candidate, employer=employer)
    Placement.objects.filter(pk=placement.pk).update(start_date=stored)  # as an old row or a bad import would
    client = web(guide_a)

    assert client.get(f"/candidates/{candidate.pk}/").status_code == 200
    response = client.post(
        f"/candidates/placements/{placement.pk}/durable-check/", {"months": 12, "still_working": "yes"}
    )
    assert response.status_code in (200, 302, 400)
    # 9999: no check is due; year 1: the 12-month check was just answered, the 6-month one is due.
    assert prompt_durable_checks() == (1 if stored.year == 1 else 0)


def test_add_months_saturates_at_the_ends_of_the_calendar() -> None:
    assert add_months(date(9999, 12, 31), 6) == date.max
    assert add_months(date(1, 1, 1), -12) == date.min
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)


# --- The other dates users enter ---------------------------------------------------------------


def test_a_follow_up_due_in_9999_is_a_400(api: Any, adviser_a: Any) -> None:
    employer = EmployerFactory()
    body = {"employer": employer.pk, "owner": adviser_a.pk, "due_date": "9999-01-01", "note": "bellen"}

    with nothing_changes():
        response = api(adviser_a).post("/api/v1/follow-ups/", body, format="json")

    assert response.status_code == 400 and "due_date" in response.json()


def test_a_contact_before_2000_is_a_400(api: Any, adviser_a: Any) -> None:
    employer = EmployerFactory()
    body = {"employer": employer.pk, "when": "1999-12-31T10:00:00+01:00", "channel": "phone",
            "purpose": "acquisition", "summary": "x"}  # fmt: skip
    response = api(adviser_a).post("/api/v1/contacts/", body, format="json")
    assert response.status_code == 400, response.content
    assert "when" in response.json()


def test_a_contact_with_an_offset_postgresql_cannot_store_is_stored_at_its_instant(api: Any, adviser_a: Any) -> None:
    employer = EmployerFactory()
    body = {"employer": employer.pk, "when": "2026-01-01T10:00:00+23:00", "channel": "phone",
            "purpose": "acquisition", "summary": "x"}  # fmt: skip
    response = api(adviser_a).post("/api/v1/contacts/", body, format="json")
    assert response.status_code == 201, response.content
    assert employer.contacts.get().when == datetime(2025, 12, 31, 11, 0, tzinfo=UTC)


def test_a_contact_follow_up_in_9999_is_a_400(api: Any, adviser_a: Any) -> None:
    employer = EmployerFactory()
    body = {"employer": employer.pk, "when": (timezone.now() - timedelta(hours=1)).isoformat(), "channel": "phone",
            "purpose": "acquisition", "summary": "x", "follow_up_on": "9999-12-31"}  # fmt: skip

    with nothing_changes():
        response = api(adviser_a).post("/api/v1/contacts/", body, format="json")

    assert response.status_code == 400 and "follow_up_on" in response.json()


def test_the_contact_form_refuses_a_follow_up_in_9999(web: Any, adviser_a: Any) -> None:
    employer = EmployerFactory()
    client = web(adviser_a)
    for when, follow_up in (("2026-01-01T10:00", "9999-12-31"),):
        body = {"employer": f"{employer.legal_name} (#{employer.pk})", "when": when, "channel": "phone",
                "purpose": "acquisition", "summary": "x", "follow_up_on": follow_up}  # fmt: skip
        response = client.post("/employers/contacts/new/", body)
        assert response.status_code in (200, 400), (when, follow_up, response.status_code)
        assert not employer.contacts.exists()


# --- The candidate's consent moment (it was the year-996 case of the schemathesis run) ---------


def test_a_consent_moment_in_the_year_996_is_a_400_that_names_the_range(api: Any, guide_a: Any) -> None:
    from candidates.models import Candidate

    body = {"pc4": "1012", "consent_recorded_at": "0996-05-01T10:00:00Z"}
    response = api(guide_a).post("/api/v1/candidates/", body, format="json", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    [message] = response.json()["consent_recorded_at"]
    assert message.startswith("Give a date from 1 January 1990 to ")
    assert not Candidate.objects.exists()
    sane = {**body, "consent_recorded_at": "2026-05-01T10:00:00Z"}
    ok = api(guide_a).post("/api/v1/candidates/", sane, format="json")
    assert ok.status_code == 201 and ok.json()["consent_recorded_at"].startswith("2026-05-01T12:00:00+02:00")


def test_the_schema_states_each_date_range_in_words(api: Any, guide_a: Any) -> None:
    schema = api(guide_a).get("/api/schema/", {"format": "json"}).json()
    candidate = schema["components"]["schemas"]["CandidateRequest"]["properties"]
    placement = schema["components"]["schemas"]["PlacementRequest"]["properties"]

    assert candidate["consent_recorded_at"]["description"].endswith("From 1990-01-01 to 10 years after today.")
    assert placement["start_date"]["description"] == "From 1990-01-01 to 10 years after today."
    assert "10 years" not in schema["components"]["schemas"]["Placement"]["properties"]["start_date"].get(
        "description", ""
    )


# --- The API's language: the switch's cookie, else Accept-Language, else Dutch ---------------


@pytest.mark.parametrize(
    ("headers", "cookie", "starts"),
    [
        ({}, None, "Geef een datum van"),  # Dutch first
        ({"HTTP_ACCEPT_LANGUAGE": "en-GB,en;q=0.9"}, None, "Give a date from"),  # a client asks for English
        ({"HTTP_ACCEPT_LANGUAGE": "en"}, "nl", "Geef een datum van"),  # the person's own switch wins
        ({"HTTP_ACCEPT_LANGUAGE": "de"}, None, "Geef een datum van"),  # a language we do not have
    ],
)
def test_the_placement_api_answers_in_the_language_asked(
    api: Any, guide_a: Any, candidate: Any, employer: Any, headers: dict, cookie: str | None, starts: str
) -> None:
    from django.conf import settings as django_settings

    client = api(guide_a)
    if cookie:
        client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = cookie
    body = {"candidate": candidate.pk, "employer": employer.pk, "start_date": "9999-12-31", "hours_per_week": 20}

    response = client.post("/api/v1/placements/", body, format="json", **headers)

    assert response.status_code == 400
    assert response.json()["start_date"][0].startswith(starts)
    assert response["Content-Language"] == ("en" if starts.startswith("Give") else "nl")


def test_the_pages_stay_dutch_whatever_the_browser_says(web: Any, guide_a: Any, candidate: Any) -> None:
    page = web(guide_a).get(f"/candidates/{candidate.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "Kandidaat" in page
