"""Rows stored before names were cleaned (issue 13): a line break in a stored name reaches neither
a header nor a whole batch. Written around the cleaning field with SQL, as such rows were.

Also the import's web request: it stores the file and returns; the hostile files of the issue
(a file of blank rows up to the size limit, 16,384 columns) are the task's work, not the request's.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from candidates.models import Match
from candidates.services import match_set_state
from employers.models import ImportBatch, ImportState
from outreach.models import Invitation, OutboundEmail
from tests.candidates.factories import CandidateFactory
from tests.factories import ContactPersonFactory, EmployerFactory
from tests.outreach.factories import EventFactory

pytestmark = pytest.mark.django_db

BROKEN = "Kees\r\nBcc: iedereen@example.org"


def _store_raw(table: str, column: str, pk: int, value: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {column} = %s WHERE id = %s", [value, pk])  # noqa: S608 - test's own names


def test_inviting_an_audience_with_a_stored_line_break_invites_everyone(
    api: Any, adviser_a: Any, django_capture_on_commit_callbacks: Any
) -> None:
    event = EventFactory(region_id="AM18", owner=adviser_a)
    people = [ContactPersonFactory(employer=EmployerFactory(region_id="AM18", stage="open")) for _ in range(3)]
    _store_raw("employers_contactperson", "name", people[0].pk, BROKEN)
    body = {"persons": [p.pk for p in people]}

    with django_capture_on_commit_callbacks():
        response = api(adviser_a).post(f"/api/v1/events/{event.pk}/invite/", body, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["invited"] == 3 and Invitation.objects.filter(event=event).count() == 3
    names = list(OutboundEmail.objects.values_list("to_name", flat=True))
    assert len(names) == 3 and not any("\r" in n or "\n" in n for n in names)


def test_a_warm_introduction_for_an_employer_stored_with_a_line_break_goes_out(
    guide_a: Any, adviser_b: Any, django_capture_on_commit_callbacks: Any, eager: Any
) -> None:
    candidate = CandidateFactory(guide=guide_a, max_travel_km=60)
    employer = EmployerFactory(region_id="AM13", postcode="3511 AA", owner=adviser_b, stage="open")
    _store_raw("employers_employer", "legal_name", employer.pk, "Utrechtse\r\nBcc: iedereen@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        match_set_state(candidate=candidate, employer=employer, state="approached", by=guide_a)

    (message,) = mail.outbox
    assert "\n" not in message.subject and "\r" not in message.subject and "Utrechtse" in message.subject
    assert "Bcc" not in message.extra_headers and message.bcc == []
    assert Match.objects.get().intro_notified_at is not None


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(b"Naam;KvK\r\n" + b"\r\n" * 2_000_000, id="two million blank rows"),
        pytest.param(b";".join(b"k%d" % i for i in range(16_384)) + b"\r\nx\r\n", id="16384 columns"),
    ],
)
def test_the_import_request_stores_a_hostile_file_and_returns_within_two_seconds(
    web: Any, adviser_a: Any, raw: bytes, django_capture_on_commit_callbacks: Any
) -> None:
    client = web(adviser_a)
    file = SimpleUploadedFile("lijst.csv", raw, content_type="text/csv")

    started = time.perf_counter()
    with django_capture_on_commit_callbacks() as queued:  # the check task, not run here
        response = client.post(reverse("employers:import"), {"file": file, "region": "AM18"})
    took = time.perf_counter() - started

    assert response.status_code == 302 and took < 2, f"{response.status_code} after {took:.1f} s"
    assert ImportBatch.objects.get().state == ImportState.QUEUED and len(queued) == 1
