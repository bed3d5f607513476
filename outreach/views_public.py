"""Public pages, no login: a session's page, the personal RSVP page, preferences/unsubscribe,
a fresh link, and the calendar feeds.

A personal link that was altered, belongs to another purpose or no longer exists shows a
friendly page with a way to ask for a fresh link (never an error page). POSTs are throttled per
person (the invitation or contact person the link names; the fresh-link form per address), and
fail open when the cache is away; unsubscribing is never throttled (RFC 8058: a mailbox
provider's one-click POST must always work).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from crm.forms import apply_errors
from crm.senders import region_sender
from crm.throttling import public_allow
from outreach import mail, seo, tokens
from outreach.forms_public import FreshLinkForm, PreferencesForm, RsvpForm, ShowOrganisationForm
from outreach.models import CalendarFeed, Event, EventState, Invitation, Rsvp
from outreach.services import links
from outreach.services.participants import show_organisation_set, shown_participants
from outreach.services.rsvp import rsvp_answer, seats_free

PUBLIC_TEMPLATES = "outreach/public"


def _ics_response(text: str, filename: str) -> HttpResponse:
    response = HttpResponse(text, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _link_invalid(request: HttpRequest) -> HttpResponse:
    return render(request, f"{PUBLIC_TEMPLATES}/link_invalid.html", {"form": FreshLinkForm()})


def _throttled(request: HttpRequest) -> HttpResponse:
    return render(request, f"{PUBLIC_TEMPLATES}/throttled.html", status=429)


def _public_event(slug: str) -> Event:
    return get_object_or_404(Event.objects.public().select_related("region").prefetch_related("speakers"), slug=slug)


@require_GET
def event_page(request: HttpRequest, slug: str) -> HttpResponse:
    event = _public_event(slug)
    participants = [] if event.state == EventState.CANCELLED else shown_participants(event)
    context = {"event": event, "participants": participants, **_facts(event)}
    return render(request, f"{PUBLIC_TEMPLATES}/event.html", context)


@require_GET
def event_share_image(request: HttpRequest, slug: str) -> HttpResponse:
    """The page's share image (LinkedIn, Open Graph): title, date and region, as PNG."""
    event = get_object_or_404(Event.objects.public().select_related("region"), slug=slug)
    response = HttpResponse(seo.share_png(event), content_type="image/png")
    response["Cache-Control"] = "public, max-age=86400"
    return response


@require_GET
def event_ics(request: HttpRequest, slug: str) -> HttpResponse:
    event = _public_event(slug)
    method = "CANCEL" if event.state == EventState.CANCELLED else "PUBLISH"
    return _ics_response(mail.calendar_of([event], method=method), f"{event.slug}.ics")


def _facts(event: Event) -> dict[str, Any]:
    return {
        "starts": timezone.localtime(event.starts_at),
        "ends": timezone.localtime(event.ends_at),
        "event_url": mail.site_url(event_url(event)),
        "open_for_answers": event.state == EventState.PUBLISHED and not event.has_started(),
    }


def event_url(event: Event) -> str:
    return reverse("outreach:public-event", args=[event.slug])


def _forward_link(event: Event, url: str) -> str:
    """A mailto: with the public page (never the personal link) for "send to a colleague": the
    page's registration form opens with the organisation filled in (a signed, read-only key)."""
    subject = _("Invitation: %(title)s") % {"title": event.title}
    body = _("This knowledge session may interest you: %(url)s") % {"url": url}
    return f"mailto:?subject={quote(subject)}&body={quote(body)}"


@require_http_methods(["GET", "POST"])
def rsvp(request: HttpRequest, token: str) -> HttpResponse:
    invitation = links.invitation_for_token(token, "rsvp")
    if invitation is None:
        return _link_invalid(request)
    event = invitation.event
    if event.state == EventState.DRAFT:
        return _link_invalid(request)
    facts = _facts(event)
    form = RsvpForm(initial=_initial(invitation))
    if request.method == "POST":
        if not public_allow(request, "rsvp", personal=f"invitation:{invitation.pk}"):
            return _throttled(request)
        if "participant" in request.POST:
            return _show_organisation(request, invitation)
        form = RsvpForm(request.POST)
        if facts["open_for_answers"] and form.is_valid():
            try:
                rsvp_answer(invitation=invitation, **form.cleaned_data)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("Thank you, your answer is saved. A confirmation is on its way."))
                return redirect(request.path)
    form.describe_fields()
    invitation.refresh_from_db()
    context = {
        "event": event,
        "invitation": invitation,
        "person": invitation.contact_person,
        "form": form,
        "token": token,
        "forward_link": _forward_link(event, mail.colleague_url(event, tokens.sign(invitation.token, "colleague"))),
        "seats_free": seats_free(event),
        "participant_form": ShowOrganisationForm(initial={"show_organisation": bool(invitation.show_organisation_at)}),
        # Who to ask: the organiser and the region's WSP (its sender name and signature).
        "organiser": event.owner,
        "sender": region_sender(event.region),
        **facts,
    }
    context["participant_form"].describe_fields()
    return render(request, f"{PUBLIC_TEMPLATES}/rsvp.html", context)


