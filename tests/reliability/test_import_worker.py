"""One employer import end to end through a real Celery worker on Redis: the web requests only
store and enqueue; the worker checks the file (progress on the batch row), then writes it."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from employers.models import Employer, ImportBatch, ImportState
from tests.polling import wait_until
from tests.workers import start_worker, stop_worker

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def _wait_for(batch_id: int, state: str, seconds: float = 90) -> ImportBatch:
    batch = wait_until(lambda: ImportBatch.objects.filter(pk=batch_id, state=state).first(), timeout=seconds)
    assert batch, f"batch {batch_id} is {ImportBatch.objects.get(pk=batch_id).state}, not {state}"
    return batch


def test_an_import_is_checked_and_written_by_the_worker(web, adviser_a) -> None:
    rows = "".join(f"Werkgever {n} B.V.;{20000000 + n};1012 AB;Amsterdam\r\n" for n in range(1200))
    raw = ("Naam;KvK;Postcode;Plaats\r\n" + rows).encode()
    client = web(adviser_a)
    worker = start_worker()
    try:
        response = client.post(
            reverse("employers:import"),
            {"file": SimpleUploadedFile("lijst.csv", raw, content_type="text/csv"), "region": "AM18"},
        )
        assert response.status_code == 302
        batch = ImportBatch.objects.get()
        # What the request did: stored the file, counted its lines, wrote no employer.
        assert batch.total == 1200 and Employer.objects.count() == 0

        batch = _wait_for(batch.pk, ImportState.PREVIEW)
        assert len(batch.rows) == 1200 and batch.progress == 1200 and bytes(batch.raw) == b""
        assert "Werkgever 1199 B.V." in client.get(response.url).content.decode()  # the preview

        confirm = client.post(response.url, {f"action-{row['line']}": "create" for row in batch.rows})
        assert confirm.status_code == 302
        batch = _wait_for(batch.pk, ImportState.IMPORTED)
    finally:
        stop_worker(worker)
    assert batch.counts["created"] == 1200
    assert Employer.objects.filter(region_id="AM18", source="import").count() == 1200
