"""``crm.api_rows``: the fast row serializer gives exactly DRF's output, and a searched page
takes its count from its own rows (``crm.paging``)."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework import serializers
from rest_framework.request import Request

from employers.api_employers import EmployerSerializer, employer_rows
from employers.models import EmployerShare
from tests.factories import EmployerFactory, NetworkFactory


def test_the_fast_rows_equal_drfs_own_representation(adviser_a: Any) -> None:
    network = NetworkFactory(region_id="AM18")
    plain = EmployerFactory(owner=None, trade_name="", website="", sbi_section="")
    full = EmployerFactory(
        owner=adviser_a,
        trade_name="Bakkerij 't Hoekje",
        website="https://example.nl",
        tags=["horeca", "ambassadeur"],
        do_not_contact=True,
        do_not_contact_reason="Wil niet",
        notes="Regel 1\nRegel 2",
        referred_by=plain,
        accommodations=["buddy", "home_working"],
        stage="active",
        size_class="10-49",
        last_contact_at=timezone.now(),
        review_requested_at=timezone.now(),
    )
    full.networks.add(network)
    EmployerShare.objects.create(employer=full, region_id="AM13", state="accepted", decided_at=timezone.now())
    EmployerShare.objects.create(employer=plain, region_id="AM02", state="requested")
    request = Request(RequestFactory().get("/"))
    request.user = adviser_a
    serializer = EmployerSerializer(context={"request": request})

    rows = list(employer_rows(adviser_a).order_by("pk"))
    assert len(rows) == 2
    for row in rows:
        fast = serializer.to_representation(row)
        drf = serializers.ModelSerializer.to_representation(serializer, row)
        assert fast == drf and list(fast) == list(drf)  # same keys, same order, same values
    assert serializer.to_representation(rows[1])["shared_with"] == ["AM13"]
    assert serializer.to_representation(rows[0])["shared_with"] == []  # a request shares nothing


def test_a_searched_page_counts_from_its_own_rows(adviser_a: Any, api: Any) -> None:
    for n in range(7):
        EmployerFactory(legal_name=f"Bakkerij Koren {n}")
    EmployerFactory(legal_name="Hoveniersbedrijf Groen")
    client = api(adviser_a)
    url = "/api/v1/employers/?search=bakkerij&page_size=3"
    client.get(url)  # warm up (the session and the user's regions)

    with CaptureQueriesContext(connection) as queries:
        first = client.get(url).json()
    statements = [q["sql"] for q in queries.captured_queries if "employers_employer" in q["sql"]]
    assert any("COUNT(*) OVER ()" in sql for sql in statements)
    assert not any(sql.startswith("SELECT COUNT(") for sql in statements)  # no second run of the search
    last = client.get(url + "&page=3").json()
    past = client.get(url + "&page=4")

    assert first["count"] == 7 and len(first["results"]) == 3 and first["next"]
    assert last["count"] == 7 and len(last["results"]) == 1 and last["next"] is None
    assert past.status_code == 404  # past the end: the ordinary count says so
    assert client.get("/api/v1/employers/?search=bakkerij&page=x").status_code == 404
