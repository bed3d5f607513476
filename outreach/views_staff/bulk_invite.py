"""Invite the employers ticked on the employer list to a session (issue 17): the list's bulk
form posts their ids here; without a session chosen the page asks which one, with it their
contact persons are invited through ``outreach.services.invitations.invite`` (which skips the
opted-out, do-not-contact, bounced, address-less and already invited).

Every id is resolved through the scoping layer: the employers through ``visible_to`` (one that
is not the user's is a 404 for the whole request), the session through ``staff_events``, the
people through ``invitable_by``."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.types import AuthenticatedHttpRequest
from employers.bulk import chosen_employers
from employers.models import ContactPerson, Employer
from outreach import selectors_staff as selectors
from outreach.models import EventState
from outreach.services.invitations import invite
from outreach.services.rounds import invite_in_background
from outreach.views_staff.base import StaffView, error_message


class BulkInviteView(StaffView):
    template_name = "outreach/staff/bulk_invite.html"

    def _page(self, request: AuthenticatedHttpRequest, employers: list[Employer], status: int = 200) -> HttpResponse:
        sessions = (
            selectors.staff_events(request.user)
            .filter(state=EventState.PUBLISHED, starts_at__gt=timezone.now())
            .order_by("starts_at", "pk")
        )
        context = {"employers": employers, "sessions": sessions, "query": request.POST.get("query", "")}
        return render(request, self.template_name, context, status=status)

    def post(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        try:
            employers = chosen_employers(request.user, request.POST.getlist("employers"))
        except ValidationError as error:
            error_message(request, error)
            return redirect("employers:list")
        if not request.POST.get("event"):
            return self._page(request, employers)
        sessions = selectors.staff_events(request.user)
        raw = request.POST["event"]
        event = get_object_or_404(sessions, pk=int(raw) if raw.isdigit() else 0)
        people = list(
            ContactPerson.objects.invitable_by(request.user).filter(employer__in=employers).values_list("pk", flat=True)
        )
        try:
            if len(people) > selectors.INVITE_IN_REQUEST_MAX:  # as the invite page: a round in the background
                invite_in_background(event=event, by=request.user, persons=people)
                messages.success(
                    request, _("The invitations are being prepared; this page shows how far the round is.")
                )
                return redirect("outreach:event-detail", event.pk)
            invited = invite(event=event, by=request.user, persons=people)
        except ValidationError as error:
            error_message(request, error)
            return self._page(request, employers, status=400)
        text = _(
            "Invitations sent: %(invited)d, to people of %(employers)d employers; skipped: %(skipped)d "
            "(already invited, opted out, no e-mail address or do not contact)."
        )
        counts = {"invited": len(invited), "employers": len(employers), "skipped": len(people) - len(invited)}
        (messages.success if invited else messages.info)(request, text % counts)
        return redirect("outreach:event-detail", event.pk)
