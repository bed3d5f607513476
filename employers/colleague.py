""" "Kent u een collega-werkgever?": the signed link a warm employer passes on to a colleague
employer, and what the public interest form behind it creates.

The link names the referring employer (and the contact person it was sent to) and is signed
for this purpose alone, so it cannot be made to name another employer: an altered or forged
link is refused before the database is asked. It does not expire: it sits on the ambassador's
page and in thank-you mails that are forwarded weeks later; a referrer that is archived or gone
makes it void.

The form creates the colleague as a ``prospect`` of the referrer's region with source
"referral by an employer", ``referred_by`` (and ``referred_by_person``) set and no owner, waiting
in "new in the network" (``review_requested_at``) like a guide's proposal
(``employers.proposals``). An organisation the region already has is not created twice: the
person joins it (``employers.sign_up``'s matching) and the answer is the same, so the form does
not tell a visitor which employers are known.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from crm.models import AuditEntry
from employers.models import ContactPerson, Employer, Source, Stage, StageChange
from employers.services import normalise_kvk, normalise_postcode
from employers.sign_up import _lock_region, contact_person_from_sign_up, match_employer

SALT = "employers.colleague-referral"


@dataclass(frozen=True)
class Referrer:
    employer: Employer
    person: ContactPerson | None


def sign(employer_id: int, person_id: int | None = None) -> str:
    return signing.Signer(salt=SALT).sign(f"{employer_id}.{person_id or ''}")


def link_path(employer_id: int, person_id: int | None = None) -> str:
    """The public form's path for this referrer (the caller adds the site's address)."""
    return reverse("employers:colleague", args=[sign(employer_id, person_id)])


def referrer_of(value: str) -> Referrer | None:
    """The referrer a link names, or None when the signature does not hold or it is gone."""
    try:
        employer_part, _, person_part = signing.Signer(salt=SALT).unsign(value).partition(".")
        employer_id, person_id = int(employer_part), int(person_part) if person_part else None
    except (signing.BadSignature, ValueError):
        return None
    employer = Employer.objects.active().select_related("region").filter(pk=employer_id).first()
    if employer is None:
        return None
    person = employer.contact_persons.filter(pk=person_id, erased_at__isnull=True).first() if person_id else None
    return Referrer(employer, person)


@transaction.atomic
def colleague_interest(
    *,
    referrer: Referrer,
    organisation: str,
    name: str,
    email: str,
    place: str = "",
    postcode: str = "",
    kvk_number: str = "",
    message: str = "",
    consent_mail: bool = False,
    language: str = "nl",
) -> tuple[Employer, bool]:
    """The colleague employer (new, for review; or the region's own already) and whether it is new."""
    region_id = referrer.employer.region_id
    kvk_number, postcode = normalise_kvk(kvk_number), normalise_postcode(postcode)
    _lock_region(region_id)
    employer = match_employer(
        region_id=region_id, organisation=organisation, kvk_number=kvk_number, postcode=postcode, email=email
    )
    new = employer is None
    if employer is None:
        employer = _create(referrer, organisation, kvk_number, postcode, place, message)
    note = f"Interest form via a colleague's referral, {timezone.now():%Y-%m-%d %H:%M}"
    contact_person_from_sign_up(
        employer=employer, name=name, email=email, language=language, consent=consent_mail, consent_note=note
    )
    if not new:
        AuditEntry.record(
            "employers.employer.referral_known",
            target=employer,
            data={"referred_by": referrer.employer.pk, "via": "colleague referral"},
        )
    return employer, new


def _create(referrer: Referrer, organisation: str, kvk: str, postcode: str, place: str, message: str) -> Employer:
    # A KvK number of another region's employer is not this one's to take (it is unique).
    if kvk and Employer.objects.filter(kvk_number=kvk).exists():
        kvk = ""
    employer = Employer(
        legal_name=organisation.strip()[:200],
        kvk_number=kvk,
        postcode=postcode,
        place=place.strip()[:100],
        region_id=referrer.employer.region_id,
        stage=Stage.PROSPECT,
        source=Source.REFERRAL,
        referred_by=referrer.employer,
        referred_by_person=referrer.person,
        notes=message.strip(),
        review_requested_at=timezone.now(),
    )
    employer.full_clean(exclude=["accommodations"], validate_constraints=False)
    employer.save()
    StageChange.objects.create(employer=employer, from_stage="", to_stage=employer.stage, by=None)
    AuditEntry.record(
        "employers.employer.proposed",
        target=employer,
        data={"region": employer.region_id, "referred_by": referrer.employer.pk, "via": "colleague referral"},
    )
    return employer
