"""bin/provision (what make test and CI set up) and bin/devdb (the embedded PostgreSQL of make run)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import psycopg
import pytest

from tests.outreach.harness import free_port

ROOT = Path(__file__).resolve().parents[2]


def provision(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(ROOT / "bin" / "provision"), *args], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False
    )


def test_a_reachable_server_is_used_as_it_is_and_only_its_url_is_printed():
    result = provision("--dry-run", "--no-browser", "postgres://postgres@127.0.0.1:5432/wsp_crm")

    assert result.returncode == 0, result.stderr
    assert result.stdout == "postgres://postgres@127.0.0.1:5432/wsp_crm\n"
    assert "PostgreSQL answers at 127.0.0.1:5432" in result.stderr


def test_a_dry_run_only_says_what_it_would_do():
    port = free_port()  # nothing listens there
    result = provision("--dry-run", f"postgres://postgres@127.0.0.1:{port}/wsp_crm")

    assert result.returncode == 0, result.stderr
    assert "would run:" in result.stderr
    assert result.stdout.strip().startswith("postgres://")


def test_an_unknown_argument_is_refused_with_a_pointer_to_the_usage():
    result = provision("--fast")

    assert result.returncode == 2
    assert "unknown argument --fast" in result.stderr


@pytest.mark.slow
def test_the_embedded_postgresql_starts_with_pg_trgm_and_stops():
    # Under var/, not pytest's tmp_path: run as root, the server runs as its own system user,
    # which cannot enter pytest's private (0700) temporary folders.
    (ROOT / "var").mkdir(exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="devdb-test-", dir=ROOT / "var"))
    folder.chmod(0o755)
    env = {**os.environ, "DEVDB_DATA": str(folder / "pg"), "DEVDB_PORT": str(free_port()), "DEVDB_NAME": "probe"}
    devdb = [sys.executable, str(ROOT / "bin" / "devdb")]
    started = subprocess.run([*devdb, "start"], env=env, capture_output=True, text=True, timeout=60, check=False)
    try:
        assert started.returncode == 0, started.stderr
        url = started.stdout.strip()
        assert url == f"postgres://postgres@127.0.0.1:{env['DEVDB_PORT']}/probe"
        with psycopg.connect(url) as conn:
            conn.execute("CREATE EXTENSION pg_trgm")
            assert conn.execute("SELECT similarity('bakkerij', 'bakerij') > 0.5").fetchone() == (True,)
            assert conn.execute("SHOW server_version").fetchone()[0].startswith("18.")
        again = subprocess.run([*devdb, "start"], env=env, capture_output=True, text=True, timeout=60, check=False)
        assert again.stdout.strip() == url  # a second start finds it running
    finally:
        subprocess.run([*devdb, "stop"], env=env, capture_output=True, timeout=60, check=False)
        status = subprocess.run([*devdb, "status"], env=env, capture_output=True, timeout=60, check=False)
        shutil.rmtree(folder, ignore_errors=True)
    assert status.returncode == 1
