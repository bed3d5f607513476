"""Staff pages of knowledge sessions: list, create/edit, detail with invitations and outbox,
publish/cancel/held, the audience picker, check-in, and the national agenda for AWVN.

Views are thin: the scoped queryset finds the session (outsiders 404), a service writes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View

from crm.forms import apply_errors
from crm.mixins import RoleRequiredMixin
from crm.models import Region, Role
from crm.scoping import NETWORK_WRITE, region_codes, user_roles
from crm.types import AuthenticatedHttpRequest
from outreach import selectors_staff as selectors
from outreach.forms import (
    AudienceForm,
    AwvnConfirmForm,
    CancelForm,
    EventForm,
    PublishForm,
    WalkInForm,
    speaker_formset,
    speakers_from,
)
from outreach.models import EmailState, Event, EventState, Invitation, Rsvp
from outreach.services.attendance import attendance_mark, walk_in_add
from outreach.services.audience import ExclusionReason
from outreach.services.awvn import awvn_confirm, event_register_awvn
from outreach.services.events import event_cancel, event_create, event_mark_held, event_publish, event_update
from outreach.services.invitations import invite
from outreach.services.rounds import invite_in_background

if TYPE_CHECKING:
    from crm.types import AuthUser


def _error_message(request: HttpRequest, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


class StaffView(RoleRequiredMixin, View):
    """Advisers and coordinators of the session's region; everyone else gets 404."""

    read_roles = NETWORK_WRITE
    write_roles = NETWORK_WRITE
    request: AuthenticatedHttpRequest  # RoleRequiredMixin turns visitors away before any handler runs

    def event(self, pk: int) -> Event:
        return get_object_or_404(selectors.staff_events(self.request.user), pk=pk)


class EventListView(StaffView):
    def get(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        past = request.GET.get("when") == "past"
        events = selectors.with_counts(selectors.upcoming_or_past(selectors.staff_events(request.user), past))
        state = request.GET.get("state", "")
        if state in EventState.values:
            events = events.filter(state=state)
        page = Paginator(events, 25).get_page(request.GET.get("page"))
        context = {"page": page, "past": past, "state": state, "states": EventState.choices}
        return render(request, "outreach/staff/event_list.html", context)


def _render_event_form(
    request: AuthenticatedHttpRequest, form: Any, speakers: Any, event: Event | None, status: int = 200
) -> Any:
    form.describe_fields()
    return render(
        request, "outreach/staff/event_form.html", {"form": form, "speakers": speakers, "event": event}, status=status
    )


def _event_fields(form: EventForm) -> dict[str, Any]:
    data = dict(form.cleaned_data)
    data.pop("region", None)
    return data


class EventCreateView(StaffView):
    def get(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        return _render_event_form(request, EventForm(user=request.user), speaker_formset(), None)

    def post(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        form = EventForm(request.POST, user=request.user)
        speakers = speaker_formset(request.POST)
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
        return _render_event_form(request, form, speaker_formset(event=event), event)

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        event = self.event(pk)
        if not _editable(request, event):
            return redirect("outreach:event-detail", event.pk)
        form = EventForm(request.POST, instance=self.event(pk), user=request.user)
        speakers = speaker_formset(request.POST)
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
        emails = Paginator(selectors.event_emails(event), 50).get_page(request.GET.get("mail_page"))
        context = {
            "event": event,
            "speakers": list(event.speakers.all()),
            "invitations": invitations,
            "emails": emails,
            "failed_count": event.emails.filter(state=EmailState.FAILED).count(),
            # Background invitation rounds: running ones with their progress, and the last few done.
            "rounds": list(event.invitation_rounds.order_by("-created_at", "-id")[:5]),
            "publish_form": PublishForm(),
            "can_invite": event.state == EventState.PUBLISHED and not event.has_started(),
            "can_check_in": event.state in (EventState.PUBLISHED, EventState.HELD),
            "can_edit": event.state in (EventState.DRAFT, EventState.PUBLISHED),
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
            _error_message(request, error)
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
            _error_message(request, error)
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


def _yes_counts(event: Event) -> dict[str, int]:
    return {"yes_count": event.invitations.filter(rsvp=Rsvp.YES).count()}


class EventMarkHeldView(StaffView):
    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        event = self.event(pk)
        try:
            event = event_mark_held(event=event, by=request.user)
        except ValidationError as error:
            _error_message(request, error)
        else:
            if event.state == EventState.HELD:
                messages.success(request, _("Session marked as held. Thanks and follow-ups go out tomorrow."))
            else:
                messages.error(request, _("Only a published session can be marked as held."))
        return redirect("outreach:event-detail", event.pk)


# --- Audience picker ------------------------------------------------------------------------


def _audience(form: AudienceForm) -> selectors.Audience:
    data = form.cleaned_data
    earlier = data.get("earlier_event")
    return selectors.audience(
        event=form.event,
        by=form.user,
        regions=data.get("regions") or [],
        stages=data.get("stages") or [],
        sbi_sections=data.get("sbi_sections") or [],
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
            context.update(
                preview=found,
                count=count,
                included=list(found.included.select_related("employer")[:PREVIEW_LIMIT]),
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


# --- Check-in -----------------------------------------------------------------------------


class EventCheckinView(StaffView):
    template_name = "outreach/staff/event_checkin.html"

    def _render(
        self, request: AuthenticatedHttpRequest, event: Event, walk_in: WalkInForm, status: int = 200
    ) -> HttpResponse:
        show_all = request.GET.get("all") == "1"
        rows = selectors.event_invitations(event)
        if not show_all:
            rows = rows.filter(rsvp=Rsvp.YES) | rows.filter(walk_in=True) | rows.filter(attended=True)
        rows = list(rows.order_by("waitlist_position", "contact_person__employer__legal_name", "contact_person__name"))
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
            _error_message(request, error)
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


# --- National agenda ------------------------------------------------------------------------


class AgendaView(RoleRequiredMixin, View):
    """Every region's sessions, for the AWVN adviser and coordinators. Only non-draft sessions,
    which are public on their own page anyway; the AWVN adviser confirms registrations here."""

    read_roles = frozenset({Role.AWVN, Role.COORDINATOR})

    def get(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        events = Event.objects.public().select_related("region")
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
                _error_message(request, error)
            else:
                messages.success(request, _("Registration of “%(title)s” confirmed.") % {"title": event.title})
        return redirect(_agenda_back(request))


def _agenda_back(request: AuthenticatedHttpRequest) -> str:
    query = request.POST.get("back", "")
    return reverse("outreach:agenda") + (f"?{query}" if query and "\n" not in query else "")
