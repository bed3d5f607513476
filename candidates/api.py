"""/api/v1/candidates/, /api/v1/candidates/{id}/matches/, /api/v1/matches/, /api/v1/placements/.

Only the owning guide reads and writes; the region's coordinator reads (without the real name);
everyone else gets 404. Every read of a candidate's record writes one access entry per candidate
read (``services.access_record``).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter
from rest_framework.serializers import as_serializer_error

from candidates.filters import CandidateFilter, MatchFilter, PlacementFilter
from candidates.matching import Result
from candidates.matching_data import candidate_matches
from candidates.models import CANDIDATE_READ, CANDIDATE_WRITE, Candidate, Match, MatchState, Placement
from candidates.services import (
    CANDIDATE_FIELDS,
    access_record,
    candidate_create,
    candidate_update,
    employers_matchable,
    match_set_state,
    openings_matchable,
    placement_create,
    placement_record_durable,
)
from crm.models import Region, Role
from crm.permissions import ScopedPermission
from crm.scoping import regions_held
from crm.types import AuthenticatedRequest
from employers.models import Accommodation, Employer, Opening, SbiSection


def _field_errors(error: DjangoValidationError) -> ValidationError:
    return ValidationError(as_serializer_error(error))


def _call(service: Any, **kwargs: Any) -> Any:
    try:
        return service(**kwargs)
    except DjangoPermissionDenied as error:
        raise PermissionDenied(str(error)) from error
    except DjangoValidationError as error:
        raise _field_errors(error) from error


class _GuideRegion(serializers.PrimaryKeyRelatedField):
    """The regions in which the requesting user is a trajectory guide (else "does not exist")."""

    def get_queryset(self) -> QuerySet[Region]:
        return regions_held(self.context["request"].user, {Role.GUIDE})


class _ScopedCandidate(serializers.PrimaryKeyRelatedField):
    """The requesting guide's own candidates (else "does not exist")."""

    def get_queryset(self) -> QuerySet[Candidate]:
        return Candidate.objects.editable_by(self.context["request"].user)


def _candidate_of(serializer: serializers.Serializer) -> Candidate | None:
    """The candidate a match or placement is written for: the instance's, or the submitted id
    resolved through ``editable_by`` (the field itself reports a bad id)."""
    if serializer.instance is not None:
        return serializer.instance.candidate
    raw = serializer.initial_data.get("candidate") if hasattr(serializer, "initial_data") else None
    if not str(raw or "").isdigit():
        return None
    return Candidate.objects.editable_by(serializer.context["request"].user).filter(pk=int(raw)).first()


def _outside_list(serializer: serializers.Serializer) -> bool:
    raw = serializer.initial_data.get("outside_list_reason", "") if hasattr(serializer, "initial_data") else ""
    return isinstance(raw, str) and bool(raw.strip())


class _MatchableEmployer(serializers.PrimaryKeyRelatedField):
    """Employers the candidate may be matched with (``services.employers_matchable``): the ranked
    list's, the candidate's existing matches, or, with a reason outside the list, the guide's
    own network. Any other id, another region's employer above all, "does not exist"."""

    def get_queryset(self) -> QuerySet[Employer]:
        candidate = _candidate_of(self.parent)
        if candidate is None:
            return Employer.objects.none()
        user = self.context["request"].user
        return employers_matchable(candidate=candidate, by=user, outside_list=_outside_list(self.parent))


class _MatchableOpening(serializers.PrimaryKeyRelatedField):
    """Openings (not closed) of the submitted employer, if that employer may be matched."""

    def get_queryset(self) -> QuerySet[Opening]:
        parent = self.parent
        raw = parent.initial_data.get("employer") if hasattr(parent, "initial_data") else None
        if parent.instance is not None and raw is None:
            return openings_matchable(employer=parent.instance.employer)
        field = parent.fields["employer"]
        if not str(raw or "").isdigit() or field.read_only:
            return Opening.objects.none()
        return openings_matchable(employer=field.get_queryset().filter(pk=int(raw)).first())


