"""A session's own pages: the list, create and edit, the detail page, and the buttons that publish,
register with AWVN, cancel and mark held."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from crm.forms import apply_errors
from crm.roles import region_codes
from crm.scoping import NETWORK_WRITE
from crm.types import AuthenticatedHttpRequest
from outreach import agenda
from outreach import selectors_staff as selectors
from outreach.forms import CancelForm, EventForm, PostponeForm, PublishForm
from outreach.forms_speakers import speaker_formset, speakers_from
from outreach.models import EmailState, Event, EventState, PoolSpeaker, Rsvp, SpeakerKind
from outreach.services.awvn import event_register_awvn
from outreach.services.events import (
    event_cancel,
    event_create,
    event_mark_held,
    event_postpone,
    event_publish,
    event_update,
)
from outreach.views_staff.base import StaffView, error_message


class EventListView(StaffView):
    def get(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        past = request.GET.get("when") == "past"
        events = selectors.with_counts(selectors.upcoming_or_past(selectors.staff_events(request.user), past))
        state = request.GET.get("state", "")
        if state in EventState.values:
            events = events.filter(state=state)
        page = Paginator(events, 25).get_page(request.GET.get("page"))
        context = {
            "page": page,
            "past": past,
            "state": state,
            "states": EventState.choices,
            "embeds": agenda.embed_snippets(region_codes(request.user, NETWORK_WRITE)),
        }
        return render(request, "outreach/staff/event_list.html", context)


def _render_event_form(
    request: AuthenticatedHttpRequest, form: Any, speakers: Any, event: Event | None, status: int = 200
) -> Any:
    form.describe_fields()
    context = {"form": form, "speakers": speakers, "event": event, "has_practice_story": _has_story(speakers)}
    return render(request, "outreach/staff/event_form.html", context, status=status)


def _has_story(speakers: Any) -> bool:
    """Whether a row of the form is an employer's practice story (typed, or picked from the pool)."""
    picked = {str(f["pool_speaker"].value() or "") for f in speakers.forms} - {""}
    typed = any(f["kind"].value() == SpeakerKind.EMPLOYER and f["name"].value() for f in speakers.forms)
    return (
        typed
        or PoolSpeaker.objects.filter(pk__in=[p for p in picked if p.isdigit()], kind=SpeakerKind.EMPLOYER).exists()
    )


def _event_fields(form: EventForm) -> dict[str, Any]:
    data = dict(form.cleaned_data)
    data.pop("region", None)
    return data


