"""Bulk actions on the employer list (issue 17): assign an owner, change the stage or add a tag
to the employers chosen on the page, each one through the service a single change takes
(``employer_update``, ``employer_change_stage``: history and audit as for one employer).

The ids are resolved by the caller through ``Employer.objects.visible_to``; here each employer
is checked again: one of a region the user only reads is refused, one that already is so is
left alone, and the result says how many of each."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from crm.scoping import may_write_region
from employers.models import Employer, Stage
from employers.services import employer_change_stage, employer_update
from employers.services_networks import normalise_tags

if TYPE_CHECKING:
    from collections.abc import Iterable

    from crm.types import AuthUser

ACTIONS = ("owner", "stage", "tag")
MAX_EMPLOYERS = 100  # four pages of the list: more is an import or an export, not a click


def chosen_employers(user: AuthUser, raw: list[str]) -> list[Employer]:
    """The employers ticked on the list, each resolved through ``visible_to``: an id that is not
    a number, not there or not the user's to see is a 404 for the whole request (nothing done),
    the same as for a missing employer."""
    try:
        ids = {int(value) for value in raw}
    except ValueError:
        raise Http404 from None
    if not ids or len(ids) > MAX_EMPLOYERS:
        raise ValidationError(_("Choose between 1 and %(n)d employers on the list.") % {"n": MAX_EMPLOYERS})
    found = list(
        Employer.objects.visible_to(user)
        .filter(pk__in=ids)
        .only("legal_name", "trade_name", "region_id", "stage", "owner_id", "tags")
        .order_by("legal_name", "pk")
    )
    if len(found) != len(ids):
        raise Http404
    return found


@dataclass
class BulkResult:
    done: int = 0
    unchanged: int = 0  # already had that owner, stage or tag
    refused: list[str] = field(default_factory=list)  # names: read-only or refused by the service


def _one(employer: Employer, by: AuthUser, action: str, value: Any) -> bool:
    """Apply to one employer; False when it already was so."""
    if action == "stage":
        if employer.stage == value:
            return False
        employer_change_stage(employer=employer, by=by, stage=value)
    elif action == "owner":
        if employer.owner_id == value.pk:
            return False
        employer_update(employer=employer, by=by, owner=value)
    else:
        if value in employer.tags:
            return False
        employer_update(employer=employer, by=by, tags=[*employer.tags, value])
    return True


@transaction.atomic
def employers_bulk(*, by: AuthUser, employers: Iterable[Employer], action: str, value: Any) -> BulkResult:
    """``value``: a user for ``owner`` (one of ``network_owners(by)``), a stage, or a tag."""
    if action not in ACTIONS:
        raise ValidationError({"action": _("Choose what to do with the chosen employers.")})
    if action == "stage" and value not in Stage.values:
        raise ValidationError({"stage": _("Choose one of the network stages.")})
    if action == "tag":
        tags = normalise_tags([value])
        if not tags:
            raise ValidationError({"tag": _("Give the tag to add.")})
        value = tags[0]
    result = BulkResult()
    for employer in employers:
        if not may_write_region(by, employer.region_id):
            result.refused.append(employer.display_name)
            continue
        try:
            with transaction.atomic():  # a refused one leaves the others done
                changed = _one(employer, by, action, value)
        except ValidationError:
            result.refused.append(employer.display_name)
            continue
        if changed:
            result.done += 1
        else:
            result.unchanged += 1
    return result
