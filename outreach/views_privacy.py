"""A contact person's data-subject rights: see everything stored (a page and a JSON file) and
erase the person. Coordinators of the person's region only: anyone else gets 404 (an adviser
or guide of the region too: they hold no role these pages read with, ``RoleRequiredMixin``)."""

from __future__ import annotations

import json

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from crm.mixins import RoleRequiredMixin
from crm.roles import Role
from crm.types import AuthenticatedHttpRequest
from employers.models import ContactPerson
from outreach import privacy

COORDINATOR = frozenset({Role.COORDINATOR})


class PrivacyView(RoleRequiredMixin, View):
    read_roles = COORDINATOR
    write_roles = COORDINATOR
    request: AuthenticatedHttpRequest

    def person(self, pk: int) -> ContactPerson:
        people = ContactPerson.objects.in_regions_of(self.request.user, COORDINATOR).select_related("employer")
        return get_object_or_404(people, pk=pk)


class PersonDataView(PrivacyView):
    """Everything stored about the person: a readable page, or ``?format=json`` as a download."""

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        person = self.person(pk)
        data = privacy.person_export(person)
        if request.GET.get("format") == "json":
            response = HttpResponse(
                json.dumps(data, ensure_ascii=False, indent=2, default=str), content_type="application/json"
            )
            response["Content-Disposition"] = f'attachment; filename="contact-person-{person.pk}.json"'
            return response
        return render(request, "outreach/privacy/person_data.html", {"person": person, "data": data})


class PersonEraseView(PrivacyView):
    """Erase the person (anonymise in place), after an explicit confirmation."""

    template_name = "outreach/privacy/person_erase.html"

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        return render(request, self.template_name, {"person": self.person(pk)})

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        person = self.person(pk)
        if person.is_erased:
            messages.info(request, _("This contact person has already been erased."))
            return redirect("employers:detail", person.employer_id)
        if request.POST.get("confirm") != "erase":
            error = _("Tick the box to confirm that this person is to be erased.")
            return render(request, self.template_name, {"person": person, "error": error}, status=400)
        privacy.person_erase(contact_person=person, by=request.user, reason=request.POST.get("reason", "").strip())
        messages.success(request, _("The contact person has been erased. The audit log records who did it and when."))
        return redirect("employers:detail", person.employer_id)
