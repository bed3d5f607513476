"""``manage.py fetch_bounces``: read the bounce mailbox (BOUNCE_IMAP_URL) once and record what
it says (the beat task ``outreach.tasks.fetch_bounces`` does the same every few minutes)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from outreach.bounces.mailbox import MailboxError, fetch


class Command(BaseCommand):
    help = "Read unseen bounces and complaints from the bounce mailbox (BOUNCE_IMAP_URL) and record them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--url", default=None, help="the mailbox, instead of BOUNCE_IMAP_URL")

    def handle(self, *args: Any, **options: Any) -> None:
        url = options["url"] if options["url"] is not None else settings.BOUNCE_IMAP_URL
        if not url:
            raise CommandError("No bounce mailbox: set BOUNCE_IMAP_URL (imaps://user:password@host:993/INBOX).")
        try:
            outcomes = fetch(url)
        except MailboxError as error:
            raise CommandError(f"The bounce mailbox cannot be read: {error}") from None
        summary = ", ".join(f"{name}: {count}" for name, count in sorted(outcomes.items())) or "no new messages"
        self.stdout.write(summary)
