"""National employers: "request to join" another region's employer (from the KvK duplicate
message), the lead's decision, and the requests page where the requester reads the answer.

Only network writers (advisers, coordinators) use these pages; a guide or someone without a
role gets 404. A request is read through ``EmployerShare.objects.visible_to`` (the lead region
and the requesting region), so another region's request id is a 404; one the user sees but may
not decide (the requester, an adviser of the lead who is not the owner) is a 403.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from crm.forms import apply_errors, form_field, render_form
from crm.mixins import RoleRequiredMixin
from crm.models import Region
from crm.scoping import NETWORK_WRITE
from crm.types import AuthenticatedHttpRequest, AuthUser
from employers import shares, sharing
from employers.contacts.forms import DescribedFieldsMixin
from employers.models import EmployerShare


class ShareRequestForm(DescribedFieldsMixin, forms.Form):
    kvk = forms.CharField(label=gettext_lazy("KvK number"), max_length=12)
    region = forms.ModelChoiceField(label=gettext_lazy("For region"), queryset=Region.objects.none())
    note = forms.CharField(
        label=gettext_lazy("Why your region wants to take part"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, user: AuthUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_field(self, "region", forms.ModelChoiceField).queryset = Region.objects.writable_by(user)


class ShareView(RoleRequiredMixin, View):
    read_roles = NETWORK_WRITE
    write_roles = NETWORK_WRITE


class ShareListView(ShareView):
    def get(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        context = {
            "to_decide": shares.requests_to_decide(request.user),
            "mine": shares.requests_of_my_regions(request.user),
        }
        return render(request, "employers/shares.html", context)


class ShareRequestView(ShareView):
    template_name = "employers/share_request.html"

    def get(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        initial = {"kvk": request.GET.get("kvk", ""), "region": request.GET.get("region", "")}
        return render_form(request, self.template_name, ShareRequestForm(initial=initial, user=request.user))

    def post(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        form = ShareRequestForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                shares.share_request(kvk_number=data["kvk"], region=data["region"], by=request.user, note=data["note"])
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("Your request is sent; the lead region decides."))
                return redirect("employers:shares")
        return render_form(request, self.template_name, form, status=400)


class ShareDecideView(ShareView):
    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        share = get_object_or_404(EmployerShare.objects.visible_to(request.user).select_related("employer"), pk=pk)
        if not sharing.may_decide(request.user, share.employer):
            raise PermissionDenied
        accept = request.POST.get("decision") == "accept"
        try:
            shares.share_decide(share=share, by=request.user, accept=accept)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("employers:shares")
        done = _("%(region)s now takes part in %(name)s.") if accept else _("The request of %(region)s is declined.")
        messages.success(request, done % {"region": share.region.name, "name": share.employer})
        return redirect("employers:shares")
