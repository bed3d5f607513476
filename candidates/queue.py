"""Work for the worker, enqueued by task name after the transaction commits, so the services
never import ``candidates.tasks`` (the tasks import the services; tasks.py stays a leaf that
nothing imports). Looked up in the Celery app's registry rather than ``send_task``: the task
then runs in the calling process where the app is eager (the tests' ``eager`` fixture), as
``delay_on_commit`` did."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from crm.celery import app


def enqueue_on_commit(name: str, *args: Any) -> None:
    """Run the task ``name`` with JSON-only ``args`` once the current transaction commits (at
    once outside one); nothing is sent when it rolls back."""
    transaction.on_commit(lambda: app.tasks[name].delay(*args))