def _show_organisation(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    """The RSVP page's second form: give or withdraw "show our organisation as participant".
    Withdrawing always works; giving it needs a yes (only seat holders are listed anyway)."""
    form = ShowOrganisationForm(request.POST)
    show = form.is_valid() and form.cleaned_data["show_organisation"]
    if show and invitation.rsvp != Rsvp.YES:
        messages.error(request, _("Your organisation can be shown once you have said yes."))
    else:
        show_organisation_set(invitation=invitation, show=show)
        if show:
            messages.success(request, _("Your organisation is shown as participant on the session page."))
        else:
            messages.success(request, _("Your organisation is no longer shown as participant."))
    return redirect(request.path)


def _initial(invitation: Invitation) -> dict[str, Any]:
    return {
        "rsvp": invitation.rsvp if invitation.rsvp != "none" else None,
        "people_count": invitation.people_count,
        "names": invitation.names,
        "access_needs": invitation.access_needs,
    }


@require_GET
def rsvp_ics(request: HttpRequest, token: str) -> HttpResponse:
    invitation = links.invitation_for_token(token, "rsvp")
    if invitation is None or invitation.event.state == EventState.DRAFT:
        return _link_invalid(request)
    event = invitation.event
    method = "CANCEL" if event.state == EventState.CANCELLED else "PUBLISH"
    # The person's own entry: at the sequence of their last calendar mail, not below it.
    answered = mail.personal_answers([invitation.pk]).get(invitation.pk, 0)
    sequence = mail.personal_sequence(event, answered, "")
    return _ics_response(mail.calendar_of([event], method=method, sequence=sequence), f"{event.slug}.ics")


@csrf_exempt  # RFC 8058: mailbox providers POST here without a CSRF token; the signed link is the key
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    invitation = links.invitation_for_token(token, "unsubscribe")
    if invitation is None:
        return _link_invalid(request)
    if request.method == "POST":
        if request.POST.get("List-Unsubscribe") == "One-Click":
            links.unsubscribe(invitation=invitation, source="one-click")
            return HttpResponse(_("You are unsubscribed."), content_type="text/plain; charset=utf-8")
        if "unsubscribe" in request.POST:
            links.unsubscribe(invitation=invitation, source="link")
            messages.success(request, _("You are unsubscribed: we will not send you invitations any more."))
            return redirect(request.path)
        form = PreferencesForm(request.POST)
        # Opting out is never throttled; keeping or restoring a subscription counts.
        opting_out = form.is_valid() and not form.cleaned_data["subscribed"]
        if not opting_out and not public_allow(
            request, "preferences", personal=f"person:{invitation.contact_person_id}"
        ):
            return _throttled(request)
        if form.is_valid():
            links.preferences_update(invitation=invitation, **form.cleaned_data)
            messages.success(request, _("Your preferences are saved."))
            return redirect(request.path)
    person = invitation.contact_person
    person.refresh_from_db()
    form = PreferencesForm(initial={"subscribed": person.opted_out_at is None, "language": person.language})
    form.describe_fields()
    context = {"person": person, "event": invitation.event, "form": form}
    return render(request, f"{PUBLIC_TEMPLATES}/preferences.html", context)


@require_http_methods(["GET", "POST"])
def fresh_link(request: HttpRequest) -> HttpResponse:
    form = FreshLinkForm(request.POST or None)
    if request.method == "POST":
        if not public_allow(request, "fresh-link"):
            return _throttled(request)
        if form.is_valid():
            links.request_fresh_link(email=form.cleaned_data["email"])
            return render(request, f"{PUBLIC_TEMPLATES}/fresh_link_sent.html")
    form.describe_fields()
    return render(request, f"{PUBLIC_TEMPLATES}/fresh_link.html", {"form": form})


FEED_PAST_DAYS = 120


@require_GET
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """A region's (or, without a region, every region's) sessions as iCalendar."""
    calendar = CalendarFeed.objects.filter(token=token, revoked_at__isnull=True).select_related("region").first()
    if calendar is None:
        raise Http404
    since = timezone.now() - timedelta(days=FEED_PAST_DAYS)
    shown = [EventState.PUBLISHED, EventState.POSTPONED, EventState.HELD, EventState.CANCELLED]
    events = Event.objects.filter(Q(state__in=shown))
    events = events.filter(ends_at__gte=since).order_by("starts_at")
    if calendar.region_id:
        events = events.filter(region_id=calendar.region_id)
        name = _("Knowledge sessions %(region)s") % {"region": calendar.region.name}
    else:
        name = _("Knowledge sessions, all regions")
    return _ics_response(mail.calendar_of(events, name=name), "sessions.ics")
