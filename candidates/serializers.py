"""The serializers of the candidates API (``candidates.api``): each id of region data resolved
through the scoped querysets of the requesting user, so an id out of scope is "does not exist"."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from rest_framework import serializers

from candidates import durability
from candidates.matching import Result
from candidates.models import (
    HEALTH_WARNING,
    Candidate,
    CandidateContact,
    EndReason,
    Match,
    Outcome,
    Placement,
    Trajectory,
)
from candidates.services import employers_matchable, openings_matchable
from crm.models import Region, Role
from crm.scoping import regions_held
from employers.models import Accommodation, Contact, Employer, Opening, SbiSection


class _GuideRegion(serializers.PrimaryKeyRelatedField):
    """The regions in which the requesting user is a trajectory guide (else "does not exist")."""

    def get_queryset(self) -> QuerySet[Region]:
        return regions_held(self.context["request"].user, {Role.GUIDE})


class _ScopedCandidate(serializers.PrimaryKeyRelatedField):
    """The requesting guide's own candidates (else "does not exist")."""

    def get_queryset(self) -> QuerySet[Candidate]:
        return Candidate.objects.editable_by(self.context["request"].user)


def _candidate_of(serializer: serializers.BaseSerializer[Match | Placement]) -> Candidate | None:
    """The candidate a match or placement is written for: the instance's, or the submitted id
    resolved through ``editable_by`` (the field itself reports a bad id)."""
    if serializer.instance is not None:
        return serializer.instance.candidate
    raw = str((serializer.initial_data.get("candidate") if hasattr(serializer, "initial_data") else None) or "")
    if not raw.isdigit():
        return None
    return Candidate.objects.editable_by(serializer.context["request"].user).filter(pk=int(raw)).first()


def _outside_list(serializer: serializers.BaseSerializer[Match | Placement]) -> bool:
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
        if not isinstance(parent, serializers.ModelSerializer):
            raise TypeError("declared on the match and placement serializers only")
        raw = parent.initial_data.get("employer") if hasattr(parent, "initial_data") else None
        if parent.instance is not None and raw is None:
            return openings_matchable(employer=parent.instance.employer)
        field = parent.fields["employer"]
        pk = str(raw or "")
        if not pk.isdigit() or field.read_only:
            return Opening.objects.none()
        if not isinstance(field, _MatchableEmployer):
            raise TypeError("a writable employer is the scoped field above")
        return openings_matchable(employer=field.get_queryset().filter(pk=int(pk)).first())


class CandidateSerializer(serializers.ModelSerializer[Candidate]):
    region: serializers.PrimaryKeyRelatedField[Region] = _GuideRegion(required=False)
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
    region: serializers.PrimaryKeyRelatedField[Region] = serializers.PrimaryKeyRelatedField(
        read_only=True, pk_field=serializers.CharField()
    )  # a region code


class MatchQuerySerializer(serializers.Serializer):
    max_km = serializers.FloatField(required=False, min_value=0.5, max_value=200)
    only_with_openings = serializers.BooleanField(required=False, default=False)
    sector = serializers.ChoiceField(choices=SbiSection.choices, required=False, allow_blank=True)
    limit = serializers.IntegerField(required=False, min_value=1, max_value=200, default=50)


class PartSerializer(serializers.Serializer):
    code = serializers.CharField()
    points = serializers.FloatField()
    text = serializers.CharField()
    # The metaclass moves declared fields off the class, so this does not shadow ``Serializer.data``
    # at run time; the stubs do not model that.
    data = serializers.DictField()  # type: ignore[assignment]


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


OUTSIDE_LIST_HELP = _(
    "Only for an employer that the candidate's ranked list does not contain (out of reach, or not "
    "open to matches), in your own region: say why. Kept with the match and in the audit log."
)


class MatchSerializer(serializers.ModelSerializer[Match]):
    candidate: serializers.PrimaryKeyRelatedField[Candidate] = _ScopedCandidate()
    employer: serializers.PrimaryKeyRelatedField[Employer] = _MatchableEmployer()
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
    candidate: serializers.PrimaryKeyRelatedField[Candidate] = serializers.PrimaryKeyRelatedField(read_only=True)
    employer: serializers.PrimaryKeyRelatedField[Employer] = serializers.PrimaryKeyRelatedField(read_only=True)
    outside_list_reason = serializers.CharField(read_only=True)


class MatchChangeSerializer(serializers.Serializer):
    from_state = serializers.CharField()
    to_state = serializers.CharField()
    reason = serializers.CharField()
    by = serializers.IntegerField(source="by_id", allow_null=True)
    at = serializers.DateTimeField()


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


class PlacementSerializer(serializers.ModelSerializer[Placement]):
    candidate = _ScopedCandidate()
    employer = _PlacementEmployer()
    opening = _MatchableOpening(required=False, allow_null=True)
    outside_list_reason = serializers.CharField(
        max_length=300, required=False, allow_blank=True, write_only=True, help_text=OUTSIDE_LIST_HELP
    )

    durability = serializers.SerializerMethodField(
        help_text=_("Computed from the checks and the end date: durable, not_durable, unknown or running.")
    )

    class Meta:
        model = Placement
        fields = [
            "id", "candidate", "employer", "opening", "start_date", "hours_per_week", "method", "durable_6m",
            "durable_6m_checked_at", "durable_12m", "durable_12m_checked_at", "end_date", "end_reason", "end_note",
            "durability", "trajectory", "created_at", "outside_list_reason",
        ]  # fmt: skip
        read_only_fields = [
            "durable_6m", "durable_6m_checked_at", "durable_12m", "durable_12m_checked_at", "end_date", "end_reason",
            "end_note", "trajectory",
        ]  # fmt: skip

    def get_durability(self, placement: Placement) -> str:
        return durability.status(placement)


class PlacementEndSerializer(serializers.Serializer):
    end_date = serializers.DateField()
    end_reason = serializers.ChoiceField(choices=EndReason.choices)
    end_note = serializers.CharField(max_length=300, required=False, allow_blank=True, help_text=HEALTH_WARNING)


class TrajectorySerializer(serializers.ModelSerializer[Trajectory]):
    candidate = _ScopedCandidate(help_text=_("One of your own candidates."))

    class Meta:
        model = Trajectory
        fields = ["id", "candidate", "method", "start_date", "guide", "end_date", "outcome", "created_at"]
        read_only_fields = ["guide", "end_date", "outcome"]


class TrajectoryEndSerializer(serializers.Serializer):
    end_date = serializers.DateField()
    outcome = serializers.ChoiceField(choices=Outcome.choices)


class DurableCheckSerializer(serializers.Serializer):
    months = serializers.ChoiceField(choices=[6, 12])
    still_working = serializers.BooleanField()


class _OwnContact(serializers.PrimaryKeyRelatedField):
    """Employer contacts the requesting user logged and may see (else "does not exist"); the
    service checks that the employer is in the candidate's region."""

    def get_queryset(self) -> QuerySet[Contact]:
        user = self.context["request"].user
        return Contact.objects.visible_to(user).filter(by=user)


class CandidateContactSerializer(serializers.ModelSerializer[CandidateContact]):
    candidate = _ScopedCandidate(help_text=_("One of your own candidates."))
    contact = _OwnContact(help_text=_("One of your own contacts with an employer in the candidate's region."))

    class Meta:
        model = CandidateContact
        fields = ["id", "candidate", "contact", "linked_by", "linked_at"]
        read_only_fields = ["linked_by", "linked_at"]
        validators: list[Any] = []  # linking twice is no error: the service answers the link there is
