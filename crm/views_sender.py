"""The coordinator's page for the region's mail sender: name, address and signature lines
(``crm.senders``). Anyone who is not a coordinator of that region gets 404."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from crm.mixins import RoleRequiredMixin
from crm.models import Region
from crm.roles import Role
from crm.senders import region_sender, region_set_sender, regions_for_sender
from crm.types import AuthenticatedHttpRequest


class RegionSenderForm(forms.Form):
    sender_name = forms.CharField(
        label=gettext_lazy("Sender name"),
        required=False,
        max_length=100,
        help_text=gettext_lazy("Empty: WSP and the region's name."),
    )
    sender_email = forms.EmailField(
        label=gettext_lazy("Sender address"),
        required=False,
        help_text=gettext_lazy("Empty: the site's address. Use an address your mail domain may send from."),
    )
    signature = forms.CharField(
        label=gettext_lazy("Signature"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Phone number and address, under every mail (at most six lines)."),
    )


class RegionSenderView(RoleRequiredMixin, View):
    read_roles = frozenset({Role.COORDINATOR})
    write_roles = frozenset({Role.COORDINATOR})
    template_name = "crm/region_sender.html"

    def get(self, request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
        region = get_object_or_404(regions_for_sender(request.user), code=code)
        form = RegionSenderForm(
            initial={
                "sender_name": region.sender_name,
                "sender_email": region.sender_email,
                "signature": region.signature,
            }
        )
        return self._page(request, region, form)

    def post(self, request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
        region = get_object_or_404(regions_for_sender(request.user), code=code)
        form = RegionSenderForm(request.POST)
        if form.is_valid():
            try:
                data = form.cleaned_data
                region_set_sender(
                    region=region,
                    by=request.user,
                    name=data["sender_name"],
                    email=data["sender_email"],
                    signature=data["signature"],
                )
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    for message in errors:
                        form.add_error(field if field in form.fields else None, message)
            else:
                messages.success(request, _("The sender of the region's mail is saved."))
                return redirect("region-sender", code=region.code)
        return self._page(request, region, form)

    def _page(self, request: AuthenticatedHttpRequest, region: Region, form: RegionSenderForm) -> HttpResponse:
        context = {"region": region, "form": form, "sender": region_sender(region)}
        return render(request, self.template_name, context)
