"""No module of the apps is over 400 lines (STYLE.md), migrations aside. No exceptions list: a
module that grows past the limit is split along a real seam (as ``employers.views`` /
``employers.views_parts`` and ``employers.services`` / ``employers.services_parts``)."""

from __future__ import annotations

from pathlib import Path

from tests.quality.test_imports import project_modules

MAX_LINES = 400


def _too_long(paths: dict[str, Path]) -> list[str]:
    lengths = {name: len(path.read_text(encoding="utf-8").splitlines()) for name, path in paths.items()}
    return sorted(f"{name}: {n} lines" for name, n in lengths.items() if n > MAX_LINES)


def test_no_module_of_the_apps_is_over_400_lines():
    modules = project_modules()  # every module of crm, employers, outreach, candidates, reports
    assert "crm.settings" in modules and not any(".migrations." in name for name in modules)
    found = _too_long(modules)
    assert not found, "split along a seam:\n" + "\n".join(found)


def test_the_size_check_would_catch_a_long_module(tmp_path: Path):
    long, short = tmp_path / "long.py", tmp_path / "short.py"
    long.write_text("x = 1\n" * (MAX_LINES + 1), encoding="utf-8")
    short.write_text("x = 1\n" * MAX_LINES, encoding="utf-8")
    assert _too_long({"a.long": long, "a.short": short}) == ["a.long: 401 lines"]
