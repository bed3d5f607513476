"""Archive, restore, delete for good, and merge two records of the same employer.

An employer is archived, not deleted: hidden from the lists, search, invitation audiences and
matching (``Employer.objects.active()``), its page still opens for its region with a restore
button. Only a coordinator deletes for good, and only an archived employer.

Merging moves everything of one employer (the *merged*) to another of the same region (the
*survivor*) in one transaction with one audit entry, then deletes the merged record. Deleted
rather than kept as an archived shell: a shell would keep its KvK number (unique in the
database), so the survivor could not take it, and every duplicate check and list would have to
step around it; the audit entry keeps the merged record's fields and its id.

Tables of other apps (candidates' matches and placements, outreach's invitations) are moved by
their owners' services, which plug in here from their ``AppConfig.ready`` (employers never
imports them)::

    from employers.archive import register_employer_mover, register_person_mover
    register_employer_mover("matches", matches_move_to_employer)  # (*, source_id, target_id) -> dict
    register_person_mover("invitations", invitations_move_to_person)  # (*, moves) -> dict
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.models import AuditEntry, Role
from crm.scoping import may_write_region, region_codes
from employers.contacts.services import refresh_last_contact
from employers.models import Contact, ContactPerson, Employer, FollowUp, Opening, StageChange
from employers.services import _snapshot, employer_delete
from employers.services_parts import refresh_open_openings

if TYPE_CHECKING:
    from crm.types import AuthUser

EmployerMover = Callable[..., dict[str, int]]
PersonMover = Callable[..., dict[str, int]]

_EMPLOYER_MOVERS: dict[str, EmployerMover] = {}
_PERSON_MOVERS: dict[str, PersonMover] = {}

# Fields the survivor takes from the merged record where its own are empty.
FILLABLE = (
    "trade_name", "kvk_number", "sbi_section", "sbi_code", "size_class", "website", "address", "postcode",
    "place", "source", "owner_id", "notes",
)  # fmt: skip


def register_employer_mover(name: str, mover: EmployerMover) -> None:
    """``mover(source_id=, target_id=)`` moves its app's rows of one employer to another (inside
    the merge's transaction, no audit entry of its own) and returns counts for the merge's entry."""
    _EMPLOYER_MOVERS[name] = mover


def register_person_mover(name: str, mover: PersonMover) -> None:
    """``mover(moves={merged person id: survivor person id})`` moves its app's rows of contact
    persons that are merged into another (the same e-mail address at both employers)."""
    _PERSON_MOVERS[name] = mover


def unregister_mover(name: str) -> None:
    _EMPLOYER_MOVERS.pop(name, None)
    _PERSON_MOVERS.pop(name, None)


def _check_writer(employer: Employer, by: AuthUser) -> None:
    if not may_write_region(by, employer.region_id):
        raise PermissionDenied(_("Only advisers and coordinators of the employer's region change it."))


# --- Archive, restore, delete ------------------------------------------------------------


@transaction.atomic
def employer_archive(*, employer: Employer, by: AuthUser) -> Employer:
    """Hide the employer from lists, audiences and matching; kept, restorable. Twice: nothing."""
    employer = Employer.objects.select_for_update().get(pk=employer.pk)
    _check_writer(employer, by)
    if employer.archived_at is None:
        employer.archived_at, employer.archived_by = timezone.now(), by
        employer.save(update_fields=["archived_at", "archived_by", "updated_at"])
        AuditEntry.record("employers.employer.archived", target=employer, actor=by)
    return employer


@transaction.atomic
def employer_restore(*, employer: Employer, by: AuthUser) -> Employer:
    """Back in the lists, audiences and matching. Not archived: nothing."""
    employer = Employer.objects.select_for_update().get(pk=employer.pk)
    _check_writer(employer, by)
    if employer.archived_at is not None:
        employer.archived_at, employer.archived_by = None, None
        employer.save(update_fields=["archived_at", "archived_by", "updated_at"])
        AuditEntry.record("employers.employer.restored", target=employer, actor=by)
    return employer


def may_delete_for_good(user: AuthUser, employer: Employer) -> bool:
    """A coordinator of the employer's region, and only once it is archived (no query)."""
    return employer.archived_at is not None and employer.region_id in region_codes(user, {Role.COORDINATOR})


@transaction.atomic
def employer_delete_for_good(*, employer: Employer, by: AuthUser) -> None:
    """Delete an archived employer with its people, openings and contacts (coordinator only)."""
    employer = Employer.objects.select_for_update().get(pk=employer.pk)
    if employer.region_id not in region_codes(by, {Role.COORDINATOR}):
        raise PermissionDenied(_("Only a coordinator of the employer's region deletes it for good."))
    if employer.archived_at is None:
        raise ValidationError(_("Archive the employer first; only an archived employer can be deleted for good."))
    employer_delete(employer=employer, by=by)


# --- Merge ---------------------------------------------------------------------------------


def merge_counts(employer: Employer) -> dict[str, int]:
    """What an employer holds that a merge moves (the merge page shows it, the tests compare it)."""
    return {
        "contact_persons": ContactPerson.objects.filter(employer=employer).count(),
        "contacts": Contact.objects.filter(employer=employer).count(),
        "follow_ups": FollowUp.objects.filter(employer=employer).count(),
        "openings": Opening.objects.filter(employer=employer).count(),
        "stage_changes": StageChange.objects.filter(employer=employer).count(),
    }


