"""Every Celery task has an explicit name, the dotted path of its module and function.

Work is queued by that name (``crm.queue``) and the beat schedule names it, so a name must not
follow a function that moves: it is written in the decorator (read from the source with
``ast``), and the registry, once every app's tasks module is loaded, holds exactly those names.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings

from crm.celery import app
from tests.quality.test_imports import project_modules

DECORATORS = {"shared_task", "task"}


def _decorator_name(node: ast.expr) -> str:
    target = node.func if isinstance(node, ast.Call) else node
    if isinstance(target, ast.Attribute):
        return target.attr
    return target.id if isinstance(target, ast.Name) else ""


def declared_tasks(modules: dict[str, Path] | None = None) -> Iterator[tuple[str, str, str | None]]:
    """(module, function, the ``name=`` given or None) for every task decorator in the project."""
    for module, path in (modules or project_modules()).items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for decorator in node.decorator_list:
                if _decorator_name(decorator) not in DECORATORS:
                    continue
                given = None
                if isinstance(decorator, ast.Call):
                    for keyword in decorator.keywords:
                        if keyword.arg == "name" and isinstance(keyword.value, ast.Constant):
                            given = keyword.value.value
                yield module, node.name, given


def _wrong_names(declared: list[tuple[str, str, str | None]]) -> list[str]:
    return sorted(
        f"{module}.{function}: name={given!r}"
        for module, function, given in declared
        if given != f"{module}.{function}"
    )


def test_every_task_is_named_by_its_module_and_function() -> None:
    declared = list(declared_tasks())
    assert declared, "no task found: the check reads the wrong files"
    wrong = _wrong_names(declared)
    assert not wrong, "give each task name='<module>.<function>':\n" + "\n".join(wrong)


def test_the_registry_holds_the_declared_names_and_every_scheduled_one() -> None:
    app.loader.import_default_modules()  # every app's tasks module, as crm.queue.task does
    registered = {name for name in app.tasks if not name.startswith("celery.")}
    declared = {given for _module, _function, given in declared_tasks()}
    assert registered == declared
    for name, registered_task in app.tasks.items():
        if not name.startswith("celery."):
            assert name == f"{registered_task.__module__}.{registered_task.run.__name__}"
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert scheduled <= registered


def test_the_name_check_would_catch_a_missing_or_moved_name() -> None:
    declared = [("outreach.tasks", "tick", None), ("outreach.tasks", "sweep", "outreach.old.sweep")]
    assert _wrong_names(declared) == [
        "outreach.tasks.sweep: name='outreach.old.sweep'",
        "outreach.tasks.tick: name=None",
    ]
