"""/api/v1/contacts/ and /api/v1/follow-ups/: the contact log over the API, scoped like employers."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from crm.api import updated_instance
from crm.fields import FOLLOW_UP_DATES, date_range
from crm.permissions import ScopedPermission
from crm.scoping import NETWORK_READ, users_visible_to
from crm.types import AuthenticatedRequest
from employers.contacts.filters import ContactFilter, FollowUpFilter
from employers.contacts.services import contact_delete, contact_log, contact_update, followup_complete, followup_create
from employers.models import Contact, ContactPerson, Employer, FollowUp


class _ScopedRelated(serializers.PrimaryKeyRelatedField):
    """A related field whose choices are what the requesting user can see (else "does not exist")."""

    def __init__(self, model: Any, **kwargs: Any) -> None:
        self.model = model
        super().__init__(**kwargs)

    def get_queryset(self) -> QuerySet:
        return self.model.objects.visible_to(self.context["request"].user)


class ContactSerializer(serializers.ModelSerializer[Contact]):
    employer: serializers.PrimaryKeyRelatedField[Employer] = _ScopedRelated(Employer)
    contact_person = _ScopedRelated(ContactPerson, required=False, allow_null=True)
    event_in_person = serializers.BooleanField(write_only=True, required=False, default=False)
    follow_up_on = serializers.DateField(
        write_only=True, required=False, allow_null=True, validators=[date_range(FOLLOW_UP_DATES)]
    )
    follow_up_note = serializers.CharField(write_only=True, required=False, allow_blank=True, max_length=300)

    class Meta:
        model = Contact
        fields = [
            "id", "employer", "contact_person", "by", "when", "channel", "purpose", "in_person",
            "summary", "outcome", "created_at", "event_in_person", "follow_up_on", "follow_up_note",
        ]  # fmt: skip
        read_only_fields = ["by", "in_person", "created_at"]
        extra_kwargs = {"when": {"required": False}}


class ContactUpdateSerializer(ContactSerializer):
    employer: serializers.PrimaryKeyRelatedField[Employer] = serializers.PrimaryKeyRelatedField(read_only=True)


class _VisibleUser(serializers.PrimaryKeyRelatedField):
    """Users of the requesting user's network regions (else "does not exist", as a missing id)."""

    def get_queryset(self) -> QuerySet:
        return users_visible_to(self.context["request"].user)


class FollowUpSerializer(serializers.ModelSerializer[FollowUp]):
    employer = _ScopedRelated(Employer)
    contact = _ScopedRelated(Contact, required=False, allow_null=True)
    owner = _VisibleUser()

    class Meta:
        model = FollowUp
        fields = ["id", "employer", "contact", "owner", "due_date", "note", "state", "done_at", "done_by"]
        read_only_fields = ["state", "done_at", "done_by"]


class ContactViewSet(viewsets.ModelViewSet[Contact]):
    """Contacts with employers of my regions; the author changes or deletes within the edit window."""

    request: AuthenticatedRequest  # ScopedPermission admits signed-in users only

    permission_classes = [ScopedPermission]
    read_roles = NETWORK_READ
    write_roles = NETWORK_READ
    filterset_class = ContactFilter
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet[Contact]:
        return Contact.objects.visible_to(self.request.user).select_related("employer")

    def get_serializer_class(self) -> type[serializers.Serializer]:
        return ContactUpdateSerializer if self.action == "partial_update" else ContactSerializer

    def perform_create(self, serializer: serializers.BaseSerializer[Contact]) -> None:
        data = dict(serializer.validated_data)
        serializer.instance = contact_log(by=self.request.user, **data)

    def perform_update(self, serializer: serializers.BaseSerializer[Contact]) -> None:
        data = dict(serializer.validated_data)
        for name in ("follow_up_on", "follow_up_note"):
            data.pop(name, None)
        in_person = data.pop("event_in_person", None) if "event_in_person" in self.request.data else None
        data.pop("event_in_person", None)
        contact_update(contact=updated_instance(serializer), by=self.request.user, event_in_person=in_person, **data)

    def perform_destroy(self, instance: Contact) -> None:
        contact_delete(contact=instance, by=self.request.user)


class FollowUpViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet[FollowUp]
):
    """Follow-ups on employers of my regions; mark one done with POST …/complete/."""

    request: AuthenticatedRequest  # ScopedPermission admits signed-in users only

    permission_classes = [ScopedPermission]
    read_roles = NETWORK_READ
    write_roles = NETWORK_READ
    serializer_class = FollowUpSerializer
    filterset_class = FollowUpFilter

    def get_queryset(self) -> QuerySet[FollowUp]:
        return FollowUp.objects.visible_to(self.request.user)

    def perform_create(self, serializer: serializers.BaseSerializer[FollowUp]) -> None:
        serializer.instance = followup_create(by=self.request.user, **serializer.validated_data)

    @extend_schema(request=None, responses=FollowUpSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        followup = followup_complete(followup=self.get_object(), by=request.user)
        return Response(self.get_serializer(followup).data)


def register(router: DefaultRouter) -> None:
    router.register("contacts", ContactViewSet, basename="contact")
    router.register("follow-ups", FollowUpViewSet, basename="follow-up")
