"""Pages of the employer network: list, detail, forms, stage, pipeline and export.

Views parse and shape; every read starts from ``visible_to``, every write is a service call.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views import View

from crm.mixins import RoleRequiredMixin
from crm.models import Region
from crm.scoping import NETWORK_READ, NETWORK_WRITE, may_write_region, writes_any_region
from crm.types import AuthenticatedHttpRequest
from employers import exporting, services
from employers.api_employers import employer_queryset
from employers.filters import EmployerFilter
from employers.forms import ContactPersonForm, EmployerForm, OpeningForm, StageForm
from employers.models import Accommodation, ContactPerson, Employer, Opening, Stage
from employers.timeline import employer_timeline
from employers.views_contacts import _apply_errors, _render_form

PER_PAGE = 25


class NetworkReadView(RoleRequiredMixin, View):
    """Everyone of the network reads; advisers and coordinators write.

    The role gate lets every network role through on writes too, so that someone of another
    region gets the object's 404 (never a 403 that confirms it exists); ``_editable`` then
    refuses a guide of the employer's own region with 403.
    """

    read_roles = NETWORK_READ
    write_roles = NETWORK_READ


class NetworkPartView(RoleRequiredMixin, View):
    """Contact persons and openings: guides may add and change them too."""

    read_roles = NETWORK_READ
    write_roles = NETWORK_READ


def _editable(request: AuthenticatedHttpRequest, pk: int) -> Employer:
    """An employer the user may change: out of sight is 404, in sight but read-only is 403."""
    employer = get_object_or_404(Employer.objects.visible_to(request.user), pk=pk)
    if not may_write_region(request.user, employer.region_id):
        raise PermissionDenied
    return employer


def _form_errors(form: Any, error: ValidationError) -> Employer | None:
    """Put a service's errors on the form; return the existing employer of a same-region duplicate."""
    _apply_errors(form, error)
    return getattr(error, "existing", None)


# --- List, export, pipeline ------------------------------------------------------------


