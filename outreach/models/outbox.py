"""The outbox: every message that must go out, once, as a row with a unique idempotency key."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.scoping import NETWORK_WRITE, RegionScopedQuerySet
from employers.models import Language


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
    EVENT_POSTPONE = "event-postpone", _("Session postponed")
    AWVN_REGISTRATION = "awvn-registration", _("Registration with AWVN")
    FRESH_LINK = "fresh-link", _("Fresh personal link")
    REGISTRATION_CONFIRM = "registration-confirm", _("Confirm your registration")
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
        EmailKind.REGISTRATION_CONFIRM,
        EmailKind.EVENT_CANCEL,
        EmailKind.EVENT_POSTPONE,
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


class Bounce(models.TextChoices):
    """What the bounce mailbox said about a sent row (``outreach.bounces``)."""

    HARD = "hard", _("Bounced (address invalid)")
    SOFT = "soft", _("Bounced (temporary)")
    COMPLAINT = "complaint", _("Marked as spam")


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
    # Claimed in a batch but not yet handed to the mail server: a worker lost now leaves this
    # row unsent for certain, so the sweep gives it back without the "may have gone out twice"
    # flag (only the one row in flight gets that).
    held_in_batch = models.BooleanField(_("held in its batch"), default=False)
    # A worker lost this row between claim and mark: the server may have it already, so a
    # later attempt may be a second copy ("may have gone out twice", on the page and in the API).
    uncertain = models.BooleanField(_("may have gone out twice"), default=False)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # Set from a bounce or complaint whose VERP address (bounces+<id>-<signature>@) names this row.
    bounce = models.CharField(_("bounce"), max_length=10, choices=Bounce.choices, blank=True)
    bounced_at = models.DateTimeField(_("bounced at"), null=True, blank=True)
    event = models.ForeignKey(
        "outreach.Event",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="emails",
        verbose_name=_("event"),
    )
    invitation = models.ForeignKey(
        "outreach.Invitation",
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
