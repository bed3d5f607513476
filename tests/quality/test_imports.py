"""Who may import whom, read from the source with ``ast`` (no import is executed).

Every ``import`` counts, at module level or inside a function: a deferred import is still a
dependency, only hidden. The layers (STYLE.md, README "Architecture"):

    crm  <-  employers  <-  outreach  <-  candidates  <-  reports

``crm`` imports no app; ``employers`` imports neither ``outreach`` nor ``candidates``;
``outreach`` never imports ``candidates`` (the privacy wall), ``candidates`` may read
``outreach`` (who attended a session); nothing imports ``reports`` (the URLconf includes it by
name). No circle between apps, none between the modules of one app. No module imports a
tasks module: work for the worker is queued by task name (``crm.queue``), so ``tasks.py`` stays
a leaf.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ["crm", "employers", "outreach", "candidates", "reports"]

# What each app may import besides itself. reports reads every app and is read by none.
MAY_IMPORT = {
    "crm": set(),
    "employers": {"crm"},
    "outreach": {"crm", "employers"},
    "candidates": {"crm", "employers", "outreach"},
    "reports": {"crm", "employers", "outreach", "candidates"},
}

# Import circles between the modules of one app that still exist on main, as the edges that
# close them ((importer, imported), both inside the circle). The test fails on any other edge
# inside a circle, and on an edge here that no longer closes one (so this list can only shrink).
KNOWN_CIRCLES_TO_REMOVE: set[tuple[str, str]] = set()


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules() -> dict[str, Path]:
    modules = {}
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.relative_to(ROOT).parts:
                modules[_module_name(path)] = path
    return modules


def _imported_names(tree: ast.AST, module: str, is_package: bool) -> Iterator[str]:
    """Every dotted name an import statement in ``tree`` may refer to, relative ones resolved."""
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            yield base
            yield from (f"{base}.{alias.name}" for alias in node.names)


def import_graph() -> dict[str, set[str]]:
    """module -> the project modules it imports (``from a.b import c`` is ``a.b.c`` when that is
    a module, else ``a.b``; a package's own ``__init__`` counts as the package)."""
    modules = project_modules()
    graph: dict[str, set[str]] = {}
    for module, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        names = set(_imported_names(tree, module, path.name == "__init__.py"))
        graph[module] = {name for name in names if name in modules and name != module}
    return graph


def app_of(module: str) -> str:
    return module.split(".")[0]


def strongly_connected(graph: dict[str, set[str]]) -> list[set[str]]:
    """Tarjan's algorithm: the groups of nodes that reach each other (circles), size > 1."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(group)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def circle_edges(graph: dict[str, set[str]]) -> set[tuple[str, str]]:
    """Every import edge that lies on some circle: both ends in the same circle group."""
    edges = set()
    for group in strongly_connected(graph):
        edges |= {(a, b) for a in group for b in graph[a] if b in group}
    return edges


def _forbidden(graph: dict[str, set[str]]) -> list[str]:
    return sorted(
        f"{module} imports {target}"
        for module, targets in graph.items()
        for target in targets
        if app_of(target) != app_of(module) and app_of(target) not in MAY_IMPORT[app_of(module)]
    )


def test_the_graph_sees_imports_inside_functions_and_relative_ones():
    tree = ast.parse("def f():\n    from employers.models import Employer\nfrom . import tasks\nfrom .mail import x\n")
    names = set(_imported_names(tree, "outreach.services", is_package=False))
    assert {"employers.models.Employer", "outreach.tasks", "outreach.mail.x", "outreach.mail"} <= names
    assert import_graph()["reports.figures"] >= {"employers.models", "outreach.models", "candidates.models"}


def test_crm_imports_no_app():
    # No allow-list: the router and seed_demo find the apps through settings.LOCAL_APPS.
    found = [
        f"{m} imports {t}" for m, ts in sorted(import_graph().items()) for t in ts if app_of(m) == "crm" != app_of(t)
    ]
    assert not found, "\n".join(found)


def test_each_app_imports_only_the_layers_below_it():
    # employers and outreach never import candidates, employers never outreach, no app reports.
    forbidden = _forbidden(import_graph())
    assert not forbidden, "\n".join(forbidden)


def test_the_layer_check_would_catch_a_forbidden_import():
    graph = {"outreach.views": {"candidates.models"}, "crm.api": {"reports.views"}, "candidates.views": {"employers.x"}}
    assert _forbidden(graph) == ["crm.api imports reports.views", "outreach.views imports candidates.models"]


def test_no_import_circle_between_apps():
    graph = import_graph()
    apps_graph: dict[str, set[str]] = {app: set() for app in APPS}
    for module, targets in graph.items():
        apps_graph[app_of(module)] |= {app_of(t) for t in targets} - {app_of(module)}
    assert strongly_connected(apps_graph) == []


def test_no_import_circle_between_the_modules_of_an_app_beyond_the_known_ones():
    edges = circle_edges(import_graph())
    new = sorted(f"{a} -> {b}" for a, b in edges - KNOWN_CIRCLES_TO_REMOVE)
    gone = sorted(f"{a} -> {b}" for a, b in KNOWN_CIRCLES_TO_REMOVE - edges)
    assert not new, "new import circle, make one side a leaf instead:\n" + "\n".join(new)
    assert not gone, "no longer closes a circle, remove from KNOWN_CIRCLES_TO_REMOVE:\n" + "\n".join(gone)


def _tasks_importers(graph: dict[str, set[str]]) -> list[str]:
    return sorted(f"{m} imports {t}" for m, ts in graph.items() for t in ts if t.rpartition(".")[2] == "tasks")


def test_no_module_imports_a_tasks_module():
    # Queue by name after commit instead: crm.queue.send_after_commit("<app>.tasks.<fn>", ...).
    found = _tasks_importers(import_graph())
    assert not found, "\n".join(found)


def test_the_tasks_check_would_catch_an_import_of_a_tasks_module():
    graph = {"outreach.services.rounds": {"outreach.tasks"}, "outreach.tasks": {"outreach.outbox"}}
    assert _tasks_importers(graph) == ["outreach.services.rounds imports outreach.tasks"]


def test_the_circle_check_finds_a_circle_and_only_its_edges():
    graph = {"a.x": {"a.y"}, "a.y": {"a.z", "a.w"}, "a.z": {"a.x"}, "a.w": set()}
    assert circle_edges(graph) == {("a.x", "a.y"), ("a.y", "a.z"), ("a.z", "a.x")}