def _lock_pair(survivor: Employer, merged: Employer) -> tuple[Employer, Employer]:
    locked = {
        e.pk: e for e in Employer.objects.select_for_update().filter(pk__in=[survivor.pk, merged.pk]).order_by("pk")
    }
    if len(locked) != 2:  # the pair
        raise ValidationError({"other": _("Choose another employer to merge with.")})
    return locked[survivor.pk], locked[merged.pk]


def _check_merge(survivor: Employer, merged: Employer, by: AuthUser) -> None:
    _check_writer(survivor, by)
    _check_writer(merged, by)
    if survivor.region_id != merged.region_id:
        raise ValidationError({"other": _("Only employers of the same region can be merged.")})


def _merge_people(survivor: Employer, merged: Employer) -> dict[str, int]:
    """The merged employer's people move; one with the e-mail address of a survivor's person is
    that person (merged into them: their contacts and invitations follow, an opt-out holds)."""
    by_email = {
        p.email.lower(): p for p in ContactPerson.objects.filter(employer=survivor).exclude(email="").order_by("pk")
    }
    moves: dict[int, int] = {}
    for person in ContactPerson.objects.filter(employer=merged).exclude(email="").order_by("pk"):
        same = by_email.get(person.email.lower())
        if same is None:
            continue
        moves[person.pk] = same.pk
        if person.opted_out_at is not None and same.opted_out_at is None:
            same.opted_out_at, same.opt_out_source = person.opted_out_at, person.opt_out_source
            same.save(update_fields=["opted_out_at", "opt_out_source", "updated_at"])
    counts: dict[str, int] = {}
    for name, mover in _PERSON_MOVERS.items():
        counts.update({f"{name}_{k}": v for k, v in mover(moves=moves).items()})
    for old, new in moves.items():
        Contact.objects.filter(contact_person_id=old).update(contact_person_id=new)
    ContactPerson.objects.filter(pk__in=list(moves)).delete()
    counts["contact_persons_merged"] = len(moves)
    counts["contact_persons_moved"] = ContactPerson.objects.filter(employer=merged).update(employer=survivor)
    return counts


def _fill_from(survivor: Employer, merged: Employer) -> list[str]:
    filled = [name for name in FILLABLE if not getattr(survivor, name) and getattr(merged, name)]
    for name in filled:
        setattr(survivor, name, getattr(merged, name))
    return filled


@transaction.atomic
def employer_merge(*, survivor: Employer, merged: Employer, by: AuthUser) -> Employer:
    """Move everything of ``merged`` to ``survivor`` (same region) and delete ``merged``; one
    transaction, one audit entry. The survivor keeps its own fields and stage, takes the merged
    record's where its own are empty, and offers the accommodations of both."""
    if survivor.pk == merged.pk:
        raise ValidationError({"other": _("Choose another employer to merge with.")})
    survivor, merged = _lock_pair(survivor, merged)
    _check_merge(survivor, merged, by)
    snapshot = {**_snapshot(merged), "id": merged.pk}
    moved = _merge_people(survivor, merged)
    for model, key in (
        (Contact, "contacts"),
        (FollowUp, "follow_ups"),
        (Opening, "openings"),
        (StageChange, "stage_changes"),
    ):
        moved[key] = model.objects.filter(employer=merged).update(employer=survivor)
    for name, mover in _EMPLOYER_MOVERS.items():
        moved.update({f"{name}_{k}": v for k, v in mover(source_id=merged.pk, target_id=survivor.pk).items()})
    filled = _fill_from(survivor, merged)
    codes = sorted(set(survivor.accommodation_codes) | set(merged.accommodation_codes))
    survivor.tags = sorted(set(survivor.tags) | set(merged.tags))
    networks = list(merged.networks.all())  # of the same region, as the survivor
    # The employers the merged one referred were referred by the survivor (never by itself).
    Employer.objects.filter(referred_by=merged).exclude(pk=survivor.pk).update(referred_by=survivor)
    if survivor.referred_by_id == merged.pk:
        survivor.referred_by, survivor.referred_by_person = None, None
    merged.delete()  # empty now; first, so that its KvK number is free for the survivor
    survivor.save()
    survivor.set_accommodations(codes)
    survivor.networks.add(*networks)
    refresh_open_openings(employer_ids=[survivor.pk])
    refresh_last_contact(employer_ids=[survivor.pk])
    AuditEntry.record(
        "employers.employer.merged",
        target=survivor,
        actor=by,
        data={"merged": snapshot, "moved": moved, "filled": filled},
    )
    survivor.refresh_from_db()
    return survivor


def merge_suggestions(employer: Employer, user: AuthUser) -> list[Employer]:
    """Likely duplicates in the employer's region: the same KvK number, legal or trade name."""
    same = Q(legal_name__iexact=employer.legal_name)
    if employer.trade_name:
        same |= Q(trade_name__iexact=employer.trade_name) | Q(legal_name__iexact=employer.trade_name)
    if employer.kvk_number:
        same |= Q(kvk_number=employer.kvk_number)
    return list(
        Employer.objects.editable_by(user)
        .filter(region_id=employer.region_id)
        .filter(same)
        .exclude(pk=employer.pk)
        .order_by("legal_name", "pk")[:10]
    )
