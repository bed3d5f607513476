"""Check-in on the day: mark who came, add walk-ins."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from crm.forms import apply_errors
from crm.types import AuthenticatedHttpRequest
from outreach import selectors_staff as selectors
from outreach.forms import (
    WalkInForm,
)
from outreach.models import Event, Invitation, Rsvp
from outreach.services.attendance import attendance_mark, walk_in_add
from outreach.views_staff.base import StaffView, error_message


class EventCheckinView(StaffView):
    template_name = "outreach/staff/event_checkin.html"

    def _render(
        self, request: AuthenticatedHttpRequest, event: Event, walk_in: WalkInForm, status: int = 200
    ) -> HttpResponse:
        show_all = request.GET.get("all") == "1"
        invitations = selectors.event_invitations(event)
        if not show_all:
            invitations = (
                invitations.filter(rsvp=Rsvp.YES) | invitations.filter(walk_in=True) | invitations.filter(attended=True)
            )
        rows = list(
            invitations.order_by("waitlist_position", "contact_person__employer__legal_name", "contact_person__name")
        )
        walk_in.describe_fields()
        context = {
            "event": event,
            "rows": rows,
            "show_all": show_all,
            "walk_in_form": walk_in,
            "attended": sum(1 for r in rows if r.attended),
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        event = self.event(pk)
        return self._render(request, event, WalkInForm(event=event))

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        event = self.event(pk)
        if "contact_person" in request.POST:
            return self._walk_in(request, event)
        invitation = get_object_or_404(Invitation.objects.filter(event=event), pk=request.POST.get("invitation", 0))
        attended = request.POST.get("attended") == "1"
        try:
            attendance_mark(invitation=invitation, by=request.user, attended=attended)
        except ValidationError as error:
            error_message(request, error)
        else:
            name = invitation.contact_person.name
            if attended:
                messages.success(request, _("%(name)s marked as attended.") % {"name": name})
            else:
                messages.success(request, _("%(name)s marked as not attended.") % {"name": name})
        return redirect(request.get_full_path())

    def _walk_in(self, request: AuthenticatedHttpRequest, event: Event) -> HttpResponse:
        form = WalkInForm(request.POST, event=event)
        if form.is_valid():
            person = form.cleaned_data["contact_person"]
            try:
                walk_in_add(event=event, by=request.user, contact_person=person)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("%(name)s added as a walk-in.") % {"name": person.name})
                return redirect(request.get_full_path())
        return self._render(request, event, form, status=400)
