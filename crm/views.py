"""Probes for the orchestrator: ``/healthz`` (liveness) and ``/readyz`` (readiness).

Liveness touches nothing outside the process: a database outage must not make the orchestrator
restart every web process (which would not help, and would drop the requests in flight).
Readiness says whether this process can serve now: the database answers, Redis (broker and
cache) answers, and every migration of this code is applied (a new release whose migrations
did not run yet is kept out of the load balancer).
"""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.core.cache import cache as django_cache
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from crm.celery import app as celery_app


@cache
def _code_migrations() -> frozenset[tuple[str, str]]:
    """The migrations on disk (read once per process: the code does not change under it)."""
    return frozenset(MigrationLoader(None, ignore_no_migrations=True).graph.nodes)


def _database_and_migrations() -> tuple[str, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute('SELECT "app", "name" FROM "django_migrations"')
            applied = set(cursor.fetchall())
    except Exception:  # noqa: BLE001 - any failure means "not reachable" for a readiness probe
        return "unreachable", "unknown"
    missing = _code_migrations() - applied
    return "ok", "ok" if not missing else f"{len(missing)} not applied"


def _broker_ok() -> bool:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True
    except Exception:  # noqa: BLE001 - any failure means "not reachable" for a health check
        return False


def _cache_ok() -> bool:
    if not settings.REDIS_URL:
        return True  # the in-process cache of a machine without Redis (make run)
    try:
        django_cache.set("crm:readyz", 1, timeout=10)
        return django_cache.get("crm:readyz") == 1
    except Exception:  # noqa: BLE001 - any failure means "not reachable" for a readiness probe
        return False


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: the process answers requests. No database, no Redis."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    database, migrations = _database_and_migrations()
    checks = {
        "database": database,
        "migrations": migrations,
        "broker": "ok" if _broker_ok() else "unreachable",
        "cache": "ok" if _cache_ok() else "unreachable",
    }
    ready = all(value == "ok" for value in checks.values())
    return JsonResponse({"status": "ok" if ready else "error", **checks}, status=200 if ready else 503)
