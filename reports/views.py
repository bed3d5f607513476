"""Region dashboard and national view: pages, CSV exports and the stats API."""

from __future__ import annotations

import csv
from typing import TYPE_CHECKING

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from crm.mixins import RoleRequiredMixin
from crm.models import Region, Role
from crm.permissions import ScopedPermission
from crm.scoping import has_role, region_codes
from crm.types import AuthenticatedHttpRequest, AuthenticatedRequest
from reports import steering, tables
from reports.figures import national_figures, region_figures
from reports.models import RegionTarget
from reports.periods import parse_period, period_choices
from reports.records import as_json
from reports.services import region_target_set

if TYPE_CHECKING:
    from crm.types import AuthUser

PERIOD_PARAMETER = OpenApiParameter(
    "period", str, description="year (default), 12m, or a quarter such as 2026Q3", required=False
)
REGION_ROLES = frozenset({Role.ADVISER, Role.COORDINATOR})
NATIONAL_ROLES = frozenset({Role.AWVN, Role.COORDINATOR})


def dashboard_regions(user: AuthUser) -> list[Region]:
    """The regions whose dashboard ``user`` may open: where they advise or coordinate."""
    return list(Region.objects.filter(code__in=region_codes(user, REGION_ROLES)).order_by("code"))


def _region_or_404(user: AuthUser, code: str | None) -> tuple[Region, list[Region]]:
    regions = dashboard_regions(user)
    if not regions:
        raise Http404
    if code is None:
        return regions[0], regions
    for region in regions:
        if region.code == code:
            return region, regions
    raise Http404


REPORT_TYPES = {
    "pdf": ("application/pdf", steering.as_pdf),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", steering.as_xlsx),
}


