"""The AWVN registration: the region asks (at publish or later), the AWVN adviser confirms."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.models import AuditEntry, Membership, Role
from crm.scoping import has_role
from outreach import mail, outbox
from outreach.models import EmailKind, Event, EventState
from outreach.services.scope import check_writer

if TYPE_CHECKING:
    from crm.types import AuthUser


def _awvn_advisers() -> QuerySet:
    users = Membership.objects.filter(role=Role.AWVN).values("user_id")
    return get_user_model().objects.filter(pk__in=users, is_active=True).exclude(email="").order_by("pk")


def request_awvn(event: Event, by: AuthUser) -> None:
    rows = [
        mail.user_row(
            user,
            EmailKind.AWVN_REGISTRATION,
            f"awvn-registration:{event.pk}:{user.pk}",
            event=event,
            context={"requested_by": by},
            ics_method="PUBLISH",
        )
        for user in _awvn_advisers()
    ]
    outbox.store(rows)
    if event.awvn_requested_at is None:
        event.awvn_requested_at = timezone.now()
        event.save(update_fields=["awvn_requested_at", "updated_at"])
        AuditEntry.record("outreach.event.awvn_requested", target=event, actor=by)


@transaction.atomic
def event_register_awvn(*, event: Event, by: AuthUser) -> Event:
    """Ask AWVN to register an already published session (same mail as at publish; once)."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    check_writer(event.region_id, by)
    if event.state != EventState.PUBLISHED:
        raise ValidationError(_("Only a published session can be registered with AWVN."))
    request_awvn(event, by)
    return event


@transaction.atomic
def awvn_confirm(*, event: Event, by: AuthUser, reference: str) -> Event:
    """The AWVN adviser confirms the registration with AWVN's reference (their only write)."""
    if not has_role(by, {Role.AWVN}):
        raise PermissionDenied(_("Only the AWVN adviser confirms a registration."))
    reference = (reference or "").strip()
    if not reference:
        raise ValidationError({"reference": _("Enter AWVN's reference for this session.")})
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.awvn_requested_at is None:
        raise ValidationError(_("This session was not registered with AWVN."))
    if event.state == EventState.DRAFT:
        raise ValidationError(_("A draft session cannot be confirmed."))
    event.awvn_confirmed_at = event.awvn_confirmed_at or timezone.now()
    event.awvn_reference = reference[:100]
    event.awvn_confirmed_by = by
    event.save(update_fields=["awvn_confirmed_at", "awvn_reference", "awvn_confirmed_by", "updated_at"])
    AuditEntry.record("outreach.event.awvn_confirmed", target=event, actor=by, data={"reference": reference})
    return event
