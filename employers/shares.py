"""National employers: a region asks to take part in an employer that another region leads, the
lead decides, and every write on a shared employer says which region it is for.

The lead region (the employer's ``region``) and its owner keep the employer itself: its fields,
stage and owner. A participating region (an accepted ``EmployerShare``) adds its own contact
persons, contacts and openings (their ``region`` is the participating region's; the lead's own
rows leave it empty, so they follow the employer if it moves). Who reads what is
``crm.scoping`` (``EmployerQuerySet._seen_in`` and ``EmployerPartQuerySet``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.models import AuditEntry, Region
from crm.roles import Role, has_role, region_codes
from crm.scoping import NETWORK_READ, NETWORK_WRITE
from employers.contacts.services import followup_create
from employers.models import Employer, EmployerShare, ShareState
from employers.sharing import may_decide

if TYPE_CHECKING:
    from crm.types import AuthUser


def _requested_employer(kvk_number: str) -> Employer:
    kvk = (kvk_number or "").replace(" ", "")
    employer = Employer.objects.active().filter(kvk_number=kvk).first() if kvk else None
    if employer is None:
        raise ValidationError({"kvk": _("No employer with this KvK number is in the network.")})
    return employer


@transaction.atomic
def share_request(*, kvk_number: str, region: Region | str, by: AuthUser, note: str = "") -> EmployerShare:
    """Ask to take part in the employer with this KvK number, for ``region`` (one ``by`` writes).
    A declined request may be asked again; an open or accepted one is not asked twice."""
    code: str = region.code if isinstance(region, Region) else region
    if code not in region_codes(by, NETWORK_WRITE):
        raise ValidationError({"region": _("You can only ask to take part for your own regions.")})
    employer = _requested_employer(kvk_number)
    if employer.region_id == code:
        raise ValidationError({"kvk": _("This employer is already in this region.")})
    share = EmployerShare.objects.select_for_update().filter(employer=employer, region_id=code).first()
    if share is not None and share.state != ShareState.DECLINED:
        raise ValidationError({"kvk": _("This region has already asked to take part in this employer.")})
    if share is None:
        share = EmployerShare(employer=employer, region_id=code)
    share.state, share.note, share.requested_by = ShareState.REQUESTED, note.strip()[:300], by
    share.requested_at, share.decided_by, share.decided_at = timezone.now(), None, None
    try:
        with transaction.atomic():
            share.save()
    except IntegrityError:  # a colleague asked at the same moment
        raise ValidationError({"kvk": _("This region has already asked to take part in this employer.")}) from None
    AuditEntry.record("employers.share.requested", target=employer, actor=by, data={"region": code, "share": share.pk})
    return share


@transaction.atomic
def share_decide(*, share: EmployerShare, by: AuthUser, accept: bool) -> EmployerShare:
    """The lead owner or a coordinator of the lead region accepts or declines a request. The
    requester finds the answer on the requests page; an accepted request also opens a follow-up
    for them on the employer, which their region now sees."""
    share = EmployerShare.objects.select_for_update().select_related("employer").get(pk=share.pk)
    if not may_decide(by, share.employer):
        raise PermissionDenied(_("Only the owner or a coordinator of the lead region decides."))
    if share.state != ShareState.REQUESTED:
        raise ValidationError(_("This request has already been answered."))
    share.state = ShareState.ACCEPTED if accept else ShareState.DECLINED
    share.decided_by, share.decided_at = by, timezone.now()
    share.save(update_fields=["state", "decided_by", "decided_at"])
    AuditEntry.record(
        f"employers.share.{share.state}", target=share.employer, actor=by, data={"region": share.region_id}
    )
    requester = share.requested_by
    if accept and requester is not None and share.region_id in region_codes(requester, NETWORK_READ):
        note = _("Your region now takes part in this employer: add your contact persons.")
        followup_create(employer=share.employer, owner=requester, due_date=timezone.localdate(), by=by, note=note)
    return share


def to_decide(user: AuthUser) -> QuerySet[EmployerShare]:
    """Open requests on employers ``user`` decides on (lead owner, lead coordinator)."""
    coordinated = sorted(region_codes(user, {Role.COORDINATOR}))
    return EmployerShare.objects.visible_to(user).filter(
        Q(employer__owner=user) | Q(employer__region_id__in=coordinated), state=ShareState.REQUESTED
    )


def requests_to_decide(user: AuthUser) -> list[EmployerShare]:
    rows = to_decide(user).select_related("employer", "region", "requested_by")
    return list(rows.order_by("requested_at", "pk"))


def requests_of_my_regions(user: AuthUser) -> list[EmployerShare]:
    """What the regions ``user`` writes have asked, and the answers (the requester's notice)."""
    rows = EmployerShare.objects.editable_by(user)
    return list(rows.select_related("employer", "region", "decided_by").order_by("-requested_at", "-pk")[:100])


def detail_context(employer: Employer, user: AuthUser) -> dict[str, object]:
    """What the employer's page shows of the sharing: the participating regions (accepted), the
    open requests the user decides on, and the regions whose rows the user may change (two
    queries: the shares with their regions)."""
    rows = list(EmployerShare.objects.filter(employer=employer).select_related("region").order_by("region_id"))
    decides = may_decide(user, employer)
    return {
        "participants": [s.region for s in rows if s.state == ShareState.ACCEPTED],
        "open_requests": [s for s in rows if s.state == ShareState.REQUESTED] if decides else [],
        "my_regions": region_codes(user, NETWORK_READ),
        # A guide links their own contacts to their own candidates from the timeline too; the link
        # leads to the candidates app's page (employers imports nothing from candidates).
        "link_candidates": has_role(user, {Role.GUIDE}),
    }
