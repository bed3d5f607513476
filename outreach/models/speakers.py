"""The speaker pool across regions: people who tell their story at knowledge sessions.

A pool speaker is a contact person of an employer (an employer with a practice story) or a
person record of its own (an experience expert, a researcher), with topics, the kind of story,
the regions where they are willing to speak, and the sessions where they spoke (``Speaker``
rows that point here). Its home region's network sees it; every other region's staff and the
AWVN adviser (the national pool) see it only once the speaker agreed to be listed
(``listed_consent_at``, with how it was recorded).
"""

from __future__ import annotations

from typing import Self

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from crm.fields import CleanCharField
from crm.models import Region, Role
from crm.roles import NETWORK_READ, has_role, region_codes
from crm.scoping import RegionScopedQuerySet
from crm.types import AuthUser
from employers.models import ContactPerson
from outreach.models.events import SpeakerKind

# Who may look into the pool at all: the network roles of a region, and the AWVN adviser.
POOL_READERS = NETWORK_READ | {Role.AWVN}


class PoolSpeakerQuerySet(RegionScopedQuerySet):
    region_path = "region"

    def visible_to(self, user: AuthUser) -> Self:
        """The home regions' own speakers, and every region's listed (consenting) ones."""
        if not getattr(user, "is_authenticated", False) or not has_role(user, POOL_READERS):
            return self.none()
        own = sorted(region_codes(user, NETWORK_READ))
        return self.filter(Q(region_id__in=own) | Q(listed_consent_at__isnull=False))


class PoolSpeaker(models.Model):
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("home region"))
    kind = models.CharField(_("kind of story"), max_length=20, choices=SpeakerKind.choices)
    contact_person = models.OneToOneField(
        ContactPerson,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="pool_speaker",
        verbose_name=_("contact person"),
    )
    name = CleanCharField(_("name"), max_length=200, blank=True)
    organisation = CleanCharField(
        _("organisation"), max_length=200, blank=True, help_text=_("For a researcher or experience expert.")
    )
    topics = ArrayField(models.CharField(max_length=60), default=list, blank=True, verbose_name=_("topics"))
    story = models.TextField(_("their story"), blank=True)
    willing_regions = models.ManyToManyField(
        Region, blank=True, related_name="+", verbose_name=_("regions where willing to speak")
    )
    listed_consent_at = models.DateTimeField(_("agreed to be listed at"), null=True, blank=True)
    listed_consent_note = models.CharField(_("how the consent was given"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PoolSpeakerQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("pool speaker")
        verbose_name_plural = _("speaker pool")
        constraints = [
            models.CheckConstraint(
                condition=Q(contact_person__isnull=False) | ~Q(name=""), name="pool_speaker_has_a_name"
            ),
        ]
        indexes = [models.Index(fields=["kind", "region"], name="pool_speaker_kind_region")]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        person = self.contact_person
        return person.name if person is not None and not person.is_erased else self.name

    @property
    def employer(self) -> object | None:
        return self.contact_person.employer if self.contact_person is not None else None

    @property
    def listed(self) -> bool:
        return self.listed_consent_at is not None
