"""Writes of the speaker pool (``outreach.models.speakers``) and a session's speakers from it.

A pool speaker belongs to a home region, whose advisers and coordinators add and change it. A
contact person as speaker must be of an employer of that region. Consent to be listed outside
the region is recorded with when (and how); withdrawing it hides the speaker from the other
regions again. A session's speakers are rows of their own (name, kind, bio as shown on the
session page) that point to their pool entry: picked from the pool (any the organiser sees:
their region's and the listed ones), or typed and, when asked, added to the pool at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.models import AuditEntry, Region
from crm.scoping import may_write_region
from employers.models import ContactPerson
from outreach.models import Event, PoolSpeaker, Speaker, SpeakerKind

if TYPE_CHECKING:
    from crm.types import AuthUser

MAX_TOPICS = 12
POOL_FIELDS = ("kind", "contact_person", "name", "organisation", "topics", "story", "listed_consent_note")


def normalise_topics(value: str | Iterable[str] | None) -> list[str]:
    items = value.split(",") if isinstance(value, str) else list(value or [])
    topics = sorted({" ".join(str(item).split()).lower()[:60] for item in items} - {""})
    if len(topics) > MAX_TOPICS:
        raise ValidationError({"topics": _("Give at most %(n)s topics.") % {"n": MAX_TOPICS}})
    return topics


def _check(speaker: PoolSpeaker, by: AuthUser) -> None:
    if not may_write_region(by, speaker.region_id):
        raise PermissionDenied(_("Only the advisers and coordinators of the speaker's home region can do this."))
    person = speaker.contact_person
    if person is not None and (person.employer.region_id != speaker.region_id or person.is_erased):
        raise ValidationError({"contact_person": _("Choose a contact person of an employer of this region.")})
    if person is None and not speaker.name:
        raise ValidationError({"name": _("Give the speaker's name, or choose a contact person.")})
    if person is not None and not speaker.name:
        speaker.name = person.name
    speaker.topics = normalise_topics(speaker.topics)
    speaker.full_clean(exclude=["contact_person"] if person is None else None)


def _consent(speaker: PoolSpeaker, consent: bool | None, by: AuthUser) -> dict[str, Any]:
    if consent is None or consent == speaker.listed:
        return {}
    speaker.listed_consent_at = timezone.now() if consent else None
    if consent and not speaker.listed_consent_note:
        speaker.listed_consent_note = _("Recorded by %(name)s") % {"name": by.get_full_name() or by.username}
    return {"listed": consent}


@transaction.atomic
def pool_speaker_create(
    *,
    by: AuthUser,
    region: Region | str,
    kind: str,
    consent: bool = False,
    willing_regions: Iterable[Region] = (),
    **fields: Any,
) -> PoolSpeaker:
    unknown = set(fields) - set(POOL_FIELDS)
    if unknown:
        raise TypeError(f"pool_speaker_create does not take {sorted(unknown)}")
    speaker = PoolSpeaker(region_id=getattr(region, "pk", region), kind=kind, created_by=by, **fields)
    _check(speaker, by)
    _consent(speaker, consent, by)
    speaker.save()
    speaker.willing_regions.set(list(willing_regions))
    AuditEntry.record(
        "outreach.pool_speaker.created",
        target=speaker,
        actor=by,
        data={"region": speaker.region_id, "kind": kind, "listed": speaker.listed},
    )
    return speaker


@transaction.atomic
def pool_speaker_update(
    *,
    speaker: PoolSpeaker,
    by: AuthUser,
    consent: bool | None = None,
    willing_regions: Iterable[Region] | None = None,
    **changes: Any,
) -> PoolSpeaker:
    unknown = set(changes) - set(POOL_FIELDS)
    if unknown:
        raise TypeError(f"pool_speaker_update does not take {sorted(unknown)}")
    speaker = PoolSpeaker.objects.select_for_update().get(pk=speaker.pk)
    for name, value in changes.items():
        setattr(speaker, name, value)
    _check(speaker, by)
    data = {"fields": sorted(changes), **_consent(speaker, consent, by)}
    speaker.save()
    if willing_regions is not None:
        speaker.willing_regions.set(list(willing_regions))
    AuditEntry.record("outreach.pool_speaker.updated", target=speaker, actor=by, data=data)
    return speaker


def set_speakers(event: Event, speakers: list[dict[str, Any]], by: AuthUser | None) -> None:
    """Replace the session's speakers. Each dict: ``pool_speaker`` (a PoolSpeaker the organiser
    sees, checked by the form's scoped choices) and/or kind/name/bio; ``add_to_pool`` (with
    ``consent``) puts a typed speaker into the session region's pool."""
    event.speakers.all().delete()
    rows = []
    for position, item in enumerate(speakers):
        entry: PoolSpeaker | None = item.get("pool_speaker")
        name = (item.get("name") or "").strip() or (entry.display_name if entry else "")
        if not name:
            continue
        kind = item.get("kind") or (entry.kind if entry else SpeakerKind.OTHER)
        bio = item.get("bio") or (entry.story if entry else "")
        if entry is None and item.get("add_to_pool") and by is not None:
            entry = pool_speaker_create(
                by=by, region=event.region_id, kind=kind, name=name, story=bio, consent=bool(item.get("consent"))
            )
        rows.append(Speaker(event=event, kind=kind, name=name, bio=bio, position=position, pool_speaker=entry))
    Speaker.objects.bulk_create(rows)


def contact_person_choices(user: AuthUser) -> Any:
    """The contact persons a pool speaker of ``user``'s regions may be."""
    return ContactPerson.objects.editable_by(user).filter(erased_at__isnull=True).select_related("employer")
