"""Every noqa comment says why (issues 15, 16): ``# noqa: S311 - demo data, not security``. Stale
ones (silencing nothing) fail ``ruff check`` through RUF100 in pyproject.toml."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SKIP = {".venv", "var", "migrations", "node_modules", ".git"}
NOQA = re.compile(r"#\s*noqa\b(?P<rest>.*)$")
REASONED = re.compile(r"^:\s*[A-Z]+[0-9]+(\s*,\s*[A-Z]+[0-9]+)*\s+(-|--)\s+\S")


def _sources() -> list[Path]:
    return sorted(p for p in ROOT.rglob("*.py") if not SKIP & set(p.relative_to(ROOT).parts))


def test_every_noqa_names_its_rule_and_reason() -> None:
    bare = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in _sources()
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if (found := NOQA.search(line)) and not REASONED.match(found["rest"])
    ]
    assert bare == [], f"give each noqa its rule and reason ('# noqa: S311 - demo data'): {bare}"
