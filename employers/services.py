"""Writes for the employer network: employers and their stage changes, and the field rules
(postcode, KvK number, hours) that the writes for an employer's parts share (contact persons and
openings: ``employers.services_parts``).

Each service validates, saves in one transaction and writes its audit entry. Validation errors
are field-keyed ``ValidationError``s, so forms and the API show them beside the right field.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from crm.models import AuditEntry, Membership, PostcodeArea, Region
from crm.scoping import NETWORK_WRITE, may_write_region, network_owners, region_codes
from employers.models import Accommodation, Contact, Employer, Network, Source, Stage, StageChange
from employers.services_networks import check_networks, drop_foreign_networks, normalise_tags, set_networks
from employers.sharing import employer_regions, join_url

if TYPE_CHECKING:
    from crm.types import AuthUser

EMPLOYER_FIELDS = (
    "legal_name", "trade_name", "kvk_number", "sbi_section", "sbi_code", "size_class", "website", "address",
    "postcode", "place", "region", "stage", "source", "owner", "do_not_contact", "do_not_contact_reason", "notes",
    "tags", "referred_by", "referred_by_person",
)  # fmt: skip
# Foreign keys: the audit entries and the snapshot keep their ids.
_KEYS = ("region", "owner", "referred_by", "referred_by_person")

_POSTCODE = re.compile(r"^\s*([1-9][0-9]{3})\s?([A-Za-z]{2})\s*$")
_KVK = re.compile(r"^[0-9]{8}$")
MAX_HOURS = 60


# --- Field rules -----------------------------------------------------------------------


def normalise_postcode(value: str, field: str = "postcode") -> str:
    """``1234ab`` → ``1234 AB``; blank stays blank; anything else is refused."""
    value = (value or "").strip()
    if not value:
        return ""
    match = _POSTCODE.match(value)
    if not match:
        raise ValidationError({field: _("Give a Dutch postcode as 1234 AB.")})
    return f"{match.group(1)} {match.group(2).upper()}"


def normalise_kvk(value: str) -> str:
    value = (value or "").strip()
    if value and not _KVK.match(value):
        raise ValidationError({"kvk_number": _("A KvK number has exactly 8 digits.")})
    return value


def suggest_region(postcode: str) -> Region | None:
    """The region a postcode's PC4 area most likely lies in (None when unknown)."""
    pc4 = (postcode or "").strip()[:4]
    if len(pc4) != 4 or not pc4.isdigit():
        return None
    area = PostcodeArea.objects.select_related("region").filter(pc4=pc4).first()
    return area.region if area else None


def _owner_name(employer: Employer) -> str:
    if employer.owner is None:
        return _("nobody yet")
    return employer.owner.get_full_name() or employer.owner.username


def _check_duplicates(employer: Employer) -> None:
    """KvK number, or legal name + postcode, must not exist yet.

    In another region the user learns only where it is and who owns it (not its data); in the
    same region the error points to the existing employer.
    """
    others = Employer.objects.exclude(pk=employer.pk).select_related("region", "owner")
    checks = []
    if employer.kvk_number:
        checks.append(("kvk_number", others.filter(kvk_number=employer.kvk_number).first()))
    if employer.postcode and employer.legal_name:
        same = others.filter(legal_name__iexact=employer.legal_name.strip(), postcode=employer.postcode).first()
        checks.append(("legal_name", same))
    for field, existing in checks:
        if existing is None:
            continue
        join = ""
        if existing.region_id != employer.region_id and employer.region_id in employer_regions(existing):
            message = _("This employer is already shared with this region: %(name)s, see %(url)s") % {
                "name": existing.display_name,
                "url": reverse("employers:detail", args=[existing.pk]),
            }
        elif existing.region_id != employer.region_id and existing.kvk_number:
            # A national employer: the region asks the lead to take part (employers.shares).
            join = join_url(existing.kvk_number, employer.region_id)
            message = _(
                "This employer already exists in region %(region)s, owned by %(owner)s. Request to join: %(url)s"
            ) % {
                "region": existing.region.name,
                "owner": _owner_name(existing),
                "url": join,
            }
        elif existing.region_id != employer.region_id:
            message = _(
                "This employer already exists in region %(region)s, owned by %(owner)s. Ask them to share it."
            ) % {"region": existing.region.name, "owner": _owner_name(existing)}
        else:
            url = reverse("employers:detail", args=[existing.pk])
            message = _("This employer already exists in this region: %(name)s, see %(url)s") % {
                "name": existing.display_name,
                "url": url,
            }
        error = ValidationError({field: message})
        error.existing = existing if existing.region_id == employer.region_id else None  # type: ignore[attr-defined]
        # The form shows "Request to join" as a button (templates/employers/employer_form.html).
        error.join_url = join  # type: ignore[attr-defined]
        # The same request for an API client: POST /api/v1/employer-shares/ (employers.api_employers).
        error.join = {"kvk": existing.kvk_number, "region": employer.region_id} if join else None  # type: ignore[attr-defined]
        raise error


