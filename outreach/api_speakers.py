"""/api/v1/pool-speakers/: the speaker pool (read only), searched as on the pool page (kind of
story, sector, near a place or region, topic), so that an API client can pick a session's
speakers from it (``speakers: [{"pool_speaker": <id>}]`` on /api/v1/events/). A region's
network sees its own speakers and every region's listed ones; the AWVN adviser the national
pool. Speakers are added and changed on the pages (``outreach.views_staff.speakers``) or, typed
on a session with ``add_to_pool``, through the events API."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.routers import DefaultRouter

from crm.models import Region
from crm.permissions import ScopedPermission
from crm.types import AuthenticatedRequest
from employers.models import SbiSection
from outreach import speaker_search
from outreach.forms_speakers import PoolSearchForm
from outreach.models import POOL_READERS, PoolSpeaker, SpeakerKind


class _SpeakerEmployerSerializer(serializers.Serializer):
    name = serializers.CharField(source="display_name")
    place = serializers.CharField()
    sector = serializers.CharField(source="sbi_section")


class PoolSpeakerSerializer(serializers.ModelSerializer[PoolSpeaker]):
    region = serializers.CharField(source="region_id", read_only=True)
    name = serializers.CharField(source="display_name", read_only=True)
    # The employer of a contact person who speaks (null for a researcher or experience expert).
    employer = _SpeakerEmployerSerializer(source="contact_person.employer", read_only=True, allow_null=True)
    willing_regions: serializers.SlugRelatedField[Region] = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="code"
    )
    listed = serializers.BooleanField(read_only=True)

    class Meta:
        model = PoolSpeaker
        fields = [
            "id", "region", "kind", "name", "organisation", "employer", "topics", "story", "willing_regions",
            "listed", "listed_consent_at",
        ]  # fmt: skip
        read_only_fields = fields


_SEARCH = [
    OpenApiParameter("kind", OpenApiTypes.STR, enum=SpeakerKind.values, description="The kind of story."),
    OpenApiParameter(
        "sector", OpenApiTypes.STR, enum=SbiSection.values, description="The SBI section of the speaker's employer."
    ),
    OpenApiParameter(
        "near",
        OpenApiTypes.STR,
        description="A place or a region (name or code): the home region, a region they are willing to speak in, "
        "or their employer's place.",
    ),
    OpenApiParameter("topic", OpenApiTypes.STR, description="Part of a topic."),
]


@extend_schema_view(list=extend_schema(parameters=_SEARCH))
class PoolSpeakerViewSet(viewsets.ReadOnlyModelViewSet[PoolSpeaker]):
    """The pool I may pick from; another region's speaker who did not agree to be listed is a
    404 like a missing one."""

    request: AuthenticatedRequest  # ScopedPermission admits signed-in users only
    permission_classes = [ScopedPermission]
    read_roles = POOL_READERS
    write_roles = frozenset[str]()
    serializer_class = PoolSpeakerSerializer

    def get_queryset(self) -> QuerySet[PoolSpeaker]:
        terms: dict[str, Any] = {}
        if self.action == "list":
            # The page's own search form: the same choices, lengths and messages.
            form = PoolSearchForm(self.request.query_params)
            if not form.is_valid():
                raise ValidationError({field: [str(e) for e in errors] for field, errors in form.errors.items()})
            terms = {k: v for k, v in form.cleaned_data.items() if v}
        found: QuerySet[PoolSpeaker] = speaker_search.search(self.request.user, **terms)
        return found


def register(router: DefaultRouter) -> None:
    router.register("pool-speakers", PoolSpeakerViewSet, basename="pool-speaker")
