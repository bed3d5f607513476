"""A session's life: create, edit (update mail on a change of time or place), publish, postpone
(and reschedule by giving the new date), cancel, mark held. The mail each step sends is an
outbox row written in the step's transaction."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from crm.models import AuditEntry
from outreach import mail, outbox
from outreach.models import EmailKind, Event, EventState, Rsvp
from outreach.services.awvn import request_awvn
from outreach.services.rsvp import promote_waitlist
from outreach.services.scope import check_writer
from outreach.services.speakers import set_speakers

if TYPE_CHECKING:
    from crm.types import AuthUser


EVENT_FIELDS = (
    "title",
    "description",
    "starts_at",
    "ends_at",
    "venue_name",
    "venue_address",
    "online_url",
    "practical_info",
    "capacity",
    "linkedin_url",
    "next_step",
    "open_registration",
    "owner",
)
# A change to one of these is news for everyone who said yes (update mail, SEQUENCE + 1).
ATTENDEE_FIELDS = frozenset({"starts_at", "ends_at", "venue_name", "venue_address", "online_url"})


def _check_times(starts_at: datetime, ends_at: datetime) -> None:
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The session must end after it starts.")})


def _check_place(event: Event) -> None:
    if not (event.venue_address or event.online_url):
        raise ValidationError({"venue_address": _("Give a venue address or an online link.")})


def unique_slug(title: str, starts_at: datetime, exclude_pk: int | None = None) -> str:
    base = f"{slugify(title)[:90] or 'sessie'}-{timezone.localtime(starts_at):%Y-%m-%d}"
    slug, n = base, 2
    while Event.objects.filter(slug=slug).exclude(pk=exclude_pk).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def event_create(
    *,
    by: AuthUser,
    region: Any,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    speakers: list[dict] | None = None,
    **fields: Any,
) -> Event:
    """Create a draft session (readable unique slug from the title and date). ``fields``: any
    of description, venue_name, venue_address, online_url, practical_info, capacity,
    linkedin_url, next_step, owner. ``speakers``: dicts with kind/name/bio. Audited."""
    region_id = getattr(region, "pk", region)
    check_writer(region_id, by)
    unknown = set(fields) - set(EVENT_FIELDS)
    if unknown:
        raise TypeError(f"event_create does not take {sorted(unknown)}")
    _check_times(starts_at, ends_at)
    fields.setdefault("owner", by)
    event = Event(
        region_id=region_id,
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        created_by=by,
        slug=unique_slug(title, starts_at),
        **fields,
    )
    event.full_clean()
    event.save()
    if speakers:
        set_speakers(event, speakers, by)
    AuditEntry.record("outreach.event.created", target=event, actor=by, data={"region": region_id})
    return event


def _yes_sayers(event: Event) -> QuerySet:
    """Said yes (with a seat or on the waitlist), with an address to write to."""
    return event.invitations.filter(rsvp=Rsvp.YES).exclude(contact_person__email="")


def _queue_to_invitations(event: Event, kind: str, key_of: Any, invitations: QuerySet, ics_method: str) -> int:
    context = mail.event_context(event)
    chosen = list(invitations.select_related("contact_person", "event"))
    answered = mail.personal_answers(inv.pk for inv in chosen)
    rows = [
        mail.invitation_row(
            inv, kind, key_of(inv), event_context_=context, ics_method=ics_method, answered=answered.get(inv.pk, 0)
        )
        for inv in chosen
    ]
    return len(outbox.store(rows))


@transaction.atomic
def event_update(*, event: Event, by: AuthUser, speakers: list[dict] | None = None, **changes: Any) -> Event:
    """Change a session. When a published session's time or place changes, SEQUENCE goes up
    and everyone who said yes gets an update mail (same calendar UID, key
    ``event-update:<event>:<seq>:<person>``). Cancelled or held sessions cannot be edited.
    A postponed session given a new start is rescheduled: published again, with the old start
    kept as ``previous_starts_at``, and the same update mail. More capacity offers the freed
    seats to the waitlist."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    check_writer(event.region_id, by)
    if event.state in (EventState.CANCELLED, EventState.HELD):
        raise ValidationError(_("A cancelled or held session cannot be changed."))
    unknown = set(changes) - set(EVENT_FIELDS)
    if unknown:
        raise TypeError(f"event_update does not change {sorted(unknown)}")
    changed = {name for name, value in changes.items() if getattr(event, name) != value}
    rescheduled = event.state == EventState.POSTPONED and "starts_at" in changed
    if rescheduled:
        _reschedule(event, by)
    for name in changed:
        setattr(event, name, changes[name])
    _check_times(event.starts_at, event.ends_at)
    if rescheduled and event.has_started():
        raise ValidationError({"starts_at": _("Give a new start in the future.")})
    if event.state == EventState.DRAFT and changed & {"title", "starts_at"}:
        # Links are only handed out once published: a draft's address may still follow its title.
        event.slug = unique_slug(event.title, event.starts_at, exclude_pk=event.pk)
    news = event.state == EventState.PUBLISHED and bool(changed & ATTENDEE_FIELDS)
    if news:
        event.ics_sequence += 1
    if event.state in (EventState.PUBLISHED, EventState.POSTPONED):
        _check_place(event)
    event.full_clean()
    event.save()
    if speakers is not None:
        set_speakers(event, speakers, by)
    AuditEntry.record(
        "outreach.event.updated",
        target=event,
        actor=by,
        data={"changed": sorted(changed), "sequence": event.ics_sequence},
    )
    if news:
        seq = event.ics_sequence
        _queue_to_invitations(
            event,
            EmailKind.EVENT_UPDATE,
            lambda inv: f"event-update:{event.pk}:{seq}:{inv.contact_person_id}",
            _yes_sayers(event),
            "PUBLISH",
        )
    if "capacity" in changed:
        promote_waitlist(event)
    return event


