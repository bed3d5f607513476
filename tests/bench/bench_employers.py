"""Employer search over 100,000 employers: p50/p95 of ``GET /api/v1/employers/?region=&search=``
(a page of 50) beside a plain Django view that returns the same 50 rows from ``.values()``,
measured in the same run. Target: API p95 under 100 ms, ratio under 3."""

from __future__ import annotations

from common import bench_user, ensure_bench_employers, p50_p95, time_runs, write_results
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import include, path

from crm.models import Role
from employers.filters import search_employers
from employers.models import Employer

REGION = "AM18"
TERMS = ["bakker", "zorggroep", "jansen", "techniek", "hoveneir", "visser", "logistiek", "amsterdam"]
RUNS = 15  # per term


def plain_employers(request: HttpRequest) -> JsonResponse:
    """The floor: the same rows, no serializer, filterset, permissions or pagination count."""
    rows = search_employers(Employer.objects.filter(region_id=request.GET["region"]), request.GET["search"])
    fields = ("id", "legal_name", "trade_name", "kvk_number", "postcode", "place", "stage", "sbi_section")
    return JsonResponse({"results": list(rows.values(*fields)[:50])})


urlpatterns = [
    path("bench/plain-employers/", plain_employers),
    path("", include("crm.urls")),
]


@override_settings(ROOT_URLCONF=__name__)
def main() -> None:
    ensure_bench_employers()
    client = Client()
    client.force_login(bench_user("bench-adviser", Role.ADVISER, REGION))
    api_ms: list[float] = []
    plain_ms: list[float] = []
    for term in TERMS:
        query = f"region={REGION}&search={term}&page_size=50"

        def api(query: str = query) -> None:
            response = client.get(f"/api/v1/employers/?{query}")
            assert response.status_code == 200, response.content[:300]

        def plain(query: str = query) -> None:
            assert client.get(f"/bench/plain-employers/?{query}").status_code == 200

        api_ms += time_runs(api, RUNS)
        plain_ms += time_runs(plain, RUNS)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/api/v1/employers/?region={REGION}&search=bakker&page_size=50")
    found = response.json()["count"]
    (api50, api95), (plain50, plain95) = p50_p95(api_ms), p50_p95(plain_ms)
    ratio = api95 / plain95
    total = Employer.objects.count()
    print(f"GET /api/v1/employers/?region={REGION}&search=... over {total:,} employers ({len(TERMS)} terms)")
    print(f"  API:   p50 {api50:.1f} ms, p95 {api95:.1f} ms, {len(queries)} queries ('bakker': {found} found)")
    print(f"  plain: p50 {plain50:.1f} ms, p95 {plain95:.1f} ms (.values(), same search)")
    print(f"  ratio p95 {ratio:.2f} (target < 3), p95 target < 100 ms")
    write_results(
        "employers",
        [
            {
                "benchmark": f"employer search API p95 ({total:,} employers, page of 50)",
                "figure": api95,
                "unit": "ms",
                "floor": plain95,
                "ratio": ratio,
                "target": "p95 < 100 ms, ratio < 3",
                "met": api95 < 100 and ratio < 3,
                "command": "make bench (python tests/bench/run_all.py employers)",
            },
            {
                "benchmark": "employer search API p50",
                "figure": api50,
                "unit": "ms",
                "floor": plain50,
                "ratio": api50 / plain50,
                "target": "(informative)",
                "met": True,
                "command": "make bench (python tests/bench/run_all.py employers)",
            },
        ],
    )


if __name__ == "__main__":
    main()
