"""Employer contacts for a candidate: the candidate's own guide links one of their own contacts
to the candidate, or takes a link back, from the candidate's page (anyone else gets 404); or,
from their own contact log, links one contact to one of their candidates (``ContactForView``:
the contact log only links here, it reads nothing of candidates). The choices are scoped
(``linkable_contacts``, ``_linkable_candidates``): a contact or a candidate of someone else or
of another region is not a choice, and the service checks it again."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from candidates.models import Candidate, CandidateContact
from candidates.services import access_record
from candidates.services.contacts import contact_link, contact_unlink, linkable_contacts
from candidates.views import GuideView
from crm.forms import apply_errors, form_field, render_form
from crm.types import AuthenticatedHttpRequest, AuthUser
from employers.contacts.forms import DescribedFieldsMixin
from employers.models import Contact

NOT_YOURS = gettext_lazy("Choose one of your own contacts with an employer in this region.")
NOT_YOUR_CANDIDATE = gettext_lazy("Choose one of your own candidates in this employer's region.")


class ContactChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        when = timezone.localtime(obj.when).strftime("%d-%m-%Y %H:%M")
        return f"{when} · {obj.employer.display_name} · {obj.get_channel_display()}"


class ContactLinkForm(DescribedFieldsMixin, forms.Form):
    contact = ContactChoiceField(
        label=gettext_lazy("One of your contacts in this region"),
        queryset=Contact.objects.none(),
        error_messages={"invalid_choice": NOT_YOURS},
    )

    def __init__(self, *args: Any, candidate: Candidate, user: AuthUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_field(self, "contact", forms.ModelChoiceField).queryset = linkable_contacts(candidate, user)


class ContactLinkView(GuideView):
    template = "candidates/contact_link.html"

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        candidate = get_object_or_404(Candidate.objects.editable_by(request.user), pk=pk)
        form = ContactLinkForm(candidate=candidate, user=request.user)
        return render_form(request, self.template, form, candidate=candidate)

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        candidate = get_object_or_404(Candidate.objects.editable_by(request.user), pk=pk)
        form = ContactLinkForm(request.POST, candidate=candidate, user=request.user)
        if form.is_valid():
            try:
                contact_link(candidate=candidate, contact_id=form.cleaned_data["contact"].pk, by=request.user)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("The contact is linked to this candidate."))
                return redirect("candidates:detail", candidate.pk)
        return render_form(request, self.template, form, status=400, candidate=candidate)


class ContactUnlinkView(GuideView):
    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        link = get_object_or_404(CandidateContact.objects.editable_by(request.user).select_related("candidate"), pk=pk)
        contact_unlink(link=link, by=request.user)
        messages.success(request, _("The contact is no longer linked to this candidate."))
        return redirect("candidates:detail", link.candidate_id)


def _own_contact(request: AuthenticatedHttpRequest, pk: int) -> Contact:
    """A contact the signed-in guide logged and may see; anyone else's is not found."""
    queryset = Contact.objects.visible_to(request.user).filter(by=request.user).select_related("employer")
    return get_object_or_404(queryset, pk=pk)


def _linkable_candidates(contact: Contact, user: AuthUser) -> QuerySet[Candidate]:
    """``user``'s own candidates in the contact's region, not anonymised, not yet linked to it."""
    return (
        Candidate.objects.editable_by(user)
        .filter(region_id=contact.employer.region_id, anonymised_at__isnull=True)
        .exclude(pk__in=CandidateContact.objects.filter(contact=contact).values("candidate_id"))
    )


class CandidateLinkForm(DescribedFieldsMixin, forms.Form):
    candidate = forms.ModelChoiceField(
        label=gettext_lazy("One of your candidates in this region"),
        queryset=Candidate.objects.none(),
        error_messages={"invalid_choice": NOT_YOUR_CANDIDATE},
    )

    def __init__(self, *args: Any, contact: Contact, user: AuthUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_field(self, "candidate", forms.ModelChoiceField).queryset = _linkable_candidates(contact, user)


class ContactForView(GuideView):
    """From the guide's own contact log: this contact was for one of my candidates."""

    template = "candidates/contact_for.html"

    def _page(
        self, request: AuthenticatedHttpRequest, contact: Contact, form: forms.Form, status: int = 200
    ) -> HttpResponse:
        linked = CandidateContact.objects.editable_by(request.user).filter(contact=contact).select_related("candidate")
        return render_form(request, self.template, form, status=status, contact=contact, links=list(linked))

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        contact = _own_contact(request, pk)
        return self._page(request, contact, CandidateLinkForm(contact=contact, user=request.user))

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        contact = _own_contact(request, pk)
        form = CandidateLinkForm(request.POST, contact=contact, user=request.user)
        if form.is_valid():
            candidate = form.cleaned_data["candidate"]
            try:
                contact_link(candidate=candidate, contact_id=contact.pk, by=request.user)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                access_record(candidates=candidate, user=request.user, what="page:candidate-contact-linked")
                messages.success(request, _("The contact is linked to this candidate."))
                return redirect("candidates:contact-for", contact.pk)
        return self._page(request, contact, form, status=400)
