"""The one way region data is read and written: ``Model.objects.visible_to(user)`` and
``Model.objects.editable_by(user)``.

Every view, serializer lookup, filter choice and export starts from a scoped queryset, so an
object out of a user's regions is simply not found (404), exactly like a missing one. Writes
resolve every id they take the same way (``ScopedRelatedField`` in the serializers, the scoped
querysets below in the forms), so an id of another region is the same 400 "does not exist" as
an id that was never used; the services check again.

Besides the model querysets this module answers the questions that are not about one model's
rows: which regions a user may write in (``Region.objects.writable_by``), which users a user
may see or name (``users_visible_to``), who may own employers (``network_owners``). The roles
they rest on (who holds which role in which region) are read by ``crm.roles``, a leaf that
``crm.models`` asks too.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Self

from django.contrib.auth import get_user_model
from django.db import models

from crm.models import Membership, Region
from crm.roles import NETWORK_READ, NETWORK_WRITE, has_role, region_codes

if TYPE_CHECKING:
    from django.http import HttpRequest

    from crm.types import AnyUser, AuthUser


def signed_in_user(request: HttpRequest | None) -> AuthUser | None:
    """The request's user if signed in, else None: for django-filter's queryset callables, which
    get no request at all while the API schema is built."""
    user: AnyUser | None = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


class RegionScopedQuerySet(models.QuerySet):
    """Base for every queryset of region data.

    A subclass says where the region is (``region_path``) and which roles read and write; the
    roles in ``national_read_roles`` read every region (the AWVN adviser for events).
    """

    region_path: str = "region"
    read_roles: frozenset[str] = NETWORK_READ
    write_roles: frozenset[str] = NETWORK_WRITE
    national_read_roles: frozenset[str] = frozenset()

    def _in_regions(self, codes: set[str]) -> Self:
        """The rows that belong to ``codes``: what those regions write (and, by default, read)."""
        return self.filter(**{f"{self.region_path}__in": sorted(codes)})

    def _seen_in(self, codes: set[str]) -> Self:
        """The rows ``codes`` read: their own, and for the employer network also what another
        region shares with them (a national employer, ``employers.models.shares``)."""
        return self._in_regions(codes)

    def visible_to(self, user: AuthUser) -> Self:
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if has_role(user, self.national_read_roles):
            return self.all()
        return self._seen_in(region_codes(user, self.read_roles))

    def editable_by(self, user: AuthUser) -> Self:
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self._in_regions(region_codes(user, self.write_roles))

    def seen_in(self, codes: set[str], *, scoped_to: AuthUser) -> Self:
        """A region filter on a queryset already ``visible_to(scoped_to)``: the rows ``codes``
        read (their own and, for the network, what is shared with them). Where ``codes`` covers
        the user's whole scope the condition is left out: it would repeat the scope's own, and
        PostgreSQL, multiplying the two estimates, then plans for a 35th of the rows it gets
        (a region's employers walked one by one instead of the search's trigram indexes)."""
        national = has_role(scoped_to, self.national_read_roles)
        if not national and region_codes(scoped_to, self.read_roles) <= codes:
            return self
        return self._seen_in(codes)

    def in_regions_of(self, user: AuthUser, roles: Iterable[str]) -> Self:
        """The rows in the regions where ``user`` holds one of ``roles`` (for a rule that is
        neither the read nor the write rule of the model, e.g. "people I may invite")."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self._in_regions(region_codes(user, roles))

    def seen_in_regions_of(self, user: AuthUser, roles: Iterable[str]) -> Self:
        """As ``in_regions_of``, with what other regions share with them (the audience of a
        session includes the people of a national employer the region takes part in)."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self._seen_in(region_codes(user, roles))


class InArray(models.Lookup):
    """``field = ANY(ARRAY(subquery))``: the subquery runs once (an init plan) and the field's
    index is used, where ``field IN (subquery)`` beside an ``OR`` becomes a filter on every row
    (the scoping of shared employers: "my regions' rows, or one of these few")."""

    lookup_name = "in_array"

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY(ARRAY{rhs})", [*lhs_params, *rhs_params]


models.Field.register_lookup(InArray)
models.ForeignObject.register_lookup(InArray)  # related fields keep lookups of their own


# --- Regions and users: the questions that are not about one model's rows ---------------------


def regions_held(user: AuthUser, roles: Iterable[str]) -> models.QuerySet[Region]:
    """The regions (rows, ordered by code) in which ``user`` holds one of ``roles``."""
    return Region.objects.filter(code__in=sorted(region_codes(user, roles))).order_by("code")


# ``Region.objects.readable_by(user)`` (the network regions ``user`` reads: the region filter of
# the lists) and ``Region.objects.writable_by(user)`` (where ``user`` adds employers, imports and
# organises sessions) are the same rule, on the manager (``crm.models.RegionQuerySet``, from
# ``crm.roles``).


def members_of(codes: Iterable[str], roles: Iterable[str]) -> models.QuerySet:
    """Users holding one of ``roles`` in one of the regions ``codes``."""
    members = Membership.objects.filter(region_id__in=sorted(codes), role__in=sorted(roles)).values("user_id")
    return get_user_model().objects.filter(pk__in=members).order_by("first_name", "last_name", "username")


def network_owners(user: AuthUser) -> models.QuerySet:
    """Who can own employers in ``user``'s network regions: the advisers and coordinators there."""
    return members_of(region_codes(user, NETWORK_READ), NETWORK_WRITE)


def users_visible_to(user: AuthUser) -> models.QuerySet:
    """The users ``user`` may name in a filter or a write: everyone with a network role in one
    of ``user``'s network regions, and ``user``. Anyone else is "not found", like a missing id,
    so a filter cannot confirm that a user id exists somewhere else."""
    if not getattr(user, "is_authenticated", False):
        return get_user_model().objects.none()
    members = Membership.objects.filter(
        region_id__in=sorted(region_codes(user, NETWORK_READ)), role__in=sorted(NETWORK_READ)
    ).values("user_id")
    return (
        get_user_model()
        .objects.filter(models.Q(pk__in=members) | models.Q(pk=user.pk))
        .order_by("first_name", "last_name", "username")
    )


def may_write_region(user: AuthUser, code: str | None) -> bool:
    """Whether ``user`` writes the network of region ``code`` (the services' second check). From
    the roles read once per request: no query, unlike ``Region.objects.writable_by(user)``."""
    return code is not None and code in region_codes(user, NETWORK_WRITE)


def writes_any_region(user: AuthUser) -> bool:
    """Whether ``user`` writes some region's network (shows the "add" buttons); no query."""
    return bool(region_codes(user, NETWORK_WRITE))
