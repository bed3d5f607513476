"""A guide's own IPS figures: the same records and tables as the coordinator's team view on the
region dashboard (``reports.ips``), for the signed-in guide only (no other person's row)."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views import View

from crm.mixins import RoleRequiredMixin
from crm.models import Role
from crm.types import AuthenticatedHttpRequest
from reports import tables
from reports.ips import ips_own_figures
from reports.views import csv_response


class OwnIpsView(RoleRequiredMixin, View):
    read_roles = frozenset({Role.GUIDE})

    def get(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        figures = ips_own_figures(request.user)
        own_tables = tables.ips_tables(figures)
        wanted = request.GET.get("csv")
        if wanted:
            table = next((t for t in own_tables if t.key == wanted), None)
            if table is None:
                raise Http404
            return csv_response(table, f"ips-{table.key}")
        return render(request, "reports/ips_own.html", {"ips": figures, "tables": own_tables})
