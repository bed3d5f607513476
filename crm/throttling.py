"""Who is asking, and how often: the client address behind the configured proxies, and DRF's
rate throttles over it, failing open when the cache (Redis) is away.

One rule for the address, used by the API token throttle, the log-in lock-out (django-axes'
``AXES_CLIENT_IP_CALLABLE``) and the public outreach throttles: ``X-Forwarded-For`` is believed
only as far as ``TRUSTED_PROXY_COUNT`` proxies of our own put it there. A client can write any
header it likes; only the entries our proxies appended (the right-most ones) are facts.
"""

from __future__ import annotations

import ipaddress
import logging
from typing import Any, cast

from django.conf import settings
from django.http import HttpRequest
from redis.exceptions import RedisError
from rest_framework.settings import api_settings
from rest_framework.throttling import ScopedRateThrottle, SimpleRateThrottle

log = logging.getLogger(__name__)


def client_address(request: HttpRequest) -> str | None:
    """The address of the client as far as the deployment can vouch for it.

    With ``TRUSTED_PROXY_COUNT = 0`` (the default: nothing in front of gunicorn) that is
    ``REMOTE_ADDR`` and ``X-Forwarded-For`` is ignored. With ``n`` proxies of our own in front,
    the outermost one appended the client's address, so it is the ``n``-th entry from the right;
    everything left of it is what the client claimed. A header with fewer entries than proxies
    did not come through them all, so only ``REMOTE_ADDR`` is a fact then. None when the request
    has no address at all (a request built in code, such as the test client's ``force_login``).
    """
    remote = request.META.get("REMOTE_ADDR") or None
    count: int = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    entries = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if entry.strip()]
    if len(entries) < count:
        return remote
    candidate = entries[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


class FailOpenMixin:
    """A throttle that lets the request through when its cache cannot be reached: a Redis outage
    must not take the RSVP page or the log-in down with it (the warning says it happened)."""

    scope: str | None  # set by the SimpleRateThrottle subclasses this mixes into

    def allow_request(self, request: Any, view: Any) -> bool:
        try:
            return super().allow_request(request, view)  # type: ignore[misc]
        except (RedisError, OSError) as error:
            log.warning("throttle %s not applied: cache unreachable (%s)", getattr(self, "scope", "?"), error)
            return True

    def get_rate(self) -> str | None:
        # Read the rates when the throttle is made, not when the class was imported, so a
        # changed setting (and a test's override) takes effect.
        if self.scope is None:
            return None
        # The stubs type the rates loosely; the settings hold strings such as "10/min" (or None: no limit).
        return cast("str | None", api_settings.DEFAULT_THROTTLE_RATES.get(self.scope))

    def get_ident(self, request: Any) -> str:
        return client_address(request) or "unknown"


class TokenThrottle(FailOpenMixin, ScopedRateThrottle):
    """The API token endpoint: per client address (see ``client_address``), scope ``token``."""


class PublicThrottle(FailOpenMixin, SimpleRateThrottle):
    """A public page's POSTs, per person where the request carries a personal link (its
    token: behind one proxy or one office NAT every employer shares an address), else per
    client address. Rate ``public`` (``PUBLIC_THROTTLE_RATE``)."""

    scope = "public"

    def __init__(self, purpose: str, personal: str | None = None) -> None:
        # ``personal``: whom the verified link names (e.g. "invitation:42"), never the raw token.
        self.purpose = purpose
        self.personal = personal
        super().__init__()

    def get_cache_key(self, request: Any, view: Any) -> str:
        ident = self.personal or "addr:" + self.get_ident(request)
        return self.cache_format % {"scope": f"{self.scope}:{self.purpose}", "ident": ident}


def public_allow(request: HttpRequest, purpose: str, *, personal: str | None = None) -> bool:
    """Count one public POST; False once this person (or address) used up the window."""
    return PublicThrottle(purpose, personal).allow_request(request, None)