def report_response(report: steering.Report, kind: str) -> HttpResponse:
    """The steering group's report as a download; an unknown ``kind`` is a 404."""
    if kind not in REPORT_TYPES:
        raise Http404
    content_type, render_as = REPORT_TYPES[kind]
    response = HttpResponse(render_as(report), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{report.filename}.{kind}"'
    return response


def csv_response(table: tables.Table, filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    response.write("\ufeff")  # BOM: Dutch Excel reads UTF-8 with it
    writer = csv.writer(response, delimiter=";")
    writer.writerow(table.headers)
    writer.writerows(table.rows)
    return response


class RegionDashboardView(RoleRequiredMixin, View):
    read_roles = REGION_ROLES

    def get(self, request: AuthenticatedHttpRequest, code: str | None = None) -> HttpResponse:
        region, regions = _region_or_404(request.user, code or request.GET.get("region"))
        period = parse_period(request.GET.get("period"))
        figures = region_figures(region, period)
        region_tables = tables.region_tables(figures)
        wanted = request.GET.get("csv")
        if wanted:
            table = next((t for t in region_tables if t.key == wanted), None)
            if table is None:
                raise Http404
            return csv_response(table, f"{region.code}-{table.key}-{period.key}")
        if "report" in request.GET:
            report = steering.region_report(figures)
            if has_role(request.user, NATIONAL_ROLES):  # the map compares regions: national readers only
                report.region_map = tables.national_map(national_figures(period))
            return report_response(report, request.GET["report"])
        context = {
            "region": region,
            "regions": regions,
            "period": period,
            "periods": period_choices(),
            "figures": figures,
            "tables": region_tables,
            "charts": tables.region_charts(figures),
        }
        if region.code in region_codes(request.user, {Role.COORDINATOR}):
            context["targets"] = _targets(region, figures.placements.year or period.start.year)
        return render(request, "reports/region.html", context)


def _targets(region: Region, year: int) -> list[dict[str, object]]:
    """This year's and next year's target for the coordinator's form: the row, else the default."""
    rows = {
        t.year: t
        for t in RegionTarget.objects.filter(region=region, year__in=(year, year + 1)).select_related("set_by")
    }
    return [
        {
            "year": y,
            "row": rows.get(y),
            "value": rows[y].durable_placements if y in rows else settings.PLACEMENTS_YEARLY_TARGET,
        }
        for y in (year, year + 1)
    ]


class RegionTargetView(RoleRequiredMixin, View):
    """The coordinator's form on the dashboard: the region's target for one year."""

    read_roles = frozenset({Role.COORDINATOR})
    write_roles = frozenset({Role.COORDINATOR})

    def post(self, request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
        form = RegionTargetForm(request.POST)
        if not form.is_valid():
            if code not in region_codes(request.user, {Role.COORDINATOR}):
                raise Http404  # an outsider learns nothing, not even that the form was wrong
            messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        else:
            try:
                target = region_target_set(region_code=code, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(
                    request,
                    _("Target for %(year)s set to %(value)s durable placements.")
                    % {"year": target.year, "value": target.durable_placements},
                )
        return redirect(reverse("reports:region-detail", args=[code]) + "#targets")


class NationalView(RoleRequiredMixin, View):
    read_roles = NATIONAL_ROLES

    def get(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        period = parse_period(request.GET.get("period"))
        figures = national_figures(period)
        table = tables.national_table(figures, sort=request.GET.get("sort", "code"))
        if request.GET.get("csv"):
            return csv_response(table, f"national-{period.key}")
        if "report" in request.GET:
            return report_response(steering.national_report(figures), request.GET["report"])
        region_map = tables.national_map(figures)
        if request.GET.get("map") in ("svg", "png"):
            return _map_download(region_map, request.GET["map"], period.key)
        context = {
            "period": period,
            "periods": period_choices(),
            "figures": figures,
            "table": table,
            "chart": tables.national_chart(figures),
            "map": region_map,
            "sort": request.GET.get("sort", "code"),
            "columns": list(zip([key for key, _label in tables.NATIONAL_COLUMNS], table.headers, strict=True)),
        }
        return render(request, "reports/national.html", context)


class RegionStatsAPIView(APIView):
    """Key figures of one region (``?period=year|12m|2026Q3``). Aggregates only."""

    request: AuthenticatedRequest  # ScopedPermission admits signed-in users only

    permission_classes = [ScopedPermission]
    read_roles = REGION_ROLES
    write_roles: frozenset[str] = frozenset()

    @extend_schema(parameters=[PERIOD_PARAMETER], responses=OpenApiTypes.OBJECT)
    def get(self, request: AuthenticatedRequest, code: str) -> Response:
        region, _regions = _region_or_404(request.user, code)
        return Response(as_json(region_figures(region, parse_period(request.query_params.get("period")))))


class NationalStatsAPIView(APIView):
    """Key figures of every region side by side (``?period=...``). Aggregates only."""

    request: AuthenticatedRequest  # ScopedPermission admits signed-in users only

    permission_classes = [ScopedPermission]
    read_roles = NATIONAL_ROLES
    write_roles: frozenset[str] = frozenset()

    @extend_schema(parameters=[PERIOD_PARAMETER], responses=OpenApiTypes.OBJECT)
    def get(self, request: AuthenticatedRequest) -> Response:
        return Response(as_json(national_figures(parse_period(request.query_params.get("period")))))


def _map_download(region_map: str, kind: str, period_key: str) -> HttpResponse:
    svg = '<?xml version="1.0" encoding="utf-8"?>\n' + region_map
    if kind == "png":
        response = HttpResponse(steering.map_png(svg), content_type="image/png")
    else:
        response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="regions-{period_key}.{kind}"'
    return response


class RegionTargetForm(forms.Form):
    year = forms.IntegerField(min_value=2020, max_value=2100)
    durable_placements = forms.IntegerField(label=_("Durable placements"), min_value=1, max_value=10000)


class RegionTargetSerializer(serializers.Serializer):
    durable_placements = serializers.IntegerField(min_value=1, max_value=10000)


class RegionTargetAPIView(APIView):
    """The region's coordinator sets its yearly target of durable placements (default 100).
    Anyone else, a coordinator of another region too, gets 404."""

    request: AuthenticatedRequest

    permission_classes = [ScopedPermission]
    read_roles = frozenset({Role.COORDINATOR})
    write_roles = frozenset({Role.COORDINATOR})

    @extend_schema(request=RegionTargetSerializer, responses=RegionTargetSerializer)
    def put(self, request: AuthenticatedRequest, code: str, year: int) -> Response:
        if not 2020 <= year <= 2100:
            raise Http404
        serializer = RegionTargetSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        target = region_target_set(
            region_code=code,
            year=year,
            durable_placements=serializer.validated_data["durable_placements"],
            by=request.user,
        )
        return Response({"durable_placements": target.durable_placements})
