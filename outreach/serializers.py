"""Serializers of /api/v1/events/, /api/v1/invitations/ and /api/v1/outbound-emails/."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from crm.fields import clean_multiline, clean_text
from crm.models import Region
from employers.models import ContactPerson, Network, SbiSection, Stage
from employers.services_networks import normalise_tags
from outreach.models import EmailState, Event, Invitation, OutboundEmail, PoolSpeaker, Speaker, SpeakerKind


class _PoolSpeakerField(serializers.PrimaryKeyRelatedField):
    """A pool speaker the organiser sees (their regions' own, every region's listed ones); any
    other id is "does not exist", like a missing one."""

    def get_queryset(self) -> Any:
        return PoolSpeaker.objects.visible_to(self.context["request"].user).select_related("contact_person")


class _CleanText(serializers.CharField):
    """Text cleaned of control characters (NUL included) before DRF's checks, as the models'
    clean fields store it (crm.fields): a pasted bio with a stray control character is kept
    clean instead of refused, and the schema's plain string stays true."""

    def __init__(self, clean: Any, **kwargs: Any) -> None:
        self.clean = clean
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> str:
        return super().to_internal_value(self.clean(data) if isinstance(data, str) else data)


class SpeakerSerializer(serializers.ModelSerializer):
    """A session's speaker, as on the session form: picked from the pool (``pool_speaker``, an
    id of /api/v1/pool-speakers/; name, kind and bio default to the pool entry's) or typed, and
    then added to the session region's pool when ``add_to_pool`` is true (``consent``: the
    speaker agreed to be listed for other regions)."""

    kind = serializers.ChoiceField(choices=SpeakerKind.choices, required=False)
    name = _CleanText(clean_text, max_length=200, required=False, allow_blank=True)
    bio = _CleanText(clean_multiline, required=False, allow_blank=True)
    pool_speaker = _PoolSpeakerField(required=False, allow_null=True)
    add_to_pool = serializers.BooleanField(write_only=True, required=False, default=False)
    consent = serializers.BooleanField(write_only=True, required=False, default=False)

    class Meta:
        model = Speaker
        fields = ["kind", "name", "bio", "pool_speaker", "add_to_pool", "consent"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        entry = attrs.get("pool_speaker")
        if entry is None and not (attrs.get("name") or "").strip():
            raise serializers.ValidationError({"name": _("Give the speaker's name, or choose one from the pool.")})
        if entry is not None and attrs.get("add_to_pool"):
            raise serializers.ValidationError({"add_to_pool": _("This speaker is in the pool already.")})
        return attrs


class _WriteRegion(serializers.SlugRelatedField):
    """Only the regions where the user organises sessions (else "does not exist")."""

    def get_queryset(self) -> Any:
        return Region.objects.writable_by(self.context["request"].user)


class EventSerializer(serializers.ModelSerializer):
    # Written on create, read-only on update (EventUpdateSerializer): one declared type for both.
    region: serializers.SlugRelatedField[Region] = _WriteRegion(slug_field="code")
    speakers = SpeakerSerializer(many=True, required=False)
    awvn_state = serializers.CharField(read_only=True)
    invited_count = serializers.IntegerField(read_only=True, default=0)
    yes_count = serializers.IntegerField(read_only=True, default=0)
    waitlist_count = serializers.IntegerField(read_only=True, default=0)
    attended_count = serializers.IntegerField(read_only=True, default=0)

    class Meta:
        model = Event
        fields = [
            "id", "region", "title", "slug", "description", "speakers", "starts_at", "ends_at",
            "venue_name", "venue_address", "online_url", "practical_info", "capacity", "linkedin_url",
            "next_step", "state", "owner", "awvn_state", "awvn_requested_at", "awvn_confirmed_at",
            "awvn_reference", "published_at", "cancelled_at", "cancel_reason",
            "invited_count", "yes_count", "waitlist_count", "attended_count", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = [
            "slug", "state", "owner", "awvn_requested_at", "awvn_confirmed_at", "awvn_reference",
            "published_at", "cancelled_at", "cancel_reason", "created_at", "updated_at",
        ]  # fmt: skip

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        starts = attrs.get("starts_at", getattr(self.instance, "starts_at", None))
        ends = attrs.get("ends_at", getattr(self.instance, "ends_at", None))
        if starts and ends and ends <= starts:
            raise serializers.ValidationError({"ends_at": _("The session must end after it starts.")})
        return attrs


class EventUpdateSerializer(EventSerializer):
    region: serializers.SlugRelatedField[Region] = serializers.SlugRelatedField(slug_field="code", read_only=True)


class PublishSerializer(serializers.Serializer):
    register_with_awvn = serializers.BooleanField(default=False)


class CancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class AwvnConfirmSerializer(serializers.Serializer):
    reference = serializers.CharField(max_length=100)


@extend_schema_field(OpenApiTypes.INT)
class _EarlierEvent(serializers.PrimaryKeyRelatedField):
    """An earlier session of the user's own regions (else "does not exist"); gives its id."""

    def get_queryset(self) -> Any:
        return Event.objects.editable_by(self.context["request"].user).public()

    def to_internal_value(self, data: Any) -> int:
        return super().to_internal_value(data).pk


class AudienceSerializer(serializers.Serializer):
    """Audience filters; empty lists mean no restriction. ``dry_run`` only counts."""

    regions = serializers.ListField(child=serializers.CharField(max_length=4), required=False, default=list)
    stages = serializers.ListField(child=serializers.ChoiceField(choices=Stage.choices), required=False, default=list)
    sbi_sections = serializers.ListField(
        child=serializers.ChoiceField(choices=SbiSection.choices), required=False, default=list
    )
    networks = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        default=list,
        help_text="Employers in any of these networks (/api/v1/networks/) of my regions.",
    )
    tags = serializers.ListField(
        child=serializers.CharField(max_length=40),
        required=False,
        default=list,
        max_length=20,
        help_text="Employers with any of these tags (compared in lower case, as employers store them).",
    )
    attendance = serializers.ChoiceField(
        choices=[("", "anyone"), ("attended", "attended"), ("never", "never")], required=False, default=""
    )
    earlier_event = _EarlierEvent(required=False, allow_null=True, default=None)
    persons = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False, default=list)
    dry_run = serializers.BooleanField(default=False)

    def validate_regions(self, value: list[str]) -> list[str]:
        allowed = set(Region.objects.writable_by(self.context["request"].user).values_list("code", flat=True))
        unknown = sorted(set(value) - allowed)
        if unknown:
            raise serializers.ValidationError(_("Not one of your regions: %(codes)s.") % {"codes": ", ".join(unknown)})
        return value

    def validate_networks(self, value: list[int]) -> list[int]:
        mine = Network.objects.editable_by(self.context["request"].user).filter(pk__in=value)
        if mine.count() != len(set(value)):
            raise serializers.ValidationError(_("Some of these networks are not in your regions."))
        return sorted(set(value))

    def validate_tags(self, value: list[str]) -> list[str]:
        try:
            return normalise_tags(value)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.message_dict["tags"]) from error

    def validate_persons(self, value: list[int]) -> list[int]:
        mine = ContactPerson.objects.invitable_by(self.context["request"].user).filter(pk__in=value)
        if mine.count() != len(set(value)):
            raise serializers.ValidationError(_("Some of these people are not in your regions."))
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        wanted = ("regions", "stages", "sbi_sections", "networks", "tags", "attendance", "persons")
        if not any(attrs.get(name) for name in wanted):
            raise serializers.ValidationError(_("Choose at least one filter, or pick people by hand."))
        if attrs.get("earlier_event") and attrs.get("attendance") != "attended":
            raise serializers.ValidationError({"earlier_event": _("Only with attendance 'attended'.")})
        return attrs


