"""The national agenda for the AWVN adviser and coordinators, and AWVN's confirmation."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from crm.mixins import RoleRequiredMixin
from crm.models import Region, Role
from crm.roles import NETWORK_WRITE, region_codes, user_roles
from crm.types import AuthenticatedHttpRequest
from outreach import selectors_staff as selectors
from outreach.forms import (
    AwvnConfirmForm,
)
from outreach.models import Event
from outreach.services.awvn import awvn_confirm

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from crm.types import AuthUser
from outreach.views_staff.base import error_message


class AgendaView(RoleRequiredMixin, View):
    """Every region's sessions, for the AWVN adviser and coordinators. Only non-draft sessions,
    which are public on their own page anyway; the AWVN adviser confirms registrations here."""

    read_roles = frozenset({Role.AWVN, Role.COORDINATOR})

    def get(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        events: QuerySet[Event] = Event.objects.public().select_related("region")
        region = request.GET.get("region", "")
        if region:
            events = events.filter(region=region)
        month = request.GET.get("month", "")
        year_month = _parse_month(month)
        if year_month:
            events = events.filter(starts_at__year=year_month[0], starts_at__month=year_month[1])
        else:
            month = ""
            events = selectors.upcoming_or_past(events, past=False)
        awvn_state = request.GET.get("awvn", "")
        if awvn_state == "requested":
            events = events.filter(awvn_requested_at__isnull=False, awvn_confirmed_at__isnull=True)
        elif awvn_state == "confirmed":
            events = events.filter(awvn_confirmed_at__isnull=False)
        elif awvn_state == "none":
            events = events.filter(awvn_requested_at__isnull=True)
        page = Paginator(events.order_by("starts_at", "id"), 50).get_page(request.GET.get("page"))
        context = {
            "page": page,
            "regions": Region.objects.order_by("code"),
            "region": region,
            "month": month,
            "awvn": awvn_state,
            "is_awvn": Role.AWVN in _roles(request.user),
            "own_regions": {e.region_id for e in page if e.region_id in _own_regions(request.user)},
        }
        return render(request, "outreach/staff/agenda.html", context)


def _roles(user: AuthUser) -> frozenset[str]:
    return user_roles(user)


def _own_regions(user: AuthUser) -> set[str]:
    return region_codes(user, NETWORK_WRITE)


def _parse_month(value: str) -> tuple[int, int] | None:
    try:
        year, month = (int(part) for part in value.split("-"))
    except ValueError:
        return None
    return (year, month) if 2000 <= year <= 2100 and 1 <= month <= 12 else None


class AgendaConfirmView(RoleRequiredMixin, View):
    """The AWVN adviser's one write: confirm a registration with AWVN's reference."""

    read_roles = frozenset({Role.AWVN})
    write_roles = frozenset({Role.AWVN})

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        event = get_object_or_404(Event.objects.visible_to(request.user).public(), pk=pk)
        form = AwvnConfirmForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Enter AWVN's reference to confirm “%(title)s”.") % {"title": event.title})
        else:
            try:
                awvn_confirm(event=event, by=request.user, reference=form.cleaned_data["reference"])
            except ValidationError as error:
                error_message(request, error)
            else:
                messages.success(request, _("Registration of “%(title)s” confirmed.") % {"title": event.title})
        return redirect(_agenda_back(request))


def _agenda_back(request: AuthenticatedHttpRequest) -> str:
    query = request.POST.get("back", "")
    return reverse("outreach:agenda") + (f"?{query}" if query and "\n" not in query else "")
