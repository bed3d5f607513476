"""The delivery bench's peer: django-post-office sending the bench's messages to the same sink.

Run by ``bench_outreach.py`` in a subprocess whose ``PYTHONPATH`` has the peer (installed into
``var/bench/peer`` from ``requirements-peer.txt``, not in the project's locks), with a minimal
Django of its own (contenttypes + post_office) on the bench database:

    python tests/bench/peer_postoffice.py SINK_PORT PROCESSES [BATCH_SIZE]

It copies the bench's invitation rows (subject, text, HTML, addresses) into post_office's
queue, then times ``send_queued_mail --processes=PROCESSES`` and prints the seconds.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

import django
from django.conf import settings


def configure(port: int, batch_size: int | None) -> None:
    url = urlsplit(os.environ["DATABASE_URL"])
    settings.configure(
        INSTALLED_APPS=["django.contrib.contenttypes", "post_office"],
        DATABASES={
            "default": {
                "ENGINE": "django.db.backends.postgresql",
                "NAME": url.path.lstrip("/"),
                "USER": unquote(url.username or ""),
                "PASSWORD": unquote(url.password or ""),
                "HOST": url.hostname or "",
                "PORT": url.port or "",
            }
        },
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=port,
        USE_TZ=True,
        DEFAULT_AUTO_FIELD="django.db.models.AutoField",
        POST_OFFICE={"BATCH_SIZE": batch_size} if batch_size else {},
    )
    django.setup()


def main() -> None:
    port, processes = int(sys.argv[1]), int(sys.argv[2])
    batch_size = int(sys.argv[3]) if len(sys.argv) > 3 else None
    configure(port, batch_size)
    from django.core.management import call_command
    from django.db import connection
    from post_office.models import STATUS, Email

    call_command("migrate", "post_office", verbosity=0)
    Email.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT from_email, to_email, subject, body_text, body_html FROM outreach_outboundemail e "
            "JOIN outreach_event ev ON ev.id = e.event_id WHERE ev.slug = 'bench-outreach' AND e.kind = 'invite' "
            "ORDER BY e.id"
        )
        rows = cursor.fetchall()
    Email.objects.bulk_create(
        [
            Email(
                from_email=sender or "noreply@localhost",
                to=[to],
                subject=subject,
                message=text,
                html_message=html,
                status=STATUS.queued,
            )
            for sender, to, subject, text, html in rows
        ],
        batch_size=1000,
    )
    connection.close()
    started = time.perf_counter()
    lockfile = Path(tempfile.gettempdir()) / f"post-office-bench-{port}"
    call_command("send_queued_mail", processes=processes, lockfile=str(lockfile))
    elapsed = time.perf_counter() - started
    sent = Email.objects.filter(status=STATUS.sent).count()
    if sent != len(rows):
        raise SystemExit(f"post_office sent {sent} of {len(rows)}")
    print(f"{elapsed:.3f}")


if __name__ == "__main__":
    main()
