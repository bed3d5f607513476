"""Work for the worker, sent by task name, so no module imports a tasks module: each app's
``tasks.py`` is a leaf (it imports the services; nothing imports it), and every task has an
explicit ``name`` (its module path, which the beat schedule also uses; tests/quality checks it).

The task is looked up in the Celery app's registry and sent with ``apply_async`` (as ``delay``
does) rather than with ``send_task``: the same routing and serialisation, and it runs in the
calling process where the app is eager (``CELERY_TASK_ALWAYS_EAGER``, the tests' ``eager``
fixture), which ``send_task`` ignores. A web process has not imported the apps' tasks modules
(the worker's autodiscovery does that at its start), so the first look-up imports them."""

from __future__ import annotations

from functools import partial
from typing import Any

from celery import Task
from django.db import transaction

from crm.celery import app


def task(name: str) -> Task:
    if name not in app.tasks:
        app.loader.import_default_modules()  # every installed app's tasks module, once
    return app.tasks[name]


def send(name: str, *args: Any, **options: Any) -> None:
    """Send the task ``name`` now with JSON-only ``args``; ``options`` go to ``apply_async``
    (``retry=False``: fail at once when the broker is away, instead of waiting for it)."""
    task(name).apply_async(args=args, **options)


def send_after_commit(name: str, *args: Any, robust: bool = False, **options: Any) -> None:
    """``send`` once the current transaction commits (at once outside one); nothing is sent
    when it rolls back. ``robust``: a broker error is logged, not raised, as the rows it
    would work on are committed anyway and a beat tick picks them up."""
    transaction.on_commit(partial(send, name, *args, **options), robust=robust)