@transaction.atomic
def event_publish(*, event: Event, by: AuthUser, register_with_awvn: bool = False) -> Event:
    """Draft → published. With ``register_with_awvn`` every AWVN adviser gets the session with
    a calendar file (``awvn-registration:<event>:<user>``) and ``awvn_requested_at`` is set."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    check_writer(event.region_id, by)
    if event.state not in (EventState.DRAFT, EventState.PUBLISHED):
        raise ValidationError(_("Only a draft session can be published."))
    if event.has_started():
        raise ValidationError({"starts_at": _("This session has already started.")})
    _check_place(event)
    if event.state == EventState.DRAFT:
        event.state = EventState.PUBLISHED
        event.published_at = timezone.now()
        event.save(update_fields=["state", "published_at", "updated_at"])
        AuditEntry.record("outreach.event.published", target=event, actor=by)
    if register_with_awvn:
        request_awvn(event, by)
    return event


def _reschedule(event: Event, by: AuthUser) -> None:
    """Postponed -> published again with the new date (the caller sets it and sends the update)."""
    event.previous_starts_at = event.starts_at
    event.state = EventState.PUBLISHED
    AuditEntry.record("outreach.event.rescheduled", target=event, actor=by, data={"previous": str(event.starts_at)})


@transaction.atomic
def event_postpone(*, event: Event, by: AuthUser, reason: str = "") -> Event:
    """Published -> postponed: the date no longer holds. Answers, seats and the waitlist stay;
    everyone who said yes gets a mail with the calendar file marked tentative (same UID,
    SEQUENCE + 1). The organiser later gives the new date by editing the session."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    check_writer(event.region_id, by)
    if event.state != EventState.PUBLISHED or event.has_started():
        raise ValidationError(_("Only a published session that has not started can be postponed."))
    event.state = EventState.POSTPONED
    event.postponed_at = timezone.now()
    event.postpone_reason = reason[:300]
    event.ics_sequence += 1
    event.save(update_fields=["state", "postponed_at", "postpone_reason", "ics_sequence", "updated_at"])
    AuditEntry.record("outreach.event.postponed", target=event, actor=by, data={"reason": reason[:300]})
    seq = event.ics_sequence
    _queue_to_invitations(
        event,
        EmailKind.EVENT_POSTPONE,
        lambda inv: f"event-postpone:{event.pk}:{seq}:{inv.contact_person_id}",
        _yes_sayers(event),
        "PUBLISH",
    )
    return event


@transaction.atomic
def event_cancel(*, event: Event, by: AuthUser, reason: str = "") -> Event:
    """Draft/published/postponed → cancelled; everyone who said yes (seat or waitlist) gets a
    cancellation with the calendar file (METHOD:CANCEL, same UID, SEQUENCE + 1)."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    check_writer(event.region_id, by)
    if event.state not in (EventState.DRAFT, EventState.PUBLISHED, EventState.POSTPONED):
        raise ValidationError(_("Only a draft, published or postponed session can be cancelled."))
    was_published = event.state in (EventState.PUBLISHED, EventState.POSTPONED)
    event.state = EventState.CANCELLED
    event.cancelled_at = timezone.now()
    event.cancel_reason = reason[:300]
    event.ics_sequence += 1
    event.save(update_fields=["state", "cancelled_at", "cancel_reason", "ics_sequence", "updated_at"])
    AuditEntry.record("outreach.event.cancelled", target=event, actor=by, data={"reason": reason})
    if was_published:
        _queue_to_invitations(
            event,
            EmailKind.EVENT_CANCEL,
            lambda inv: f"event-cancel:{event.pk}:{inv.contact_person_id}",
            _yes_sayers(event),
            "CANCEL",
        )
    return event


@transaction.atomic
def event_mark_held(*, event: Event, by: AuthUser) -> Event:
    """Published → held (the beat tick also does this once the session has ended)."""
    check_writer(event.region_id, by)
    if Event.objects.filter(pk=event.pk, state=EventState.PUBLISHED).update(state=EventState.HELD):
        AuditEntry.record("outreach.event.held", target=event, actor=by)
    event.refresh_from_db()
    return event
