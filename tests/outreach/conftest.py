"""Fixtures of the outreach tests that need a server of their own."""

from collections.abc import Iterator
from typing import Any

import pytest

from tests.outreach.dovecot import imap_server  # noqa: F401 - a fixture: pytest finds it by name here
from tests.outreach.harness import SmtpServer


@pytest.fixture
def smtp(smtp: SmtpServer, settings: Any) -> Iterator[SmtpServer]:
    """The suite's real SMTP server (tests/conftest.py), with Django's SMTP backend pointed at it."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    yield smtp
