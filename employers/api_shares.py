"""/api/v1/employer-shares/: national employers over the API, as on the requests page
(``employers.views_shares``): a region asks to take part in an employer another region leads
(by its KvK number, what the duplicate message of the employer API names), and the lead owner
or a lead coordinator accepts or declines.

Only network writers (advisers, coordinators) use it; anyone else gets 404. A request is read
through ``EmployerShare.objects.visible_to`` (the lead region and the asking region), so another
region's request is a 404 on every method; one the user sees but may not decide (the asker, an
adviser of the lead who is not the owner) is a 403 from ``employers.shares.share_decide``.
"""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from crm.permissions import ScopedPermission
from crm.schema import KvkNumberField
from crm.scoping import NETWORK_WRITE
from crm.types import AuthenticatedRequest
from employers import shares
from employers.models import EmployerShare, ShareState


class EmployerShareSerializer(serializers.ModelSerializer[EmployerShare]):
    employer_name = serializers.CharField(source="employer.display_name", read_only=True)
    lead_region = serializers.CharField(source="employer.region_id", read_only=True)
    region = serializers.CharField(source="region_id", read_only=True)

    class Meta:
        model = EmployerShare
        fields = [
            "id", "employer", "employer_name", "lead_region", "region", "state", "note",
            "requested_by", "requested_at", "decided_by", "decided_at",
        ]  # fmt: skip
        read_only_fields = fields


class ShareAskSerializer(serializers.Serializer[None]):
    kvk = KvkNumberField(max_length=20, help_text="The KvK number of the employer another region leads.")
    region = serializers.CharField(max_length=10, help_text="The region (one you write) that asks to take part.")
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class EmployerShareFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=ShareState.choices)
    to_decide = django_filters.BooleanFilter(
        method="filter_to_decide", label="Only open requests on employers I decide on (lead owner, lead coordinator)."
    )

    class Meta:
        model = EmployerShare
        fields = ["state", "employer"]

    def filter_to_decide(self, queryset: QuerySet[EmployerShare], name: str, value: bool) -> QuerySet:
        ids = shares.to_decide(self.request.user).values("pk")  # a subquery of the same statement
        return queryset.filter(pk__in=ids) if value else queryset.exclude(pk__in=ids)


class EmployerShareViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet[EmployerShare]):
    """Requests to take part in another region's employer, asked by my regions or about the
    employers my regions lead, with the answers."""

    request: AuthenticatedRequest  # ScopedPermission admits signed-in users only
    permission_classes = [ScopedPermission]
    read_roles = NETWORK_WRITE
    write_roles = NETWORK_WRITE
    serializer_class = EmployerShareSerializer
    filterset_class = EmployerShareFilter

    def get_queryset(self) -> QuerySet[EmployerShare]:
        return (
            EmployerShare.objects.visible_to(self.request.user)
            .select_related("employer")
            .order_by("-requested_at", "-pk")
        )

    @extend_schema(request=ShareAskSerializer, responses={201: EmployerShareSerializer})
    def create(self, request: Request, *args: object, **kwargs: object) -> Response:
        body = ShareAskSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        share = shares.share_request(
            by=self.request.user, kvk_number=data["kvk"], region=data["region"], note=data["note"]
        )
        return Response(self._shown(share), status=status.HTTP_201_CREATED)

    def _decide(self, pk: str | None, accept: bool) -> Response:
        # Not get_object(): its object check asks who writes the share (the asking region),
        # while the lead decides; share_decide says who may (403 for one who only sees it).
        share = get_object_or_404(self.get_queryset(), pk=pk)
        return Response(self._shown(shares.share_decide(share=share, by=self.request.user, accept=accept)))

    def _shown(self, share: EmployerShare) -> dict:
        return dict(self.get_serializer(share).data)

    @extend_schema(request=None, responses=EmployerShareSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        return self._decide(pk, accept=True)

    @extend_schema(request=None, responses=EmployerShareSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        return self._decide(pk, accept=False)


def with_request_to_join(response: Response, exc: Exception) -> Response:
    """A KvK number that is another region's employer (``employers.services``' duplicate check
    marks its error with ``join``): the 400 names the call that asks to take part, what the
    form's "Request to join" button does (the lead owner then decides)."""
    join = getattr(exc, "join", None)
    if join and response.status_code == 400 and isinstance(response.data, dict):
        body = {**join, "note": ""}
        response.data["request_to_join"] = {"method": "POST", "url": reverse("employer-share-list"), "body": body}
    return response


def register(router: DefaultRouter) -> None:
    router.register("employer-shares", EmployerShareViewSet, basename="employer-share")