def _check_region(employer: Employer, by: AuthUser) -> None:
    if employer.region_id is None:
        raise ValidationError({"region": _("Choose a region: the postcode does not suggest one.")})
    if not may_write_region(by, employer.region_id):
        raise ValidationError({"region": _("You can only add employers to your own regions.")})


def _check_owner(employer: Employer) -> None:
    if employer.owner_id is None:
        return
    in_region = Membership.objects.filter(
        user_id=employer.owner_id, region_id=employer.region_id, role__in=NETWORK_WRITE
    ).exists()
    if not in_region:
        raise ValidationError({"owner": _("Choose an adviser or coordinator of this employer's region.")})


def _check_referral(employer: Employer) -> None:
    """The referrer is another employer of the same region; its person is one of its people.
    A referred employer without a source gets "referral by an employer"."""
    if employer.referred_by_id is None:
        employer.referred_by_person = None
        return
    referrer = employer.referred_by
    if referrer is None or referrer.pk == employer.pk or referrer.region_id != employer.region_id:
        raise ValidationError({"referred_by": _("The referring employer must be another employer of this region.")})
    person = employer.referred_by_person
    if person is not None and person.employer_id != referrer.pk:
        raise ValidationError({"referred_by_person": _("Choose a contact person of the referring employer.")})
    if not employer.source:
        employer.source = Source.REFERRAL


def _clean_employer(employer: Employer, by: AuthUser) -> None:
    employer.legal_name = (employer.legal_name or "").strip()
    if not employer.legal_name:
        raise ValidationError({"legal_name": _("Give the legal name.")})
    employer.kvk_number = normalise_kvk(employer.kvk_number)
    employer.postcode = normalise_postcode(employer.postcode)
    employer.tags = normalise_tags(employer.tags)
    if employer.region_id is None:
        suggested = suggest_region(employer.postcode)
        mine = region_codes(by, NETWORK_WRITE)
        if suggested is not None and suggested.code in mine:
            employer.region = suggested
        elif len(mine) == 1:
            employer.region_id = next(iter(mine))
    _check_region(employer, by)
    _check_owner(employer)
    _check_referral(employer)
    if employer.do_not_contact and not employer.do_not_contact_reason.strip():
        raise ValidationError({"do_not_contact_reason": _("Say why this employer must not be contacted.")})
    if not employer.do_not_contact:
        employer.do_not_contact_reason = ""
    employer.full_clean(exclude=["accommodations"], validate_constraints=False)
    _check_duplicates(employer)


def _snapshot(employer: Employer) -> dict[str, Any]:
    data = {name: getattr(employer, name) for name in EMPLOYER_FIELDS if name not in _KEYS}
    data.update({name: getattr(employer, f"{name}_id") for name in _KEYS})
    return data


def accommodation_codes(accommodations: Iterable[Any]) -> list[str]:
    return sorted(a.code if isinstance(a, Accommodation) else str(a) for a in accommodations)


# --- Employers -------------------------------------------------------------------------


