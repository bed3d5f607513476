"""The user type the code works with, and requests that are known to carry one.

The project uses Django's own ``User`` (no ``AUTH_USER_MODEL``). ``request.user`` is typed
``User | AnonymousUser``; behind ``RoleRequiredMixin``/``LoginRequiredMixin`` and DRF's
``ScopedPermission`` it is always a signed-in ``User``, so views that sit behind those declare
their request as one of the two classes below (as healthchecks does with its
``AuthenticatedHttpRequest``). They are annotations only: nothing constructs them.
"""

from __future__ import annotations

from typing import TypeAlias

from django.contrib.auth.models import AnonymousUser, User
from django.http import HttpRequest
from rest_framework.request import Request

AuthUser: TypeAlias = User
# What ``request.user`` is before anyone checked: for the few helpers that answer "nothing" to a visitor.
AnyUser: TypeAlias = User | AnonymousUser


class AuthenticatedHttpRequest(HttpRequest):
    user: AuthUser


class AuthenticatedRequest(Request):
    user: AuthUser
