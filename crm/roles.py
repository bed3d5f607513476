"""Who holds which role where: the role names, the network's read and write roles, and a user's
roles by region, read once per request through the user's memberships.

A leaf below ``crm.models`` (it imports no model: the memberships are read through the user's
reverse relation), so the Region manager can ask it without an import circle. The scoping layer
(``crm.scoping``) builds every queryset on these answers.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from crm.types import AnyUser


class Role(models.TextChoices):
    ADVISER = "adviser", _("WSP adviser")
    COORDINATOR = "coordinator", _("WSP coordinator")
    GUIDE = "guide", _("IPS trajectory guide")
    AWVN = "awvn", _("AWVN adviser")


NETWORK_READ = frozenset({Role.ADVISER, Role.COORDINATOR, Role.GUIDE})
NETWORK_WRITE = frozenset({Role.ADVISER, Role.COORDINATOR})
ALL_ROLES = frozenset(Role)
NATIONAL = None  # the "region" of a national membership

_CACHE_ATTR = "_wsp_roles_by_region"


def roles_by_region(user: AnyUser) -> dict[str | None, frozenset[str]]:
    """``{region code or None: roles}``, read once per request (cached on the user object)."""
    if not user.is_authenticated:  # a visitor holds no roles
        return {}
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        grouped: dict[str | None, set[str]] = {}
        for region_id, role in user.memberships.values_list("region_id", "role"):
            grouped.setdefault(region_id, set()).add(role)
        cached = {region: frozenset(roles) for region, roles in grouped.items()}
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget_roles(user: AnyUser) -> None:
    """Drop the cached roles, after memberships changed within one request or test."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def user_roles(user: AnyUser) -> frozenset[str]:
    return frozenset().union(*roles_by_region(user).values()) if roles_by_region(user) else frozenset()


def has_role(user: AnyUser, roles: Iterable[str]) -> bool:
    return bool(user_roles(user) & frozenset(roles))


def region_codes(user: AnyUser, roles: Iterable[str]) -> set[str]:
    """The regions in which ``user`` holds at least one of ``roles``."""
    wanted = frozenset(roles)
    return {code for code, held in roles_by_region(user).items() if code is not None and held & wanted}
