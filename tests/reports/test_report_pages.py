from __future__ import annotations

import pytest

from tests.factories import EmployerFactory

pytestmark = pytest.mark.django_db


def test_coordinator_sees_the_region_dashboard_with_chart_and_table(web, coordinator_a):
    EmployerFactory(region_id="AM18", stage="open")

    html = web(coordinator_a).get("/reports/").content.decode()

    assert "Groot Amsterdam" in html
    assert "<svg" in html
    assert "<table" in html


def test_dashboard_table_downloads_as_csv_for_dutch_excel(web, adviser_a):
    EmployerFactory(region_id="AM18", stage="open")

    response = web(adviser_a).get("/reports/regions/AM18/?csv=stages")

    assert response["Content-Type"].startswith("text/csv")
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    assert ";" in body.splitlines()[0]


def test_adviser_of_b_cannot_open_region_a_dashboard(web, adviser_b):
    assert web(adviser_b).get("/reports/regions/AM18/").status_code == 404
    assert web(adviser_b).get("/reports/?region=AM18").status_code == 404


def test_guide_has_no_dashboard(web, guide_a):
    assert web(guide_a).get("/reports/").status_code == 404


def test_awvn_sees_national_table_sortable_and_as_csv(web, awvn):
    client = web(awvn)
    html = client.get("/reports/national/?sort=-open_or_further").content.decode()

    assert 'aria-sort="descending"' in html
    csv = client.get("/reports/national/?csv=1").content.decode("utf-8")
    assert len(csv.strip().splitlines()) == 36  # header + 35 regions


def test_stats_api_region_and_national(api, coordinator_a, awvn):
    region = api(coordinator_a).get("/api/v1/stats/regions/AM18/?period=12m").json()
    national = api(awvn).get("/api/v1/stats/national/").json()

    assert region["region"]["code"] == "AM18"
    assert region["period"]["key"] == "12m"
    assert len(national["regions"]) == 35


def test_awvn_cannot_read_a_region_dashboard_via_the_api(api, awvn, adviser_b):
    assert api(awvn).get("/api/v1/stats/regions/AM18/").status_code == 404
    assert api(adviser_b).get("/api/v1/stats/national/").status_code == 404
