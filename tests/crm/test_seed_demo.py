from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_seed_demo_finds_every_apps_demo_and_runs_them_layer_by_layer():
    # crm names no app: the demo modules are found through settings.LOCAL_APPS.
    out = StringIO()

    call_command("seed_demo", quiet_logins=True, stdout=out)

    seeded = [line.split(":")[0] for line in out.getvalue().splitlines() if ": " in line]
    assert seeded == ["employers", "employers.contacts", "outreach", "candidates"]
    assert "Demo data created." in out.getvalue()
