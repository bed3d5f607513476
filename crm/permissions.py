"""One DRF permission class, fed by what each view declares.

A view says ``read_roles`` and ``write_roles`` (and optionally ``action_roles`` for extra
actions). A user holding none of the view's roles gets 404, as for a missing object; a user who
may read but not write gets 403 on writes. Objects come from ``visible_to`` querysets, so an
object out of scope is already a 404 before this class sees it.
"""

from __future__ import annotations

from typing import Any

from rest_framework.exceptions import NotFound
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from crm.scoping import has_role


def _allowed_roles(view: Any, method: str) -> frozenset[str]:
    action_roles = getattr(view, "action_roles", {})
    action = getattr(view, "action", None)
    if action in action_roles:
        return frozenset(action_roles[action])
    return frozenset(view.read_roles if method in SAFE_METHODS else view.write_roles)


class ScopedPermission(BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        method = request.method  # always set by the server; the stubs allow None
        if not (user and user.is_authenticated) or method is None:
            return False
        if not hasattr(view, method.lower()):
            return True  # the view answers 405 for a method it does not serve
        if has_role(user, _allowed_roles(view, method)):
            return True
        if has_role(user, view.read_roles):
            return False
        raise NotFound()

    def has_object_permission(self, request: Request, view: Any, obj: Any) -> bool:
        if request.method in SAFE_METHODS and getattr(view, "action", None) not in getattr(view, "action_roles", {}):
            return True
        manager = type(obj)._default_manager
        return manager.editable_by(request.user).filter(pk=obj.pk).exists()
