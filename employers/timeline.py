"""One timeline per employer, merged from pluggable sources, at a fixed number of queries.

A source gives two things: a ``keys(employer)`` queryset of ``(kind, pk, ts)`` rows, and a
``load(pks)`` that turns the pks on one page into entries. The sources' keys are combined with
``UNION ALL`` in the database, so sorting and paging happen there: one count, one page of keys,
then one query per source that has rows on the page, however long the timeline is.

Other apps plug in from their ``AppConfig.ready`` (employers never imports them)::

    from employers.timeline import TimelineSource, register_source
    register_source(TimelineSource(kind="invitation", keys=..., load=...))
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.paginator import Page, Paginator
from django.db.models import CharField, F, QuerySet, Value
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from employers.models import Contact, Employer, Opening, StageChange

if TYPE_CHECKING:
    from crm.types import AuthUser

PER_PAGE = 25


@dataclass(frozen=True)
class TimelineEntry:
    kind: str
    at: datetime
    title: Any
    text: str = ""
    by: AuthUser | None = None
    url: str = ""
    badges: tuple[Any, ...] = field(default_factory=tuple)
    obj: Any = None


@dataclass(frozen=True)
class TimelineSource:
    kind: str
    keys: Callable[[Employer], QuerySet]
    load: Callable[[Iterable[int]], dict[int, TimelineEntry]]


_SOURCES: dict[str, TimelineSource] = {}


def register_source(source: TimelineSource) -> None:
    """Add (or replace, by kind) a source; call from an ``AppConfig.ready``."""
    _SOURCES[source.kind] = source


def sources() -> list[TimelineSource]:
    return list(_SOURCES.values())


def keys_of(queryset: QuerySet, kind: str, ts_field: str) -> QuerySet:
    """The ``(kind, pk, ts)`` rows every source's keys must return, in this order."""
    return (
        queryset.annotate(kind=Value(kind, output_field=CharField()), ts=F(ts_field))
        .values_list("kind", "pk", "ts")
        .order_by()
    )


def employer_timeline(employer: Employer, page: int | str = 1, *, per_page: int = PER_PAGE) -> Page:
    """Newest first; ``page.object_list`` holds ``TimelineEntry`` objects."""
    parts = [source.keys(employer) for source in sources()]
    combined = parts[0].union(*parts[1:], all=True).order_by("-ts", "-pk") if len(parts) > 1 else parts[0]
    result = Paginator(combined, per_page).get_page(page)
    wanted: dict[str, list[int]] = {}
    for kind, pk, _ts in result.object_list:
        wanted.setdefault(kind, []).append(pk)
    loaded = {kind: _SOURCES[kind].load(pks) for kind, pks in wanted.items()}
    result.object_list = [loaded[kind][pk] for kind, pk, _ts in result.object_list if pk in loaded.get(kind, {})]
    return result


# --- The sources this app owns -------------------------------------------------------


def _contact_badges(contact: Contact) -> tuple[Any, ...]:
    badges: tuple[Any, ...] = (_("face to face"),) if contact.in_person else ()
    return badges + ((contact.contact_person.name,) if contact.contact_person else ())


def _contact_entries(pks: Iterable[int]) -> dict[int, TimelineEntry]:
    rows = Contact.objects.filter(pk__in=list(pks)).select_related("by", "contact_person", "region")
    return {
        c.pk: TimelineEntry(
            kind="contact",
            at=c.when,
            title=f"{c.get_channel_display()} · {c.get_purpose_display()}",
            text=c.summary + (f"\n{c.outcome}" if c.outcome else ""),
            by=c.by,
            badges=_contact_badges(c),
            obj=c,
        )
        for c in rows
    }


def _stage_entries(pks: Iterable[int]) -> dict[int, TimelineEntry]:
    rows = StageChange.objects.filter(pk__in=list(pks)).select_related("by")
    return {
        s.pk: TimelineEntry(
            kind="stage",
            at=s.at,
            title=_("Stage: %(from)s → %(to)s")
            % {"from": s.get_from_stage_display() or "–", "to": s.get_to_stage_display()},
            by=s.by,
            obj=s,
        )
        for s in rows
    }


def _opening_entries(pks: Iterable[int]) -> dict[int, TimelineEntry]:
    rows = Opening.objects.filter(pk__in=list(pks)).select_related("region")
    return {
        o.pk: TimelineEntry(
            kind="opening", at=o.created_at, title=_("Opening added: %(title)s") % {"title": o.title}, obj=o
        )
        for o in rows
    }


def _contact_keys(employer: Employer) -> QuerySet:
    return keys_of(Contact.objects.filter(employer=employer), "contact", "when")


def _stage_keys(employer: Employer) -> QuerySet:
    return keys_of(StageChange.objects.filter(employer=employer), "stage", "at")


def _opening_keys(employer: Employer) -> QuerySet:
    return keys_of(Opening.objects.filter(employer=employer), "opening", "created_at")


register_source(TimelineSource("contact", _contact_keys, _contact_entries))
register_source(TimelineSource("stage", _stage_keys, _stage_entries))
register_source(TimelineSource("opening", _opening_keys, _opening_entries))


def timeline_url(employer: Employer) -> str:
    return reverse("employers:timeline", args=[employer.pk])
