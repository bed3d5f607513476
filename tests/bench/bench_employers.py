"""Employer search over the bench employers (``BENCH_SCALE``, 100,000 by default): p50/p95 of
``GET /api/v1/employers/?region=&search=`` (a page of 50) and of the HTML list (a page of 25),
each beside its floor measured in the same run, interleaved: a plain Django view that returns
the same rows from ``.values()`` (no serializer, filterset, permissions, template or count).

Terms: words (substring and trigram), a KvK prefix and a postcode prefix. Targets (issue 22):
API p95 <= 60 ms at 100k (<= 100 ms at 1M) and within 2x its floor; the HTML list within 2.5x.
"""

from __future__ import annotations

from common import SCALE, bench_user, ensure_bench_employers, p50_p95, write_results
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import include, path

from crm.models import PostcodeArea, Role
from employers.filters import search_employers
from employers.management.commands.seed_bench import KVK_BASE
from employers.models import Employer

REGION = "AM18"
WORDS = ["bakker", "zorggroep", "jansen", "techniek", "hoveneir", "visser", "logistiek", "hotel de vries"]
RUNS = 12  # per term and page
COMMAND = "make bench (python tests/bench/run_all.py employers); BENCH_SCALE for the size"


def plain_employers(request: HttpRequest) -> JsonResponse:
    """The floor: the same rows, no serializer, filterset, permissions or pagination count."""
    rows = search_employers(Employer.objects.filter(region_id=request.GET["region"]), request.GET["search"])
    fields = ("id", "legal_name", "trade_name", "kvk_number", "postcode", "place", "stage", "sbi_section")
    size = int(request.GET.get("page_size", 50))
    return JsonResponse({"results": list(rows.values(*fields)[:size])})


urlpatterns = [
    path("bench/plain-employers/", plain_employers),
    path("", include("crm.urls")),
]


def timed(client: Client, url: str) -> float:
    import time

    started = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, response.content[:300]
    return elapsed


def terms() -> list[str]:
    """The words, a KvK prefix of the region's bench employers (about 1 in 1,000 numbers) and a
    postcode of the region (its PC4)."""
    kvk = Employer.objects.filter(region_id=REGION, kvk_number__gte=f"{KVK_BASE:08d}").values_list("kvk_number")
    first = kvk.order_by("kvk_number").first()
    pc4 = PostcodeArea.objects.filter(region_id=REGION).order_by("pc4").values_list("pc4", flat=True).first()
    return [*WORDS, *([first[0][:5]] if first else []), *([pc4] if pc4 else [])]


@override_settings(ROOT_URLCONF=__name__)
def main() -> None:
    ensure_bench_employers()
    client = Client()
    client.force_login(bench_user("bench-adviser", Role.ADVISER, REGION))
    figures: dict[str, list[float]] = {"api": [], "api_floor": [], "html": [], "html_floor": []}
    searched = terms()
    for term in searched:
        api = f"/api/v1/employers/?region={REGION}&search={term}&page_size=50"
        html = f"/employers/?region={REGION}&search={term}"
        floor50 = f"/bench/plain-employers/?region={REGION}&search={term}&page_size=50"
        floor25 = f"/bench/plain-employers/?region={REGION}&search={term}&page_size=25"
        for url in (api, html, floor50, floor25):  # warm-up
            timed(client, url)
        for _ in range(RUNS):  # interleaved: the shared machine's load hits figure and floor alike
            figures["api"].append(timed(client, api))
            figures["api_floor"].append(timed(client, floor50))
            figures["html"].append(timed(client, html))
            figures["html_floor"].append(timed(client, floor25))
    with CaptureQueriesContext(connection) as queries:
        found = client.get(f"/api/v1/employers/?region={REGION}&search=bakker&page_size=50").json()["count"]
    total = Employer.objects.count()
    print(f"employer search over {total:,} employers (scale {SCALE:,}), terms: {', '.join(searched)}")
    results = []
    for name, floor_name, target, limit in (
        ("api", "api_floor", 60 if SCALE <= 100_000 else 100, 2.0),
        ("html", "html_floor", None, 2.5),
    ):
        (p50, p95), (f50, f95) = p50_p95(figures[name]), p50_p95(figures[floor_name])
        ratio = p95 / f95
        met = ratio <= limit and (target is None or p95 <= target)
        wanted = f"p95 <= {target} ms, " if target else ""
        print(f"  {name:4}: p50 {p50:6.1f} ms, p95 {p95:6.1f} ms | floor p50 {f50:6.1f}, p95 {f95:6.1f} ms")
        print(f"        ratio p95 {ratio:.2f} (target: {wanted}ratio <= {limit})")
        label = "employer list API (page of 50)" if name == "api" else "HTML employer list (page of 25)"
        for share, figure, floor in (("p95", p95, f95), ("p50", p50, f50)):
            results.append(
                {
                    "benchmark": f"{label} {share}, search, {total:,} employers",
                    "figure": figure,
                    "unit": "ms",
                    "floor": floor,
                    "ratio": figure / floor,
                    "target": f"{wanted}ratio <= {limit}" if share == "p95" else "(informative)",
                    "met": met if share == "p95" else True,
                    "command": COMMAND,
                }
            )
    print(f"  API 'bakker': {len(queries)} queries, count {found}")
    write_results("employers", results)


if __name__ == "__main__":
    main()
