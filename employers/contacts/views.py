"""Pages of the contact log: quick log, edit/delete, timeline, my work, IPS figures."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from crm.forms import apply_errors, next_url, render_form
from crm.mixins import RoleRequiredMixin
from crm.models import Role
from crm.scoping import NETWORK_READ, has_role
from crm.types import AuthenticatedHttpRequest
from employers.contacts import selectors as selectors
from employers.contacts.forms import ContactEditForm, ContactForm, employer_label
from employers.contacts.services import (
    contact_delete,
    contact_log,
    contact_update,
    followup_complete,
    preference_remember_language,
)
from employers.models import Contact, ContactPerson, Employer, FollowUp
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
        query = request.GET.get("q", "").strip()
        employers = Employer.objects.visible_to(request.user).active()  # archived: out of search
        if query:
            employers = employers.filter(legal_name__icontains=query) | employers.filter(trade_name__icontains=query)
        rows = employers.order_by("legal_name", "id")[:20]
        return JsonResponse({"employers": [{"id": e.pk, "label": employer_label(e)} for e in rows]})


class TimelineView(NetworkView):
    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        employer = get_object_or_404(Employer.objects.visible_to(request.user), pk=pk)
        page = employer_timeline(employer, request.GET.get("page", 1))
        return render(request, "employers/contacts/timeline.html", {"employer": employer, "timeline": page})


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
            "cold": list(selectors.cold_employers(user)[:50]),
            "cold_days": settings.EMPLOYER_COLD_AFTER_DAYS,
            "ips": selectors.ips_table([user])[0],
            "weeks": selectors.ips_weeks(),
            "target": settings.IPS_WEEKLY_TARGET,
            "is_coordinator": has_role(user, {Role.COORDINATOR}),
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
