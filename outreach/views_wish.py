"""The thank-you mail's one-click wishes, public (no login): the signed personal link opens a
page with one button (a mail scanner that opens links records nothing); the POST records the
wish through ``outreach.services.wishes`` and says so. Throttled per invitation."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from crm.throttling import public_allow
from outreach.forms_public import FreshLinkForm
from outreach.models import EventState
from outreach.services import links
from outreach.services.wishes import WISHES, record_wish

TEMPLATES = "outreach/public"


@require_http_methods(["GET", "POST"])
def wish(request: HttpRequest, wish: str, token: str) -> HttpResponse:
    if wish not in WISHES:
        raise Http404
    invitation = links.invitation_for_token(token, "wish")
    if invitation is None or invitation.event.state == EventState.DRAFT:
        return render(request, f"{TEMPLATES}/link_invalid.html", {"form": FreshLinkForm()})
    context = {"event": invitation.event, "wish": wish, "person": invitation.contact_person}
    if request.method == "POST":
        if not public_allow(request, "wish", personal=f"invitation:{invitation.pk}"):
            return render(request, f"{TEMPLATES}/throttled.html", status=429)
        record_wish(invitation=invitation, wish=wish)
        return render(request, f"{TEMPLATES}/wish_done.html", context)
    return render(request, f"{TEMPLATES}/wish.html", context)
