"""Run every benchmark in this folder and write one report (var/bench/report.md and .json).

Each ``bench_*.py`` writes ``var/bench/<name>.json`` (see README.md here); this script runs
them one after another, so they do not compete for the two cores, and collects the figures.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
OUT = ROOT / "var" / "bench"


def ensure_database() -> None:
    """Create the bench database named by DATABASE_URL when it is PostgreSQL and missing."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"Created database {name}")


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    ensure_database()
    only = set(sys.argv[1:])
    results: list[dict] = []
    failures: list[str] = []
    for script in sorted(HERE.glob("bench_*.py")):
        name = script.stem.removeprefix("bench_")
        if only and name not in only:
            continue
        print(f"\n=== {script.name}", flush=True)
        (OUT / f"{name}.json").unlink(missing_ok=True)
        started = time.monotonic()
        code = subprocess.call([sys.executable, str(script)], cwd=ROOT)
        print(f"--- {script.name}: exit {code} after {time.monotonic() - started:.0f} s", flush=True)
        if code != 0 or not (OUT / f"{name}.json").exists():
            failures.append(script.name)
            continue
        results.extend(json.loads((OUT / f"{name}.json").read_text()))
    write_report(results, failures)
    return 1 if failures else 0


def write_report(results: list[dict], failures: list[str]) -> None:
    (OUT / "report.json").write_text(json.dumps({"results": results, "failed": failures}, indent=2))
    lines = [
        "# Benchmark report",
        "",
        "| benchmark | figure | floor | ratio | target | met |",
        "|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r['benchmark']} | {r['figure']:.1f} {r['unit']} | {r['floor']:.1f} {r['unit']} | "
            f"{r['ratio']:.2f} | {r['target']} | {'yes' if r['met'] else 'NO'} |"
        )
    if failures:
        lines += ["", "Failed to run: " + ", ".join(failures)]
    (OUT / "report.md").write_text("\n".join(lines) + "\n")
    print("\n" + "\n".join(lines))
    print(f"\nReport written to {OUT / 'report.md'} and report.json")


if __name__ == "__main__":
    sys.exit(main())
