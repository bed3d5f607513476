"""Fill an empty database with a believable demo: users per role, then each app's data."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from crm.demo import ADMIN_USERNAME, DEMO_PASSWORD, DEMO_USERS, seed_users
from crm.discovery import app_modules_named_like

# Each local app may provide ``<app>/demo.py`` and ``<app>/demo_<part>.py`` with ``seed(users)``;
# they run app by app in ``settings.LOCAL_APPS`` order (employers first: the others build on its
# employers), within an app ``demo`` first, then the parts in name order.


class Command(BaseCommand):
    help = "Create demo users for every role and demo data (once; use --force to add it again)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--force", action="store_true", help="seed even if the demo users exist")
        parser.add_argument("--quiet-logins", action="store_true", help="do not print the demo logins")

    def handle(self, *args: Any, force: bool = False, quiet_logins: bool = False, **options: Any) -> None:
        already = get_user_model().objects.filter(username=DEMO_USERS[0].username).exists()
        if already and not force:
            self.stdout.write("Demo data is already there.")
        else:
            users = seed_users()
            for module in app_modules_named_like("demo"):
                summary = module.seed(users)
                self.stdout.write(f"{module.__name__.removesuffix('.demo')}: {summary}")
            self.stdout.write(self.style.SUCCESS("Demo data created."))
        if not quiet_logins:
            self.print_logins()

    def print_logins(self) -> None:
        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD}):")
        for demo in DEMO_USERS:
            where = demo.region or "national"
            self.stdout.write(f"  {demo.username:<20} {demo.role:<12} {where}")
        self.stdout.write(f"  {ADMIN_USERNAME:<20} {'staff admin':<12} /admin/")
