"""The SMTP side of delivery: the wire form of a row, one connection per worker process, and
what an SMTP error means (this message only, or the connection as a whole).

The connection is kept open across tasks (a worker reuses it from batch to batch and task to
task) and checked with a NOOP before a task's first message; one that died is opened again.
Anything that ends a batch with ``ConnectionLost`` drops it, so the next task starts afresh.
"""

from __future__ import annotations

import contextlib
import functools
import re
import smtplib
from email.mime.text import MIMEText
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend
from django.core.mail.message import sanitize_address

from crm.senders import mailbox
from outreach.bounces import verp
from outreach.models import OutboundEmail


def build_message(row: OutboundEmail, connection: Any = None) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=row.subject,
        body=row.body_text,
        from_email=row.from_email or settings.DEFAULT_FROM_EMAIL,
        to=[mailbox(row.to_name, row.to_email)],
        headers={**row.headers, "Message-ID": row.message_id},
        connection=connection,
    )
    if row.body_html:
        message.attach_alternative(row.body_html, "text/html")
    if row.ics:
        part = MIMEText(row.ics, "calendar", "utf-8")
        part.set_param("method", row.ics_method or "PUBLISH")
        part.add_header("Content-Disposition", "attachment", filename="event.ics")
        message.attach(part)
    return message


def wire_bytes(row: OutboundEmail) -> bytes:
    """The message as it goes over the wire (MIME, CRLF). Raises for a message that cannot be
    built (``BadHeaderError`` for a line break in a header, say)."""
    return build_message(row).message().as_bytes(linesep="\r\n")


class ConnectionLost(Exception):
    """The mail server as a whole is away (refused, 421, timeout, disconnect): end the batch."""


class InConversation(Exception):
    """The connection broke (timeout, disconnect) during MAIL/RCPT/DATA, not while opening."""

    def __init__(self, error: BaseException) -> None:
        super().__init__(str(error))
        self.error = error


def _codes(error: smtplib.SMTPException) -> list[int]:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return [code for code, _msg in error.recipients.values()]
    code = getattr(error, "smtp_code", None)
    return [code] if isinstance(code, int) else []


def per_recipient(error: BaseException) -> bool | None:
    """For an error about this one message: True if permanent (5xx), False if temporary (4xx).
    None: the connection is the trouble (421 "closing", timeouts, refusals, disconnects)."""
    if not isinstance(error, smtplib.SMTPRecipientsRefused | smtplib.SMTPSenderRefused | smtplib.SMTPDataError):
        return None
    codes = _codes(error)
    if not codes or 421 in codes:
        return None
    return all(500 <= code < 600 for code in codes)


# This process's SMTP connection and the settings it was opened with (a test may point
# EMAIL_PORT elsewhere: a connection to another server is not reused).
_kept: dict[str, Any] = {"key": None, "backend": None}


def _settings_key() -> tuple:
    return (
        settings.EMAIL_BACKEND,
        settings.EMAIL_HOST,
        settings.EMAIL_PORT,
        settings.EMAIL_HOST_USER,
        settings.EMAIL_USE_TLS,
        settings.EMAIL_USE_SSL,
    )


def connection() -> Any:
    """The worker's mail connection: the SMTP one kept from the last task when it still answers
    a NOOP, else a new one (opened at the first send). Other backends: a new one each time."""
    backend = _kept["backend"]
    if backend is not None and _kept["key"] == _settings_key():
        smtp = backend.connection
        try:
            if smtp is not None and smtp.noop()[0] == 250:
                return backend
        except (smtplib.SMTPException, OSError):
            pass
    drop()
    backend = get_connection(fail_silently=False)
    if isinstance(backend, SmtpBackend):
        _kept.update(key=_settings_key(), backend=backend)
    return backend


def drop() -> None:
    """Close and forget the kept connection (after a connection-level failure)."""
    backend, _kept["backend"] = _kept["backend"], None
    if backend is not None:
        with contextlib.suppress(Exception):  # closing a dead connection may fail; it is gone anyway
            backend.close()


