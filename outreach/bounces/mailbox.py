"""Reading the bounce mailbox over IMAP: every unseen message is processed, then marked seen.

BOUNCE_IMAP_URL is ``imaps://user:password@host:993/INBOX`` (TLS), ``imap+starttls://...`` or,
on loopback only, ``imap://...``; user, password and folder percent-encoded. A message is
marked seen after it was recorded, so a crash in between reads it again, which does no harm
(``bounce_record`` counts a row once).
"""

from __future__ import annotations

import imaplib
from collections import Counter
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from django.conf import settings

from outreach.bounces.services import process

SCHEMES = {"imap": 143, "imap+starttls": 143, "imaps": 993}


class MailboxError(Exception):
    """The mailbox cannot be read: a bad URL, refused log-in, missing folder, no connection."""


@dataclass(frozen=True)
class Mailbox:
    scheme: str
    host: str
    port: int
    user: str
    password: str
    folder: str

    @classmethod
    def from_url(cls, url: str) -> Mailbox:
        parts = urlsplit(url)
        if parts.scheme not in SCHEMES or not parts.hostname or not parts.username:
            raise MailboxError("BOUNCE_IMAP_URL must look like imaps://user:password@host:993/INBOX")
        try:
            port = parts.port or SCHEMES[parts.scheme]
        except ValueError as error:
            raise MailboxError(f"BOUNCE_IMAP_URL has a bad port: {error}") from None
        return cls(
            scheme=parts.scheme,
            host=parts.hostname,
            port=port,
            user=unquote(parts.username),
            password=unquote(parts.password or ""),
            folder=unquote(parts.path.lstrip("/")) or "INBOX",
        )

    def connect(self) -> imaplib.IMAP4:
        timeout = settings.EMAIL_TIMEOUT
        if self.scheme == "imaps":
            return imaplib.IMAP4_SSL(self.host, self.port, timeout=timeout)
        imap = imaplib.IMAP4(self.host, self.port, timeout=timeout)
        if self.scheme == "imap+starttls":
            imap.starttls()
        return imap


def fetch(url: str | None = None) -> dict[str, int]:
    """Process the unseen messages of the mailbox; returns how many ended how."""
    mailbox = Mailbox.from_url(url if url is not None else settings.BOUNCE_IMAP_URL)
    outcomes: Counter[str] = Counter()
    try:
        with mailbox.connect() as imap:
            imap.login(mailbox.user, mailbox.password)
            status, _data = imap.select('"' + mailbox.folder.replace('"', r"\"") + '"')
            if status != "OK":
                raise MailboxError(f"the folder {mailbox.folder!r} cannot be opened")
            _status, found = imap.uid("SEARCH", "UNSEEN")
            for uid in found[0].split():
                _status, parts = imap.uid("FETCH", uid, "(BODY.PEEK[])")
                raw = next((part[1] for part in parts if isinstance(part, tuple)), b"")
                outcomes[process(raw)] += 1
                imap.uid("STORE", uid, "+FLAGS", r"(\Seen)")
    except (imaplib.IMAP4.error, OSError) as error:
        raise MailboxError(f"{mailbox.host}:{mailbox.port}: {error}") from error
    return dict(outcomes)
