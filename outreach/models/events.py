"""Sessions, their speakers, and the secret calendar feeds of their agenda."""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.fields import EVENT_DATES, CleanCharField, date_range
from crm.models import Region, Role
from crm.scoping import NETWORK_READ, NETWORK_WRITE, RegionScopedQuerySet


def new_token() -> str:
    """An unguessable URL token (256 bits)."""
    return secrets.token_urlsafe(32)


class EventState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    CANCELLED = "cancelled", _("Cancelled")
    # The date no longer holds; answers and seats stay until the organiser sets a new date.
    POSTPONED = "postponed", _("Postponed")
    HELD = "held", _("Held")


class EventQuerySet(RegionScopedQuerySet):
    region_path = "region"
    read_roles = NETWORK_READ
    write_roles = NETWORK_WRITE
    # The AWVN adviser reads every region's sessions (the national agenda).
    national_read_roles = frozenset({Role.AWVN})

    def public(self) -> EventQuerySet:
        """What anyone may see without logging in: published, held or cancelled sessions."""
        return self.exclude(state=EventState.DRAFT)

    def published(self) -> EventQuerySet:
        return self.filter(state=EventState.PUBLISHED)


class Event(models.Model):
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="events", verbose_name=_("region"))
    title = CleanCharField(_("title"), max_length=200)  # the mail subject: one line
    slug = models.SlugField(_("web address"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts at"), validators=[date_range(EVENT_DATES)])
    ends_at = models.DateTimeField(_("ends at"), validators=[date_range(EVENT_DATES)])
    venue_name = models.CharField(_("venue"), max_length=200, blank=True)
    venue_address = models.CharField(_("venue address"), max_length=300, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    practical_info = models.TextField(_("practical details"), blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True, help_text=_("Empty: no limit."))
    state = models.CharField(_("state"), max_length=10, choices=EventState.choices, default=EventState.DRAFT)
    linkedin_url = models.URLField(_("LinkedIn event"), blank=True)
    open_registration = models.BooleanField(
        _("open registration"),
        default=True,
        help_text=_("Anyone may register on the public page (confirmed by e-mail), not only those invited."),
    )
    next_step = models.TextField(
        _("next step for attendees"), blank=True, help_text=_("Sent with the thank-you mail the day after.")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_events",
        verbose_name=_("organiser"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # AWVN registration: requested when published with "register with AWVN", confirmed by AWVN.
    awvn_requested_at = models.DateTimeField(_("AWVN registration requested at"), null=True, blank=True)
    awvn_confirmed_at = models.DateTimeField(_("AWVN registration confirmed at"), null=True, blank=True)
    awvn_reference = models.CharField(_("AWVN reference"), max_length=100, blank=True)
    awvn_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # iCalendar: the UID stays, SEQUENCE goes up with every change attendees must see.
    ics_sequence = models.PositiveIntegerField(_("calendar sequence"), default=0)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=300, blank=True)
    postponed_at = models.DateTimeField(_("postponed at"), null=True, blank=True)
    postpone_reason = models.CharField(_("reason for postponing"), max_length=300, blank=True)
    # Set when a postponed session gets its new date: schema.org's EventRescheduled and previousStartDate.
    previous_starts_at = models.DateTimeField(_("previous start"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("knowledge session")
        verbose_name_plural = _("knowledge sessions")
        indexes = [
            models.Index(fields=["region", "starts_at"], name="event_region_starts"),
            models.Index(fields=["state", "starts_at"], name="event_state_starts"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="event_ends_after_start"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def ics_uid(self) -> str:
        """Stable across every update and the cancellation, so calendars replace, not duplicate."""
        return f"event-{self.pk}@wsp-crm"

    @property
    def is_online(self) -> bool:
        return bool(self.online_url) and not self.venue_address

    @property
    def awvn_state(self) -> str:
        if self.awvn_confirmed_at:
            return "confirmed"
        if self.awvn_requested_at:
            return "requested"
        return "none"

    def has_started(self, now: Any = None) -> bool:
        return (now or timezone.now()) >= self.starts_at

    def local_start(self) -> Any:
        return timezone.localtime(self.starts_at)

    def local_end(self) -> Any:
        return timezone.localtime(self.ends_at)


class SpeakerKind(models.TextChoices):
    EMPLOYER = "employer", _("Employer with a practice story")
    EXPERIENCE_EXPERT = "experience_expert", _("Experience expert")
    RESEARCHER = "researcher", _("Researcher")
    OTHER = "other", _("Other")


class SpeakerQuerySet(RegionScopedQuerySet):
    region_path = "event__region"
    national_read_roles = frozenset({Role.AWVN})


class Speaker(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="speakers", verbose_name=_("event"))
    kind = models.CharField(_("kind"), max_length=20, choices=SpeakerKind.choices, default=SpeakerKind.OTHER)
    name = models.CharField(_("name"), max_length=200)
    bio = models.TextField(_("short bio"), blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    # The pool entry this appearance is of (outreach.models.speakers): its "sessions where they spoke".
    pool_speaker = models.ForeignKey(
        "outreach.PoolSpeaker",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="appearances",
        verbose_name=_("from the speaker pool"),
    )

    objects = SpeakerQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")

    def __str__(self) -> str:
        return self.name


class CalendarFeedQuerySet(RegionScopedQuerySet):
    region_path = "region"
    national_read_roles = frozenset({Role.AWVN})


class CalendarFeed(models.Model):
    """A secret .ics address: one region's sessions, or (no region) every region's."""

    region = models.ForeignKey(
        Region, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("region")
    )
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = CalendarFeedQuerySet.as_manager()

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return f"feed {self.region_id or 'national'}"
