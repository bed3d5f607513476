"""Personal links: the invitation's random token, signed for one purpose.

The token (256 random bits) makes a link unguessable; the signature with a per-purpose salt
binds it to what it is for, so an RSVP link cannot be turned into an unsubscribe link or back,
and a link that was altered is recognised before the database is asked.
"""

from __future__ import annotations

from django.core import signing

PURPOSES = frozenset({"rsvp", "unsubscribe"})


def _signer(purpose: str) -> signing.Signer:
    if purpose not in PURPOSES:
        raise ValueError(purpose)
    return signing.Signer(salt=f"outreach.{purpose}")


def sign(token: str, purpose: str) -> str:
    return _signer(purpose).sign(token)


def unsign(value: str, purpose: str) -> str | None:
    """The token inside ``value``, or None when the signature does not hold for ``purpose``."""
    try:
        return _signer(purpose).unsign(value)
    except signing.BadSignature:
        return None
