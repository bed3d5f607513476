"""gunicorn configuration: ``gunicorn -c deploy/gunicorn.conf.py`` (Procfile, Dockerfile, the
systemd unit). Every value can be changed from the environment; the defaults suit one container
or VM behind a TLS proxy.

Web processes keep no state of their own (sessions, caches and locks are in PostgreSQL and
Redis), so any number of them can run behind the proxy.
"""

from __future__ import annotations

import os
from typing import Any

wsgi_app = "crm.wsgi:application"
bind = os.environ.get("GUNICORN_BIND") or f"0.0.0.0:{os.environ.get('PORT') or 8000}"
# Sync workers: the pages are short database work; 2-4 per core is gunicorn's advice.
workers = int(os.environ.get("WEB_CONCURRENCY") or 3)
threads = int(os.environ.get("GUNICORN_THREADS") or 1)
timeout = int(os.environ.get("GUNICORN_TIMEOUT") or 30)
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT") or 30)
keepalive = 5
# A worker is replaced after this many requests (memory that grows slowly stays bounded).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS") or 1000)
max_requests_jitter = max_requests // 10
# The proxy's address: only its X-Forwarded-* headers are believed (Django decides the rest,
# see TRUSTED_PROXY_COUNT and USE_X_FORWARDED_PROTO).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS") or "127.0.0.1,::1"
# The heartbeat file on a RAM disk: a container's overlay filesystem can stall it.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108 - gunicorn's documented choice

# No access log of gunicorn's own: crm.logs writes one JSON line per request with its id.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
logconfig_dict: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "crm.logs.ContextFilter"}},
    "formatters": {"json": {"()": "crm.logs.JsonFormatter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["context"]},
    },
    "loggers": {"gunicorn.error": {"handlers": ["console"], "level": loglevel.upper(), "propagate": False}},
}
if os.environ.get("LOG_FORMAT") == "text":
    logconfig_dict = {}  # gunicorn's own format, as Django's LOGGING says text too