def done_with(backend: Any) -> None:
    """End of a task: an SMTP connection stays open for the next one, others are closed."""
    if backend is not _kept["backend"]:
        with contextlib.suppress(Exception):
            backend.close()


def _open(backend: SmtpBackend) -> smtplib.SMTP:
    if backend.connection is None:
        backend.open()
    smtp = backend.connection
    if smtp is None:  # open() returns without one only when failing silently, which this never does
        raise smtplib.SMTPServerDisconnected("The SMTP connection did not open.")
    return smtp


# An address that is a plain ASCII dot-atom ``local@domain`` goes into the envelope as it is:
# Django's ``sanitize_address`` parses it with the email package's header parser (0.2 ms an
# address, a sixth of a delivery's time) only to return it unchanged. Anything else (a name,
# quotes, non-ASCII, IDNA) still goes through it (``tests/outreach/test_delivery_batch.py``
# compares both on a list of addresses).
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
_PLAIN_ADDRESS = re.compile(rf"{_ATEXT}(?:\.{_ATEXT})*@{_LABEL}(?:\.{_LABEL})*")


@functools.lru_cache(maxsize=256)  # a batch has a handful of senders ("Name <address>")
def _sanitized(address: str) -> str:
    return sanitize_address(address, "utf-8")


def envelope_address(address: str) -> str:
    if _PLAIN_ADDRESS.fullmatch(address):
        return address
    return _sanitized(address)


def _refused(smtp: smtplib.SMTP, code: int) -> None:
    """What ``smtplib.SMTP.sendmail`` does before raising: close on 421, else reset."""
    if code == 421:
        smtp.close()
    else:
        with contextlib.suppress(smtplib.SMTPServerDisconnected):  # as sendmail's own reset
            smtp.rset()


def envelope(backend: SmtpBackend, row: OutboundEmail, raw: bytes) -> None:
    """MAIL FROM and RCPT TO of this row: nothing is delivered until ``payload``. Raises what
    ``sendmail`` raises (SMTPSenderRefused, SMTPRecipientsRefused; InConversation for a broken
    link)."""
    smtp = _open(backend)
    # The envelope sender (Return-Path): the row's own VERP address when BOUNCE_DOMAIN is set.
    sender = verp.return_path(row.pk) or envelope_address(row.from_email or settings.DEFAULT_FROM_EMAIL)
    recipient = envelope_address(row.to_email)
    try:
        smtp.ehlo_or_helo_if_needed()
        options = [f"size={len(raw)}"] if smtp.does_esmtp and smtp.has_extn("size") else []
        code, reply = smtp.mail(sender, options)
        if code != 250:
            _refused(smtp, code)
            raise smtplib.SMTPSenderRefused(code, reply, sender)
        code, reply = smtp.rcpt(recipient)
        if code not in (250, 251):
            _refused(smtp, code)
            raise smtplib.SMTPRecipientsRefused({recipient: (code, reply)})
    except (smtplib.SMTPServerDisconnected, TimeoutError, ConnectionError) as error:
        raise InConversation(error) from error


def payload(backend: SmtpBackend, raw: bytes) -> None:
    """DATA: the stored bytes, after ``envelope``. Raises SMTPDataError, or InConversation."""
    smtp = _open(backend)
    try:
        code, reply = smtp.data(raw)
        if code != 250:
            _refused(smtp, code)
            raise smtplib.SMTPDataError(code, reply)
    except (smtplib.SMTPServerDisconnected, TimeoutError, ConnectionError) as error:
        raise InConversation(error) from error


def abandon(backend: SmtpBackend) -> None:
    """Undo an ``envelope`` whose row is no longer ours (RSET): nothing was delivered."""
    try:
        _open(backend).rset()
    except (smtplib.SMTPException, OSError) as error:
        raise ConnectionLost(str(error)) from error


def send_raw(backend: SmtpBackend, row: OutboundEmail, raw: bytes) -> None:
    """The stored bytes straight through the open SMTP connection (no MIME object rebuilt)."""
    envelope(backend, row, raw)
    payload(backend, raw)
