"""Saved filters of the employer list (issue 17): a user names the list's current filters,
applies them later with one click and deletes them. Each is the user's own: read and written
only through ``SavedFilter.objects.of(user)``.

What is stored is the list's query string, reduced to the FilterSet's own parameters and checked
by it as the user it belongs to, so a saved filter never holds another region's id (and a
filter set that only worked for someone else cannot be saved for you)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import QueryDict
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from employers.filters import EmployerFilter
from employers.models import Employer, SavedFilter

if TYPE_CHECKING:
    from crm.types import AuthUser

MAX_PER_USER = 50
MAX_QUERY = 2000


def clean_query(user: AuthUser, raw: str) -> str:
    """The FilterSet's parameters of ``raw`` (no page, no unknown keys, no empty values), in a
    fixed order; a value the FilterSet refuses for this user (another region's id) is an error."""
    params = QueryDict(raw[: MAX_QUERY * 2])
    pairs = [
        (name, value) for name in sorted(EmployerFilter.base_filters) for value in params.getlist(name) if value.strip()
    ]
    if not pairs:
        raise ValidationError({"name": _("Choose at least one filter before saving it.")})
    query = urlencode(pairs)
    if len(query) > MAX_QUERY:
        raise ValidationError({"name": _("These filters are too long to save.")})
    filterset = EmployerFilter(QueryDict(query), queryset=Employer.objects.none(), request=SimpleNamespace(user=user))
    if not filterset.is_valid():
        raise ValidationError({"name": _("These filters are not valid; change them before saving.")})
    return query


@transaction.atomic
def saved_filter_save(*, user: AuthUser, name: str, query: str) -> SavedFilter:
    """Save the list's filters under ``name``; the same name again replaces what it holds."""
    name = " ".join(name.split())[:80]
    if not name:
        raise ValidationError({"name": _("Give the filter a name.")})
    cleaned = clean_query(user, query)
    existing = SavedFilter.objects.of(user).select_for_update().filter(name=name).first()
    if existing is not None:
        existing.query = cleaned
        existing.save(update_fields=["query", "updated_at"])
        return existing
    if SavedFilter.objects.of(user).count() >= MAX_PER_USER:
        raise ValidationError(
            {"name": _("You can keep up to %(n)d saved filters; delete one first.") % {"n": MAX_PER_USER}}
        )
    return SavedFilter.objects.create(user=user, name=name, query=cleaned)


def saved_filter_delete(*, user: AuthUser, pk: int) -> bool:
    """Delete one of the user's own saved filters; another's (or a missing one) deletes nothing."""
    deleted, _rows = SavedFilter.objects.of(user).filter(pk=pk).delete()
    return bool(deleted)
