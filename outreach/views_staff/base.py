"""What every staff page of a session shares: the role check, the scoped session, errors as messages."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.views import View

from crm.mixins import RoleRequiredMixin
from crm.scoping import NETWORK_WRITE
from crm.types import AuthenticatedHttpRequest
from outreach import selectors_staff as selectors
from outreach.models import Event


def error_message(request: HttpRequest, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


class StaffView(RoleRequiredMixin, View):
    """Advisers and coordinators of the session's region; everyone else gets 404."""

    read_roles = NETWORK_WRITE
    write_roles = NETWORK_WRITE
    request: AuthenticatedHttpRequest  # RoleRequiredMixin turns visitors away before any handler runs

    def event(self, pk: int) -> Event:
        return get_object_or_404(selectors.staff_events(self.request.user), pk=pk)
