"""``manage.py backup``: a complete, restorable dump of the database (see crm/backup.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from crm import backup


class Command(BaseCommand):
    help = "Dump the database with pg_dump (custom format) to --output or var/backups/ (BACKUP_DIR)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--output", "-o", type=Path, help="the file to write (default: BACKUP_DIR/<db>-<time>.dump)"
        )

    def handle(self, *args: Any, output: Path | None = None, **options: Any) -> None:
        target = output or backup.default_target(timezone.now().strftime("%Y%m%d-%H%M%S"))
        try:
            written = backup.backup(target)
        except backup.BackupError as error:
            raise CommandError(f"Backup failed: {error}") from error
        size = written.stat().st_size
        self.stdout.write(self.style.SUCCESS(f"Backup written to {written} ({size / 1_000_000:.1f} MB)."))
