"""Who is invited to a session and what they answered, and the background invitation rounds."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.scoping import RegionScopedQuerySet
from employers.models import ContactPerson, Language
from outreach.models.events import Event, new_token
from outreach.models.outbox import OutboundEmailQuerySet


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
    # Post-event conversion: the one-click wishes in the thank-you mail, and when they were made.
    wish_contact_at = models.DateTimeField(_("asked to be contacted at"), null=True, blank=True)
    wish_candidate_at = models.DateTimeField(_("asked about a candidate at"), null=True, blank=True)
    # Consent to "show our organisation as participant" on the public page, and when; None: not shown.
    show_organisation_at = models.DateTimeField(_("organisation shown as participant since"), null=True, blank=True)
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
