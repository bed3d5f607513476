"""Knowledge sessions (kennissessies), who is invited and answered, and the outbox of their mail.

Times are stored in UTC and shown or computed in Europe/Amsterdam. Every message that must go
out is first an ``OutboundEmail`` row with a unique idempotency key; Celery only delivers rows.
"""

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
from employers.models import ContactPerson, Language


def new_token() -> str:
    """An unguessable URL token (256 bits)."""
    return secrets.token_urlsafe(32)


class EventState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    CANCELLED = "cancelled", _("Cancelled")
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

    objects = SpeakerQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")

    def __str__(self) -> str:
        return self.name


class Rsvp(models.TextChoices):
    NONE = "none", _("No answer yet")
    YES = "yes", _("Yes")
    NO = "no", _("No")
    MAYBE = "maybe", _("Maybe")


class InvitationQuerySet(RegionScopedQuerySet):
    region_path = "event__region"
    national_read_roles = frozenset()  # AWVN sees sessions, not who the employers are

    def confirmed(self) -> InvitationQuerySet:
        """Said yes and holds a seat (not on the waitlist)."""
        return self.filter(rsvp=Rsvp.YES, waitlist_position__isnull=True)

    def waitlisted(self) -> InvitationQuerySet:
        return self.filter(rsvp=Rsvp.YES, waitlist_position__isnull=False).order_by("waitlist_position", "id")


