"""/api/v1/events/, /api/v1/invitations/ and /api/v1/outbound-emails/.

Advisers and coordinators work on their regions' sessions; the AWVN adviser reads every
region's sessions and changes nothing but the AWVN confirmation (403 on other writes).
Guides and other regions get 404, like a missing session.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from crm.api import updated_instance
from crm.models import Role
from crm.permissions import ScopedPermission
from crm.scoping import NETWORK_WRITE, has_role
from crm.types import AuthenticatedRequest
from outreach import selectors_staff as selectors
from outreach.filters import EventFilter, InvitationFilter, OutboundEmailFilter
from outreach.models import Event, Invitation, OutboundEmail
from outreach.serializers import (
    AttendanceSerializer,
    AudienceResultSerializer,
    AudienceSerializer,
    AwvnConfirmSerializer,
    CancelSerializer,
    EventSerializer,
    EventUpdateSerializer,
    InvitationSerializer,
    OutboundEmailSerializer,
    PublishSerializer,
)
from outreach.services.attendance import attendance_mark
from outreach.services.awvn import awvn_confirm, event_register_awvn
from outreach.services.events import event_cancel, event_create, event_publish, event_update
from outreach.services.invitations import invite
from outreach.services.rounds import invite_in_background

AWVN = frozenset({Role.AWVN})
EVENT_READ = NETWORK_WRITE | AWVN


class EventViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Knowledge sessions. Drafts are created here; ``publish``, ``cancel``, ``invite`` and
    ``register-awvn`` act on one; the AWVN adviser uses ``confirm-awvn``. There is no DELETE:
    a session is cancelled, so its history and mail stay."""

    request: AuthenticatedRequest  # ScopedPermission admits signed-in users only

    permission_classes = [ScopedPermission]
    read_roles = EVENT_READ
    write_roles = NETWORK_WRITE
    # confirm-awvn passes the role check for every reader, so that an outsider gets the same
    # 404 as elsewhere when looking the session up; the action then refuses all but AWVN (403).
    action_roles = {"confirm_awvn": EVENT_READ}
    filterset_class = EventFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Event]:
        # The speakers in one query for the whole page (each row lists them).
        events = selectors.with_counts(selectors.api_events(self.request.user)).prefetch_related("speakers")
        return events.order_by("starts_at", "id")

    def get_serializer_class(self) -> type[serializers.Serializer]:
        return EventUpdateSerializer if self.action == "partial_update" else EventSerializer

    def _reloaded(self, event: Event) -> Event:
        return self.get_queryset().get(pk=event.pk)

    def perform_create(self, serializer: serializers.BaseSerializer[Event]) -> None:
        data = dict(serializer.validated_data)
        speakers = [dict(s) for s in data.pop("speakers", [])]
        event = event_create(by=self.request.user, speakers=speakers, **data)
        serializer.instance = self._reloaded(event)

    def perform_update(self, serializer: serializers.BaseSerializer[Event]) -> None:
        data = dict(serializer.validated_data)
        speakers = data.pop("speakers", None)
        event = event_update(
            event=updated_instance(serializer),
            by=self.request.user,
            speakers=None if speakers is None else [dict(s) for s in speakers],
            **data,
        )
        serializer.instance = self._reloaded(event)

    def _answer(self, event: Event) -> Response:
        return Response(EventSerializer(self._reloaded(event), context=self.get_serializer_context()).data)

    @extend_schema(request=PublishSerializer, responses=EventSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        body = PublishSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        event = event_publish(event=self.get_object(), by=request.user, **body.validated_data)
        return self._answer(event)

    @extend_schema(request=CancelSerializer, responses=EventSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        body = CancelSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        event = event_cancel(event=self.get_object(), by=request.user, **body.validated_data)
        return self._answer(event)

    @extend_schema(request=None, responses=EventSerializer)
    @action(detail=True, methods=["post"], url_path="register-awvn")
    def register_awvn(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        event = event_register_awvn(event=self.get_object(), by=request.user)
        return self._answer(event)

    @extend_schema(request=AwvnConfirmSerializer, responses=EventSerializer)
    @action(detail=True, methods=["post"], url_path="confirm-awvn")
    def confirm_awvn(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        event = get_object_or_404(self.get_queryset(), pk=pk)
        if not has_role(request.user, AWVN):
            raise PermissionDenied("Only the AWVN adviser confirms a registration.")
        body = AwvnConfirmSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        event = awvn_confirm(event=event, by=request.user, reference=body.validated_data["reference"])
        return self._answer(event)

    @extend_schema(request=AudienceSerializer, responses=AudienceResultSerializer)
    @action(detail=True, methods=["post"])
    def invite(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        event = self.get_object()
        body = AudienceSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        dry_run = data.pop("dry_run")
        found = selectors.audience(event=event, by=request.user, **data)
        ids = list(found.included.values_list("pk", flat=True))
        invited: list[Any] = []
        background = not dry_run and len(ids) > selectors.INVITE_IN_REQUEST_MAX
        if not dry_run:
            if background:
                invite_in_background(event=event, by=request.user, persons=ids)
            else:
                invited = invite(event=event, by=request.user, persons=ids)
        excluded: dict[str, int] = {}
        for _person, reason in found.preview.excluded:
            excluded[reason] = excluded.get(reason, 0) + 1
        result = {
            "dry_run": dry_run,
            "background": background,
            "included": len(ids),
            "invited": len(invited),
            "excluded": excluded,
        }
        return Response(AudienceResultSerializer(result).data)


class InvitationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet
):
    """Invitations of my regions' sessions; PATCH ``attended`` is the check-in."""

    request: AuthenticatedRequest  # ScopedPermission admits signed-in users only

    permission_classes = [ScopedPermission]
    read_roles = NETWORK_WRITE
    write_roles = NETWORK_WRITE
    filterset_class = InvitationFilter
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Invitation]:
        return (
            Invitation.objects.editable_by(self.request.user)
            .select_related("contact_person__employer")
            .annotate(invite_state=selectors.invite_state_subquery())
            .order_by("event", "id")
        )

    def get_serializer_class(self) -> type[serializers.Serializer]:
        return AttendanceSerializer if self.action == "partial_update" else InvitationSerializer

    def perform_update(self, serializer: serializers.BaseSerializer[Invitation]) -> None:
        if "attended" not in serializer.validated_data:
            raise ValidationError({"attended": ["This field is required."]})
        invitation = attendance_mark(
            invitation=updated_instance(serializer),
            by=self.request.user,
            attended=serializer.validated_data["attended"],
        )
        serializer.instance = self.get_queryset().get(pk=invitation.pk)


class OutboundEmailViewSet(viewsets.ReadOnlyModelViewSet):
    """The outbox of my regions' sessions: state, attempts and the reason of a failure."""

    request: AuthenticatedRequest  # ScopedPermission admits signed-in users only

    permission_classes = [ScopedPermission]
    read_roles = NETWORK_WRITE
    write_roles = NETWORK_WRITE
    serializer_class = OutboundEmailSerializer
    filterset_class = OutboundEmailFilter

    def get_queryset(self) -> QuerySet[OutboundEmail]:
        return OutboundEmail.objects.visible_to(self.request.user)


def register(router: DefaultRouter) -> None:
    from outreach.api_speakers import register as register_speakers

    router.register("events", EventViewSet, basename="event")
    router.register("invitations", InvitationViewSet, basename="invitation")
    router.register("outbound-emails", OutboundEmailViewSet, basename="outbound-email")
    register_speakers(router)
