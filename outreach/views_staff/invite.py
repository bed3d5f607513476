"""The audience picker: preview who an invitation would reach, then send (in the request or as a
background round)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from crm.forms import apply_errors
from crm.types import AuthenticatedHttpRequest
from outreach import mail
from outreach import selectors_staff as selectors
from outreach.forms import (
    AudienceForm,
)
from outreach.models import Event, EventState
from outreach.services.audience import ExclusionReason
from outreach.services.invitations import invite
from outreach.services.rounds import invite_in_background
from outreach.views_staff.base import StaffView


def _audience(form: AudienceForm) -> selectors.Audience:
    data = form.cleaned_data
    earlier = data.get("earlier_event")
    return selectors.audience(
        event=form.event,
        by=form.user,
        regions=data.get("regions") or [],
        stages=data.get("stages") or [],
        sbi_sections=data.get("sbi_sections") or [],
        networks=[n.pk for n in data.get("networks") or []],
        tags=data.get("tags") or [],
        attendance=data.get("attendance") or "",
        earlier_event=earlier.pk if earlier else None,
        persons=[p.pk for p in data.get("persons") or []],
    )


PREVIEW_LIMIT = 200


class EventInviteView(StaffView):
    template_name = "outreach/staff/event_invite.html"

    def _render(
        self, request: AuthenticatedHttpRequest, event: Event, form: AudienceForm, status: int = 200
    ) -> HttpResponse:
        form.describe_fields()
        context: dict[str, Any] = {"event": event, "form": form, "preview": None}
        if form.is_bound and form.is_valid():
            found = _audience(form)
            count = found.count
            included = list(found.included.select_related("employer")[:PREVIEW_LIMIT])
            context.update(
                preview=found,
                count=count,
                included=included,
                # The mail itself, built by the code that builds the real one (one per language).
                mails=[
                    (row, row.headers.get("Reply-To", ""))
                    for row in mail.invitation_previews(event, request.user, included)
                ],
                more=max(0, count - PREVIEW_LIMIT),
                excluded=[(person, ExclusionReason(reason).label) for person, reason in found.preview.excluded],
                hidden=_hidden_fields(request.GET if request.method == "GET" else request.POST),
            )
        if event.state != EventState.PUBLISHED or event.has_started():
            context["closed"] = True
        return render(request, self.template_name, context, status=status)

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        event = self.event(pk)
        bound = "preview" in request.GET
        form = AudienceForm(request.GET if bound else None, user=request.user, event=event)
        return self._render(request, event, form, status=200 if not bound or form.is_valid() else 400)

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        event = self.event(pk)
        form = AudienceForm(request.POST, user=request.user, event=event)
        if not form.is_valid():
            return self._render(request, event, form, status=400)
        found = _audience(form)
        ids = list(found.included.values_list("pk", flat=True))
        if str(len(ids)) != request.POST.get("expected", ""):
            messages.warning(request, _("The list changed since the preview. Check it again before sending."))
            return self._render(request, event, form, status=409)
        background = len(ids) > selectors.INVITE_IN_REQUEST_MAX
        try:
            if background:
                invite_in_background(event=event, by=request.user, persons=ids)
            else:
                ids = [inv.pk for inv in invite(event=event, by=request.user, persons=ids)]
        except ValidationError as error:
            apply_errors(form, error)
            return self._render(request, event, form, status=400)
        if background:
            text = _("%(count)d invitations are being prepared; this page shows how far the round is.")
        else:
            text = ngettext("%(count)d invitation is on its way.", "%(count)d invitations are on their way.", len(ids))
        messages.success(request, text % {"count": len(ids)})
        return redirect("outreach:event-detail", event.pk)


def _hidden_fields(query: Any) -> list[tuple[str, str]]:
    """The chosen filters, carried from the preview into the form that sends."""
    skip = {"csrfmiddlewaretoken", "expected", "preview"}
    return [(name, value) for name in query if name not in skip for value in query.getlist(name)]
