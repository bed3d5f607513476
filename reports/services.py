"""Writes of the reports app: the coordinator sets a region's yearly target."""

from __future__ import annotations

from django.db import transaction
from django.http import Http404

from crm.models import AuditEntry, Role
from crm.scoping import region_codes
from crm.types import AuthUser
from reports.models import RegionTarget


@transaction.atomic
def region_target_set(*, region_code: str, year: int, durable_placements: int, by: AuthUser) -> RegionTarget:
    """Only a coordinator of the region; anyone else gets 404, as if the region were not there."""
    if region_code not in _coordinated(by):
        raise Http404
    target = RegionTarget.objects.filter(region_id=region_code, year=year).first() or RegionTarget(
        region_id=region_code, year=year
    )
    target.durable_placements, target.set_by = durable_placements, by
    target.full_clean(validate_unique=False)
    target.save()
    AuditEntry.record(
        "reports.region_target.set", target=target, actor=by, data={"year": year, "value": durable_placements}
    )
    return target


def _coordinated(user: AuthUser) -> set[str]:
    return set(region_codes(user, {Role.COORDINATOR}))
