"""The services enqueue by task name (``crm.queue``); a web process has not imported
``candidates.tasks``, so the name has to be found there too."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import sys
import django
django.setup()
from crm.queue import task
assert "candidates.tasks" not in sys.modules, "imported before the look-up"
print(task("candidates.tasks.send_warm_intro").name)
"""


def test_a_process_that_never_imported_the_tasks_finds_them_by_name() -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "crm.settings"}
    done = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False
    )

    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "candidates.tasks.send_warm_intro"
