from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from crm import mfa
from crm.models import Region
from crm.serializers import RegionSerializer
from crm.throttling import TokenThrottle


class RegionViewSet(viewsets.ReadOnlyModelViewSet):
    """The 35 labour-market regions: public reference data for every signed-in user."""

    queryset = Region.objects.all()
    serializer_class = RegionSerializer
    lookup_field = "code"
    pagination_class = None


class TokenRequestSerializer(AuthTokenSerializer):
    """Username and password, and the current code from the authenticator app (or a recovery
    code) for every user who has two-factor sign-in or must have it."""

    code = serializers.CharField(required=False, allow_blank=True, max_length=32, write_only=True)


class TokenView(ObtainAuthToken):
    """Exchange a username, password and two-factor code for an API token that expires
    (throttled against guessing; wrong codes count towards the sign-in lock-out)."""

    throttle_classes = [TokenThrottle]
    throttle_scope = "token"
    serializer_class = TokenRequestSerializer

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            200: {"type": "object", "properties": {"token": {"type": "string"}, "expires": {"type": "string"}}},
            400: {"type": "object"},
            403: {"type": "object"},
        },
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        code = serializer.validated_data.get("code") or ""
        if mfa.has_second_factor(user):
            outcome, _device = mfa.check_code(request._request, user, code)
            if outcome is not mfa.Outcome.OK:
                status = 429 if outcome in (mfa.Outcome.LOCKED, mfa.Outcome.THROTTLED) else 400
                return Response({"code": [_("A valid two-factor code is required.")]}, status=status)
        elif mfa.required_for(user):
            detail = _("Set up two-factor sign-in in the web application before asking for an API token.")
            return Response({"detail": detail}, status=403)
        token, expires = mfa.issue_token(user)
        return Response({"token": token.key, "expires": expires.isoformat()})


def register(router: DefaultRouter) -> None:
    router.register("regions", RegionViewSet, basename="region")
