from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from crm.models import Region
from crm.serializers import RegionSerializer
from crm.throttling import TokenThrottle


class RegionViewSet(viewsets.ReadOnlyModelViewSet):
    """The 35 labour-market regions: public reference data for every signed-in user."""

    queryset = Region.objects.all()
    serializer_class = RegionSerializer
    lookup_field = "code"
    pagination_class = None


class TokenView(ObtainAuthToken):
    """Exchange a username and password for an API token (throttled against guessing)."""

    throttle_classes = [TokenThrottle]
    throttle_scope = "token"

    @extend_schema(request=ObtainAuthToken.serializer_class, responses={200: {"type": "object"}})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().post(request, *args, **kwargs)


def register(router: DefaultRouter) -> None:
    router.register("regions", RegionViewSet, basename="region")
