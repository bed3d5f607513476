"""Pages for an employer's parts: add or change one of its contact persons or openings.

Guides may do this too (not only advisers and coordinators, as for the employer itself). Views
parse and shape; every read starts from ``visible_to`` / ``editable_by``, every write is a
service call (``employers.services_parts``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext_lazy
from django.views import View

from crm.forms import apply_errors, render_form
from crm.mixins import RoleRequiredMixin
from crm.scoping import NETWORK_READ
from crm.types import AuthenticatedHttpRequest
from employers import services_parts
from employers.forms import ContactPersonForm, OpeningForm
from employers.models import ContactPerson, Employer, Opening

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise


class NetworkPartView(RoleRequiredMixin, View):
    """Contact persons and openings: guides may add and change them too."""

    read_roles = NETWORK_READ
    write_roles = NETWORK_READ


class PartFormView(NetworkPartView):
    """Add or change one contact person or opening of an employer. The four views differ only
    in what they look up (``target``), which form, which service (``save``) and what they say."""

    template_name = "employers/part_form.html"
    kind: str
    form_class: type[ContactPersonForm] | type[OpeningForm]
    saved: StrPromise

    def target(self, request: AuthenticatedHttpRequest, pk: int) -> tuple[Employer, ContactPerson | Opening | None]:
        raise NotImplementedError

    def save(self, request: AuthenticatedHttpRequest, employer: Employer, obj: Any, data: dict[str, Any]) -> None:
        raise NotImplementedError

    def _context(self, employer: Employer, obj: ContactPerson | Opening | None) -> dict[str, Any]:
        return {"employer": employer, "kind": self.kind, **({"obj": obj} if obj is not None else {})}

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        employer, obj = self.target(request, pk)
        form = self.form_class(instance=obj)
        return render_form(request, self.template_name, form, **self._context(employer, obj))

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        employer, obj = self.target(request, pk)
        form = self.form_class(request.POST, instance=obj)
        if form.is_valid():
            try:
                self.save(request, employer, obj, form.cleaned_data)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, self.saved)
                return redirect("employers:detail", employer.pk)
        return render_form(request, self.template_name, form, status=400, **self._context(employer, obj))


def _visible_employer(request: AuthenticatedHttpRequest, pk: int) -> tuple[Employer, None]:
    return get_object_or_404(Employer.objects.visible_to(request.user), pk=pk), None


class ContactPersonCreateView(PartFormView):
    kind, form_class, saved = "person", ContactPersonForm, gettext_lazy("Contact person added.")

    def target(self, request: AuthenticatedHttpRequest, pk: int) -> tuple[Employer, None]:
        return _visible_employer(request, pk)

    def save(self, request: AuthenticatedHttpRequest, employer: Employer, obj: None, data: dict[str, Any]) -> None:
        services_parts.contact_person_create(employer=employer, by=request.user, **data)


class ContactPersonEditView(PartFormView):
    kind, form_class, saved = "person", ContactPersonForm, gettext_lazy("Contact person updated.")

    def target(self, request: AuthenticatedHttpRequest, pk: int) -> tuple[Employer, ContactPerson]:
        person = get_object_or_404(ContactPerson.objects.editable_by(request.user).select_related("employer"), pk=pk)
        return person.employer, person

    def save(
        self, request: AuthenticatedHttpRequest, employer: Employer, obj: ContactPerson, data: dict[str, Any]
    ) -> None:
        services_parts.contact_person_update(contact_person=obj, by=request.user, **data)


class OpeningCreateView(PartFormView):
    kind, form_class, saved = "opening", OpeningForm, gettext_lazy("Opening added.")

    def target(self, request: AuthenticatedHttpRequest, pk: int) -> tuple[Employer, None]:
        return _visible_employer(request, pk)

    def save(self, request: AuthenticatedHttpRequest, employer: Employer, obj: None, data: dict[str, Any]) -> None:
        services_parts.opening_create(employer=employer, by=request.user, **data)


class OpeningEditView(PartFormView):
    kind, form_class, saved = "opening", OpeningForm, gettext_lazy("Opening updated.")

    def target(self, request: AuthenticatedHttpRequest, pk: int) -> tuple[Employer, Opening]:
        opening = get_object_or_404(Opening.objects.editable_by(request.user).select_related("employer"), pk=pk)
        return opening.employer, opening

    def save(self, request: AuthenticatedHttpRequest, employer: Employer, obj: Opening, data: dict[str, Any]) -> None:
        services_parts.opening_update(opening=obj, by=request.user, **data)