class CandidateSerializer(serializers.ModelSerializer):
    region = _GuideRegion(required=False)
    sbi_sections = serializers.ListField(child=serializers.ChoiceField(choices=SbiSection.choices), required=False)
    work_kinds = serializers.ListField(child=serializers.CharField(max_length=60), required=False, max_length=20)
    accommodations_needed = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Accommodation.objects.all(), required=False
    )

    class Meta:
        model = Candidate
        fields = [
            "id", "reference_code", "guide", "region", "real_name", "pc4", "sbi_sections", "work_kinds",
            "hours_min", "hours_max", "max_travel_km", "accommodations_needed", "available_from", "disclosure",
            "disclosure_note", "notes", "state", "trajectory_start", "trajectory_end", "consent_recorded_at",
            "anonymised_at", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["reference_code", "guide", "anonymised_at", "created_at", "updated_at"]

    def to_representation(self, instance: Candidate) -> dict[str, Any]:
        data = super().to_representation(instance)
        if instance.guide_id != self.context["request"].user.pk:
            data.pop("real_name", None)  # guide-only, not for the coordinator
        return data


class CandidateUpdateSerializer(CandidateSerializer):
    region = serializers.PrimaryKeyRelatedField(read_only=True, pk_field=serializers.CharField())  # a region code


class MatchQuerySerializer(serializers.Serializer):
    max_km = serializers.FloatField(required=False, min_value=0.5, max_value=200)
    only_with_openings = serializers.BooleanField(required=False, default=False)
    sector = serializers.ChoiceField(choices=SbiSection.choices, required=False, allow_blank=True)
    limit = serializers.IntegerField(required=False, min_value=1, max_value=200, default=50)


class PartSerializer(serializers.Serializer):
    code = serializers.CharField()
    points = serializers.FloatField()
    text = serializers.CharField()
    data = serializers.DictField()


class OpeningBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    hours_min = serializers.IntegerField(allow_null=True)
    hours_max = serializers.IntegerField(allow_null=True)


class RankedEmployerSerializer(serializers.Serializer):
    employer = serializers.IntegerField()
    employer_name = serializers.CharField()
    region = serializers.CharField()
    sbi_section = serializers.CharField()
    stage = serializers.CharField()
    distance_km = serializers.FloatField()
    score = serializers.FloatField()
    parts = PartSerializer(many=True)
    reasons = serializers.CharField()
    opening = OpeningBriefSerializer(allow_null=True)
    match_state = serializers.CharField()
    declined_reason = serializers.CharField()


def ranked_row(result: Result) -> dict[str, Any]:
    e = result.employer
    opening = result.opening
    return {
        "employer": e.id,
        "employer_name": e.name,
        "region": e.region_id,
        "sbi_section": e.sbi_section,
        "stage": e.stage,
        "distance_km": round(e.distance_km, 1),
        "score": result.score,
        "parts": [{"code": p.code, "points": p.points, "text": p.text, "data": p.data} for p in result.parts],
        "reasons": result.reasons,
        "opening": opening
        and {
            "id": opening.id,
            "title": opening.title,
            "hours_min": opening.hours_min,
            "hours_max": opening.hours_max,
        },  # fmt: skip
        "match_state": e.match_state,
        "declined_reason": e.declined_reason,
    }


class CandidateViewSet(viewsets.ModelViewSet):
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
        access_record(candidates=list(page), user=self.request.user, what="api:candidate-list")
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        candidate = self.get_object()
        access_record(candidates=candidate, user=self.request.user, what="api:candidate")
        return Response(self.get_serializer(candidate).data)

    def perform_create(self, serializer: CandidateSerializer) -> None:
        data = dict(serializer.validated_data)
        serializer.instance = _call(candidate_create, by=self.request.user, **data)
        # The answer holds the whole record: a read like any other.
        access_record(candidates=serializer.instance, user=self.request.user, what="api:candidate-created")

    def perform_update(self, serializer: CandidateSerializer) -> None:
        data = {k: v for k, v in serializer.validated_data.items() if k in (*CANDIDATE_FIELDS, "accommodations_needed")}
        _call(candidate_update, candidate=serializer.instance, by=self.request.user, **data)
        serializer.instance.refresh_from_db()
        access_record(candidates=serializer.instance, user=self.request.user, what="api:candidate-updated")

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


OUTSIDE_LIST_HELP = _(
    "Only for an employer that the candidate's ranked list does not contain (out of reach, or not "
    "open to matches), in your own region: say why. Kept with the match and in the audit log."
)


class MatchSerializer(serializers.ModelSerializer):
    candidate = _ScopedCandidate()
    employer = _MatchableEmployer()
    opening = _MatchableOpening(required=False, allow_null=True)
    employer_name = serializers.CharField(source="employer.display_name", read_only=True)
    outside_list_reason = serializers.CharField(
        max_length=300, required=False, allow_blank=True, help_text=OUTSIDE_LIST_HELP
    )

    class Meta:
        model = Match
        fields = [
            "id", "candidate", "employer", "employer_name", "opening", "state", "declined_reason",
            "outside_list_reason", "score", "reasons", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["score", "reasons", "created_at", "updated_at"]


class MatchUpdateSerializer(MatchSerializer):
    candidate = serializers.PrimaryKeyRelatedField(read_only=True)
    employer = serializers.PrimaryKeyRelatedField(read_only=True)
    outside_list_reason = serializers.CharField(read_only=True)


class MatchChangeSerializer(serializers.Serializer):
    from_state = serializers.CharField()
    to_state = serializers.CharField()
    reason = serializers.CharField()
    by = serializers.IntegerField(source="by_id", allow_null=True)
    at = serializers.DateTimeField()


class MatchViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
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
        read = list({m.candidate_id: m.candidate for m in page}.values())
        access_record(candidates=read, user=self.request.user, what="api:match-list")
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        match = self.get_object()
        access_record(candidates=match.candidate, user=self.request.user, what="api:match")
        return Response(self.get_serializer(match).data)

    def perform_create(self, serializer: MatchSerializer) -> None:
        data = serializer.validated_data
        serializer.instance = _call(
            match_set_state,
            candidate=data["candidate"],
            employer=data["employer"],
            state=data.get("state", MatchState.SUGGESTED),
            opening=data.get("opening"),
            reason=data.get("declined_reason", ""),
            outside_list_reason=data.get("outside_list_reason", ""),
            by=self.request.user,
        )
        access_record(candidates=data["candidate"], user=self.request.user, what="api:match-created")

    def perform_update(self, serializer: MatchSerializer) -> None:
        match = serializer.instance
        data = serializer.validated_data
        serializer.instance = _call(
            match_set_state,
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


class _PlacementEmployer(_MatchableEmployer):
    """A new placement always names an employer; a stored one reads null once its employer was
    deleted (the placement still counts toward the region's target), and the schema says so."""


class _PlacementEmployerSchema(OpenApiSerializerFieldExtension):
    target_class = _PlacementEmployer

    def map_serializer_field(self, auto_schema: Any, direction: str) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "integer"}
        if direction == "response":
            schema["nullable"] = True
        return schema


class PlacementSerializer(serializers.ModelSerializer):
    candidate = _ScopedCandidate()
    employer = _PlacementEmployer()
    opening = _MatchableOpening(required=False, allow_null=True)
    outside_list_reason = serializers.CharField(
        max_length=300, required=False, allow_blank=True, write_only=True, help_text=OUTSIDE_LIST_HELP
    )

    class Meta:
        model = Placement
        fields = [
            "id", "candidate", "employer", "opening", "start_date", "hours_per_week", "method", "durable_6m",
            "durable_6m_checked_at", "durable_12m", "durable_12m_checked_at", "created_at", "outside_list_reason",
        ]  # fmt: skip
        read_only_fields = ["durable_6m", "durable_6m_checked_at", "durable_12m", "durable_12m_checked_at"]


class DurableCheckSerializer(serializers.Serializer):
    months = serializers.ChoiceField(choices=[6, 12])
    still_working = serializers.BooleanField()


class PlacementViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
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
        read = list({p.candidate_id: p.candidate for p in page}.values())
        access_record(candidates=read, user=self.request.user, what="api:placement-list")
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        placement = self.get_object()
        access_record(candidates=placement.candidate, user=self.request.user, what="api:placement")
        return Response(self.get_serializer(placement).data)

    def perform_create(self, serializer: PlacementSerializer) -> None:
        serializer.instance = _call(placement_create, by=self.request.user, **serializer.validated_data)
        access_record(candidates=serializer.instance.candidate, user=self.request.user, what="api:placement-created")

    @extend_schema(request=DurableCheckSerializer, responses=PlacementSerializer)
    @action(detail=True, methods=["post"], url_path="durable-check", url_name="durable-check")
    def durable_check(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        placement = self.get_object()
        body = DurableCheckSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        _call(placement_record_durable, placement=placement, by=request.user, **body.validated_data)
        return Response(self.get_serializer(placement).data)


def register(router: DefaultRouter) -> None:
    router.register("candidates", CandidateViewSet, basename="candidate")
    router.register("matches", MatchViewSet, basename="match")
    router.register("placements", PlacementViewSet, basename="placement")
