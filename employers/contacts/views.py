"""Pages of the contact log: quick log, edit/delete, timeline, my work, IPS figures."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import icalendar
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_GET

from crm.forms import apply_errors, next_url, render_form
from crm.mixins import RoleRequiredMixin
from crm.models import Region, Role
from crm.scoping import NETWORK_READ, has_role
from crm.types import AuthenticatedHttpRequest
from employers.contacts import selectors as selectors
from employers.contacts.forms import (
    ContactEditForm,
    ContactForm,
    FollowUpFilterForm,
    ReassignForm,
    SnoozeForm,
)
from employers.contacts.services import (
    contact_delete,
    contact_log,
    contact_update,
    followup_complete,
    followup_feed_renew,
    followup_reassign,
    followup_snooze,
    preference_remember_language,
)
from employers.models import Contact, ContactPerson, Employer, FollowUp, FollowUpFeed
from employers.picker import LOOKUP_LIMIT, employer_label, picker_search, resolve_employer
from employers.shares import detail_context
from employers.timeline import employer_timeline

_LANG_SESSION_KEY = "employers:remembered-language"


def remember_language(request: AuthenticatedHttpRequest) -> None:
    """Store the UI language for mail, but only write when it changed (kept in the session)."""
    language = getattr(request, "LANGUAGE_CODE", "")
    if request.session.get(_LANG_SESSION_KEY) != language:
        preference_remember_language(user=request.user, language=language)
        request.session[_LANG_SESSION_KEY] = language


class NetworkView(RoleRequiredMixin, View):
    read_roles = NETWORK_READ
    write_roles = NETWORK_READ


class ContactCreateView(NetworkView):
    template_name = "employers/contacts/contact_form.html"

    def _employer(self, request: AuthenticatedHttpRequest) -> Employer | None:
        pk = request.GET.get("employer", "")
        if not pk.isdigit():
            return None
        return get_object_or_404(Employer.objects.visible_to(request.user), pk=pk)

    def get(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        remember_language(request)
        form = ContactForm(user=request.user, employer=self._employer(request))
        return render_form(request, self.template_name, form)

    def post(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        form = ContactForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                contact = contact_log(
                    employer=data["employer"],
                    by=request.user,
                    when=data["when"],
                    channel=data["channel"],
                    purpose=data["purpose"],
                    contact_person=data["contact_person"],
                    summary=data["summary"],
                    outcome=data["outcome"],
                    event_in_person=data["event_in_person"],
                    follow_up_on=data["follow_up_on"],
                    follow_up_owner=data["follow_up_owner"],
                    follow_up_note=data["follow_up_note"],
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("Contact logged with %(name)s.") % {"name": contact.employer})
                return redirect(next_url(request, reverse("employers:timeline", args=[contact.employer_id])))
        return render_form(request, self.template_name, form, status=400)


class ContactEditView(NetworkView):
    template_name = "employers/contacts/contact_edit.html"

    def _contact(self, request: AuthenticatedHttpRequest, pk: int) -> Contact:
        contact = get_object_or_404(Contact.objects.visible_to(request.user).select_related("employer"), pk=pk)
        if not contact.can_be_changed_by(request.user):
            raise PermissionDenied
        return contact

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        contact = self._contact(request, pk)
        form = ContactEditForm(instance=contact, user=request.user)
        return render_form(request, self.template_name, form, contact=contact)

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        contact = self._contact(request, pk)
        if "delete" in request.POST:
            contact_delete(contact=contact, by=request.user)
            messages.success(request, _("Contact deleted."))
            return redirect("employers:timeline", contact.employer_id)
        # The form writes onto its instance while validating; the service gets a clean copy.
        form = ContactEditForm(request.POST, instance=self._contact(request, pk), user=request.user)
        if form.is_valid():
            data = dict(form.cleaned_data)
            in_person = data.pop("event_in_person")
            try:
                contact_update(contact=contact, by=request.user, event_in_person=in_person, **data)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("Contact updated."))
                return redirect("employers:timeline", contact.employer_id)
        return render_form(request, self.template_name, form, status=400, contact=contact)


class EmployerLookupView(NetworkView):
    """JSON for the quick log: ``?q=`` employers in my regions, ``?employer=<id>`` its people."""

    def get(self, request: AuthenticatedHttpRequest) -> JsonResponse:
        employer_id = request.GET.get("employer", "")
        if employer_id.isdigit():
            employer = get_object_or_404(Employer.objects.visible_to(request.user), pk=employer_id)
            people = ContactPerson.objects.visible_to(request.user).filter(employer=employer).values("id", "name")
            return JsonResponse({"people": list(people)})
        employers = Employer.objects.visible_to(request.user).active()  # archived: out of search
        rows = picker_search(employers, request.GET.get("q", ""))[:LOOKUP_LIMIT]
        return JsonResponse({"employers": [{"id": e.pk, "label": employer_label(e)} for e in rows]})


class TimelineView(NetworkView):
    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        employer = get_object_or_404(Employer.objects.visible_to(request.user).select_related("region"), pk=pk)
        page = employer_timeline(employer, request.GET.get("page", 1))
        context = {
            "employer": employer,
            "timeline": page,
            "open_followups": selectors.employer_open_followups(employer),
            "today": selectors.local_today(),
            **detail_context(employer, request.user),  # the region badges of a shared employer
        }
        return render(request, "employers/contacts/timeline.html", context)


class FollowUpCompleteView(NetworkView):
    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        followup = get_object_or_404(FollowUp.objects.editable_by(request.user), pk=pk)
        followup_complete(followup=followup, by=request.user)
        messages.success(request, _("Follow-up done."))
        return redirect(next_url(request, reverse("employers:my-work")))


class MyWorkView(NetworkView):
    def get(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        remember_language(request)
        user = request.user
        context = {
            "followups": selectors.my_followups(user),
            "feed_url": _feed_url(request, selectors.active_followup_feed(user)),
            "cold": list(selectors.cold_employers(user)[:50]),
            "cold_days": settings.EMPLOYER_COLD_AFTER_DAYS,
            "ips": selectors.ips_table([user])[0],
            "weeks": selectors.ips_weeks(),
            "target": settings.IPS_WEEKLY_TARGET,
            "is_coordinator": has_role(user, {Role.COORDINATOR}),
            "is_guide": has_role(user, {Role.GUIDE}),
        }
        return render(request, "employers/contacts/my_work.html", context)


class PersonView(NetworkView):
    def get(self, request: AuthenticatedHttpRequest, user_id: int) -> HttpResponse:
        person = get_object_or_404(selectors.person_visible_to(request.user), pk=user_id)
        context = {
            "person": person,
            "ips": selectors.ips_table([person])[0],
            "weeks": selectors.ips_weeks(),
            "target": settings.IPS_WEEKLY_TARGET,
            "contacts": Contact.objects.visible_to(request.user).filter(by=person).select_related("employer")[:20],
            # A guide's own log links each contact to the candidates side (which reads nothing here).
            "link_candidates": person == request.user and has_role(request.user, {Role.GUIDE}),
        }
        return render(request, "employers/contacts/person.html", context)


class TeamView(RoleRequiredMixin, View):
    read_roles = frozenset({Role.COORDINATOR})

    def get(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        context = {
            "rows": selectors.ips_table(list(selectors.team_members(request.user))),
            "weeks": selectors.ips_weeks(),
            "target": settings.IPS_WEEKLY_TARGET,
        }
        return render(request, "employers/contacts/team.html", context)


# --- The follow-up list, snooze, reassign and the calendar feed of one's own follow-ups -------


def _feed_url(request: HttpRequest, feed: FollowUpFeed | None) -> str:
    if feed is None:
        return ""
    return request.build_absolute_uri(reverse("employers:followup-feed", args=[feed.token]))


class FollowUpListView(NetworkView):
    """Every open follow-up I may see: mine, my team's or my region's, in due-date buckets."""

    template_name = "employers/contacts/followup_list.html"

    def get(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        user = request.user
        regions = list(Region.objects.readable_by(user).order_by("code"))
        choices = selectors.reassign_choices(user)
        form = FollowUpFilterForm(
            request.GET or None, regions=regions, scopes=selectors.Scope.choices, owners=selectors.colleagues(choices)
        )
        query = selectors.FollowUpQuery()
        employer = None
        if form.is_bound:
            form.is_valid()  # the valid filters apply; the others are shown with their error
            data = form.cleaned_data
            query.scope = data.get("scope") or selectors.Scope.MINE
            query.region = data.get("region") or ""
            query.employer_name = (data.get("employer_name") or "").strip()
            picked = resolve_employer(Employer.objects.visible_to(user), query.employer_name)
            if picked is not None:  # a picked option or an exact name: that employer, not a text match
                query.employer, query.employer_name = picked, ""
            query.owner_id = data.get("owner")
            query.due_after = data.get("due_after")
            query.due_before = data.get("due_before")
            if data.get("employer"):
                employer = get_object_or_404(Employer.objects.visible_to(user), pk=data["employer"])
                query.employer = employer
        limit = selectors.FOLLOWUP_LIST_LIMIT
        rows = list(selectors.open_followups(user, query)[: limit + 1])
        for row in rows:
            row.reassign_to = [
                person for person in choices.get(row.employer.region_id, []) if person.pk != row.owner_id
            ]
        form.describe_fields()
        context = {
            "form": form,
            "buckets": selectors.bucket_followups(rows[:limit], selectors.local_today()),
            "truncated": len(rows) > limit,
            "limit": limit,
            "scope": query.scope,
            "employer": employer,
            "filtered": bool(request.GET),
            "feed_url": _feed_url(request, selectors.active_followup_feed(user)),
        }
        return render(request, self.template_name, context)


class _FollowUpChange(NetworkView):
    """A write on one open follow-up of my regions; a refusal shows the follow-up and the form
    with its errors (400), success goes back where the user came from."""

    template_name = "employers/contacts/followup_change.html"

    def followup(self, request: AuthenticatedHttpRequest, pk: int) -> FollowUp:
        return get_object_or_404(FollowUp.objects.editable_by(request.user).select_related("employer", "owner"), pk=pk)

    def refused(self, request: AuthenticatedHttpRequest, followup: FollowUp, **forms: Any) -> HttpResponse:
        context = {
            "followup": followup,
            "snooze_form": forms.get("snooze_form") or SnoozeForm(),
            "reassign_form": forms.get("reassign_form") or ReassignForm(region=followup.employer.region_id),
            "next": next_url(request, reverse("employers:followup-list")),
        }
        return render(request, self.template_name, context, status=400)


class FollowUpSnoozeView(_FollowUpChange):
    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        followup = self.followup(request, pk)
        form = SnoozeForm(request.POST)
        if form.is_valid():
            try:
                data = form.cleaned_data
                followup_snooze(followup=followup, by=request.user, days=data["days"], due_date=data["due_date"])
            except ValidationError as error:
                apply_errors(form, error)
            else:
                when = date_format(followup.due_date, "l j F")
                text = _("Follow-up for %(name)s moved to %(date)s.")
                messages.success(request, text % {"name": followup.employer, "date": when})
                return redirect(next_url(request, reverse("employers:followup-list")))
        return self.refused(request, followup, snooze_form=form)


class FollowUpReassignView(_FollowUpChange):
    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        followup = self.followup(request, pk)
        form = ReassignForm(request.POST, region=followup.employer.region_id)
        if form.is_valid():
            owner = form.cleaned_data["owner"]
            try:
                followup_reassign(followup=followup, by=request.user, owner=owner)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                person = owner.get_full_name() or owner.username
                text = _("Follow-up for %(name)s given to %(person)s.")
                messages.success(request, text % {"name": followup.employer, "person": person})
                return redirect(next_url(request, reverse("employers:followup-list")))
        return self.refused(request, followup, reassign_form=form)


class FollowUpFeedRenewView(NetworkView):
    """A new secret link to the calendar of my own follow-ups; the old one stops working."""

    def post(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        followup_feed_renew(user=request.user)
        messages.success(request, _("Your new calendar link is ready. The previous link no longer works."))
        return redirect(next_url(request, reverse("employers:followup-list")))


FEED_PAST_DAYS = 120


@require_GET
def followup_feed(request: HttpRequest, token: str) -> HttpResponse:
    """One person's own open follow-ups as all-day iCalendar events, behind a secret token:
    what ``FollowUp.objects.visible_to`` shows them now (a lost role empties the feed). An
    unknown or revoked token, or a deactivated account, is a 404."""
    feed = (
        FollowUpFeed.objects.active()
        .filter(token=token, user__is_active=True)
        .select_related("user__preference")
        .first()
    )
    if feed is None:
        raise Http404
    user = feed.user
    since = selectors.local_today() - timedelta(days=FEED_PAST_DAYS)
    rows = (
        FollowUp.objects.visible_to(user)
        .open()
        .filter(owner=user, due_date__gte=since)
        .select_related("employer")
        .order_by("due_date", "id")
    )
    preference = getattr(user, "preference", None)
    with translation.override(preference.language if preference else "nl"):
        text = _followup_calendar(rows, name=_("My follow-ups (WSP CRM)"))
    response = HttpResponse(text, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="follow-ups.ics"'
    return response


def _followup_calendar(rows: Any, *, name: str) -> str:
    domain = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "wsp-crm"
    cal = icalendar.Calendar()
    cal.add("prodid", "-//WSP CRM//Vervolgacties//NL")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    now = timezone.now()
    for followup in rows:
        vevent = icalendar.Event()
        vevent.add("uid", f"followup-{followup.pk}@{domain}")
        vevent.add("dtstamp", now)
        vevent.add("dtstart", followup.due_date)
        vevent.add("dtend", followup.due_date + timedelta(days=1))
        title = _("Follow up: %(name)s") % {"name": followup.employer}
        vevent.add("summary", f"{title}: {followup.note}" if followup.note else title)
        if followup.note:
            vevent.add("description", followup.note)
        vevent.add("url", settings.SITE_URL.rstrip("/") + reverse("employers:detail", args=[followup.employer_id]))
        vevent.add("transp", "TRANSPARENT")
        cal.add_component(vevent)
    return cal.to_ical().decode()