class Invitation(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("event"))
    contact_person = models.ForeignKey(
        ContactPerson, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("contact person")
    )
    # The secret behind the personal RSVP link (and the preferences link of this mail).
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    rsvp = models.CharField(_("answer"), max_length=5, choices=Rsvp.choices, default=Rsvp.NONE)
    people_count = models.PositiveSmallIntegerField(_("number of people"), default=1)
    names = models.TextField(_("names of those coming"), blank=True)
    access_needs = models.TextField(_("access needs"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    # Set while a yes waits for a seat; the lowest number is offered the next free seat.
    waitlist_position = models.PositiveIntegerField(_("waitlist position"), null=True, blank=True)
    seat_offered_at = models.DateTimeField(_("seat offered at"), null=True, blank=True)
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    attended_marked_at = models.DateTimeField(_("attendance marked at"), null=True, blank=True)
    attended_marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    walk_in = models.BooleanField(_("walk-in"), default=False)
    # The Contact on the employer's timeline that marking attendance logged.
    attendance_contact = models.ForeignKey(
        "employers.Contact", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("invited at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["event", "id"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(fields=["event", "contact_person"], name="one_invitation_per_person"),
            models.CheckConstraint(condition=Q(people_count__gte=1), name="invitation_people_at_least_one"),
            models.CheckConstraint(
                condition=Q(waitlist_position__isnull=True) | Q(rsvp="yes"), name="invitation_waitlist_only_yes"
            ),
        ]
        indexes = [models.Index(fields=["event", "rsvp"], name="invitation_event_rsvp")]

    def __str__(self) -> str:
        return f"{self.event_id} · {self.contact_person_id} · {self.rsvp}"

    @property
    def is_confirmed(self) -> bool:
        return self.rsvp == Rsvp.YES and self.waitlist_position is None

    @property
    def language(self) -> str:
        return self.contact_person.language or Language.NL


class EmailKind(models.TextChoices):
    INVITE = "invite", _("Invitation")
    REMINDER_7D = "reminder-7d", _("Reminder a week before")
    REMINDER_1D = "reminder-1d", _("Reminder the day before")
    FOLLOWUP_THANKS = "followup-thanks", _("Thanks after the session")
    FOLLOWUP_MISSED = "followup-missed", _("Sorry we missed you")
    WAITLIST_SEAT = "waitlist-seat", _("A seat is free")
    RSVP_CONFIRM = "rsvp-confirm", _("Answer confirmed")
    EVENT_UPDATE = "event-update", _("Session changed")
    EVENT_CANCEL = "event-cancel", _("Session cancelled")
    AWVN_REGISTRATION = "awvn-registration", _("Registration with AWVN")
    FRESH_LINK = "fresh-link", _("Fresh personal link")
    # Mail to staff users, queued by other apps through crm.emails (no event, no invitation).
    DIGEST = "digest", _("Daily follow-up digest")
    WARM_INTRO = "warm-intro", _("Warm introduction")


# Transactional kinds answer something the person did; everything else is outreach and carries
# List-Unsubscribe, and is not sent to someone who opted out.
TRANSACTIONAL_KINDS = frozenset(
    {
        EmailKind.RSVP_CONFIRM,
        EmailKind.AWVN_REGISTRATION,
        EmailKind.FRESH_LINK,
        EmailKind.EVENT_CANCEL,
        EmailKind.DIGEST,
        EmailKind.WARM_INTRO,
    }
)


class EmailState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    # Claimed by a worker (committed before the SMTP conversation), until marked sent or given
    # back; a row whose lease expired here may have reached the mail server (``uncertain``).
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class OutboundEmailQuerySet(RegionScopedQuerySet):
    region_path = "event__region"
    read_roles = NETWORK_WRITE
    national_read_roles = frozenset()


class OutboundEmail(models.Model):
    """One message that must go out, exactly once: the key is unique, the row is claimed first."""

    idempotency_key = models.CharField(_("key"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=EmailKind.choices)
    to_email = models.EmailField(_("to"))
    to_name = models.CharField(_("to (name)"), max_length=200, blank=True)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices, default=Language.NL)
    from_email = models.CharField(_("from"), max_length=254, blank=True)
    subject = models.CharField(_("subject"), max_length=300)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"), blank=True)
    headers = models.JSONField(_("headers"), default=dict, blank=True)
    # The attached calendar file (text/calendar), rendered when the row is created.
    ics = models.TextField(_("calendar file"), blank=True)
    ics_method = models.CharField(max_length=10, blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=200, unique=True)
    # The whole message as it goes over the wire (MIME, CRLF), built once when the row is
    # stored: a retry sends the very same bytes, and delivery does no rendering at all.
    mime = models.BinaryField(_("MIME message"), blank=True, default=b"")
    state = models.CharField(_("state"), max_length=8, choices=EmailState.choices, default=EmailState.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    # The claim's lease: a row still ``sending`` after this is handed out again by the sweep.
    lease_expires_at = models.DateTimeField(_("lease expires at"), null=True, blank=True)
    claimed_by = models.CharField(_("claimed by"), max_length=200, blank=True)
    # A worker lost this row between claim and mark: the server may have it already, so a
    # later attempt may be a second copy ("may have gone out twice", on the page and in the API).
    uncertain = models.BooleanField(_("may have gone out twice"), default=False)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, null=True, blank=True, related_name="emails", verbose_name=_("event")
    )
    invitation = models.ForeignKey(
        Invitation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="emails",
        verbose_name=_("invitation"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OutboundEmailQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        indexes = [
            models.Index(fields=["next_attempt_at"], condition=Q(state="queued"), name="outbound_queued_due"),
            models.Index(fields=["state", "claimed_at"], name="outbound_state_claimed"),
            models.Index(fields=["event", "kind"], name="outbound_event_kind"),
            models.Index(fields=["lease_expires_at"], condition=Q(state="sending"), name="outbound_sending_lease"),
        ]

    def __str__(self) -> str:
        return self.idempotency_key

    @property
    def is_outreach(self) -> bool:
        return self.kind not in TRANSACTIONAL_KINDS


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


class RoundState(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("In progress")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class InvitationRoundQuerySet(OutboundEmailQuerySet):
    """Rounds are seen by whoever sees the event's outbox: its region's writers."""


class InvitationRound(models.Model):
    """A background invitation round: stored in the request's transaction, so the fan-out
    cannot be lost with a task. The task works through ``person_ids`` in order and commits
    ``done`` with each chunk of invitations; the beat tick restarts a round that stalled."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="invitation_rounds")
    person_ids = models.JSONField(default=list)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    state = models.CharField(_("state"), max_length=8, choices=RoundState.choices, default=RoundState.PENDING)
    total = models.PositiveIntegerField(_("people"), default=0)
    done = models.PositiveIntegerField(_("handled"), default=0)
    invited = models.PositiveIntegerField(_("invited"), default=0)
    attempts = models.PositiveSmallIntegerField(default=0)
    # Touched with every committed chunk: a running round untouched for the grace period stalled.
    updated_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)

    objects = InvitationRoundQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("invitation round")
        verbose_name_plural = _("invitation rounds")
        indexes = [
            models.Index(fields=["updated_at"], condition=Q(state__in=["pending", "running"]), name="round_unfinished"),
        ]

    def __str__(self) -> str:
        return f"round {self.pk} of event {self.event_id}: {self.done}/{self.total}"

    @property
    def is_finished(self) -> bool:
        return self.state in (RoundState.DONE, RoundState.FAILED)
