"""The speaker pool's search: "employers with a practice story in sector Q near Utrecht". Near
is a place or a region: a speaker matches when their home region or a region they are willing
to speak in is that region (by name, other name or code), or their employer is in that place."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch, Q

from crm.models import Region
from outreach.models import Event, PoolSpeaker, Speaker

if TYPE_CHECKING:
    from crm.types import AuthUser


def regions_near(text: str) -> list[str]:
    text = text.strip()
    if not text:
        return []
    found = Region.objects.filter(Q(name__icontains=text) | Q(code__iexact=text) | Q(aliases__icontains=text))
    return list(found.values_list("code", flat=True))


def search(user: AuthUser, *, kind: str = "", sector: str = "", near: str = "", topic: str = "") -> Any:
    speakers = PoolSpeaker.objects.visible_to(user)
    if kind:
        speakers = speakers.filter(kind=kind)
    if sector:
        speakers = speakers.filter(contact_person__employer__sbi_section=sector)
    if topic.strip():
        speakers = speakers.filter(topics__icontains=topic.strip().lower())
    if near.strip():
        codes = regions_near(near)
        in_place = Q(contact_person__employer__place__iexact=near.strip())
        matching = PoolSpeaker.objects.filter(Q(region_id__in=codes) | Q(willing_regions__in=codes) | in_place)
        speakers = speakers.filter(pk__in=matching.values("pk"))
    return (
        speakers.select_related("region", "contact_person__employer")
        .prefetch_related(Prefetch("willing_regions", queryset=Region.objects.order_by("name")))
        .order_by("name", "pk")
    )


def appearances(speaker: PoolSpeaker, user: AuthUser) -> list[Speaker]:
    """The sessions where ``speaker`` spoke that ``user`` may see: public ones, and their own region's."""
    seen = Event.objects.public() | Event.objects.visible_to(user)
    return list(
        speaker.appearances.filter(event__in=seen).select_related("event__region").order_by("-event__starts_at")
    )
