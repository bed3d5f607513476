"""/api/v1/candidates/, /api/v1/candidates/{id}/matches/, /api/v1/matches/, /api/v1/placements/,
/api/v1/trajectories/,
/api/v1/candidate-contacts/.

Only the owning guide reads and writes; the region's coordinator reads (without the real name);
everyone else gets 404. Every read of a candidate's record writes one access entry per candidate
read (``services.access_record``). The serializers are in ``candidates.serializers``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from candidates.filters import CandidateContactFilter, CandidateFilter, MatchFilter, PlacementFilter, TrajectoryFilter
from candidates.matching_data import candidate_matches
from candidates.models import (
    CANDIDATE_READ,
    CANDIDATE_WRITE,
    Candidate,
    CandidateContact,
    Match,
    MatchState,
    Placement,
    Trajectory,
)
from candidates.serializers import (
    CandidateContactSerializer,
    CandidateSerializer,
    CandidateUpdateSerializer,
    DurableCheckSerializer,
    MatchChangeSerializer,
    MatchQuerySerializer,
    MatchSerializer,
    MatchUpdateSerializer,
    PlacementEndSerializer,
    PlacementSerializer,
    RankedEmployerSerializer,
    TrajectoryEndSerializer,
    TrajectorySerializer,
    ranked_row,
)
from candidates.services import (
    CANDIDATE_FIELDS,
    access_record,
    candidate_create,
    candidate_update,
    match_set_state,
    placement_create,
    placement_record_durable,
)
from candidates.services.contacts import contact_link, contact_unlink
from candidates.services.placements import placement_end
from candidates.services.trajectories import trajectory_end, trajectory_start
from crm.api import updated_instance
from crm.permissions import ScopedPermission
from crm.types import AuthenticatedRequest

# Never happens (DEFAULT_PAGINATION_CLASS pages every list): it narrows the stubs' ``| None``.
NOT_PAGED = "the API's lists are paged (DEFAULT_PAGINATION_CLASS)"


class CandidateViewSet(viewsets.ModelViewSet[Candidate]):
    """My candidates (guide), or my region's (coordinator, read-only); ranked matches per candidate."""

    request: AuthenticatedRequest  # ScopedPermission admits signed-in users only

    permission_classes = [ScopedPermission]
    read_roles = CANDIDATE_READ
    write_roles = CANDIDATE_WRITE
    filterset_class = CandidateFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Candidate]:
        return Candidate.objects.visible_to(self.request.user).prefetch_related("accommodations_needed")

    def get_serializer_class(self) -> type[serializers.Serializer]:
        return CandidateUpdateSerializer if self.action == "partial_update" else CandidateSerializer

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        if page is None:
            raise ImproperlyConfigured(NOT_PAGED)
        access_record(candidates=list(page), user=self.request.user, what="api:candidate-list")
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        candidate = self.get_object()
        access_record(candidates=candidate, user=self.request.user, what="api:candidate")
        return Response(self.get_serializer(candidate).data)

    def perform_create(self, serializer: serializers.BaseSerializer[Candidate]) -> None:
        data = dict(serializer.validated_data)
        serializer.instance = candidate_create(by=self.request.user, **data)
        # The answer holds the whole record: a read like any other.
        access_record(candidates=serializer.instance, user=self.request.user, what="api:candidate-created")

    def perform_update(self, serializer: serializers.BaseSerializer[Candidate]) -> None:
        candidate = updated_instance(serializer)
        data = {k: v for k, v in serializer.validated_data.items() if k in (*CANDIDATE_FIELDS, "accommodations_needed")}
        candidate_update(candidate=candidate, by=self.request.user, **data)
        candidate.refresh_from_db()
        access_record(candidates=candidate, user=self.request.user, what="api:candidate-updated")

    @extend_schema(parameters=[MatchQuerySerializer], responses=RankedEmployerSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def matches(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        """Employers in the candidate's reach, best first, with score parts and reasons."""
        candidate = self.get_object()
        query = MatchQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        access_record(candidates=candidate, user=request.user, what="api:candidate-matches")
        results = candidate_matches(
            candidate,
            max_km=query.validated_data.get("max_km"),
            sector=query.validated_data.get("sector") or "",
            only_with_openings=query.validated_data["only_with_openings"],
            limit=query.validated_data["limit"],
        )
        return Response([ranked_row(r) for r in results])


class MatchViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet[Match],
):
    """Matches of my candidates: create or move one (state, opening, reason for declining)."""

    request: AuthenticatedRequest  # ScopedPermission admits signed-in users only

    permission_classes = [ScopedPermission]
    read_roles = CANDIDATE_READ
    write_roles = CANDIDATE_WRITE
    filterset_class = MatchFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Match]:
        return Match.objects.visible_to(self.request.user).select_related("employer", "candidate")

    def get_serializer_class(self) -> type[serializers.Serializer]:
        return MatchUpdateSerializer if self.action == "partial_update" else MatchSerializer

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        if page is None:
            raise ImproperlyConfigured(NOT_PAGED)
        read = list({m.candidate_id: m.candidate for m in page}.values())
        access_record(candidates=read, user=self.request.user, what="api:match-list")
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        match = self.get_object()
        access_record(candidates=match.candidate, user=self.request.user, what="api:match")
        return Response(self.get_serializer(match).data)

    def perform_create(self, serializer: serializers.BaseSerializer[Match]) -> None:
        data = serializer.validated_data
        serializer.instance = match_set_state(
            candidate=data["candidate"],
            employer=data["employer"],
            state=data.get("state", MatchState.SUGGESTED),
            opening=data.get("opening"),
            reason=data.get("declined_reason", ""),
            outside_list_reason=data.get("outside_list_reason", ""),
            by=self.request.user,
        )
        access_record(candidates=data["candidate"], user=self.request.user, what="api:match-created")

    def perform_update(self, serializer: serializers.BaseSerializer[Match]) -> None:
        match = updated_instance(serializer)
        data = serializer.validated_data
        serializer.instance = match_set_state(
            candidate=match.candidate,
            employer=match.employer,
            state=data.get("state", match.state),
            opening=data.get("opening"),
            reason=data.get("declined_reason", ""),
            by=self.request.user,
        )
        access_record(candidates=match.candidate, user=self.request.user, what="api:match-updated")

    @extend_schema(responses=MatchChangeSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def history(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        match = self.get_object()
        access_record(candidates=match.candidate, user=request.user, what="api:match-history")
        return Response(MatchChangeSerializer(match.changes.all(), many=True).data)


class PlacementViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet[Placement]
):
    """Placements of my candidates; answer the 6- and 12-month checks with POST …/durable-check/."""

    request: AuthenticatedRequest  # ScopedPermission admits signed-in users only

    permission_classes = [ScopedPermission]
    read_roles = CANDIDATE_READ
    write_roles = CANDIDATE_WRITE
    serializer_class = PlacementSerializer
    filterset_class = PlacementFilter

    def get_queryset(self) -> QuerySet[Placement]:
        return Placement.objects.visible_to(self.request.user).select_related("candidate")

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        if page is None:
            raise ImproperlyConfigured(NOT_PAGED)
        read = list({p.candidate_id: p.candidate for p in page}.values())
        access_record(candidates=read, user=self.request.user, what="api:placement-list")
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        placement = self.get_object()
        access_record(candidates=placement.candidate, user=self.request.user, what="api:placement")
        return Response(self.get_serializer(placement).data)

    def perform_create(self, serializer: serializers.BaseSerializer[Placement]) -> None:
        placement = placement_create(by=self.request.user, **serializer.validated_data)
        serializer.instance = placement
        access_record(candidates=placement.candidate, user=self.request.user, what="api:placement-created")

    @extend_schema(request=DurableCheckSerializer, responses=PlacementSerializer)
    @action(detail=True, methods=["post"], url_path="durable-check", url_name="durable-check")
    def durable_check(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        placement = self.get_object()
        body = DurableCheckSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        placement_record_durable(placement=placement, by=request.user, **body.validated_data)
        return Response(self.get_serializer(placement).data)

    @extend_schema(request=PlacementEndSerializer, responses=PlacementSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        """Record that the placement ended: date and reason (durability follows, computed)."""
        placement = self.get_object()
        body = PlacementEndSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        placement_end(placement=placement, by=request.user, **body.validated_data)
        access_record(candidates=placement.candidate, user=request.user, what="api:placement-ended")
        return Response(self.get_serializer(placement).data)


class TrajectoryViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet[Trajectory]
):
    """Trajectories of my candidates: start one (method, start date), end it with POST …/end/."""

    request: AuthenticatedRequest  # ScopedPermission admits signed-in users only

    permission_classes = [ScopedPermission]
    read_roles = CANDIDATE_READ
    write_roles = CANDIDATE_WRITE
    serializer_class = TrajectorySerializer
    filterset_class = TrajectoryFilter

    def get_queryset(self) -> QuerySet[Trajectory]:
        return Trajectory.objects.visible_to(self.request.user).select_related("candidate")

    def perform_create(self, serializer: serializers.BaseSerializer[Trajectory]) -> None:
        serializer.instance = trajectory_start(by=self.request.user, **serializer.validated_data)

    @extend_schema(request=TrajectoryEndSerializer, responses=TrajectorySerializer)
    @action(detail=True, methods=["post"])
    def end(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        """End the trajectory with its outcome (a fixed list: never a health reason)."""
        trajectory = self.get_object()
        body = TrajectoryEndSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        trajectory = trajectory_end(trajectory=trajectory, by=request.user, **body.validated_data)
        return Response(self.get_serializer(trajectory).data)


class CandidateContactViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet[CandidateContact],
):
    """Employer contacts made for my candidates (IPS job development for that person): link one
    of my own contacts to one of my own candidates, or take the link back (DELETE). The link
    lives with the candidate; ``employers`` never reads it."""

    request: AuthenticatedRequest  # ScopedPermission admits signed-in users only

    permission_classes = [ScopedPermission]
    read_roles = CANDIDATE_READ
    write_roles = CANDIDATE_WRITE
    serializer_class = CandidateContactSerializer
    filterset_class = CandidateContactFilter

    def get_queryset(self) -> QuerySet[CandidateContact]:
        return CandidateContact.objects.visible_to(self.request.user).select_related("candidate")

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        if page is None:
            raise ImproperlyConfigured(NOT_PAGED)
        read = list({link.candidate_id: link.candidate for link in page}.values())
        access_record(candidates=read, user=self.request.user, what="api:candidate-contact-list")
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        link = self.get_object()
        access_record(candidates=link.candidate, user=self.request.user, what="api:candidate-contact")
        return Response(self.get_serializer(link).data)

    @extend_schema(responses={201: CandidateContactSerializer, 200: CandidateContactSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Link a contact (201); the same link again answers the one there is (200)."""
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        candidate, contact = body.validated_data["candidate"], body.validated_data["contact"]
        known = CandidateContact.objects.filter(candidate=candidate, contact=contact).exists()
        link = contact_link(candidate=candidate, contact_id=contact.pk, by=self.request.user)
        access_record(candidates=candidate, user=self.request.user, what="api:candidate-contact-linked")
        answer = status.HTTP_200_OK if known else status.HTTP_201_CREATED
        return Response(self.get_serializer(link).data, status=answer)

    def perform_destroy(self, instance: CandidateContact) -> None:
        contact_unlink(link=instance, by=self.request.user)
        access_record(candidates=instance.candidate, user=self.request.user, what="api:candidate-contact-unlinked")


def register(router: DefaultRouter) -> None:
    router.register("candidates", CandidateViewSet, basename="candidate")
    router.register("matches", MatchViewSet, basename="match")
    router.register("placements", PlacementViewSet, basename="placement")
    router.register("trajectories", TrajectoryViewSet, basename="trajectory")
    router.register("candidate-contacts", CandidateContactViewSet, basename="candidate-contact")
