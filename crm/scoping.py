"""The one way region data is read: ``Model.objects.visible_to(user)``.

Every view, serializer lookup, filter choice and export starts from a scoped queryset, so an
object out of a user's regions is simply not found (404), exactly like a missing one.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Self

from django.db import models

from crm.models import Membership, Role

NETWORK_READ = frozenset({Role.ADVISER, Role.COORDINATOR, Role.GUIDE})
NETWORK_WRITE = frozenset({Role.ADVISER, Role.COORDINATOR})
ALL_ROLES = frozenset(Role)
NATIONAL = None  # the "region" of a national membership

_CACHE_ATTR = "_wsp_roles_by_region"


def roles_by_region(user: Any) -> dict[str | None, frozenset[str]]:
    """``{region code or None: roles}``, read once per request (cached on the user object)."""
    if not getattr(user, "is_authenticated", False):
        return {}
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        grouped: dict[str | None, set[str]] = {}
        for region_id, role in Membership.objects.filter(user=user).values_list("region_id", "role"):
            grouped.setdefault(region_id, set()).add(role)
        cached = {region: frozenset(roles) for region, roles in grouped.items()}
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget_roles(user: Any) -> None:
    """Drop the cached roles, after memberships changed within one request or test."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def user_roles(user: Any) -> frozenset[str]:
    return frozenset().union(*roles_by_region(user).values()) if roles_by_region(user) else frozenset()


def has_role(user: Any, roles: Iterable[str]) -> bool:
    return bool(user_roles(user) & frozenset(roles))


def region_codes(user: Any, roles: Iterable[str]) -> set[str]:
    """The regions in which ``user`` holds at least one of ``roles``."""
    wanted = frozenset(roles)
    return {code for code, held in roles_by_region(user).items() if code is not None and held & wanted}


class RegionScopedQuerySet(models.QuerySet):
    """Base for every queryset of region data.

    A subclass says where the region is (``region_path``) and which roles read and write; the
    roles in ``national_read_roles`` read every region (the AWVN adviser for events).
    """

    region_path: str = "region"
    read_roles: frozenset[str] = NETWORK_READ
    write_roles: frozenset[str] = NETWORK_WRITE
    national_read_roles: frozenset[str] = frozenset()

    def _in_regions(self, codes: set[str]) -> Self:
        return self.filter(**{f"{self.region_path}__in": sorted(codes)})

    def visible_to(self, user: Any) -> Self:
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if has_role(user, self.national_read_roles):
            return self.all()
        return self._in_regions(region_codes(user, self.read_roles))

    def editable_by(self, user: Any) -> Self:
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self._in_regions(region_codes(user, self.write_roles))
