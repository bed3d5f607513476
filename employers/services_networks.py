"""Writes for a region's named networks, an employer's membership of them, and its free tags.

Like ``employers.services``: each service validates, saves in one transaction and writes its
audit entry, with field-keyed ``ValidationError``s. A network belongs to one region; an employer
joins only networks of its own region (another region's is refused, also for a user who writes
both regions), so a network never carries an employer across the scoping line.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from crm.models import AuditEntry, Region
from crm.scoping import may_write_region
from employers.models import Employer, Network

if TYPE_CHECKING:
    from crm.types import AuthUser

MAX_TAGS = 20
MAX_TAG_LENGTH = 40


def normalise_tags(value: str | Iterable[str] | None) -> list[str]:
    """``"Horeca, techniek ,horeca"`` or a list → ``["horeca", "techniek"]`` (lower case, sorted,
    no blanks, no repeats); too many or too long is refused."""
    if value is None:
        return []
    items = value.split(",") if isinstance(value, str) else list(value)
    tags = sorted({" ".join(str(item).split()).lower() for item in items} - {""})
    if len(tags) > MAX_TAGS:
        raise ValidationError({"tags": _("Give at most %(n)s tags.") % {"n": MAX_TAGS}})
    long = [tag for tag in tags if len(tag) > MAX_TAG_LENGTH]
    if long:
        raise ValidationError(
            {"tags": _("A tag has at most %(n)s characters: %(tag)s") % {"n": MAX_TAG_LENGTH, "tag": long[0]}}
        )
    return tags


def check_networks(employer: Employer, networks: Iterable[Network]) -> list[Network]:
    """The networks, all of the employer's own region; another region's is refused."""
    chosen = list(networks)
    if any(network.region_id != employer.region_id for network in chosen):
        raise ValidationError({"networks": _("An employer joins only networks of its own region.")})
    return chosen


def set_networks(employer: Employer, networks: Iterable[Network]) -> tuple[list[int], list[int]]:
    """Make ``networks`` the employer's (checked); the network ids before and after."""
    chosen = check_networks(employer, networks)
    before = sorted(employer.networks.values_list("pk", flat=True))
    employer.networks.set(chosen)
    return before, sorted(n.pk for n in chosen)


def drop_foreign_networks(employer: Employer) -> None:
    """After a region change: leave the networks of the old region."""
    employer.networks.remove(*employer.networks.exclude(region_id=employer.region_id))


def _clean_network(network: Network, by: AuthUser) -> None:
    network.name = " ".join((network.name or "").split())
    network.description = (network.description or "").strip()
    if not network.name:
        raise ValidationError({"name": _("Give the network a name.")})
    if not may_write_region(by, network.region_id):
        raise ValidationError({"region": _("You can only add networks to your own regions.")})
    network.full_clean(validate_constraints=False)
    same = Network.objects.filter(region_id=network.region_id, name__iexact=network.name).exclude(pk=network.pk)
    if same.exists():
        raise ValidationError({"name": _("This region already has a network with this name.")})


@transaction.atomic
def network_create(*, by: AuthUser, region: Region | None, name: str, description: str = "") -> Network:
    if region is None:
        raise ValidationError({"region": _("Choose a region.")})
    network = Network(region=region, name=name, description=description)
    _clean_network(network, by)
    network.save()
    AuditEntry.record("employers.network.created", target=network, actor=by, data={"region": network.region_id})
    return network


@transaction.atomic
def network_update(*, network: Network, by: AuthUser, **changes: Any) -> Network:
    """Rename or describe a network; its region stays."""
    unknown = set(changes) - {"name", "description"}
    if unknown:
        raise TypeError(f"network_update does not change {sorted(unknown)}")
    network = Network.objects.select_for_update().get(pk=network.pk)
    before = {"name": network.name, "description": network.description}
    for name, value in changes.items():
        setattr(network, name, value)
    _clean_network(network, by)
    network.save()
    changed = {k: [v, getattr(network, k)] for k, v in before.items() if v != getattr(network, k)}
    if changed:
        AuditEntry.record("employers.network.updated", target=network, actor=by, data={"changed": changed})
    return network
