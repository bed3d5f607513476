"""Named networks of a region (a local entrepreneurs' club, "Inclusief Ondernemen Amsterdam", a
sector platform): an employer belongs to zero or more of its own region's (``Employer.networks``).
Free tags are a column on the employer itself (``Employer.tags``)."""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from crm.fields import CleanCharField
from crm.models import Region
from crm.scoping import RegionScopedQuerySet


class NetworkQuerySet(RegionScopedQuerySet):
    region_path = "region"


class Network(models.Model):
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="employer_networks", verbose_name=_("region")
    )
    name = CleanCharField(_("name"), max_length=120)
    description = CleanCharField(_("description"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = NetworkQuerySet.as_manager()

    class Meta:
        ordering = ["region", "name", "id"]
        verbose_name = _("network")
        verbose_name_plural = _("networks")
        constraints = [
            models.UniqueConstraint("region", Lower("name"), name="network_name_unique_per_region"),
        ]

    def __str__(self) -> str:
        return self.name
