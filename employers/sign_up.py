"""Employers and contact persons that come in from outside: a visitor who registered for a
knowledge session on its public page and confirmed from the mail (outreach calls these).

There is no signed-in user: the session's region is the scope. The organisation is matched to
an employer of that region (KvK number, else legal or trade name + postcode, else the e-mail
address of one of its contact persons, else the e-mail domain when exactly one employer uses
it), or created as a ``prospect`` with source ``event`` and no owner yet. Matching and creating
run under a per-region lock, so two people of one new organisation confirming at the same
moment make one employer.
"""

from __future__ import annotations

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from crm.models import AuditEntry
from employers.models import ContactPerson, Employer, Source, Stage, StageChange
from employers.services import normalise_kvk, normalise_postcode

# Addresses of these domains say nothing about the employer.
PUBLIC_MAIL_DOMAINS = frozenset(
    {
        "gmail.com", "googlemail.com", "hotmail.com", "hotmail.nl", "outlook.com", "outlook.nl", "live.nl",
        "live.com", "msn.com", "yahoo.com", "yahoo.nl", "icloud.com", "me.com", "ziggo.nl", "kpnmail.nl",
        "kpnplanet.nl", "planet.nl", "home.nl", "xs4all.nl", "hetnet.nl", "casema.nl", "upcmail.nl", "proton.me",
        "protonmail.com", "telfort.nl", "chello.nl", "online.nl", "tele2.nl", "quicknet.nl", "zeelandnet.nl",
    }
)  # fmt: skip


def _lock_region(region_id: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"employers.sign_up:{region_id}"])


def mail_domain(email: str) -> str:
    domain = (email or "").rpartition("@")[2].strip().lower()
    return "" if domain in PUBLIC_MAIL_DOMAINS else domain


def match_employer(
    *, region_id: str, organisation: str, kvk_number: str = "", postcode: str = "", email: str = ""
) -> Employer | None:
    """The region's employer this organisation is, or None (see the module's order)."""
    in_region = Employer.objects.filter(region_id=region_id)
    if kvk_number:
        found = in_region.filter(kvk_number=kvk_number).first()
        if found is not None:
            return found
    name = organisation.strip()
    if name and postcode:
        found = (
            in_region.filter(Q(legal_name__iexact=name) | Q(trade_name__iexact=name), postcode=postcode)
            .order_by("archived_at", "pk")
            .first()
        )
        if found is not None:
            return found
    if email:  # the same person again (also at a public mail domain)
        found = in_region.active().filter(contact_persons__email__iexact=email.strip()).order_by("pk").first()
        if found is not None:
            return found
    domain = mail_domain(email)
    if domain:
        ids = list(
            in_region.active()
            .filter(
                Q(contact_persons__email__iendswith=f"@{domain}")
                | Q(website__icontains=f"//{domain}")
                | Q(website__icontains=f".{domain}")
            )
            .values_list("pk", flat=True)
            .distinct()[:2]
        )
        if len(ids) == 1:
            return Employer.objects.get(pk=ids[0])
    return None


@transaction.atomic
def employer_from_sign_up(
    *, region_id: str, organisation: str, kvk_number: str = "", postcode: str = "", email: str = ""
) -> tuple[Employer, bool]:
    """The matched employer, or a new prospect (source ``event``, no owner); and whether it is new."""
    kvk_number, postcode = normalise_kvk(kvk_number), normalise_postcode(postcode)
    _lock_region(region_id)
    found = match_employer(
        region_id=region_id, organisation=organisation, kvk_number=kvk_number, postcode=postcode, email=email
    )
    if found is not None:
        return found, False
    # A KvK number of another region's employer is not this one's to take (it is unique).
    if kvk_number and Employer.objects.filter(kvk_number=kvk_number).exists():
        kvk_number = ""
    employer = Employer(
        legal_name=organisation.strip()[:200],
        kvk_number=kvk_number,
        postcode=postcode,
        region_id=region_id,
        stage=Stage.PROSPECT,
        source=Source.EVENT,
    )
    employer.full_clean(exclude=["accommodations"], validate_constraints=False)
    employer.save()
    StageChange.objects.create(employer=employer, from_stage="", to_stage=employer.stage, by=None)
    AuditEntry.record(
        "employers.employer.created",
        target=employer,
        data={"region": region_id, "kvk": kvk_number, "via": "session sign-up"},
    )
    return employer, True


@transaction.atomic
def contact_person_from_sign_up(
    *, employer: Employer, name: str, email: str, language: str, consent: bool, consent_note: str
) -> ContactPerson:
    """The employer's person with this address, or a new one, with the consent they gave: a yes
    subscribes them (and says when, in ``lawful_basis``); a new person without it is opted out of
    everything but the mail about this registration. An existing person's choice stays unless
    they now said yes."""
    email = email.strip().lower()
    person = (
        ContactPerson.objects.select_for_update().filter(employer=employer, email__iexact=email).order_by("pk").first()
    )
    now = timezone.now()
    if person is None:
        person = ContactPerson(employer=employer, name=name.strip()[:200], email=email, language=language)
        if not consent:
            person.opted_out_at, person.opt_out_source = now, "no consent at session sign-up"
        person.lawful_basis = consent_note[:300]
        person.full_clean()
        person.save()
        AuditEntry.record(
            "employers.contact_person.created",
            target=person,
            data={"employer": employer.pk, "via": "session sign-up", "consent": consent},
        )
        return person
    if consent:
        person.opted_out_at, person.opt_out_source = None, ""
        person.lawful_basis = consent_note[:300]
        person.save(update_fields=["opted_out_at", "opt_out_source", "lawful_basis", "updated_at"])
        AuditEntry.record(
            "employers.contact_person.updated", target=person, data={"consent": True, "via": "session sign-up"}
        )
    return person