@transaction.atomic
def employer_create(
    *,
    by: AuthUser,
    legal_name: str,
    accommodations: Iterable[Any] = (),
    networks: Iterable[Network] = (),
    stage: str = Stage.PROSPECT,
    **fields: Any,
) -> Employer:
    """Create an employer; without a region, the postcode's PC4 suggests one. ``networks`` are of
    its own region (``employers.services_networks``)."""
    unknown = set(fields) - set(EMPLOYER_FIELDS)
    if unknown:
        raise TypeError(f"employer_create does not take {sorted(unknown)}")
    employer = Employer(legal_name=legal_name, stage=stage, **fields)
    _clean_employer(employer, by)
    networks = check_networks(employer, networks)
    employer.save()
    employer.set_accommodations(accommodation_codes(accommodations))
    employer.networks.set(networks)
    StageChange.objects.create(employer=employer, from_stage="", to_stage=employer.stage, by=by)
    AuditEntry.record(
        "employers.employer.created",
        target=employer,
        actor=by,
        data={"region": employer.region_id, "kvk": employer.kvk_number},
    )
    return employer


@transaction.atomic
def employer_update(
    *,
    employer: Employer,
    by: AuthUser,
    accommodations: Iterable[Any] | None = None,
    networks: Iterable[Network] | None = None,
    **changes: Any,
) -> Employer:
    """Change fields; a changed ``stage`` is recorded as a stage change, a region only to one's own."""
    unknown = set(changes) - set(EMPLOYER_FIELDS)
    if unknown:
        raise TypeError(f"employer_update does not change {sorted(unknown)}")
    employer = Employer.objects.select_for_update().get(pk=employer.pk)
    before = _snapshot(employer)
    before_acc = accommodation_codes(employer.accommodations.all())
    new_stage = changes.pop("stage", employer.stage)
    for name, value in changes.items():
        setattr(employer, name, value)
    if "region" in changes and changes["region"] is None:
        employer.region_id = None  # type: ignore[assignment]
    _clean_employer(employer, by)
    employer.save()
    changed = {k: [before[k], v] for k, v in _snapshot(employer).items() if before[k] != v}
    if accommodations is not None:
        codes = accommodation_codes(accommodations)
        employer.set_accommodations(codes)
        if codes != before_acc:
            changed["accommodations"] = [before_acc, codes]
    if networks is not None:
        before_networks, after_networks = set_networks(employer, networks)
        if before_networks != after_networks:
            changed["networks"] = [before_networks, after_networks]
    elif before["region"] != employer.region_id:
        drop_foreign_networks(employer)
    if before["region"] != employer.region_id:
        # The lead's contacts move with their employer (a region's figures count what its
        # employers had); a participating region's own contacts stay theirs.
        Contact.objects.filter(employer=employer, region_id=before["region"]).update(region_id=employer.region_id)
    if changed:
        AuditEntry.record("employers.employer.updated", target=employer, actor=by, data={"changed": changed})
    if new_stage != employer.stage:
        employer = employer_change_stage(employer=employer, by=by, stage=new_stage)
    return employer


@transaction.atomic
def employer_change_stage(*, employer: Employer, by: AuthUser, stage: str) -> Employer:
    """Move the employer to ``stage``, kept as history (who, when, from, to); same stage: nothing."""
    if stage not in Stage.values:
        raise ValidationError({"stage": _("Choose one of the network stages.")})
    employer = Employer.objects.select_for_update().get(pk=employer.pk)
    if employer.stage == stage:
        return employer
    before = employer.stage
    employer.stage = stage
    employer.save(update_fields=["stage", "updated_at"])
    StageChange.objects.create(employer=employer, from_stage=before, to_stage=stage, by=by)
    AuditEntry.record("employers.employer.stage_changed", target=employer, actor=by, data={"from": before, "to": stage})
    return employer


@transaction.atomic
def employer_delete(*, employer: Employer, by: AuthUser) -> None:
    """Deleting takes the employer's people, openings and contacts with it; the audit log keeps its fields."""
    data = _snapshot(employer)
    data["contact_persons"] = employer.contact_persons.count()
    data["openings"] = employer.openings.count()
    AuditEntry.record("employers.employer.deleted", target=employer, actor=by, data=data)
    employer.delete()


def owners_for(user: AuthUser) -> Any:
    """Who can own employers in ``user``'s regions: advisers and coordinators there."""
    return network_owners(user)
