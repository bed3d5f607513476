"""Backup and restore as a round trip on the real database: back up, drop it, restore, and the
app serves the same data; the outbox sends what was pending once and what was sent never again."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections

from crm import backup
from employers.models import Employer
from outreach.models import OutboundEmail
from outreach.services import invitations
from outreach.tasks import deliver_emails
from tests.factories import ContactPersonFactory, EmployerFactory
from tests.outreach.factories import EventFactory
from tests.outreach.harness import SmtpServer

pytestmark = pytest.mark.django_db(transaction=True)  # the round trip takes about 1.5 s


@pytest.fixture
def smtp(settings: Any) -> Iterator[SmtpServer]:
    server = SmtpServer().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield server
    server.stop()


def snapshot() -> dict[str, Any]:
    counts = {model._meta.label: model._default_manager.count() for model in apps.get_models()}
    outbox = list(OutboundEmail.objects.order_by("pk").values())
    return {"counts": counts, "outbox": outbox, "employers": list(Employer.objects.order_by("pk").values())}


def drop_database(name: str) -> None:
    connections.close_all()
    db = connection.settings_dict
    with psycopg.connect(
        host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=db["USER"], dbname="postgres", autocommit=True
    ) as conn:
        conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        assert conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None


def test_back_up_drop_restore_serves_the_same_data_and_sends_nothing_twice(
    tmp_path: Path, smtp: SmtpServer, web: Any, adviser_a: Any
) -> None:
    employer = EmployerFactory(legal_name="Bakkerij Teruggezet B.V.", region_id="AM18")
    people = [ContactPersonFactory(employer=employer, email=f"p{i}@bakkerij.example") for i in range(2)]
    invitations.invite(event=EventFactory(owner=adviser_a), by=adviser_a, persons=people)
    sent, pending = OutboundEmail.objects.order_by("to_email")
    assert deliver_emails.apply(args=[[sent.pk]]).get()["sent"] == 1
    client = web(adviser_a)  # its session is in the database too
    before = snapshot()
    assert {r["state"] for r in before["outbox"]} == {"sent", "queued"}

    call_command("backup", "--output", str(tmp_path / "crm.dump"))
    name = connection.settings_dict["NAME"]
    drop_database(name)
    call_command("restore", str(tmp_path / "crm.dump"))

    assert snapshot() == before
    page = client.get("/employers/")
    assert page.status_code == 200 and "Bakkerij Teruggezet" in page.content.decode()
    result = deliver_emails.apply(args=[[sent.pk, pending.pk]]).get()
    assert (result["sent"], result["skipped"]) == (1, 1)
    assert sorted(smtp.counts().values()) == [1, 1]
    assert set(smtp.message_ids()) == {sent.message_id, pending.message_id}


def test_restore_refuses_a_database_with_tables_and_a_file_that_is_not_a_backup(tmp_path: Path) -> None:
    call_command("backup", "--output", str(tmp_path / "crm.dump"))
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(tmp_path / "crm.dump"))
    (tmp_path / "junk.dump").write_text("not a dump")
    with pytest.raises(CommandError, match="custom-format"):
        call_command("restore", str(tmp_path / "junk.dump"))
    with pytest.raises(CommandError, match="does not exist"):
        call_command("restore", str(tmp_path / "missing.dump"))


def test_replace_restores_over_a_database_with_tables(tmp_path: Path) -> None:
    employer = EmployerFactory(legal_name="Blijft Bestaan B.V.")
    call_command("backup", "--output", str(tmp_path / "crm.dump"))
    Employer.objects.filter(pk=employer.pk).delete()

    call_command("restore", str(tmp_path / "crm.dump"), "--replace")

    assert Employer.objects.get(pk=employer.pk).legal_name == "Blijft Bestaan B.V."


def test_the_tools_are_those_of_the_server_version() -> None:
    """A newer pg_restore writes settings an older server refuses: the version must match."""
    major = backup.server_major()
    for name in ("pg_dump", "pg_restore"):
        assert backup._major(backup.find_tool(name, major)) == major
