"""The page-side twin of ``ScopedPermission``: views declare roles, outsiders get 404."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponseBase

from crm.scoping import has_role


class RoleRequiredMixin(LoginRequiredMixin):
    """``read_roles`` for GET/HEAD, ``write_roles`` for the rest; no role at all is a 404."""

    read_roles: frozenset[str] = frozenset()
    write_roles: frozenset[str] = frozenset()

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not hasattr(self, (request.method or "").lower()):
            return super().dispatch(request, *args, **kwargs)  # Django's 405 for what we do not serve
        roles = self.read_roles if request.method in ("GET", "HEAD", "OPTIONS") else self.write_roles
        if not has_role(request.user, roles):
            if has_role(request.user, self.read_roles):
                raise PermissionDenied
            raise Http404
        return super().dispatch(request, *args, **kwargs)
