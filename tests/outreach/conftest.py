"""Fixtures of the outreach tests that need a server of their own."""

from tests.outreach.dovecot import imap_server  # noqa: F401 - a fixture: pytest finds it by name here
