#!/usr/bin/env python
"""Django's command-line utility for WSP CRM."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        # Load the settings first: Django's command runner swallows a settings error and fails
        # later with "Models aren't loaded yet", which names neither the variable nor the fix.
        settings.INSTALLED_APPS  # noqa: B018 - reading the attribute loads the settings
        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as error:
        # A bad environment value: say which variable, without a traceback.
        sys.stderr.write(f"Configuration error: {error}\n")
        sys.exit(2)


if __name__ == "__main__":
    main()
