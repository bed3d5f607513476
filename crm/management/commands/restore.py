"""``manage.py restore FILE``: put a backup of ``manage.py backup`` back (see crm/backup.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.db.migrations.executor import MigrationExecutor

from crm import backup


class Command(BaseCommand):
    help = (
        "Restore a pg_dump custom-format backup into the configured database (created when missing). "
        "A database with tables is refused unless --replace; stop web, worker and beat first."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", type=Path, help="a file written by manage.py backup")
        parser.add_argument(
            "--replace", action="store_true", help="drop the existing database and restore in its place"
        )

    def handle(self, *args: Any, file: Path, replace: bool = False, **options: Any) -> None:
        connections.close_all()  # no session of ours may hold the database being replaced
        try:
            done = backup.restore(file, replace=replace)
        except backup.BackupError as error:
            raise CommandError(f"Restore failed: {error}") from error
        self.stdout.write(self.style.SUCCESS(done[0].upper() + done[1:] + "."))
        executor = MigrationExecutor(connections["default"])
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if pending:
            self.stdout.write(f"The backup is {len(pending)} migration(s) behind this code: run manage.py migrate.")
