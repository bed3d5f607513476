"""JSON log lines with a request id, through web and Celery (stdlib ``logging`` only).

Django, Celery and gunicorn all log through the standard library, so one formatter on the root
handler makes every line JSON, theirs included; structlog would add a dependency and still need
this bridge for their lines. The id of a request is taken from ``X-Request-ID`` (set by the proxy)
when it is well-formed, else made here; it is sent back in the response, stamped on every line
logged while the request runs, and travels in the headers of each task the request queues, so
the worker's lines for that task carry it too. A task started by beat gets its own id.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from contextvars import ContextVar, Token
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse

HEADER = "X-Request-ID"
TASK_HEADER = "request_id"
PROBES = frozenset({"/healthz", "/readyz"})  # a passing probe is logged at DEBUG only
_VALID = re.compile(r"[A-Za-z0-9._:-]{1,128}")

request_id: ContextVar[str] = ContextVar("request_id", default="")
task_label: ContextVar[str] = ContextVar("task_label", default="")
_task_tokens: dict[str, tuple[Token[str], Token[str]]] = {}

access = logging.getLogger("crm.request")

# LogRecord's own attributes: anything else on a record came in through ``extra=``.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "taskName"}


def new_id() -> str:
    return uuid.uuid4().hex


class ContextFilter(logging.Filter):
    """Puts the current request id and task on every record (for any formatter)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        record.task = task_label.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, request_id, task, the
    record's ``extra`` fields, and the traceback of an exception."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "") or request_id.get(),
        }
        if current_task := getattr(record, "task", "") or task_label.get():
            line["task"] = current_task
        line |= {key: value for key, value in vars(record).items() if key not in _STANDARD and key not in line}
        if record.exc_info:
            line["exc_info"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str, ensure_ascii=False)


class RequestIdMiddleware:
    """First in the chain: every later line of the request carries its id; one access line per
    request (method, path, status, duration) replaces gunicorn's access log."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get(HEADER, "")
        token = request_id.set(given if _VALID.fullmatch(given) else new_id())
        started = time.monotonic()
        try:
            response = self.get_response(request)
            response[HEADER] = request_id.get()
            quiet = request.path in PROBES and response.status_code == 200  # every few seconds
            access.log(
                logging.DEBUG if quiet else logging.INFO,
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={"status": response.status_code, "duration_ms": round((time.monotonic() - started) * 1000)},
            )
            return response
        finally:
            request_id.reset(token)


def connect_celery_signals() -> None:
    """The request id into each published task's headers, and back out in the worker."""
    from celery import signals

    signals.setup_logging.connect(_django_logging, weak=False)
    signals.before_task_publish.connect(_stamp_headers, weak=False)
    signals.task_prerun.connect(_task_started, weak=False)
    signals.task_postrun.connect(_task_finished, weak=False)


def _django_logging(**kwargs: Any) -> None:
    """Worker and beat log through Django's LOGGING (JSON, LOG_LEVEL) instead of Celery's own
    handlers: a receiver of ``setup_logging`` makes Celery leave logging alone."""
    from logging.config import dictConfig

    from django.conf import settings

    dictConfig(settings.LOGGING)


def _stamp_headers(headers: dict[str, Any] | None = None, **kwargs: Any) -> None:
    if headers is not None and (current := request_id.get()):
        headers.setdefault(TASK_HEADER, current)


def _task_started(task_id: str = "", task: Any = None, **kwargs: Any) -> None:
    """The id from the headers; in an eager task (run inside a request) the request's own; else
    the task's id."""
    given = getattr(task.request, TASK_HEADER, None) if task is not None else None
    rid = given if isinstance(given, str) and _VALID.fullmatch(given) else request_id.get() or task_id
    label = f"{getattr(task, 'name', '')}[{task_id}]"
    _task_tokens[task_id] = (request_id.set(rid), task_label.set(label))


def _task_finished(task_id: str = "", **kwargs: Any) -> None:
    if tokens := _task_tokens.pop(task_id, None):
        request_id.reset(tokens[0])
        task_label.reset(tokens[1])


def configuration(log_format: str, level: str) -> dict[str, Any]:
    """The LOGGING setting: one console handler on the root, in ``log_format`` (json or text)."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": "crm.logs.ContextFilter"}},
        "formatters": {
            "json": {"()": "crm.logs.JsonFormatter"},
            "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        },
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": log_format, "filters": ["context"]}},
        "root": {"handlers": ["console"], "level": level},
        # One access line per request comes from crm.logs; runserver's own would repeat it.
        "loggers": {"django.server": {"level": "WARNING"}},
    }


def init_sentry(dsn: str, environment: str) -> None:
    """Error reports to Sentry; no personal data (send_default_pii off: no user names, addresses
    or request bodies), no performance traces."""
    import sentry_sdk

    sentry_sdk.init(dsn=dsn, environment=environment, send_default_pii=False, traces_sample_rate=0.0)
