""" "New in the network": the employers trajectory guides added (``employers.proposals``), for the
region's advisers and coordinators to accept, merge into an existing employer, or reject.

Only the region's writers see these pages (a guide or an outsider: 404); every employer is read
through ``editable_by``, so another region's id, here or as the one to merge into, is a 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from crm.forms import apply_errors, render_form
from crm.mixins import RoleRequiredMixin
from crm.scoping import NETWORK_WRITE
from crm.types import AuthenticatedHttpRequest
from employers import archive, proposals
from employers.forms import ReviewForm
from employers.models import Employer

PER_PAGE = 25


class ReviewerView(RoleRequiredMixin, View):
    read_roles = NETWORK_WRITE
    write_roles = NETWORK_WRITE


class ReviewListView(ReviewerView):
    def get(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        page = Paginator(proposals.awaiting_review(request.user), PER_PAGE).get_page(request.GET.get("page"))
        return render(request, "employers/review_list.html", {"page": page})


class ReviewDecideView(ReviewerView):
    template_name = "employers/review.html"

    def _employer(self, request: AuthenticatedHttpRequest, pk: int) -> Employer:
        return get_object_or_404(proposals.awaiting_review(request.user), pk=pk)

    def _page(self, request: AuthenticatedHttpRequest, employer: Employer, form: ReviewForm, status: int = 200) -> Any:
        context = {
            "employer": employer,
            "people": employer.contact_persons.all(),
            "suggestions": archive.merge_suggestions(employer, request.user),
        }
        return render_form(request, self.template_name, form, status=status, **context)

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        employer = self._employer(request, pk)
        return self._page(request, employer, ReviewForm(employer=employer, user=request.user))

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        employer = self._employer(request, pk)
        form = ReviewForm(request.POST, employer=employer, user=request.user)
        if not form.is_valid():
            return self._page(request, employer, form, status=400)
        data = form.cleaned_data
        other = None
        if data["decision"] == proposals.Decision.MERGE and data.get("other"):
            same_region = Employer.objects.editable_by(request.user).filter(region_id=employer.region_id)
            other = get_object_or_404(same_region.exclude(pk=employer.pk), pk=data["other"])
        try:
            kept = proposals.employer_review(
                employer=employer, by=request.user, decision=data["decision"], owner=data.get("owner"), other=other
            )
        except ValidationError as error:
            apply_errors(form, error)
            return self._page(request, employer, form, status=400)
        done = {
            proposals.Decision.ACCEPT: _("%(name)s is accepted in the network."),
            proposals.Decision.MERGE: _("Merged into %(name)s."),
            proposals.Decision.REJECT: _("%(name)s is rejected and archived."),
        }[data["decision"]]
        messages.success(request, done % {"name": kept})
        return redirect("employers:review")
