"""Open registration, public (no login): the form's POST and the confirmation link.

The form itself sits on the session's public page (``{% registration_form %}``). A POST is
throttled per client address (``crm.throttling``: X-Forwarded-For only behind configured
proxies), a filled-in honeypot is refused with a clear message, and a valid registration only
queues the confirmation mail. The link in that mail shows a button (a mail scanner that opens
links confirms nothing); confirming answers yes on the person's own RSVP page.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_http_methods, require_POST

from crm.forms import HONEYPOT, apply_errors
from crm.throttling import public_allow
from outreach import tokens
from outreach.forms_public import RegistrationForm
from outreach.models import Event, Invitation, Registration
from outreach.services import registration as service

TEMPLATES = "outreach/public"


def _event(slug: str) -> Event:
    return get_object_or_404(Event.objects.public().select_related("region"), slug=slug)


def _page(request: HttpRequest, event: Event, form: RegistrationForm, status: int = 200) -> HttpResponse:
    form.describe_fields()
    context = {"event": event, "form": form, "open": service.registration_open(event)}
    return render(request, f"{TEMPLATES}/register.html", context, status=status)


@require_POST
def register(request: HttpRequest, slug: str) -> HttpResponse:
    event = _event(slug)
    if not public_allow(request, "register"):
        return render(request, f"{TEMPLATES}/throttled.html", status=429)
    form = RegistrationForm(request.POST)
    if request.POST.get(HONEYPOT):
        return render(request, f"{TEMPLATES}/register_refused.html", {"event": event}, status=400)
    if not service.registration_open(event):
        return _page(request, event, form, status=409)
    if not form.is_valid():
        return _page(request, event, form, status=400)
    data = form.answers()
    try:
        service.register(event=event, language=translation.get_language()[:2], **data)
    except ValidationError as error:
        apply_errors(form, error)
        return _page(request, event, form, status=400)
    return render(request, f"{TEMPLATES}/register_sent.html", {"event": event, "email": data["email"]})


def _link_problem(request: HttpRequest, reg: Registration | None, expired: bool, message: str = "") -> HttpResponse:
    context = {"event": reg.event if reg is not None else None, "expired": expired, "message": message}
    return render(request, f"{TEMPLATES}/register_link_invalid.html", context, status=400 if reg is None else 410)


def _rsvp_page(invitation: Invitation) -> HttpResponse:
    return redirect(reverse("outreach:rsvp", args=[tokens.sign(invitation.token, "rsvp")]))


@require_http_methods(["GET", "POST"])
def register_confirm(request: HttpRequest, value: str) -> HttpResponse:
    reg, expired = service.registration_for_link(value)
    if reg is not None and reg.invitation is not None:
        return _rsvp_page(reg.invitation)  # confirmed before: the same page again
    if reg is None or expired:
        return _link_problem(request, reg, expired)
    if request.method == "POST":
        if not public_allow(request, "register-confirm", personal=f"registration:{reg.pk}"):
            return render(request, f"{TEMPLATES}/throttled.html", status=429)
        try:
            invitation = service.confirm(registration=reg)
        except ValidationError as error:
            return _link_problem(request, reg, False, " ".join(error.messages))
        return _rsvp_page(invitation)
    return render(request, f"{TEMPLATES}/register_confirm.html", {"event": reg.event, "registration": reg})
