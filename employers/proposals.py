"""Guides add to the network: an IPS trajectory guide's own employer contacts, and their review.

A guide reads the network of their region but does not change it. What they may do is propose:
``employer_propose`` creates an employer in one of the guide's own regions, as a ``prospect`` or
``interested``, with source "contact of a trajectory guide", an owner chosen from the region's
advisers and coordinators or none (for the coordinator to assign), and optionally its first
contact person. It then waits in "new in the network" (``review_requested_at``) until an adviser
or coordinator of the region decides (``employer_review``): accept (optionally naming the
owner), merge into an employer the region already had, or reject (archived, so restorable).

Before anything is created the proposal is checked against the employers that exist: the KvK
number (unique nationally), legal name + postcode (``employers.services``), then within the
region the matching of ``employers.sign_up`` (KvK, name + postcode, the contact's e-mail address
or mail domain) and name + place. A duplicate in the region points to it (the guide can open
it); one in another region says only where it is and who owns it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.models import AuditEntry
from crm.scoping import NETWORK_READ, may_write_region, region_codes
from employers import archive, services, services_parts
from employers.models import Employer, Network, Source, Stage, StageChange
from employers.services_networks import check_networks, normalise_tags
from employers.sign_up import match_employer

if TYPE_CHECKING:
    from crm.types import AuthUser

GUIDE_STAGES = (Stage.PROSPECT, Stage.INTERESTED)
# What a guide fills in; the stage is one of GUIDE_STAGES, the source is always "guide".
PROPOSE_FIELDS = (
    "trade_name", "kvk_number", "sbi_section", "sbi_code", "size_class", "website", "address", "postcode",
    "place", "region", "owner", "notes", "tags", "referred_by", "referred_by_person",
)  # fmt: skip
PERSON_FIELDS = ("name", "function", "email", "phone", "language")


class Decision:
    ACCEPT = "accept"
    MERGE = "merge"
    REJECT = "reject"
    ALL = (ACCEPT, MERGE, REJECT)


def may_propose_in(user: AuthUser, code: str | None) -> bool:
    """Whether ``user`` reads the network of region ``code`` (and so may propose employers there)."""
    return code is not None and code in region_codes(user, NETWORK_READ)


def _place_region(employer: Employer, by: AuthUser) -> None:
    mine = region_codes(by, NETWORK_READ)
    if employer.region_id is None:
        suggested = services.suggest_region(employer.postcode)
        if suggested is not None and suggested.code in mine:
            employer.region = suggested
        elif len(mine) == 1:
            employer.region_id = next(iter(mine))
    if employer.region_id is None:
        raise ValidationError({"region": _("Choose a region: the postcode does not suggest one.")})
    if employer.region_id not in mine:
        raise ValidationError({"region": _("You can only add employers to your own regions.")})


def _same_region_duplicate(employer: Employer, email: str) -> Employer | None:
    """The region's employer this proposal already is (sign-up matching, then name + place)."""
    found = match_employer(
        region_id=employer.region_id,
        organisation=employer.legal_name,
        kvk_number=employer.kvk_number,
        postcode=employer.postcode,
        email=email,
    )
    if found is None and employer.trade_name:
        found = match_employer(
            region_id=employer.region_id, organisation=employer.trade_name, postcode=employer.postcode
        )
    if found is None and employer.place:
        names = {employer.legal_name.strip(), employer.trade_name.strip()} - {""}
        same_name = Q()
        for name in names:
            same_name |= Q(legal_name__iexact=name) | Q(trade_name__iexact=name)
        found = (
            Employer.objects.filter(region_id=employer.region_id, place__iexact=employer.place.strip())
            .filter(same_name)
            .order_by("archived_at", "pk")
            .first()
        )
    return found


def _refuse_duplicate(existing: Employer) -> None:
    url = reverse("employers:detail", args=[existing.pk])
    message = _("This employer already exists in this region: %(name)s, see %(url)s") % {
        "name": existing.display_name,
        "url": url,
    }
    error = ValidationError({"legal_name": message})
    error.existing = existing  # type: ignore[attr-defined]
    raise error


