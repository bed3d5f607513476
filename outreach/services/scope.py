"""Who may change a session, and whom they may invite: the region scoping layer's two questions
for the services (outsiders are refused before anything is read or written)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from crm.scoping import may_write_region
from employers.models import ContactPerson

if TYPE_CHECKING:
    from crm.types import AuthUser


def check_writer(event_region_id: str, by: AuthUser) -> None:
    if not may_write_region(by, event_region_id):
        raise PermissionDenied(_("Only the advisers and coordinators of the session's region can do this."))


def person_ids(persons: Iterable[ContactPerson | int]) -> list[int]:
    """The ids of contact persons given as rows or as ids, in their order."""
    return [p.pk if isinstance(p, ContactPerson) else p for p in persons]


def check_in_scope(by: AuthUser, ids: list[int]) -> None:
    allowed = ContactPerson.objects.invitable_by(by).filter(pk__in=ids).values_list("pk", flat=True)
    if len(set(allowed)) != len(set(ids)):
        raise ValidationError({"persons": _("Some of these people are outside your regions.")})
