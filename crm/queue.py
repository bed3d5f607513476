"""Work for the worker, enqueued by task name after the transaction commits, so that a module
never imports its app's ``tasks`` (the tasks import the services; tasks.py stays a leaf that
nothing imports). The same pattern as ``candidates.queue``, for the apps below candidates.

The task is looked up in the Celery app's registry and sent with ``delay`` rather than with
``send_task``: the same routing and serialisation, and it runs in the calling process where the
app is eager (the tests' ``eager`` fixture), which ``send_task`` ignores."""

from __future__ import annotations

from typing import Any

from celery import Task
from django.db import transaction

from crm.celery import app


def task(name: str) -> Task:
    if name not in app.tasks:
        app.loader.import_default_modules()  # every installed app's tasks module, once
    return app.tasks[name]


def enqueue_on_commit(name: str, *args: Any) -> None:
    """Run the task ``name`` with JSON-only ``args`` once the current transaction commits (at
    once outside one); nothing is sent when it rolls back."""
    transaction.on_commit(lambda: task(name).delay(*args))