@transaction.atomic
def employer_propose(
    *,
    by: AuthUser,
    legal_name: str,
    stage: str = Stage.PROSPECT,
    contact_person: dict[str, Any] | None = None,
    networks: Iterable[Network] = (),
    **fields: Any,
) -> Employer:
    """A guide's employer contact, added to their region's network for review (see the module);
    with the networks of its region it belongs to, free tags and who referred it, as an adviser
    would record them."""
    unknown = set(fields) - set(PROPOSE_FIELDS)
    if unknown:
        raise ValidationError({name: _("A trajectory guide cannot set this field.") for name in sorted(unknown)})
    if stage not in GUIDE_STAGES:
        raise ValidationError({"stage": _("A trajectory guide adds an employer as a prospect or as interested.")})
    employer = Employer(legal_name=(legal_name or "").strip(), stage=stage, source=Source.GUIDE, **fields)
    if not employer.legal_name:
        raise ValidationError({"legal_name": _("Give the legal name.")})
    employer.kvk_number = services.normalise_kvk(employer.kvk_number)
    employer.postcode = services.normalise_postcode(employer.postcode)
    employer.tags = normalise_tags(employer.tags)
    _place_region(employer, by)
    services._check_owner(employer)
    services._check_referral(employer)  # the source stays "guide"
    chosen = check_networks(employer, networks)
    person = {k: v for k, v in (contact_person or {}).items() if k in PERSON_FIELDS and v}
    if person and not (person.get("name") or "").strip():
        raise ValidationError({"contact_name": _("Give the contact person's name.")})
    employer.full_clean(exclude=["accommodations"], validate_constraints=False)
    services._check_duplicates(employer)  # the KvK number nationally, legal name + postcode
    existing = _same_region_duplicate(employer, person.get("email", ""))
    if existing is not None:
        _refuse_duplicate(existing)
    employer.added_by, employer.review_requested_at = by, timezone.now()
    employer.save()
    employer.networks.set(chosen)
    StageChange.objects.create(employer=employer, from_stage="", to_stage=employer.stage, by=by)
    AuditEntry.record(
        "employers.employer.proposed",
        target=employer,
        actor=by,
        data={"region": employer.region_id, "kvk": employer.kvk_number, "owner": employer.owner_id},
    )
    if person:
        try:
            services_parts.contact_person_create(employer=employer, by=by, **person)
        except ValidationError as error:  # the form's field names for the person
            raise ValidationError({f"contact_{k}": v for k, v in error.message_dict.items()}) from error
    return employer


def awaiting_review(user: AuthUser) -> Any:
    """The employers waiting in "new in the network" in the regions ``user`` writes, oldest first."""
    return (
        Employer.objects.editable_by(user)
        .filter(review_requested_at__isnull=False)
        .select_related("region", "owner", "added_by", "referred_by")
        .order_by("review_requested_at", "pk")
    )


@transaction.atomic
def employer_review(
    *, employer: Employer, by: AuthUser, decision: str, owner: Any = None, other: Employer | None = None
) -> Employer:
    """Decide on an employer in "new in the network": accept (with ``owner``, if given), merge
    into ``other`` (same region; the employer that stays is ``other``) or reject (archived).
    Returns the employer that remains."""
    employer = Employer.objects.select_for_update().get(pk=employer.pk)
    if not may_write_region(by, employer.region_id):
        raise PermissionDenied(_("Only advisers and coordinators of the employer's region review it."))
    if employer.review_requested_at is None:
        raise ValidationError(_("This employer has been reviewed already."))
    if decision not in Decision.ALL:
        raise ValidationError({"decision": _("Choose accept, merge or reject.")})
    data: dict[str, Any] = {"decision": decision, "added_by": employer.added_by_id}
    if decision == Decision.MERGE:
        if other is None:
            raise ValidationError({"other": _("Choose the employer to merge with.")})
        AuditEntry.record("employers.employer.reviewed", target=employer, actor=by, data={**data, "into": other.pk})
        return archive.employer_merge(survivor=other, merged=employer, by=by)
    employer.review_requested_at = None
    fields = ["review_requested_at", "updated_at"]
    if decision == Decision.ACCEPT and owner is not None:
        employer.owner = owner
        services._check_owner(employer)
        fields.append("owner")
        data["owner"] = employer.owner_id
    employer.save(update_fields=fields)
    AuditEntry.record("employers.employer.reviewed", target=employer, actor=by, data=data)
    if decision == Decision.REJECT:
        employer = archive.employer_archive(employer=employer, by=by)
    return employer
