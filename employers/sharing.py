"""What a shared (national) employer means for a write, asked by the services of contact persons,
contacts and openings (``employers.services_parts``, ``employers.contacts.services``) and by the
duplicate check: which regions share it, and which region a write is for. A leaf: the request
and decision services (``employers.shares``) build on it, and on the contact services.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from crm.roles import Role, region_codes
from crm.scoping import NETWORK_READ
from employers.models import Employer, EmployerShare

if TYPE_CHECKING:
    from collections.abc import Iterable

    from crm.types import AuthUser


def employer_regions(employer: Employer) -> set[str]:
    """The lead region and the regions the employer is shared with (accepted)."""
    shared = EmployerShare.objects.accepted().filter(employer=employer).values_list("region_id", flat=True)
    return {employer.region_id, *shared}


def acting_region(
    employer: Employer, by: AuthUser | None, roles: Iterable[str] = NETWORK_READ, *, strict: bool = True
) -> str | None:
    """The region ``by`` writes a contact person, contact or opening of ``employer`` for: None
    for the lead region (whose rows carry no region of their own), else the first participating
    region where ``by`` holds one of ``roles``. Someone of neither may not write it (``strict``;
    otherwise the row is the lead's, as for what another app logs in the lead's name)."""
    if by is None:
        return None
    mine = region_codes(by, roles)
    if employer.region_id in mine:
        return None
    shared = EmployerShare.objects.accepted().filter(employer=employer, region_id__in=sorted(mine))
    code = shared.order_by("region_id").values_list("region_id", flat=True).first()
    if code is None and strict:
        raise PermissionDenied(_("This employer is outside your regions."))
    return code


def join_url(kvk_number: str, region_id: str | None = None) -> str:
    """The "request to join" page for the employer with this KvK number (what the duplicate
    message of the form, the API and the import links to)."""
    query = {"kvk": kvk_number, **({"region": region_id} if region_id else {})}
    return f"{reverse('employers:share-request')}?{urlencode(query)}"


def may_decide(user: AuthUser, employer: Employer) -> bool:
    """The lead owner, or a coordinator of the lead region, accepts or declines."""
    return employer.owner_id == user.pk or employer.region_id in region_codes(user, {Role.COORDINATOR})
