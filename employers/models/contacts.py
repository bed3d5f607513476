"""Contacts with employers (contactmomenten), the follow-ups they create, and the digest mail."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.fields import CONTACT_DATES, FOLLOW_UP_DATES, date_range
from crm.models import Membership, Region
from crm.scoping import NETWORK_READ, RegionScopedQuerySet
from employers.models.network import ContactPerson, Employer, Language
from employers.models.shares import EmployerPartQuerySet, shared_with

if TYPE_CHECKING:
    from crm.types import AuthUser


class Channel(models.TextChoices):
    VISIT = "visit", _("Visit")
    PHONE = "phone", _("Phone")
    VIDEO = "video", _("Video call")
    EMAIL = "email", _("E-mail")
    EVENT = "event", _("Event")
    OTHER = "other", _("Other")


class Purpose(models.TextChoices):
    ACQUISITION = "acquisition", _("Acquisition")
    RELATIONSHIP = "relationship", _("Relationship")
    JOB_DEVELOPMENT = "job_development", _("Job development for a candidate")
    PLACEMENT_SUPPORT = "placement_support", _("Placement support")
    EVENT = "event", _("Event")


class ContactQuerySet(EmployerPartQuerySet):
    # Guides log their own job-development contacts, so every network role may write.
    write_roles = NETWORK_READ

    def face_to_face(self) -> ContactQuerySet:
        return self.filter(in_person=True)


class Contact(models.Model):
    employer = models.ForeignKey(
        Employer, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("employer")
    )
    contact_person = models.ForeignKey(
        ContactPerson,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contacts",
        verbose_name=_("contact person"),
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="employer_contacts", verbose_name=_("by")
    )
    # The region the contact belongs to, always set: the employer's (lead) region, or on a
    # shared national employer the participating region that logged it (EmployerPartQuerySet:
    # it writes only its own rows). contact_log sets it, employer_update moves the lead's rows
    # with the employer. A region's figures read only that region's contacts: the reports'
    # rollups are kept per region and day from this column (reports.rollups).
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", db_index=False, verbose_name=_("region")
    )
    when = models.DateTimeField(_("when"), validators=[date_range(CONTACT_DATES)])
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.VISIT)
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    # Derived by contact_log: a visit, or an event attended in person. Stored so the IPS
    # figure is one indexed count.
    in_person = models.BooleanField(_("face to face"), default=False)
    summary = models.TextField(_("summary"))
    outcome = models.TextField(_("outcome"), blank=True)
    created_at = models.DateTimeField(_("logged at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ContactQuerySet.as_manager()

    class Meta:
        ordering = ["-when", "-id"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        indexes = [
            models.Index(fields=["employer", "-when"], name="contact_employer_when"),
            models.Index(fields=["by", "when"], name="contact_by_when"),
            models.Index(fields=["region", "when"], name="contact_region_when"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(in_person=False) | Q(channel__in=["visit", "event"]), name="contact_in_person_channel"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} · {self.employer_id} · {self.when:%Y-%m-%d}"

    @staticmethod
    def derive_in_person(channel: str, event_in_person: bool = False) -> bool:
        return channel == Channel.VISIT or (channel == Channel.EVENT and event_in_person)

    def editable_until(self) -> Any:
        return self.created_at + timedelta(hours=settings.CONTACT_EDIT_WINDOW_HOURS)

    @property
    def editable_now(self) -> bool:
        return timezone.now() < self.editable_until()

    def can_be_changed_by(self, user: AuthUser, *, now: Any = None) -> bool:
        """Only the author, and only within the edit window."""
        return self.by_id == getattr(user, "pk", None) and (now or timezone.now()) < self.editable_until()


class FollowUpState(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")


class FollowUpQuerySet(RegionScopedQuerySet):
    """Read like the employer (its lead and the regions it is shared with); written in the lead
    region, or by the regions it is shared with for the follow-ups of their own people."""

    region_path = "employer__region"

    def _in_regions(self, codes: set[str]) -> FollowUpQuerySet:
        mine = sorted(codes)
        theirs = Membership.objects.filter(region_id__in=mine).values("user_id")
        shared = Q(employer_id__in_array=shared_with(codes), owner_id__in_array=theirs)
        return self.filter(Q(employer__region_id__in=mine) | shared)

    def _seen_in(self, codes: set[str]) -> FollowUpQuerySet:
        return self.filter(Q(employer__region_id__in=sorted(codes)) | Q(employer_id__in_array=shared_with(codes)))

    write_roles = NETWORK_READ

    def open(self) -> FollowUpQuerySet:
        return self.filter(state=FollowUpState.OPEN)


class FollowUp(models.Model):
    employer = models.ForeignKey(
        Employer, on_delete=models.CASCADE, related_name="follow_ups", verbose_name=_("employer")
    )
    contact = models.ForeignKey(
        Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="follow_ups", verbose_name=_("contact")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follow_ups", verbose_name=_("owner")
    )
    due_date = models.DateField(_("due date"), validators=[date_range(FOLLOW_UP_DATES)])
    note = models.CharField(_("what to do"), max_length=300, blank=True)
    state = models.CharField(_("state"), max_length=4, choices=FollowUpState.choices, default=FollowUpState.OPEN)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("done by"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FollowUpQuerySet.as_manager()

    # Not a column: the follow-up list sets it on each row it shows, whom the row may be handed
    # to (its reassign menu, templates/employers/contacts/_followup_actions.html).
    reassign_to: list[AuthUser]

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        indexes = [models.Index(fields=["owner", "state", "due_date"], name="followup_owner_state_due")]
        constraints = [
            models.CheckConstraint(
                condition=Q(state="open", done_at__isnull=True) | Q(state="done", done_at__isnull=False),
                name="followup_done_at_matches_state",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.due_date:%Y-%m-%d} · {self.note or self.employer_id}"


def new_feed_token() -> str:
    """An unguessable URL token (256 bits), as the session feeds' (outreach.models.new_token)."""
    return secrets.token_urlsafe(32)


class FollowUpFeedQuerySet(models.QuerySet):
    def active(self) -> FollowUpFeedQuerySet:
        return self.filter(revoked_at__isnull=True)


class FollowUpFeed(models.Model):
    """A secret .ics address of one person's own open follow-ups. Not region data: it belongs to
    its user, and the feed shows what ``FollowUp.objects.visible_to(user)`` shows them, read
    when the calendar asks. A new link revokes the old one (``followup_feed_renew``)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=64, unique=True, default=new_feed_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = FollowUpFeedQuerySet.as_manager()

    class Meta:
        verbose_name = _("follow-up calendar feed")
        verbose_name_plural = _("follow-up calendar feeds")
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(revoked_at__isnull=True), name="one_active_followup_feed_per_user"
            ),
        ]

    def __str__(self) -> str:
        return f"follow-up feed {self.user_id}"


class UserPreference(models.Model):
    """What the app remembers about a user across sessions: the language of their mail."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="preference")
    language = models.CharField(_("language"), max_length=2, choices=Language.choices, default=Language.NL)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("user preference")
        verbose_name_plural = _("user preferences")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.language}"


class DigestState(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    SKIPPED = "skipped", _("Nothing to send")


class DigestRun(models.Model):
    """One row per person per day: the claim that makes the daily digest go out at most once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("day"))
    state = models.CharField(_("state"), max_length=8, choices=DigestState.choices, default=DigestState.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-day", "user_id"]
        verbose_name = _("digest run")
        verbose_name_plural = _("digest runs")
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="one_digest_per_user_per_day")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.day} {self.state}"
