"""Pages for a region's named networks: the list (with how many employers each holds, linked to
the employer list filtered by it), add one, rename one. Everyone of the network reads them; the
region's advisers and coordinators write. Another region's network is a 404."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from crm.forms import apply_errors, render_form
from crm.mixins import RoleRequiredMixin
from crm.scoping import NETWORK_READ, NETWORK_WRITE, may_write_region, writes_any_region
from crm.types import AuthenticatedHttpRequest
from employers import services_networks
from employers.forms import NetworkForm
from employers.models import Network


class NetworkListView(RoleRequiredMixin, View):
    read_roles = NETWORK_READ
    write_roles = NETWORK_WRITE
    template_name = "employers/networks.html"

    def _page(self, request: AuthenticatedHttpRequest, form: NetworkForm | None, status: int = 200) -> HttpResponse:
        networks = (
            Network.objects.visible_to(request.user)
            .select_related("region")
            .annotate(n=Count("employers", filter=Q(employers__archived_at__isnull=True)))
            .order_by("region__name", "name", "pk")
        )
        if form is not None:
            form.describe_fields()
        return render(request, self.template_name, {"networks": networks, "form": form}, status=status)

    def get(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        form = NetworkForm(user=request.user) if writes_any_region(request.user) else None
        return self._page(request, form)

    def post(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        form = NetworkForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                network = services_networks.network_create(by=request.user, **form.cleaned_data)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("Network %(name)s added.") % {"name": network})
                return redirect("employers:networks")
        return self._page(request, form, status=400)


class NetworkEditView(RoleRequiredMixin, View):
    # Every network role passes the gate, so another region's network is a 404 (not a 403).
    read_roles = NETWORK_READ
    write_roles = NETWORK_READ
    template_name = "employers/network_form.html"

    def _network(self, request: AuthenticatedHttpRequest, pk: int) -> Network:
        network = get_object_or_404(Network.objects.visible_to(request.user).select_related("region"), pk=pk)
        if not may_write_region(request.user, network.region_id):
            raise PermissionDenied
        return network

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        network = self._network(request, pk)
        form = NetworkForm(
            user=request.user, network=network, initial={"name": network.name, "description": network.description}
        )
        return render_form(request, self.template_name, form, network=network)

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        network = self._network(request, pk)
        form = NetworkForm(request.POST, user=request.user, network=network)
        if form.is_valid():
            try:
                services_networks.network_update(network=network, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("Network updated."))
                return redirect("employers:networks")
        return render_form(request, self.template_name, form, status=400, network=network)
