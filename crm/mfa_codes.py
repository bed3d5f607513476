"""Recovery codes: how they are made and how they are kept (a leaf: no model, no view).

A code is 10 characters from an alphabet without look-alikes (50 bits), shown once as
``xxxxx-xxxxx``; what is stored is its HMAC-SHA256 under the secret key, so a copy of the
database does not hold a usable code.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings

ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no i, l, o, 0, 1
CODE_COUNT = 10


def normalise(code: str) -> str:
    return "".join(ch for ch in code.lower() if ch.isalnum())


def digest(code: str) -> str:
    key = ("wsp-crm recovery code " + settings.SECRET_KEY).encode()
    return hmac.new(key, normalise(code).encode(), hashlib.sha256).hexdigest()


def new_codes(count: int = CODE_COUNT) -> list[str]:
    codes = []
    for _ in range(count):
        raw = "".join(secrets.choice(ALPHABET) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    return codes
