"""Pages of the employer network: list, detail, forms, stage, pipeline and export (an
employer's contact persons and openings: ``employers.views_parts``).

Views parse and shape; every read starts from ``visible_to``, every write is a service call.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch
from django.http import HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views import View

from crm.forms import apply_errors, render_form
from crm.mixins import RoleRequiredMixin
from crm.models import Region
from crm.paging import CappedPaginator
from crm.roles import Role, region_codes
from crm.scoping import NETWORK_READ, may_write_region, network_owners, writes_any_region
from crm.types import AuthenticatedHttpRequest
from employers import archive, colleague, exporting, list_page, proposals, services, shares, stories
from employers.api_employers import employer_queryset
from employers.contacts.selectors import employer_open_followups, local_today
from employers.filters import EmployerFilter, archived_scope
from employers.forms import EmployerForm, ProposeEmployerForm, StageForm
from employers.list_counts import filter_counts
from employers.models import Accommodation, Employer, Network, SavedFilter, Stage
from employers.picker import resolve_employer
from employers.referrals import referrals_of
from employers.timeline import employer_timeline

if TYPE_CHECKING:
    from crm.types import AuthUser
    from employers.models.network import EmployerQuerySet

PER_PAGE = 25


class NetworkReadView(RoleRequiredMixin, View):
    """Everyone of the network reads; advisers and coordinators write.

    The role gate lets every network role through on writes too, so that someone of another
    region gets the object's 404 (never a 403 that confirms it exists); ``_editable`` then
    refuses a guide of the employer's own region with 403.
    """

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
    apply_errors(form, error)
    form.join_url = getattr(error, "join_url", "")  # "Request to join" another region's employer
    return getattr(error, "existing", None)


# --- List, export, pipeline ------------------------------------------------------------


# The columns the list shows (templates/employers/list.html), its region's name and its owner's.
LIST_COLUMNS = (
    "legal_name", "trade_name", "kvk_number", "place", "region__name", "stage", "sbi_section", "sbi_code",
    "open_openings", "last_contact_at", "do_not_contact", "tags",
    "owner__username", "owner__first_name", "owner__last_name",
)  # fmt: skip


def list_rows(user: AuthUser) -> EmployerQuerySet:
    """One query per page: the columns shown, region and owner joined, no accommodations; the
    rows' networks in one prefetch."""
    networks = Prefetch("networks", queryset=Network.objects.order_by("name", "pk"))
    return (
        Employer.objects.visible_to(user)
        .select_related("region", "owner")
        .only(*LIST_COLUMNS)
        .prefetch_related(networks)
    )


def list_response(request: AuthenticatedHttpRequest, params: QueryDict, status: int = 200) -> HttpResponse:
    """The list with ``params`` as its filters (also the answer to a refused bulk action or save)."""
    employers = archived_scope(list_rows(request.user), params)
    filterset = EmployerFilter(params or None, queryset=employers, request=request)
    page = CappedPaginator(filterset.qs, PER_PAGE).get_page(params.get("page"))
    # The region options are the user's readable regions (employers.filters._regions).
    counts = filter_counts(employers, regions=region_codes(request.user, NETWORK_READ))
    list_page.people_widgets(filterset.form, counts)
    context = {
        "filter": filterset,
        "page": page,
        "can_write": writes_any_region(request.user),
        "headers": list_page.headers(params.get("ordering", "")),
        "query": params.urlencode(),
        "saved_filters": SavedFilter.objects.of(request.user),
    }
    if context["can_write"]:  # the bulk actions' choices
        context.update(owners=network_owners(request.user), stages=Stage.choices)
    return render(request, "employers/list.html", context, status=status)


