"""Who a region's mail comes from (issue 17: mail from a person, not "WSP CRM <noreply@...>").

Each region has a sender name, address and signature (phone, address), set by its coordinator
through ``region_set_sender``; empty fields fall back to "WSP <region name>" and the address of
``DEFAULT_FROM_EMAIL`` (the one the mail domain's SPF/DKIM covers). crm owns the Region table,
so this is the one place that writes those fields."""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.utils import parseaddr, quote
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from crm.emails import header_safe
from crm.models import AuditEntry, Region, RegionQuerySet
from crm.roles import Role, region_codes

if TYPE_CHECKING:
    from crm.types import AuthUser

# RFC 5322 "specials": a display name with one of them must be a quoted string.
SPECIALS = re.compile(r'[][\\()<>@,:;".]')
SIGNATURE_MAX_LINES = 6


def mailbox(name: str, address: str) -> str:
    """``Name <address>``, the name quoted when it holds a special: "Vries, de" is one person,
    not two addresses. (Not ``email.utils.formataddr``: Django encodes non-ASCII names itself.)"""
    if not name:
        return address
    return f'"{quote(name)}" <{address}>' if SPECIALS.search(name) else f"{name} <{address}>"


def default_address() -> str:
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or "noreply@localhost"


@dataclass(frozen=True)
class Sender:
    name: str
    address: str
    signature: tuple[str, ...] = ()

    @property
    def from_header(self) -> str:
        return mailbox(self.name, self.address)


def region_sender(region: Region | None) -> Sender:
    """The sender of ``region``'s mail; no region (a national mail): DEFAULT_FROM_EMAIL as it is."""
    if region is None:
        name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
        return Sender(name=name, address=address or default_address())
    lines = tuple(line.strip() for line in region.signature.splitlines() if line.strip())
    return Sender(
        name=region.sender_name or f"WSP {region.name}",
        address=region.sender_email or default_address(),
        signature=lines,
    )


def regions_for_sender(user: AuthUser) -> RegionQuerySet:
    """The regions whose sender ``user`` may set: where they are coordinator."""
    return Region.objects.filter(code__in=sorted(region_codes(user, {Role.COORDINATOR})))


def region_set_sender(*, region: Region, by: AuthUser, name: str, email: str, signature: str) -> Region:
    """Set ``region``'s sender (audited). Only a coordinator of the region; a name on one line,
    a valid address, at most six signature lines."""
    if region.code not in region_codes(by, {Role.COORDINATOR}):
        raise PermissionDenied(_("Only a coordinator of this region can set its sender."))
    errors: dict[str, str] = {}
    name = header_safe(name)[:100]
    email = (email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["sender_email"] = _("Enter a valid e-mail address.")
    lines = [line.rstrip() for line in (signature or "").replace("\r\n", "\n").split("\n")]
    if len([line for line in lines if line.strip()]) > SIGNATURE_MAX_LINES:
        errors["signature"] = _("At most %(n)d lines.") % {"n": SIGNATURE_MAX_LINES}
    if errors:
        raise ValidationError(errors)
    before = {"sender_name": region.sender_name, "sender_email": region.sender_email, "signature": region.signature}
    region.sender_name, region.sender_email, region.signature = name, email, "\n".join(lines).strip()[:500]
    region.save(update_fields=["sender_name", "sender_email", "signature"])
    after = {"sender_name": region.sender_name, "sender_email": region.sender_email, "signature": region.signature}
    AuditEntry.record("crm.region.sender_changed", target=region, actor=by, data={"before": before, "after": after})
    return region
