"""The steering group's quarterly PDF for one region (issue 19: under 5 s), as the coordinator
downloads it (``/reports/regions/AM18/?report=pdf``), and the national one as the AWVN adviser
does, over the bench database. Beside each, measured in the same run, the floor: WeasyPrint
rendering the same HTML, already built (no queries, no template work), so the ratio says how
much the figures and the template add to the layout engine's own time. The first download of
the process is reported on its own (fonts and Pango loaded then).
"""

from __future__ import annotations

import time

from common import bench_user, ensure_bench_employers, p50_p95, write_results
from django.template.loader import render_to_string
from django.test import Client
from django.utils import timezone

from crm.models import Role
from reports import steering
from reports.figures import national_figures, region_figures
from reports.periods import parse_period

REGION = "AM18"
RUNS = 5
TARGET_S = 5.0


def _seconds(run) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def _floor_html(report: steering.Report) -> str:
    return render_to_string(
        "reports/steering.html", {"report": report, "generated_at": timezone.localtime(), "lang": "nl"}
    )


def main() -> None:
    from weasyprint import HTML

    ensure_bench_employers()
    from crm.models import Region

    today = timezone.localdate()
    quarter = f"{today.year}Q{(today.month - 1) // 3 + 1}"  # this quarter, as the steering group asks
    period = parse_period(quarter)
    region_report = steering.region_report(region_figures(Region.objects.get(code=REGION), period))
    national_report = steering.national_report(national_figures(period))
    cases = [
        ("region PDF", bench_user("bench-coordinator", Role.COORDINATOR, REGION),
         f"/reports/regions/{REGION}/?period={quarter}&report=pdf", region_report),
        ("national PDF", bench_user("bench-awvn", Role.AWVN, None),
         f"/reports/national/?period={quarter}&report=pdf", national_report),
    ]  # fmt: skip
    results = []
    for name, user, url, report in cases:
        client = Client()
        client.force_login(user)

        def download(client: Client = client, url: str = url) -> None:
            response = client.get(url)
            assert response.status_code == 200 and response.content.startswith(b"%PDF"), response.status_code

        first = _seconds(download)
        html = _floor_html(report)
        timings, floor = [], []
        for _ in range(RUNS):  # interleaved: the machine's load hits figure and floor alike
            timings.append(_seconds(download))
            floor.append(_seconds(lambda html=html: HTML(string=html).write_pdf()))
        p50, p95 = p50_p95(timings)
        f50, f95 = p50_p95(floor)
        print(f"{name} {url}: first {first:.2f} s, then p50 {p50:.2f} s, max {max(timings):.2f} s")
        print(f"  floor (WeasyPrint on the same HTML, built once): p50 {f50:.2f} s; ratio {p50 / f50:.2f}")
        results.append(
            {
                "benchmark": f"{name} download p50 (first of the process {first:.2f} s)",
                "figure": p50 * 1000,
                "unit": "ms",
                "floor": f50 * 1000,
                "ratio": p50 / f50,
                "target": f"< {TARGET_S:.0f} s (first download included)",
                "met": max(first, *timings) < TARGET_S,
                "command": "make bench (python tests/bench/run_all.py pdf)",
            }
        )
    write_results("pdf", results)


if __name__ == "__main__":
    main()
