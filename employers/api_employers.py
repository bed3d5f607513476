"""/api/v1/employers/, /api/v1/contact-persons/, /api/v1/openings/: the network over the API.

Reads start from ``visible_to`` querysets, writes go through ``employers.services``; the
services' ``ValidationError``s come back as field-keyed JSON through ``crm.api_errors``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import OuterRef, Prefetch, QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from crm.api import SearchPagination, updated_instance
from crm.api_rows import RowsMixin
from crm.models import Region
from crm.permissions import ScopedPermission
from crm.schema import KvkNumberField, PostcodeField
from crm.scoping import NETWORK_READ, writes_any_region
from crm.types import AuthenticatedRequest
from employers import archive as archiving
from employers import proposals, services, services_parts
from employers.api_shares import with_request_to_join
from employers.filters import ContactPersonFilter, EmployerFilter, OpeningFilter, archived_scope
from employers.models import (
    Accommodation,
    ContactPerson,
    Employer,
    EmployerShare,
    Network,
    Opening,
    Stage,
    StageChange,
)
from employers.models.network import EmployerQuerySet

if TYPE_CHECKING:
    from crm.types import AuthUser


_Part = TypeVar("_Part", ContactPerson, Opening)


def employer_queryset(user: AuthUser) -> EmployerQuerySet:
    """The scoped employers with their region, owner and accommodations, at a fixed number of
    queries (the open openings are counted on the row: ``Employer.open_openings``)."""
    return (
        Employer.objects.visible_to(user)
        .select_related("region", "owner")
        .prefetch_related(
            Prefetch("accommodations", queryset=Accommodation.objects.order_by("code")),
            Prefetch("networks", queryset=Network.objects.order_by("name", "pk")),
        )
    )


def employer_rows(user: AuthUser) -> EmployerQuerySet:
    """What the API's serializer reads, all on the employer row: the region's code and the
    owner's id are its foreign keys, the accommodations its sorted ``accommodation_codes``. One
    query per page, no join; the networks (ids, read by the serializer) in one prefetch."""
    shared = EmployerShare.objects.accepted().filter(employer=OuterRef("pk")).order_by("region_id")
    return (
        Employer.objects.visible_to(user)
        # a national employer's other regions: a sub-select on the row, no query of its own
        .annotate(shared_with=ArraySubquery(shared.values("region_id")))
        .prefetch_related(Prefetch("networks", queryset=Network.objects.order_by("name", "pk")))
    )


class _Scoped(serializers.PrimaryKeyRelatedField):
    """Choices are what the requesting user may see; anything else "does not exist"."""

    def __init__(self, scope: Callable[[AuthUser], QuerySet[Any]], **kwargs: Any) -> None:
        self.scope = scope
        super().__init__(**kwargs)

    def get_queryset(self) -> QuerySet:
        return self.scope(self.context["request"].user)


class OwnerField(_Scoped):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(services.owners_for, **kwargs)


class NetworkIdsField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self) -> QuerySet[Network]:
        return Network.objects.visible_to(self.context["request"].user)


class RegionField(serializers.SlugRelatedField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(slug_field="code", **kwargs)

    def get_queryset(self) -> QuerySet[Region]:
        return Region.objects.all()

    def use_pk_only_optimization(self) -> bool:
        return True  # the code is the region's key: read ``region_id``, fetch no region

    def to_representation(self, obj: Any) -> Any:
        return obj.pk


class AccommodationCodes(serializers.ManyRelatedField):
    """Written as codes (each must exist), read from the row's sorted ``accommodation_codes``
    (kept by ``Employer.set_accommodations``): the same list, without the link table."""

    def __init__(self, **kwargs: Any) -> None:
        child = serializers.SlugRelatedField(slug_field="code", queryset=Accommodation.objects.all())
        super().__init__(child_relation=child, **kwargs)

    def get_attribute(self, instance: Employer) -> list[str]:
        return list(instance.accommodation_codes)

    def to_representation(self, iterable: Any) -> list[str]:
        return list(iterable)


class EmployerSerializer(RowsMixin, serializers.ModelSerializer):
    # Plain text here: the services normalise and give the exact messages.
    kvk_number = KvkNumberField(required=False, allow_blank=True, max_length=20)
    postcode = PostcodeField(required=False, allow_blank=True, max_length=20)
    region = RegionField(required=False, allow_null=True)
    owner = OwnerField(required=False, allow_null=True)
    accommodations = AccommodationCodes(required=False)
    stage = serializers.ChoiceField(choices=Stage.choices, required=False)
    # Networks the user may see ("does not exist" for anyone else's); the service keeps them to
    # the employer's own region.
    networks = NetworkIdsField(many=True, required=False)
    tags = serializers.ListField(child=serializers.CharField(max_length=40), required=False, max_length=20)
    referred_by = _Scoped(lambda user: Employer.objects.visible_to(user), required=False, allow_null=True)
    referred_by_person = _Scoped(lambda user: ContactPerson.objects.visible_to(user), required=False, allow_null=True)
    # The regions (codes) a national employer is shared with, beside its lead ``region``.
    shared_with = serializers.ListField(child=serializers.CharField(), read_only=True, default=list)

    class Meta:
        model = Employer
        fields = [
            "id", "legal_name", "trade_name", "kvk_number", "sbi_section", "sbi_code", "size_class", "website",
            "address", "postcode", "place", "region", "stage", "accommodations", "networks", "tags", "source",
            "referred_by", "referred_by_person", "shared_with", "owner", "do_not_contact", "do_not_contact_reason",
            "notes", "open_openings", "last_contact_at", "archived_at", "added_by", "review_requested_at", "created_at",
            "updated_at",
        ]  # fmt: skip
        read_only_fields = [
            "open_openings", "last_contact_at", "archived_at", "added_by", "review_requested_at", "created_at",
            "updated_at",
        ]  # fmt: skip
        validators: list = []


class StageSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=Stage.choices)


class MergeSerializer(serializers.Serializer):
    other = serializers.IntegerField(help_text="The other employer, of the same region; it is merged into this one.")


class StageChangeSerializer(serializers.ModelSerializer):
    class Meta:
        model = StageChange
        fields = ["id", "from_stage", "to_stage", "by", "at"]


def _writable_employers(user: AuthUser) -> QuerySet[Employer]:
    # Contact persons and openings may be added by everyone who reads the network (guides too).
    return Employer.objects.visible_to(user)


class ContactPersonSerializer(serializers.ModelSerializer[ContactPerson]):
    employer: serializers.PrimaryKeyRelatedField[Employer] = _Scoped(_writable_employers)
    opted_out = serializers.BooleanField(required=False, write_only=True)

    class Meta:
        model = ContactPerson
        fields = [
            "id", "employer", "name", "function", "email", "phone", "language", "opted_out", "opted_out_at",
            "opt_out_source", "lawful_basis", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["opted_out_at", "created_at", "updated_at"]
        extra_kwargs: dict[str, dict[str, Any]] = {"email": {"validators": []}}


class ContactPersonUpdateSerializer(ContactPersonSerializer):
    employer: serializers.PrimaryKeyRelatedField[Employer] = serializers.PrimaryKeyRelatedField(read_only=True)


class OpeningSerializer(serializers.ModelSerializer[Opening]):
    employer: serializers.PrimaryKeyRelatedField[Employer] = _Scoped(_writable_employers)
    postcode = serializers.CharField(required=False, allow_blank=True, max_length=20)
    accommodations = serializers.SlugRelatedField(
        slug_field="code", many=True, queryset=Accommodation.objects.all(), required=False
    )

    class Meta:
        model = Opening
        fields = [
            "id", "employer", "title", "hours_min", "hours_max", "postcode", "start_date", "requirements",
            "accommodations", "trial_possible", "state", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["created_at", "updated_at"]
        validators: list = []


class OpeningUpdateSerializer(OpeningSerializer):
    employer: serializers.PrimaryKeyRelatedField[Employer] = serializers.PrimaryKeyRelatedField(read_only=True)


def _guide_fields(data: dict[str, Any]) -> dict[str, Any]:
    """What a guide's POST may set; a field only an adviser sets, given a value, or a stage past
    ``interested``, is not theirs to set (403). Empty values of such fields are left out."""
    allowed = {"legal_name", "stage", "networks", *proposals.PROPOSE_FIELDS}
    theirs = {name for name, value in data.items() if name not in allowed and value not in (None, False, "", [])}
    theirs.discard("source")  # always "guide"
    if theirs or data.get("stage", Stage.PROSPECT) not in proposals.GUIDE_STAGES:
        raise PermissionDenied(
            _("A trajectory guide adds an employer as a prospect or as interested, without: %(fields)s.")
            % {"fields": ", ".join(sorted(theirs)) or "stage"}
        )
    return {name: value for name, value in data.items() if name in allowed}


class EmployerViewSet(viewsets.ModelViewSet[Employer]):
    """Employers of my regions. Advisers and coordinators write; guides read, and POST their own
    contacts (stage ``prospect`` or ``interested``, source ``guide``), which wait for the region's
    review (``review_requested_at``) under "new in the network". Change the stage with
    PATCH ``stage`` or POST ``…/stage/``; both keep the stage history. The list leaves archived
    employers out (``?archived=1`` lists them); one archived employer is still read by its id.
    POST ``…/archive/`` and ``…/restore/``; DELETE only an archived employer, by a coordinator;
    POST ``…/merge/`` ``{"other": id}`` merges another employer of the same region into this one."""

    request: AuthenticatedRequest  # ScopedPermission admits signed-in users only

    permission_classes = [ScopedPermission]
    read_roles = NETWORK_READ
    # Every network role passes the role gate on writes, so that someone of another region gets
    # the object's 404; the object check (editable_by) then gives a guide of the region 403.
    write_roles = NETWORK_READ
    # Guides may create too: their own contacts, for review (``employers.proposals``).
    serializer_class = EmployerSerializer
    filterset_class = EmployerFilter
    pagination_class = SearchPagination  # a search's count stops at 1,000 (crm.paging)
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet[Employer]:
        employers = employer_rows(self.request.user)
        if self.action == "list":
            return archived_scope(employers, self.request.query_params)
        return employers

    def _reload(self, employer: Employer) -> Employer:
        return employer_rows(self.request.user).get(pk=employer.pk)

    def handle_exception(self, exc: Exception) -> Response:
        return with_request_to_join(super().handle_exception(exc), exc)

    def perform_create(self, serializer: serializers.BaseSerializer[Employer]) -> None:
        data = dict(serializer.validated_data)
        if writes_any_region(self.request.user):
            employer = services.employer_create(by=self.request.user, **data)
        else:  # a trajectory guide: their own contact, for review (employers.proposals)
            employer = proposals.employer_propose(by=self.request.user, **_guide_fields(data))
        serializer.instance = self._reload(employer)

    def perform_update(self, serializer: serializers.BaseSerializer[Employer]) -> None:
        data = dict(serializer.validated_data)
        employer = services.employer_update(employer=updated_instance(serializer), by=self.request.user, **data)
        serializer.instance = self._reload(employer)

    def perform_destroy(self, instance: Employer) -> None:
        archiving.employer_delete_for_good(employer=instance, by=self.request.user)

    def _answer(self, employer: Employer) -> Response:
        return Response(EmployerSerializer(self._reload(employer), context=self.get_serializer_context()).data)

    @extend_schema(request=None, responses=EmployerSerializer)
    @action(detail=True, methods=["post"])
    def archive(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        return self._answer(archiving.employer_archive(employer=self.get_object(), by=request.user))

    @extend_schema(request=None, responses=EmployerSerializer)
    @action(detail=True, methods=["post"])
    def restore(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        return self._answer(archiving.employer_restore(employer=self.get_object(), by=request.user))

    @extend_schema(request=MergeSerializer, responses=EmployerSerializer)
    @action(detail=True, methods=["post"], serializer_class=MergeSerializer)
    def merge(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        survivor = self.get_object()
        serializer = MergeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # Another region's id, or a missing one: the same 404 as for the URL's employer.
        same_region = Employer.objects.editable_by(request.user).filter(region_id=survivor.region_id)
        merged = get_object_or_404(same_region.exclude(pk=survivor.pk), pk=serializer.validated_data["other"])
        return self._answer(archiving.employer_merge(survivor=survivor, merged=merged, by=request.user))

    @extend_schema(request=StageSerializer, responses=EmployerSerializer)
    @action(detail=True, methods=["post"], serializer_class=StageSerializer)
    def stage(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        employer = self.get_object()
        serializer = StageSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        employer = services.employer_change_stage(
            employer=employer, by=request.user, stage=serializer.validated_data["stage"]
        )
        return Response(EmployerSerializer(self._reload(employer), context=self.get_serializer_context()).data)

    @extend_schema(responses=StageChangeSerializer(many=True))
    # The list's filters and pages are not this action's: without them, the schema documents none.
    @action(
        detail=True,
        methods=["get"],
        url_path="stage-history",
        serializer_class=StageChangeSerializer,
        pagination_class=None,
        filterset_class=None,
        filter_backends=[],
    )
    def stage_history(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        employer = self.get_object()
        return Response(StageChangeSerializer(employer.stage_changes.all(), many=True).data)


class _NetworkPartViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet[_Part],
):
    request: AuthenticatedRequest  # ScopedPermission admits signed-in users only
    permission_classes = [ScopedPermission]
    read_roles = NETWORK_READ
    write_roles = NETWORK_READ  # guides may add contact persons and openings
    http_method_names = ["get", "post", "patch", "head", "options"]


class ContactPersonViewSet(_NetworkPartViewSet[ContactPerson]):
    """Contact persons at employers of my regions."""

    request: AuthenticatedRequest  # ScopedPermission admits signed-in users only

    filterset_class = ContactPersonFilter

    def get_queryset(self) -> QuerySet[ContactPerson]:
        return ContactPerson.objects.visible_to(self.request.user)

    def get_serializer_class(self) -> type[serializers.Serializer]:
        return ContactPersonUpdateSerializer if self.action == "partial_update" else ContactPersonSerializer

    def perform_create(self, serializer: serializers.BaseSerializer[ContactPerson]) -> None:
        serializer.instance = services_parts.contact_person_create(by=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer: serializers.BaseSerializer[ContactPerson]) -> None:
        data = dict(serializer.validated_data)
        serializer.instance = services_parts.contact_person_update(
            contact_person=updated_instance(serializer), by=self.request.user, **data
        )


class OpeningViewSet(_NetworkPartViewSet[Opening]):
    """Openings (vacancies, or work an employer can offer) at employers of my regions."""

    request: AuthenticatedRequest  # ScopedPermission admits signed-in users only

    filterset_class = OpeningFilter

    def get_queryset(self) -> QuerySet[Opening]:
        return Opening.objects.visible_to(self.request.user).prefetch_related(
            Prefetch("accommodations", queryset=Accommodation.objects.order_by("code"))
        )

    def get_serializer_class(self) -> type[serializers.Serializer]:
        return OpeningUpdateSerializer if self.action == "partial_update" else OpeningSerializer

    def perform_create(self, serializer: serializers.BaseSerializer[Opening]) -> None:
        serializer.instance = services_parts.opening_create(by=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer: serializers.BaseSerializer[Opening]) -> None:
        data = dict(serializer.validated_data)
        serializer.instance = services_parts.opening_update(
            opening=updated_instance(serializer), by=self.request.user, **data
        )


def register(router: DefaultRouter) -> None:
    router.register("employers", EmployerViewSet, basename="employer")
    router.register("contact-persons", ContactPersonViewSet, basename="contact-person")
    router.register("openings", OpeningViewSet, basename="opening")