class EmployerListView(NetworkReadView):
    def get(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        filterset = EmployerFilter(request.GET or None, queryset=employer_queryset(request.user), request=request)
        page = Paginator(filterset.qs, PER_PAGE).get_page(request.GET.get("page"))
        context = {
            "filter": filterset,
            "page": page,
            "can_write": writes_any_region(request.user),
        }
        return render(request, "employers/list.html", context)


class EmployerExportView(NetworkReadView):
    def get(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        kind = request.GET.get("format", "csv")
        if kind not in exporting.FORMATS:
            kind = "csv"
        filterset = EmployerFilter(request.GET, queryset=employer_queryset(request.user), request=request)
        if not filterset.is_valid():
            # An invalid filter is dropped by the FilterSet; exporting everything instead is wrong.
            errors = "; ".join(f"{name}: {' '.join(e)}" for name, e in filterset.errors.items())
            return HttpResponse(errors, status=400, content_type="text/plain; charset=utf-8")
        queryset = filterset.qs
        filters = {k: v for k, v in request.GET.lists() if k not in ("format", "page")}
        count = exporting.audit_export(by=request.user, queryset=queryset, kind=kind, filters=filters)
        if kind == "xlsx":
            response = HttpResponse(exporting.employers_xlsx(queryset), content_type=exporting.XLSX_TYPE)
        else:
            response = StreamingHttpResponse(exporting.employers_csv(queryset), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{exporting.filename(kind)}"'
        response["X-Row-Count"] = str(count)
        return response


class PipelineView(NetworkReadView):
    def get(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        counts = (
            Employer.objects.visible_to(request.user).values("region_id", "stage").annotate(n=Count("id")).order_by()
        )
        by_region: dict[str, dict[str, int]] = {}
        for row in counts:
            by_region.setdefault(row["region_id"], {})[row["stage"]] = row["n"]
        list_url = reverse("employers:list")
        rows = []
        for region in Region.objects.readable_by(request.user):
            found = by_region.get(region.code, {})
            cells = [
                {
                    "stage": label,
                    "n": found.get(stage, 0),
                    "url": f"{list_url}?{urlencode({'region': region.code, 'stage': stage})}",
                }
                for stage, label in Stage.choices
            ]
            total_url = f"{list_url}?{urlencode({'region': region.code})}"
            rows.append({"region": region, "cells": cells, "total": sum(found.values()), "url": total_url})
        return render(request, "employers/pipeline.html", {"rows": rows, "stages": Stage.choices})


# --- One employer ----------------------------------------------------------------------


class EmployerDetailView(NetworkReadView):
    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        employer = get_object_or_404(employer_queryset(request.user), pk=pk)
        openings = employer.openings.prefetch_related(
            Prefetch("accommodations", queryset=Accommodation.objects.order_by("code"))
        )
        context = {
            "employer": employer,
            "people": employer.contact_persons.all(),
            "openings": openings,
            "stage_changes": employer.stage_changes.select_related("by")[:20],
            "timeline": employer_timeline(employer, request.GET.get("page", 1)),
            "can_write": may_write_region(request.user, employer.region_id),
            "stage_form": StageForm(initial={"stage": employer.stage}),
        }
        return render(request, "employers/detail.html", context)


class EmployerCreateView(NetworkReadView):
    template_name = "employers/employer_form.html"
    read_roles = NETWORK_WRITE
    write_roles = NETWORK_WRITE

    def get(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        return _render_form(request, self.template_name, EmployerForm(user=request.user))

    def post(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        form = EmployerForm(request.POST, user=request.user)
        existing = None
        if form.is_valid():
            try:
                employer = services.employer_create(by=request.user, **form.cleaned_data)
            except ValidationError as error:
                existing = _form_errors(form, error)
            else:
                messages.success(request, _("Employer %(name)s added.") % {"name": employer})
                return redirect("employers:detail", employer.pk)
        return _render_form(request, self.template_name, form, status=400, existing=existing)


class EmployerEditView(NetworkReadView):
    template_name = "employers/employer_form.html"

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        employer = _editable(request, pk)
        form = EmployerForm(instance=employer, user=request.user)
        return _render_form(request, self.template_name, form, employer=employer)

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        employer = _editable(request, pk)
        form = EmployerForm(request.POST, instance=employer, user=request.user)
        existing = None
        if form.is_valid():
            try:
                services.employer_update(employer=employer, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                existing = _form_errors(form, error)
            else:
                messages.success(request, _("Employer updated."))
                return redirect("employers:detail", employer.pk)
        return _render_form(request, self.template_name, form, status=400, employer=employer, existing=existing)


class EmployerStageView(NetworkReadView):
    template_name = "employers/stage_form.html"

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        employer = _editable(request, pk)
        form = StageForm(initial={"stage": employer.stage})
        return _render_form(request, self.template_name, form, employer=employer)

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        employer = _editable(request, pk)
        form = StageForm(request.POST)
        if form.is_valid():
            employer = services.employer_change_stage(
                employer=employer, by=request.user, stage=form.cleaned_data["stage"]
            )
            messages.success(request, _("Stage is now: %(stage)s.") % {"stage": employer.get_stage_display()})
            return redirect("employers:detail", employer.pk)
        return _render_form(request, self.template_name, form, status=400, employer=employer)


class EmployerDeleteView(NetworkReadView):
    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        employer = _editable(request, pk)
        context = {
            "employer": employer,
            "people": employer.contact_persons.count(),
            "openings": employer.openings.count(),
            "contacts": employer.contacts.count(),
        }
        return render(request, "employers/confirm_delete.html", context)

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        employer = _editable(request, pk)
        name = str(employer)
        services.employer_delete(employer=employer, by=request.user)
        messages.success(request, _("Employer %(name)s deleted.") % {"name": name})
        return redirect("employers:list")


# --- Contact persons and openings ------------------------------------------------------


class ContactPersonCreateView(NetworkPartView):
    template_name = "employers/part_form.html"

    def _employer(self, request: AuthenticatedHttpRequest, pk: int) -> Employer:
        return get_object_or_404(Employer.objects.visible_to(request.user), pk=pk)

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        employer = self._employer(request, pk)
        return _render_form(request, self.template_name, ContactPersonForm(), employer=employer, kind="person")

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        employer = self._employer(request, pk)
        form = ContactPersonForm(request.POST)
        if form.is_valid():
            try:
                services.contact_person_create(employer=employer, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, _("Contact person added."))
                return redirect("employers:detail", employer.pk)
        return _render_form(request, self.template_name, form, status=400, employer=employer, kind="person")


class ContactPersonEditView(NetworkPartView):
    template_name = "employers/part_form.html"

    def _person(self, request: AuthenticatedHttpRequest, pk: int) -> ContactPerson:
        return get_object_or_404(ContactPerson.objects.editable_by(request.user).select_related("employer"), pk=pk)

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        person = self._person(request, pk)
        form = ContactPersonForm(instance=person)
        return _render_form(request, self.template_name, form, employer=person.employer, kind="person", obj=person)

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        person = self._person(request, pk)
        form = ContactPersonForm(request.POST, instance=person)
        if form.is_valid():
            try:
                services.contact_person_update(contact_person=person, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, _("Contact person updated."))
                return redirect("employers:detail", person.employer_id)
        context = {"employer": person.employer, "kind": "person", "obj": person}
        return _render_form(request, self.template_name, form, status=400, **context)


class OpeningCreateView(NetworkPartView):
    template_name = "employers/part_form.html"

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        employer = get_object_or_404(Employer.objects.visible_to(request.user), pk=pk)
        return _render_form(request, self.template_name, OpeningForm(), employer=employer, kind="opening")

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        employer = get_object_or_404(Employer.objects.visible_to(request.user), pk=pk)
        form = OpeningForm(request.POST)
        if form.is_valid():
            try:
                services.opening_create(employer=employer, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, _("Opening added."))
                return redirect("employers:detail", employer.pk)
        return _render_form(request, self.template_name, form, status=400, employer=employer, kind="opening")


class OpeningEditView(NetworkPartView):
    template_name = "employers/part_form.html"

    def _opening(self, request: AuthenticatedHttpRequest, pk: int) -> Opening:
        return get_object_or_404(Opening.objects.editable_by(request.user).select_related("employer"), pk=pk)

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        opening = self._opening(request, pk)
        form = OpeningForm(instance=opening)
        return _render_form(request, self.template_name, form, employer=opening.employer, kind="opening", obj=opening)

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        opening = self._opening(request, pk)
        form = OpeningForm(request.POST, instance=opening)
        if form.is_valid():
            try:
                services.opening_update(opening=opening, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, _("Opening updated."))
                return redirect("employers:detail", opening.employer_id)
        context = {"employer": opening.employer, "kind": "opening", "obj": opening}
        return _render_form(request, self.template_name, form, status=400, **context)