class AudienceResultSerializer(serializers.Serializer):
    dry_run = serializers.BooleanField()
    background = serializers.BooleanField(help_text="Large audiences are invited by a background task.")
    included = serializers.IntegerField(help_text="People who match and can be invited.")
    invited = serializers.IntegerField(help_text="Invitations created now (0 for a dry run or in the background).")
    excluded = serializers.DictField(child=serializers.IntegerField(), help_text="Left out, per reason.")


class InvitationSerializer(serializers.ModelSerializer):
    contact_person_name = serializers.CharField(source="contact_person.name", read_only=True)
    employer = serializers.IntegerField(source="contact_person.employer_id", read_only=True)
    employer_name = serializers.CharField(source="contact_person.employer.display_name", read_only=True)
    delivery_state = serializers.ChoiceField(
        choices=[*EmailState.choices, ("bounced", _("Bounced (address invalid)"))],
        read_only=True,
        allow_null=True,
        source="invite_state",
        default=None,
        help_text="The invitation mail's state, or bounced once it bounced for good (as on the session's page).",
    )
    soft_bounces = serializers.IntegerField(source="contact_person.soft_bounces", read_only=True)
    email_invalid = serializers.BooleanField(source="contact_person.email_invalid", read_only=True)

    class Meta:
        model = Invitation
        fields = [
            "id", "event", "contact_person", "contact_person_name", "employer", "employer_name", "rsvp",
            "people_count", "names", "access_needs", "answered_at", "waitlist_position", "attended",
            "attended_marked_at", "walk_in", "delivery_state", "soft_bounces", "email_invalid", "created_at",
        ]  # fmt: skip
        read_only_fields = [name for name in fields if name != "attended"]


class AttendanceSerializer(InvitationSerializer):
    attended = serializers.BooleanField(required=True)


class OutboundEmailSerializer(serializers.ModelSerializer):
    class Meta:
        model = OutboundEmail
        fields = [
            "id", "event", "invitation", "kind", "to_email", "to_name", "language", "subject", "state",
            "attempts", "last_error", "next_attempt_at", "sent_at", "message_id", "created_at",
            "uncertain",  # a worker was lost mid-send: the recipient may have this message twice
            "bounce", "bounced_at",  # what the bounce mailbox said of this row (outreach.bounces)
        ]  # fmt: skip
        read_only_fields = fields
