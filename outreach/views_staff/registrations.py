"""New registrations ("nieuwe aanmeldingen"): confirmed open registrations of one's regions, to
review. Advisers and coordinators of the session's region only; anyone else gets 404."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from crm.scoping import NETWORK_WRITE
from crm.types import AuthenticatedHttpRequest
from outreach.models import Registration, RegistrationQuerySet
from outreach.services.registration import mark_reviewed
from outreach.views_staff.base import StaffView


def staff_registrations(request: AuthenticatedHttpRequest) -> RegistrationQuerySet:
    return Registration.objects.in_regions_of(request.user, NETWORK_WRITE).confirmed()


class RegistrationListView(StaffView):
    def get(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        show_all = request.GET.get("show") == "all"
        rows = staff_registrations(request)
        if not show_all:
            rows = rows.filter(reviewed_at__isnull=True)
        rows = rows.select_related(
            "event__region", "invitation__contact_person__employer__owner", "reviewed_by"
        ).order_by("-confirmed_at", "-id")
        page = Paginator(rows, 50).get_page(request.GET.get("page"))
        return render(request, "outreach/staff/registrations.html", {"page": page, "show_all": show_all})


class RegistrationReviewedView(StaffView):
    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        registration = get_object_or_404(staff_registrations(request), pk=pk)
        mark_reviewed(registration=registration, by=request.user)
        messages.success(request, _("Marked as reviewed."))
        return redirect("outreach:registrations")
