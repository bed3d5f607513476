"""The apps' own modules, found by name as Django finds each app's ``admin.py``: ``crm`` is the
layer every app builds on, so it names no app (``settings.LOCAL_APPS`` does) and imports none
except through here, at start-up, for the hooks the apps offer (``api.register``,
``demo.seed``)."""

from __future__ import annotations

import pkgutil
from importlib import import_module
from importlib.util import find_spec
from types import ModuleType

from django.conf import settings


def app_modules(name: str) -> list[ModuleType]:
    """``<app>.<name>`` of every local app that has one, in ``LOCAL_APPS`` order."""
    return [import_module(f"{app}.{name}") for app in settings.LOCAL_APPS if find_spec(f"{app}.{name}")]


def app_modules_named_like(prefix: str) -> list[ModuleType]:
    """Per local app, in ``LOCAL_APPS`` order: ``<app>.<prefix>``, its ``<app>.<prefix>_*``
    siblings, then ``<app>.<package>.<prefix>`` of its subpackages, each in name order
    (``employers.demo``, then ``employers.contacts.demo``)."""
    found = []
    for app in settings.LOCAL_APPS:
        modules = list(pkgutil.iter_modules(import_module(app).__path__))
        names = sorted(m.name for m in modules if m.name == prefix or m.name.startswith(f"{prefix}_"))
        names += sorted(
            f"{m.name}.{prefix}" for m in modules if m.ispkg and find_spec(f"{app}.{m.name}.{prefix}") is not None
        )
        found += [import_module(f"{app}.{name}") for name in names]
    return found
