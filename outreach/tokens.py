"""Personal links: the invitation's random token, signed for one purpose.

The token (256 random bits) makes a link unguessable; the signature with a per-purpose salt
binds it to what it is for, so an RSVP link cannot be turned into an unsubscribe link or back,
and a link that was altered is recognised before the database is asked.
"""

from __future__ import annotations

from django.core import signing

# "colleague": the forward-to-a-colleague link, which prefills the organisation on the public page.
# "wish": the thank-you mail's one-click "contact me" / "a candidate or trial placement" links.
PURPOSES = frozenset({"rsvp", "unsubscribe", "colleague", "wish"})


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


# --- Links that carry their own data ------------------------------------------------------

REGISTRATION_SALT = "outreach.registration-confirm"


def sign_registration(token: str) -> str:
    """The confirmation link of an open registration: the token, signed with the time."""
    return signing.TimestampSigner(salt=REGISTRATION_SALT).sign(token)


def unsign_registration(value: str, max_age: int) -> tuple[str | None, bool]:
    """``(token, expired)``: the token when the signature holds (also when it is too old, so the
    page can say which session it was), and whether it is older than ``max_age`` seconds."""
    signer = signing.TimestampSigner(salt=REGISTRATION_SALT)
    try:
        return signer.unsign(value, max_age=max_age), False
    except signing.SignatureExpired:
        return signer.unsign(value), True
    except signing.BadSignature:
        return None, False
