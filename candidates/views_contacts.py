"""Employer contacts for a candidate: the candidate's own guide links one of their own contacts
to the candidate, or takes a link back, from the candidate's page (anyone else gets 404)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from candidates.models import Candidate, CandidateContact
from candidates.services.contacts import contact_link, contact_unlink
from candidates.views import GuideView
from crm.types import AuthenticatedHttpRequest


class ContactLinkForm(forms.Form):
    contact = forms.IntegerField(label=gettext_lazy("Contact"), min_value=1)


class ContactLinkView(GuideView):
    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        candidate = get_object_or_404(Candidate.objects.editable_by(request.user), pk=pk)
        form = ContactLinkForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose one of your own contacts with an employer in this region."))
            return redirect("candidates:detail", candidate.pk)
        try:
            contact_link(candidate=candidate, contact_id=form.cleaned_data["contact"], by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The contact is linked to this candidate."))
        return redirect("candidates:detail", candidate.pk)


class ContactUnlinkView(GuideView):
    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        link = get_object_or_404(CandidateContact.objects.editable_by(request.user).select_related("candidate"), pk=pk)
        contact_unlink(link=link, by=request.user)
        messages.success(request, _("The contact is no longer linked to this candidate."))
        return redirect("candidates:detail", link.candidate_id)
