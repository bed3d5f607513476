"""The one table reports owns: a region's yearly target of durable placements."""

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
