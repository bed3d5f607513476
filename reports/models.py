"""The tables reports owns: a region's yearly target of durable placements, and the rollups of
the contacts that the dashboards read (``reports.rollups``)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from crm.models import Region, Role
from crm.scoping import RegionScopedQuerySet


class RegionTargetQuerySet(RegionScopedQuerySet):
    region_path = "region"
    write_roles = frozenset({Role.COORDINATOR})


class RegionTarget(models.Model):
    """Durable placements a region aims for in one year; without a row, the programme's
    default (``PLACEMENTS_YEARLY_TARGET``, 100). Set by the region's coordinator."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+", verbose_name=_("region"))
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2020), MaxValueValidator(2100)])
    durable_placements = models.PositiveIntegerField(
        _("durable placements"), validators=[MinValueValidator(1), MaxValueValidator(10000)]
    )
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = RegionTargetQuerySet.as_manager()

    class Meta:
        verbose_name = _("region target")
        verbose_name_plural = _("region targets")
        constraints = [models.UniqueConstraint(fields=["region", "year"], name="region_target_once_a_year")]

    def __str__(self) -> str:
        return f"{self.region_id} {self.year}: {self.durable_placements}"


def target_for(region_codes: list[str], year: int) -> dict[str, int]:
    """Each region's target for ``year``: its row, else the default. One query."""
    rows = dict(
        RegionTarget.objects.filter(region_id__in=region_codes, year=year).values_list(
            "region_id", "durable_placements"
        )
    )
    return {code: rows.get(code, settings.PLACEMENTS_YEARLY_TARGET) for code in region_codes}


class ContactDay(models.Model):
    """Rollup: the contacts with one region's employers on one day (Amsterdam time), per channel
    and purpose. Written only by ``reports.rollups.refresh_rollups``, which recomputes whole days
    that a write marked in ``DirtyDay``; read by ``reports.rollups.contact_month_counts``."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+", db_index=False)
    day = models.DateField()
    channel = models.CharField(max_length=10)
    purpose = models.CharField(max_length=20)
    contacts = models.PositiveIntegerField()
    in_person = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["region", "day", "channel", "purpose"], name="contact_day_once"),
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.day} {self.channel}/{self.purpose}: {self.contacts}"


class DirtyDay(models.Model):
    """A region's day whose contacts changed since ``ContactDay`` was last computed for it.
    Marked by a database trigger on ``employers_contact`` in the writing transaction (every path:
    services, bulk SQL, cascades), so a committed contact is either in the rollup or its day is
    here; ``version`` changes on every mark, so a refresh removes only the marks it has seen."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+", db_index=False)
    day = models.DateField()
    version = models.BigIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["region", "day"], name="dirty_day_once")]

    def __str__(self) -> str:
        return f"{self.region_id} {self.day} (v{self.version})"