class EmployerListView(NetworkReadView):
    def get(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        return list_response(request, request.GET)


class EmployerExportView(NetworkReadView):
    def get(self, request: AuthenticatedHttpRequest) -> HttpResponse | StreamingHttpResponse:
        kind = request.GET.get("format", "csv")
        if kind not in exporting.FORMATS:
            kind = "csv"
        employers = archived_scope(employer_queryset(request.user), request.GET)
        filterset = EmployerFilter(request.GET, queryset=employers, request=request)
        if not filterset.is_valid():
            # An invalid filter is dropped by the FilterSet; exporting everything instead is wrong.
            errors = "; ".join(f"{name}: {' '.join(e)}" for name, e in filterset.errors.items())
            return HttpResponse(errors, status=400, content_type="text/plain; charset=utf-8")
        queryset = filterset.qs
        filters = {k: v for k, v in request.GET.lists() if k not in ("format", "page", "per_contact")}
        count = exporting.audit_export(by=request.user, queryset=queryset, kind=kind, filters=filters)
        response: HttpResponse | StreamingHttpResponse
        per_contact = request.GET.get("per_contact") == "1"
        if kind == "xlsx":
            response = HttpResponse(exporting.employers_xlsx(queryset, per_contact), content_type=exporting.XLSX_TYPE)
        else:
            rows = exporting.employers_csv(queryset, per_contact)
            response = StreamingHttpResponse(rows, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{exporting.filename(kind)}"'
        response["X-Row-Count"] = str(count)
        return response


class PipelineView(NetworkReadView):
    def get(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        counts = (
            Employer.objects.visible_to(request.user)
            .active()
            .values("region_id", "stage")
            .annotate(n=Count("id"))
            .order_by()
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
        employers = employer_queryset(request.user).select_related("added_by", "referred_by", "referred_by_person")
        employer = get_object_or_404(employers, pk=pk)
        openings = employer.openings.select_related("region").prefetch_related(
            Prefetch("accommodations", queryset=Accommodation.objects.order_by("code"))
        )
        context = {
            "employer": employer,
            "people": employer.contact_persons.select_related("region"),
            **shares.detail_context(employer, request.user),
            "openings": openings,
            "stage_changes": employer.stage_changes.select_related("by")[:20],
            "timeline": employer_timeline(employer, request.GET.get("page", 1)),
            "open_followups": employer_open_followups(employer),
            "today": local_today(),
            "can_write": may_write_region(request.user, employer.region_id),
            "can_delete": archive.may_delete_for_good(request.user, employer),
            # The data-subject pages (outreach.views_privacy): the region's coordinators only.
            "can_erase": employer.region_id in region_codes(request.user, {Role.COORDINATOR}),
            "stage_form": StageForm(initial={"stage": employer.stage}),
            "referrals": referrals_of(employer, request.user),
            "colleague_url": settings.SITE_URL.rstrip("/") + colleague.link_path(employer.pk),
            # "Gebruik dit verhaal bij werkgevers in deze sector": published stories of its sector.
            "sector_stories": stories.stories_for_sector(employer.sbi_section),
        }
        return render(request, "employers/detail.html", context)


class EmployerCreateView(NetworkReadView):
    """Advisers and coordinators add employers; a trajectory guide (who writes no region) adds
    their own contact for review (``employers.proposals``), on a shorter form."""

    template_name = "employers/employer_form.html"

    def get(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        if not writes_any_region(request.user):
            return render_form(request, "employers/propose_form.html", ProposeEmployerForm(user=request.user))
        initial = {}
        referrer = request.GET.get("referred_by", "")
        if referrer.isdigit():  # "Add an employer they referred", from the referrer's page
            initial["referred_by"] = Employer.objects.visible_to(request.user).filter(pk=referrer).first()
        return render_form(request, self.template_name, EmployerForm(user=request.user, initial=initial))

    def _propose(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        form = ProposeEmployerForm(request.POST, user=request.user)
        existing = None
        if form.is_valid():
            try:
                employer = proposals.employer_propose(by=request.user, **form.service_arguments())
            except ValidationError as error:
                existing = _form_errors(form, error)
            else:
                messages.success(
                    request, _("Employer %(name)s added; an adviser of the region will review it.") % {"name": employer}
                )
                return redirect("employers:detail", employer.pk)
        return render_form(request, "employers/propose_form.html", form, status=400, existing=existing)

    def post(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        if not writes_any_region(request.user):
            return self._propose(request)
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
        return render_form(request, self.template_name, form, status=400, existing=existing)


class EmployerEditView(NetworkReadView):
    template_name = "employers/employer_form.html"

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        employer = _editable(request, pk)
        form = EmployerForm(instance=employer, user=request.user)
        return render_form(request, self.template_name, form, employer=employer)

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
        return render_form(request, self.template_name, form, status=400, employer=employer, existing=existing)


class EmployerStageView(NetworkReadView):
    template_name = "employers/stage_form.html"

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        employer = _editable(request, pk)
        form = StageForm(initial={"stage": employer.stage})
        return render_form(request, self.template_name, form, employer=employer)

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        employer = _editable(request, pk)
        form = StageForm(request.POST)
        if form.is_valid():
            employer = services.employer_change_stage(
                employer=employer, by=request.user, stage=form.cleaned_data["stage"]
            )
            messages.success(request, _("Stage is now: %(stage)s.") % {"stage": employer.get_stage_display()})
            return redirect("employers:detail", employer.pk)
        return render_form(request, self.template_name, form, status=400, employer=employer)


class EmployerArchiveView(NetworkReadView):
    """Archive (hide from lists, audiences, matching) or, with ``restore``, bring back."""

    restore = False

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        employer = _editable(request, pk)
        if self.restore:
            archive.employer_restore(employer=employer, by=request.user)
            messages.success(request, _("Employer %(name)s restored.") % {"name": employer})
        else:
            archive.employer_archive(employer=employer, by=request.user)
            messages.success(request, _("Employer %(name)s archived.") % {"name": employer})
        return redirect("employers:detail", employer.pk)


class EmployerDeleteView(NetworkReadView):
    """Delete for good: a coordinator of the region, an archived employer."""

    def _deletable(self, request: AuthenticatedHttpRequest, pk: int) -> Employer:
        employer = _editable(request, pk)
        if not archive.may_delete_for_good(request.user, employer):
            raise PermissionDenied
        return employer

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        employer = self._deletable(request, pk)
        context = {
            "employer": employer,
            "people": employer.contact_persons.count(),
            "openings": employer.openings.count(),
            "contacts": employer.contacts.count(),
        }
        return render(request, "employers/confirm_delete.html", context)

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        employer = self._deletable(request, pk)
        name = str(employer)
        archive.employer_delete_for_good(employer=employer, by=request.user)
        messages.success(request, _("Employer %(name)s deleted.") % {"name": name})
        return redirect("employers:list")


class EmployerMergeView(NetworkReadView):
    """Merge this employer and another of its region: pick the other (likely duplicates are
    offered), see what each holds, choose which one stays."""

    template_name = "employers/merge.html"

    def _other(self, request: AuthenticatedHttpRequest, employer: Employer, raw: str | None) -> Employer | None:
        if not raw:
            return None
        # Another region's id, or one that does not exist: the same 404.
        same_region = Employer.objects.editable_by(request.user).filter(region_id=employer.region_id)
        candidates = same_region.exclude(pk=employer.pk)
        if raw.isdigit():
            return get_object_or_404(candidates, pk=raw)
        # the picker's text (an option, an exact name or KvK number); naming none is a message
        return resolve_employer(candidates, raw)

    def _page(
        self, request: AuthenticatedHttpRequest, employer: Employer, other: Employer | None, status: int = 200
    ) -> HttpResponse:
        context: dict[str, Any] = {"employer": employer, "other": other}
        if other is None:
            context["suggestions"] = archive.merge_suggestions(employer, request.user)
        else:
            context["sides"] = [(employer, archive.merge_counts(employer)), (other, archive.merge_counts(other))]
        return render(request, self.template_name, context, status=status)

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        employer = _editable(request, pk)
        raw = request.GET.get("other")
        other = self._other(request, employer, raw)
        if raw and other is None:
            messages.error(request, _("Choose an employer of this region from the list."))
            return self._page(request, employer, None, status=400)
        return self._page(request, employer, other)

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        employer = _editable(request, pk)
        other = self._other(request, employer, request.POST.get("other"))
        if other is None:
            messages.error(request, _("Choose the employer to merge with."))
            return self._page(request, employer, None, status=400)
        survivor, merged = (other, employer) if request.POST.get("survivor") == str(other.pk) else (employer, other)
        try:
            survivor = archive.employer_merge(survivor=survivor, merged=merged, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return self._page(request, employer, other, status=400)
        messages.success(request, _("Merged into %(name)s.") % {"name": survivor})
        return redirect("employers:detail", survivor.pk)
