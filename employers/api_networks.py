"""/api/v1/networks/: the named networks of my regions (read only), so that API clients can
filter employers by them (``/api/v1/employers/?network=<id>``) and set an employer's
``networks``. They are added and renamed on the pages (``employers.views_networks``)."""

from __future__ import annotations

from django.db.models import QuerySet
from rest_framework import serializers, viewsets
from rest_framework.routers import DefaultRouter

from crm.permissions import ScopedPermission
from crm.scoping import NETWORK_READ
from crm.types import AuthenticatedRequest
from employers.models import Network


class NetworkSerializer(serializers.ModelSerializer[Network]):
    region = serializers.CharField(source="region_id", read_only=True)

    class Meta:
        model = Network
        fields = ["id", "region", "name", "description", "created_at"]


class NetworkViewSet(viewsets.ReadOnlyModelViewSet[Network]):
    """Networks of my regions (an employer joins only its own region's)."""

    request: AuthenticatedRequest  # ScopedPermission admits signed-in users only
    permission_classes = [ScopedPermission]
    read_roles = NETWORK_READ
    write_roles = frozenset[str]()
    serializer_class = NetworkSerializer

    def get_queryset(self) -> QuerySet[Network]:
        return Network.objects.visible_to(self.request.user).order_by("region_id", "name", "pk")


def register(router: DefaultRouter) -> None:
    router.register("networks", NetworkViewSet, basename="network")