class EventCreateView(StaffView):
    def get(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        return _render_event_form(request, EventForm(user=request.user), speaker_formset(request.user), None)

    def post(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        form = EventForm(request.POST, user=request.user)
        speakers = speaker_formset(request.user, request.POST)
        if form.is_valid() and speakers.is_valid():
            try:
                event = event_create(
                    by=request.user,
                    region=form.cleaned_data["region"],
                    speakers=speakers_from(speakers),
                    **_event_fields(form),
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("Session “%(title)s” saved as a draft.") % {"title": event.title})
                return redirect("outreach:event-detail", event.pk)
        return _render_event_form(request, form, speakers, None, status=400)


class EventEditView(StaffView):
    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        event = self.event(pk)
        if not _editable(request, event):
            return redirect("outreach:event-detail", event.pk)
        form = EventForm(instance=event, user=request.user)
        return _render_event_form(request, form, speaker_formset(request.user, event=event), event)

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        event = self.event(pk)
        if not _editable(request, event):
            return redirect("outreach:event-detail", event.pk)
        form = EventForm(request.POST, instance=self.event(pk), user=request.user)
        speakers = speaker_formset(request.user, request.POST)
        if form.is_valid() and speakers.is_valid():
            try:
                event_update(event=event, by=request.user, speakers=speakers_from(speakers), **_event_fields(form))
            except ValidationError as error:
                apply_errors(form, error)
            else:
                if event.state == EventState.PUBLISHED:
                    messages.success(
                        request, _("Session saved. If the time or place changed, everyone who said yes gets an update.")
                    )
                else:
                    messages.success(request, _("Session saved."))
                return redirect("outreach:event-detail", event.pk)
        return _render_event_form(request, form, speakers, event, status=400)


def _editable(request: AuthenticatedHttpRequest, event: Event) -> bool:
    if event.state in (EventState.CANCELLED, EventState.HELD):
        messages.error(request, _("A cancelled or held session cannot be changed."))
        return False
    return True


class EventDetailView(StaffView):
    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        event = get_object_or_404(selectors.with_counts(selectors.staff_events(request.user)), pk=pk)
        invitations = list(selectors.event_invitations(event))
        speakers = list(event.speakers.all())
        emails = Paginator(selectors.event_emails(event), 50).get_page(request.GET.get("mail_page"))
        context = {
            "event": event,
            "speakers": speakers,
            "has_practice_story": any(s.kind == SpeakerKind.EMPLOYER for s in speakers),
            "invitations": invitations,
            # Post-event conversion: the thank-you mail's one-click wishes (outreach.services.wishes).
            "wishes_contact": sum(1 for inv in invitations if inv.wish_contact_at),
            "wishes_candidate": sum(1 for inv in invitations if inv.wish_candidate_at),
            "emails": emails,
            "failed_count": event.emails.filter(state=EmailState.FAILED).count(),
            # Background invitation rounds: running ones with their progress, and the last few done.
            "rounds": list(event.invitation_rounds.order_by("-created_at", "-id")[:5]),
            "publish_form": PublishForm(),
            "can_invite": event.state == EventState.PUBLISHED and not event.has_started(),
            "can_check_in": event.state in (EventState.PUBLISHED, EventState.HELD),
            "can_edit": event.state in (EventState.DRAFT, EventState.PUBLISHED, EventState.POSTPONED),
            "can_postpone": event.state == EventState.PUBLISHED and not event.has_started(),
            # Held by hand once it has begun; the beat tick does it anyway after the end.
            "can_mark_held": event.state == EventState.PUBLISHED and event.has_started(),
            "public_url": ""
            if event.state == EventState.DRAFT
            else request.build_absolute_uri(reverse("outreach:public-event", args=[event.slug])),
        }
        return render(request, "outreach/staff/event_detail.html", context)


class EventPublishView(StaffView):
    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        event = self.event(pk)
        form = PublishForm(request.POST)
        form.is_valid()
        register = bool(form.cleaned_data.get("register_with_awvn"))
        try:
            event_publish(event=event, by=request.user, register_with_awvn=register)
        except ValidationError as error:
            error_message(request, error)
        else:
            if register:
                messages.success(request, _("Session published and sent to AWVN for registration."))
            else:
                messages.success(request, _("Session published. You can now invite employers."))
        return redirect("outreach:event-detail", event.pk)


class EventRegisterAwvnView(StaffView):
    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        event = self.event(pk)
        try:
            event_register_awvn(event=event, by=request.user)
        except ValidationError as error:
            error_message(request, error)
        else:
            messages.success(request, _("Sent to AWVN for registration."))
        return redirect("outreach:event-detail", event.pk)


class EventCancelView(StaffView):
    template_name = "outreach/staff/event_cancel.html"

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        event = self.event(pk)
        form = CancelForm()
        form.describe_fields()
        return render(request, self.template_name, {"event": event, "form": form, **_yes_counts(event)})

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        event = self.event(pk)
        form = CancelForm(request.POST)
        if form.is_valid():
            try:
                event_cancel(event=event, by=request.user, reason=form.cleaned_data["reason"])
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("Session cancelled. Everyone who said yes gets a cancellation."))
                return redirect("outreach:event-detail", event.pk)
        form.describe_fields()
        context = {"event": event, "form": form, **_yes_counts(event)}
        return render(request, self.template_name, context, status=400)


class EventPostponeView(StaffView):
    """Postpone a published session: the date no longer holds, answers and seats stay; the
    organiser gives the new date later by editing the session (which reschedules it)."""

    template_name = "outreach/staff/event_postpone.html"

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        event = self.event(pk)
        form = PostponeForm()
        form.describe_fields()
        return render(request, self.template_name, {"event": event, "form": form, **_yes_counts(event)})

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        event = self.event(pk)
        form = PostponeForm(request.POST)
        if form.is_valid():
            try:
                event_postpone(event=event, by=request.user, reason=form.cleaned_data["reason"])
            except ValidationError as error:
                apply_errors(form, error)
            else:
                done = _("Session postponed. Everyone who said yes gets a mail; edit the session to give the new date.")
                messages.success(request, done)
                return redirect("outreach:event-detail", event.pk)
        form.describe_fields()
        context = {"event": event, "form": form, **_yes_counts(event)}
        return render(request, self.template_name, context, status=400)


def _yes_counts(event: Event) -> dict[str, int]:
    return {"yes_count": event.invitations.filter(rsvp=Rsvp.YES).count()}


class EventMarkHeldView(StaffView):
    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        event = self.event(pk)
        try:
            event = event_mark_held(event=event, by=request.user)
        except ValidationError as error:
            error_message(request, error)
        else:
            if event.state == EventState.HELD:
                messages.success(request, _("Session marked as held. Thanks and follow-ups go out tomorrow."))
            else:
                messages.error(request, _("Only a published session can be marked as held."))
        return redirect("outreach:event-detail", event.pk)
