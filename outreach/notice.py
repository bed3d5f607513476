"""The privacy notice of the public pages (the register and the data-subject rights are
``outreach.privacy``'s): who the controller is (the region's WSP, from the
``PRIVACY_CONTROLLERS`` setting), and the one retention rule this app enforces itself, for
registrations that were never confirmed.

``PRIVACY_CONTROLLERS`` holds one entry per region, ``CODE=Name|address``, e.g.
``AM18=WSP Groot Amsterdam|privacy@wspgrootamsterdam.nl``; a region without one shows
"WSP <region name>" without an address.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.models import AuditEntry, Region
from outreach.models import Registration

# An unconfirmed registration (the mail's link is valid 7 days) is deleted after this long.
UNCONFIRMED_KEPT = timedelta(days=30)


@dataclass(frozen=True)
class Controller:
    name: str
    email: str


def controllers() -> dict[str, Controller]:
    found = {}
    for entry in settings.PRIVACY_CONTROLLERS:
        code, _sep, rest = entry.partition("=")
        name, _bar, email = rest.partition("|")
        if code.strip() and name.strip():
            found[code.strip().upper()] = Controller(name.strip(), email.strip())
    return found


def controller_of(region: Region) -> Controller:
    return controllers().get(region.code) or Controller(_("WSP %(region)s") % {"region": region.name}, "")


def purge_unconfirmed(now: datetime | None = None) -> int:
    """Delete registrations never confirmed within ``UNCONFIRMED_KEPT`` (idempotent)."""
    cutoff = (now or timezone.now()) - UNCONFIRMED_KEPT
    deleted, _rows = Registration.objects.filter(confirmed_at__isnull=True, created_at__lt=cutoff).delete()
    if deleted:
        AuditEntry.record("outreach.registration.purged", data={"deleted": deleted, "before": cutoff.isoformat()})
    return deleted
