"""VERP addresses: one envelope sender per outbox row, signed so that only ours count."""

from __future__ import annotations

import re

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

SALT = "outreach.bounces.verp"
SIGNATURE_LENGTH = 16  # hex digits: 64 bits of HMAC-SHA256


def signature(row_id: int) -> str:
    return salted_hmac(SALT, str(row_id), algorithm="sha256").hexdigest()[:SIGNATURE_LENGTH]


def return_path(row_id: int) -> str | None:
    """The envelope sender (Return-Path) of row ``row_id``, or None without a BOUNCE_DOMAIN."""
    if not settings.BOUNCE_DOMAIN:
        return None
    return f"bounces+{row_id}-{signature(row_id)}@{settings.BOUNCE_DOMAIN}"


def pattern() -> re.Pattern[bytes]:
    domain = re.escape(settings.BOUNCE_DOMAIN.encode()) if settings.BOUNCE_DOMAIN else rb"[A-Za-z0-9.-]+"
    return re.compile(rb"bounces\+(\d{1,18})-([0-9A-Fa-f]{%d})@" % SIGNATURE_LENGTH + domain, re.IGNORECASE)


def row_in(raw: bytes) -> int | None:
    """The outbox row a bounce is about: the first VERP address in it with a valid signature
    (the DSN's To:, or the Return-Path of the original message a complaint quotes)."""
    for match in pattern().finditer(raw):
        row_id = int(match.group(1))
        if constant_time_compare(match.group(2).decode().lower(), signature(row_id)):
            return row_id
    return None
