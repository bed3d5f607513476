"""Employer contacts made *for* a candidate (IPS job development for that person).

The link lives with the candidate, behind the privacy wall: ``employers`` never reads it. Only
the candidate's own guide links, and only a contact they logged themselves with an employer of
the candidate's region; one contact may be linked to several of their candidates. The audit
entry names the contact and the candidate by id, never what the contact said.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from candidates.models import Candidate, CandidateContact
from crm.models import AuditEntry
from crm.types import AuthUser
from employers.models import Contact

# The contacts offered for linking on the candidate's page: the guide's own of the last weeks.
LINKABLE_DAYS = 120


def linkable_contacts(candidate: Candidate, by: AuthUser) -> QuerySet[Contact]:
    """``by``'s own contacts with employers of the candidate's region, not yet linked to it."""
    since = timezone.now() - timedelta(days=LINKABLE_DAYS)
    return (
        Contact.objects.visible_to(by)
        .filter(by=by, employer__region_id=candidate.region_id, when__gte=since)
        .exclude(pk__in=CandidateContact.objects.filter(candidate=candidate).values("contact_id"))
        .select_related("employer")
        .order_by("-when", "-id")
    )


@transaction.atomic
def contact_link(*, candidate: Candidate, contact_id: int, by: AuthUser) -> CandidateContact:
    """Link one of ``by``'s own contacts to one of their own candidates (idempotent)."""
    if not Candidate.objects.editable_by(by).filter(pk=candidate.pk).exists():
        raise PermissionDenied(_("Only the candidate's own guide links contacts to the candidate."))
    if candidate.is_anonymised:
        raise ValidationError(_("This candidate has been anonymised."))
    contact = (
        Contact.objects.visible_to(by).filter(pk=contact_id, by=by, employer__region_id=candidate.region_id).first()
    )
    if contact is None:
        # The same answer for a contact of someone else, of another region, or none at all.
        raise ValidationError({"contact": _("Choose one of your own contacts with an employer in this region.")})
    link, created = CandidateContact.objects.get_or_create(
        candidate=candidate, contact=contact, defaults={"linked_by": by}
    )
    if created:
        AuditEntry.record("candidates.contact.linked", target=candidate, actor=by, data={"contact": contact.pk})
    return link


@transaction.atomic
def contact_unlink(*, link: CandidateContact, by: AuthUser) -> None:
    if not CandidateContact.objects.editable_by(by).filter(pk=link.pk).exists():
        raise PermissionDenied(_("Only the candidate's own guide links contacts to the candidate."))
    AuditEntry.record("candidates.contact.unlinked", target=link.candidate, actor=by, data={"contact": link.contact_id})
    link.delete()


def first_contact_days(start: date, contact_days: Iterable[date]) -> int | None:
    """Days from a trajectory's start to the first employer contact for the candidate on or
    after it (IPS asks within ``IPS_FIRST_CONTACT_DAYS``); None while there is none."""
    after = [day for day in contact_days if day >= start]
    return (min(after) - start).days if after else None
