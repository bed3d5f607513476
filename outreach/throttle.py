"""A small cache-based throttle for the public POSTs (RSVP, unsubscribe, fresh link).

Same rate setting as the API token endpoint (``TOKEN_THROTTLE_RATE``, e.g. ``10/minute``),
counted per client address and purpose in fixed windows in the shared (Redis) cache.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def rate() -> tuple[int, int]:
    """``(requests, seconds)`` from the DRF-style rate string."""
    text = settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {}).get("token") or "10/minute"
    count, _, period = text.partition("/")
    return int(count), _PERIODS.get(period[:1].lower(), 60)


def client_address(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def allow(request: HttpRequest, scope: str) -> bool:
    """Count this request; False once the client has used up the current window."""
    limit, period = rate()
    window = int(time.time() // period)
    key = f"outreach:throttle:{scope}:{client_address(request)}:{window}"
    if cache.add(key, 1, timeout=period + 1):
        return True
    try:
        return cache.incr(key) <= limit
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=period + 1)
        return True
