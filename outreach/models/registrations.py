"""Open registrations from the public session page: pending until confirmed from the mail."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from crm.scoping import NETWORK_WRITE, RegionScopedQuerySet
from employers.models import Language
from outreach.models.events import Event, new_token
from outreach.models.invitations import Invitation


class RegistrationQuerySet(RegionScopedQuerySet):
    """Seen by the advisers and coordinators of the session's region ("nieuwe aanmeldingen")."""

    region_path = "event__region"
    read_roles = NETWORK_WRITE
    write_roles = NETWORK_WRITE
    national_read_roles = frozenset()

    def confirmed(self) -> RegistrationQuerySet:
        return self.filter(confirmed_at__isnull=False)

    def to_review(self) -> RegistrationQuerySet:
        return self.confirmed().filter(reviewed_at__isnull=True)


class Registration(models.Model):
    """What a visitor filled in. It takes no seat and creates no employer until it is confirmed
    from the mail (double opt-in); confirming makes it an invitation answered yes."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("event"))
    # The secret behind the signed confirmation link.
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    name = models.CharField(_("name"), max_length=200)
    organisation = models.CharField(_("organisation"), max_length=200)
    email = models.EmailField(_("e-mail"))
    kvk_number = models.CharField(_("KvK number"), max_length=8, blank=True)
    postcode = models.CharField(_("postcode"), max_length=7, blank=True)
    people_count = models.PositiveSmallIntegerField(_("number of people"), default=1)
    access_needs = models.TextField(_("access needs"), blank=True)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices, default=Language.NL)
    # Consent: what was asked (the text as shown), the answer, and when.
    consent_mail = models.BooleanField(_("agreed to further mail about sessions"), default=False)
    consent_text = models.CharField(_("consent as asked"), max_length=300, blank=True)
    # "Show our organisation as participant" (off by default): when it was ticked; None: not.
    show_organisation_at = models.DateTimeField(_("agreed to be shown as participant at"), null=True, blank=True)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    invitation = models.OneToOneField(
        Invitation, on_delete=models.SET_NULL, null=True, blank=True, related_name="registration"
    )
    employer_created = models.BooleanField(_("new employer"), default=False)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.CheckConstraint(condition=Q(people_count__gte=1), name="registration_people_at_least_one"),
        ]
        indexes = [models.Index(fields=["event", "confirmed_at"], name="registration_event_confirmed")]

    def __str__(self) -> str:
        return f"{self.event_id} · {self.organisation}"
