"""Every write of the outreach app: sessions, invitations, answers, attendance, and the outbox.

Services own their transaction; mail is only ever an ``OutboundEmail`` row created in that
transaction, and delivery is enqueued after commit (``outreach.mail.store``). Views and the API
call these and turn ``ValidationError`` (field-keyed) into form or JSON errors.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crm.models import AuditEntry, Membership, Role
from crm.scoping import NETWORK_READ, has_role, may_write_region
from employers.contacts.selectors import local_today
from employers.contacts.services import contact_log, contact_withdraw
from employers.models import Channel, ContactPerson, Purpose
from employers.services import contact_person_mail_preferences
from outreach import mail, tokens
from outreach.models import (
    EmailKind,
    Event,
    EventState,
    Invitation,
    InvitationRound,
    OutboundEmail,
    RoundState,
    Rsvp,
    Speaker,
)

if TYPE_CHECKING:
    from crm.types import AuthUser

logger = logging.getLogger(__name__)

MAX_PEOPLE_PER_ANSWER = 10
FOLLOW_UP_AFTER_DAYS = 7

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
    "owner",
)
# A change to one of these is news for everyone who said yes (update mail, SEQUENCE + 1).
ATTENDEE_FIELDS = frozenset({"starts_at", "ends_at", "venue_name", "venue_address", "online_url"})


@dataclass(frozen=True)
class AudienceFilters:
    """Who to invite. Empty lists mean "no restriction" on that axis; at least one axis or
    ``persons`` must be given. ``persons`` adds hand-picked contact persons."""

    regions: list[str] = field(default_factory=list)
    stages: list[str] = field(default_factory=list)
    sbi_sections: list[str] = field(default_factory=list)
    # Attended (or was invited to) any of these earlier sessions.
    attended_events: list[int] = field(default_factory=list)
    invited_events: list[int] = field(default_factory=list)
    persons: list[int] = field(default_factory=list)

    @property
    def has_criteria(self) -> bool:
        return bool(self.regions or self.stages or self.sbi_sections or self.attended_events or self.invited_events)


class ExclusionReason:
    OPTED_OUT = "opted_out"
    DO_NOT_CONTACT = "do_not_contact"
    NO_EMAIL = "no_email"
    ALREADY_INVITED = "already_invited"

    LABELS = {
        "opted_out": gettext_lazy("Opted out of mail"),
        "do_not_contact": gettext_lazy("Employer is do-not-contact"),
        "no_email": gettext_lazy("No e-mail address"),
        "already_invited": gettext_lazy("Already invited"),
    }


@dataclass
class AudiencePreview:
    """``included``: ContactPerson queryset that would be invited; ``excluded``: a list of
    ``(contact_person, reason)`` with ``reason`` one of ``ExclusionReason``."""

    included: QuerySet
    excluded: list[tuple[ContactPerson, str]]

    @property
    def count(self) -> int:
        return self.included.count()


# --- Checks -----------------------------------------------------------------------------


def _check_writer(event_region_id: str, by: AuthUser) -> None:
    if not may_write_region(by, event_region_id):
        raise PermissionDenied(_("Only the advisers and coordinators of the session's region can do this."))


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


def _set_speakers(event: Event, speakers: list[dict]) -> None:
    event.speakers.all().delete()
    Speaker.objects.bulk_create(
        [
            Speaker(event=event, kind=s.get("kind") or "other", name=s["name"], bio=s.get("bio", ""), position=i)
            for i, s in enumerate(speakers)
            if s.get("name")
        ]
    )


# --- Sessions ---------------------------------------------------------------------------


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
    _check_writer(region_id, by)
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
        _set_speakers(event, speakers)
    AuditEntry.record("outreach.event.created", target=event, actor=by, data={"region": region_id})
    return event


def _yes_sayers(event: Event) -> QuerySet:
    """Said yes (with a seat or on the waitlist), with an address to write to."""
    return event.invitations.filter(rsvp=Rsvp.YES).exclude(contact_person__email="")


def _queue_to_invitations(event: Event, kind: str, key_of: Any, invitations: QuerySet, ics_method: str) -> int:
    context = mail.event_context(event)
    rows = [
        mail.invitation_row(inv, kind, key_of(inv), event_context_=context, ics_method=ics_method)
        for inv in invitations.select_related("contact_person", "event")
    ]
    return len(mail.store(rows))


@transaction.atomic
def event_update(*, event: Event, by: AuthUser, speakers: list[dict] | None = None, **changes: Any) -> Event:
    """Change a session. When a published session's time or place changes, SEQUENCE goes up
    and everyone who said yes gets an update mail (same calendar UID, key
    ``event-update:<event>:<seq>:<person>``). Cancelled or held sessions cannot be edited.
    More capacity offers the freed seats to the waitlist."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    _check_writer(event.region_id, by)
    if event.state in (EventState.CANCELLED, EventState.HELD):
        raise ValidationError(_("A cancelled or held session cannot be changed."))
    unknown = set(changes) - set(EVENT_FIELDS)
    if unknown:
        raise TypeError(f"event_update does not change {sorted(unknown)}")
    changed = {name for name, value in changes.items() if getattr(event, name) != value}
    for name in changed:
        setattr(event, name, changes[name])
    _check_times(event.starts_at, event.ends_at)
    if event.state == EventState.DRAFT and changed & {"title", "starts_at"}:
        # Links are only handed out once published: a draft's address may still follow its title.
        event.slug = unique_slug(event.title, event.starts_at, exclude_pk=event.pk)
    news = event.state == EventState.PUBLISHED and bool(changed & ATTENDEE_FIELDS)
    if news:
        event.ics_sequence += 1
    if event.state == EventState.PUBLISHED:
        _check_place(event)
    event.full_clean()
    event.save()
    if speakers is not None:
        _set_speakers(event, speakers)
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
        _promote_waitlist(event)
    return event


def _awvn_advisers() -> QuerySet:
    users = Membership.objects.filter(role=Role.AWVN).values("user_id")
    return get_user_model().objects.filter(pk__in=users, is_active=True).exclude(email="").order_by("pk")


def _request_awvn(event: Event, by: AuthUser) -> None:
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
    mail.store(rows)
    if event.awvn_requested_at is None:
        event.awvn_requested_at = timezone.now()
        event.save(update_fields=["awvn_requested_at", "updated_at"])
        AuditEntry.record("outreach.event.awvn_requested", target=event, actor=by)


@transaction.atomic
def event_publish(*, event: Event, by: AuthUser, register_with_awvn: bool = False) -> Event:
    """Draft → published. With ``register_with_awvn`` every AWVN adviser gets the session with
    a calendar file (``awvn-registration:<event>:<user>``) and ``awvn_requested_at`` is set."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    _check_writer(event.region_id, by)
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
        _request_awvn(event, by)
    return event


@transaction.atomic
def event_register_awvn(*, event: Event, by: AuthUser) -> Event:
    """Ask AWVN to register an already published session (same mail as at publish; once)."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    _check_writer(event.region_id, by)
    if event.state != EventState.PUBLISHED:
        raise ValidationError(_("Only a published session can be registered with AWVN."))
    _request_awvn(event, by)
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


@transaction.atomic
def event_cancel(*, event: Event, by: AuthUser, reason: str = "") -> Event:
    """Draft/published → cancelled; everyone who said yes (seat or waitlist) gets a
    cancellation with the calendar file (METHOD:CANCEL, same UID, SEQUENCE + 1)."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    _check_writer(event.region_id, by)
    if event.state not in (EventState.DRAFT, EventState.PUBLISHED):
        raise ValidationError(_("Only a draft or published session can be cancelled."))
    was_published = event.state == EventState.PUBLISHED
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
    _check_writer(event.region_id, by)
    if Event.objects.filter(pk=event.pk, state=EventState.PUBLISHED).update(state=EventState.HELD):
        AuditEntry.record("outreach.event.held", target=event, actor=by)
    event.refresh_from_db()
    return event


# --- Audience and invitations -------------------------------------------------------------


def _candidates(event: Event, by: AuthUser, filters: AudienceFilters) -> QuerySet:
    """Contact persons in the user's regions matching the filters, or hand-picked."""
    base = ContactPerson.objects.invitable_by(by)
    match = Q(pk__in=[])
    if filters.has_criteria:
        match = Q()
        if filters.regions:
            match &= Q(employer__region__in=filters.regions)
        if filters.stages:
            match &= Q(employer__stage__in=filters.stages)
        if filters.sbi_sections:
            match &= Q(employer__sbi_section__in=filters.sbi_sections)
        if filters.attended_events:
            match &= Q(
                Exists(
                    Invitation.objects.filter(
                        contact_person=OuterRef("pk"), event__in=filters.attended_events, attended=True
                    )
                )
            )
        if filters.invited_events:
            match &= Q(
                Exists(Invitation.objects.filter(contact_person=OuterRef("pk"), event__in=filters.invited_events))
            )
    if filters.persons:
        match |= Q(pk__in=filters.persons)
    return base.filter(match)


def audience_preview(*, event: Event, by: AuthUser, filters: AudienceFilters) -> AudiencePreview:
    """Who would be invited, and who is left out and why (opted out, do-not-contact employer,
    no e-mail address, already invited). Scoped to the user's regions. Sends nothing."""
    candidates = _candidates(event, by, filters).annotate(
        already=Exists(Invitation.objects.filter(event=event, contact_person=OuterRef("pk")))
    )
    ok = Q(opted_out_at__isnull=True, employer__do_not_contact=False, already=False) & ~Q(email="")
    included = candidates.filter(ok).select_related("employer").order_by("employer__legal_name", "name", "pk")
    excluded: list[tuple[ContactPerson, str]] = []
    for person in candidates.exclude(ok).select_related("employer").order_by("employer__legal_name", "name", "pk"):
        if person.already:
            reason = ExclusionReason.ALREADY_INVITED
        elif person.opted_out_at is not None:
            reason = ExclusionReason.OPTED_OUT
        elif person.employer.do_not_contact:
            reason = ExclusionReason.DO_NOT_CONTACT
        else:
            reason = ExclusionReason.NO_EMAIL
        excluded.append((person, reason))
    return AudiencePreview(included=included, excluded=excluded)


def invite(*, event: Event, by: AuthUser, persons: Iterable[ContactPerson | int]) -> list[Invitation]:
    """Create invitations and their ``invite:<event>:<person>`` outbox rows in one transaction
    (persons already invited, opted out, do-not-contact or without e-mail are skipped), then
    deliver after commit. Only for a published session. Running it twice sends nothing new."""
    _check_writer(event.region_id, by)
    ids = [getattr(p, "pk", p) for p in persons]
    _check_in_scope(by, ids)
    return _invite(event, by, ids)


def _check_in_scope(by: AuthUser, ids: list[int]) -> None:
    allowed = ContactPerson.objects.invitable_by(by).filter(pk__in=ids).values_list("pk", flat=True)
    if len(set(allowed)) != len(set(ids)):
        raise ValidationError({"persons": _("Some of these people are outside your regions.")})


@transaction.atomic
def _invite(event: Event, by: AuthUser, ids: list[int]) -> list[Invitation]:
    # The state is checked on the row as it is now (under its lock), not on the caller's copy.
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.state != EventState.PUBLISHED or event.has_started():
        raise ValidationError(_("Invitations go out for a published session that has not started."))
    reachable = (
        ContactPerson.objects.filter(pk__in=ids, opted_out_at__isnull=True, employer__do_not_contact=False)
        .exclude(email="")
        .exclude(invitations__event=event)
        .values_list("pk", flat=True)
    )
    fresh = [Invitation(event=event, contact_person_id=pk, invited_by=by) for pk in reachable]
    Invitation.objects.bulk_create(fresh, ignore_conflicts=True, batch_size=1000)
    created = list(
        event.invitations.filter(contact_person__in=[i.contact_person_id for i in fresh])
        .exclude(Exists(OutboundEmail.objects.filter(invitation=OuterRef("pk"), kind=EmailKind.INVITE)))
        .select_related("contact_person", "event")
    )
    context = mail.event_context(event)
    rows = [
        mail.invitation_row(inv, EmailKind.INVITE, f"invite:{event.pk}:{inv.contact_person_id}", event_context_=context)
        for inv in created
    ]
    mail.store(rows)
    AuditEntry.record("outreach.event.invited", target=event, actor=by, data={"count": len(created)})
    return created


def invite_in_background(*, event: Event, by: AuthUser, persons: Iterable[ContactPerson | int]) -> InvitationRound:
    """``invite`` off the request, for audiences too large for one (rendering each personal
    message takes a few milliseconds). The round is a row written in this transaction, so it
    cannot be lost with a task: the task is enqueued after commit, and when the broker is away
    (or the worker dies mid-round) the beat tick starts it later. Checks what it can now."""
    _check_writer(event.region_id, by)
    ids = list(dict.fromkeys(getattr(p, "pk", p) for p in persons))
    _check_in_scope(by, ids)
    with transaction.atomic():
        round_ = InvitationRound.objects.create(event=event, created_by=by, person_ids=ids, total=len(ids))
        AuditEntry.record("outreach.event.invite_round", target=event, actor=by, data={"count": len(ids)})
        transaction.on_commit(partial(enqueue_round, round_.pk))
    return round_


def enqueue_round(round_id: int) -> None:
    """Hand the round to a worker; with the broker away, log it and leave it to the tick."""
    from outreach.tasks import run_invitation_round

    try:
        run_invitation_round.apply_async(args=[round_id], retry=False)
    except Exception as error:  # noqa: BLE001 - any broker error: the round row is committed, the tick runs it
        logger.warning("invitation round %s not enqueued (%s); the beat tick will start it", round_id, error)


ROUND_CHUNK = 200  # invitations per committed step of a round
ROUND_SLICE_SECONDS = 60  # a round task works this long, then re-enqueues itself (visibility timeout)


def _round_grace() -> timedelta:
    return timedelta(seconds=max(settings.OUTREACH_SWEEP_GRACE_SECONDS, 1))


ROUND_MAX_ATTEMPTS = 20  # a round that keeps dying (not just slow) stops, visibly, instead of looping


def _claim_round(round_id: int) -> bool:
    """Take the round if nobody works on it: new, or running but untouched for the grace period."""
    now = timezone.now()
    stalled = Q(state=RoundState.RUNNING, updated_at__lt=now - _round_grace())
    free = InvitationRound.objects.filter(Q(state=RoundState.PENDING) | stalled, pk=round_id)
    if free.filter(attempts__gte=ROUND_MAX_ATTEMPTS).update(
        state=RoundState.FAILED, finished_at=now, last_error=_("This round stopped too often; start it again.")
    ):
        return False
    return bool(free.update(state=RoundState.RUNNING, updated_at=now, attempts=F("attempts") + 1))


def invitation_round_run(*, round_id: int) -> str:
    """Work through a round from its committed progress: each chunk's invitations and the
    progress commit together, and the invitation keys make a chunk run twice harmless."""
    if not _claim_round(round_id):
        return "busy-or-finished"
    round_ = InvitationRound.objects.select_related("event", "created_by").get(pk=round_id)
    by = round_.created_by
    deadline = timezone.now() + timedelta(seconds=ROUND_SLICE_SECONDS)
    while round_.done < round_.total:
        if timezone.now() > deadline:
            # Progress was made: this slice does not count against the round's attempts.
            InvitationRound.objects.filter(pk=round_id).update(state=RoundState.PENDING, attempts=0)
            transaction.on_commit(partial(enqueue_round, round_id))
            return "continues"
        chunk = round_.person_ids[round_.done : round_.done + ROUND_CHUNK]
        try:
            with transaction.atomic():
                if by is None or not by.is_active:
                    raise ValidationError(_("The person who started this round can no longer invite."))
                created = invite(event=round_.event, by=by, persons=chunk)
                round_.done += len(chunk)
                round_.invited += len(created)
                InvitationRound.objects.filter(pk=round_id).update(
                    done=round_.done, invited=F("invited") + len(created), updated_at=timezone.now()
                )
        except (ValidationError, PermissionDenied) as error:
            message = " ".join(getattr(error, "messages", [str(error)]))
            InvitationRound.objects.filter(pk=round_id).update(
                state=RoundState.FAILED, last_error=message[:500], finished_at=timezone.now()
            )
            return "failed"
    InvitationRound.objects.filter(pk=round_id).update(state=RoundState.DONE, finished_at=timezone.now())
    return "done"


def stalled_rounds() -> list[int]:
    """Rounds the tick should (re)start: waiting or running, untouched for the grace period."""
    since = timezone.now() - _round_grace()
    return list(
        InvitationRound.objects.filter(state__in=[RoundState.PENDING, RoundState.RUNNING], updated_at__lt=since)
        .order_by("pk")
        .values_list("pk", flat=True)[:100]
    )


def invite_audience(*, event: Event, by: AuthUser, filters: AudienceFilters) -> list[Invitation]:
    """``invite`` the ``included`` part of ``audience_preview``."""
    preview = audience_preview(event=event, by=by, filters=filters)
    return invite(event=event, by=by, persons=list(preview.included.values_list("pk", flat=True)))


# --- Answers (public RSVP page) ------------------------------------------------------------


def invitation_for_token(token: str, purpose: str = "rsvp") -> Invitation | None:
    """The invitation behind a signed link of that purpose ("rsvp" or "unsubscribe"), or None
    when the link is tampered with, of another purpose, or no longer exists."""
    raw = tokens.unsign(token, purpose)
    if raw is None:
        return None
    return Invitation.objects.select_related("event__region", "contact_person__employer").filter(token=raw).first()


def seats_taken(event: Event, exclude: Invitation | None = None) -> int:
    taken = event.invitations.confirmed()
    if exclude is not None:
        taken = taken.exclude(pk=exclude.pk)
    return taken.aggregate(n=Sum("people_count"))["n"] or 0


def seats_free(event: Event, exclude: Invitation | None = None) -> int | None:
    """None when there is no limit."""
    if event.capacity is None:
        return None
    return max(event.capacity - seats_taken(event, exclude), 0)


def _fits(event: Event, invitation: Invitation) -> bool:
    free = seats_free(event, exclude=invitation)
    return free is None or invitation.people_count <= free


def _next_key(kind: str, invitation: Invitation) -> str:
    """Answers and offers can repeat: number them per invitation (under the invitation's lock)."""
    n = OutboundEmail.objects.filter(invitation=invitation, kind=kind).count() + 1
    return f"{kind}:{invitation.event_id}:{invitation.contact_person_id}:{n}"


def _check_answer(rsvp: str, people_count: int, names: str, access_needs: str) -> None:
    if rsvp not in (Rsvp.YES, Rsvp.NO, Rsvp.MAYBE):
        raise ValidationError({"rsvp": _("Choose yes, no or maybe.")})
    if not 1 <= people_count <= MAX_PEOPLE_PER_ANSWER:
        raise ValidationError(
            {"people_count": _("Between 1 and %(max)d people, please.") % {"max": MAX_PEOPLE_PER_ANSWER}}
        )
    if len(names) > 2000 or len(access_needs) > 2000:
        raise ValidationError({"names": _("That is too long; please keep it shorter.")})


@transaction.atomic
def rsvp_answer(
    *,
    invitation: Invitation,
    rsvp: str,
    people_count: int = 1,
    names: str = "",
    access_needs: str = "",
) -> Invitation:
    """Answer or change the answer until the session starts. Locks the event row: a yes takes
    a seat when there is room, else a waitlist place; leaving a seat offers it to the first on
    the waitlist (``waitlist-seat`` mail). Sends a transactional confirmation each time."""
    _check_answer(rsvp, people_count, names, access_needs)
    # The event row is the lock every seat decision of this session queues behind.
    event = Event.objects.select_for_update().get(pk=invitation.event_id)
    inv = Invitation.objects.select_for_update().select_related("contact_person").get(pk=invitation.pk)
    inv.event = event
    if event.state != EventState.PUBLISHED or event.has_started():
        raise ValidationError(_("Answers can no longer be changed for this session."))
    had_seat, old_count = inv.is_confirmed, inv.people_count
    inv.rsvp, inv.people_count = rsvp, people_count
    inv.names, inv.access_needs = names.strip(), access_needs.strip()
    inv.answered_at = timezone.now()
    if rsvp != Rsvp.YES:
        inv.waitlist_position = None
    elif had_seat and people_count > old_count and not _fits(event, inv):
        free = seats_free(event, exclude=inv) or 0
        raise ValidationError({"people_count": _("There are only %(n)d seats for your party.") % {"n": free}})
    elif not had_seat and inv.waitlist_position is None and not _fits(event, inv):
        last = event.invitations.waitlisted().order_by("-waitlist_position").values_list("waitlist_position", flat=True)
        inv.waitlist_position = (last.first() or 0) + 1
    inv.save()
    AuditEntry.record(
        "outreach.invitation.answered",
        target=inv,
        data={"rsvp": rsvp, "people": people_count, "waitlist": inv.waitlist_position},
    )
    confirmation = mail.invitation_row(
        inv,
        EmailKind.RSVP_CONFIRM,
        _next_key(EmailKind.RSVP_CONFIRM, inv),
        ics_method="PUBLISH" if inv.is_confirmed else None,
    )
    mail.store([confirmation])
    if had_seat and (not inv.is_confirmed or people_count < old_count):
        _promote_waitlist(event)
    return inv


def _promote_waitlist(event: Event) -> list[Invitation]:
    """Give free seats to the waitlist in order, and tell each promoted person (call with the
    event row locked). Strict order: someone further down never jumps a larger party."""
    promoted: list[Invitation] = []
    for inv in event.invitations.waitlisted().select_for_update().select_related("contact_person"):
        if not _fits(event, inv):
            break
        inv.waitlist_position = None
        inv.seat_offered_at = timezone.now()
        inv.save(update_fields=["waitlist_position", "seat_offered_at", "updated_at"])
        inv.event = event
        AuditEntry.record("outreach.invitation.promoted", target=inv, data={"event": event.pk})
        promoted.append(inv)
        if inv.contact_person.email:
            mail.store([mail.invitation_row(inv, EmailKind.WAITLIST_SEAT, _next_key(EmailKind.WAITLIST_SEAT, inv))])
    return promoted


@transaction.atomic
def unsubscribe(*, invitation: Invitation, source: str = "link") -> bool:
    """Opt the contact person out of all outreach mail (idempotent; RFC 8058 one-click too).
    Returns whether this call changed anything."""
    # employers owns the contact person's row: its service writes the opt-out.
    person, changed = contact_person_mail_preferences(
        contact_person=invitation.contact_person_id, subscribed=False, source=f"unsubscribe ({source})"
    )
    if changed:
        AuditEntry.record("outreach.person.unsubscribed", target=person, data={"source": source})
    invitation.contact_person = person
    return changed


@transaction.atomic
def preferences_update(*, invitation: Invitation, subscribed: bool, language: str) -> ContactPerson:
    """The preferences page: mail or no mail, and in which language."""
    person, changed = contact_person_mail_preferences(
        contact_person=invitation.contact_person_id, subscribed=subscribed, source="preferences page", language=language
    )
    if changed and subscribed:
        AuditEntry.record("outreach.person.resubscribed", target=person)
    elif changed:
        AuditEntry.record("outreach.person.unsubscribed", target=person, data={"source": "preferences"})
    return person


@transaction.atomic
def request_fresh_link(*, email: str) -> int:
    """Mail a person their personal links for sessions that have not started (at most once an
    hour per invitation); returns how many were queued. The page never says which."""
    email = (email or "").strip()
    if not email or "@" not in email:
        return 0
    hour = timezone.now().strftime("%Y%m%d%H")
    invitations = Invitation.objects.filter(
        contact_person__email__iexact=email, event__state=EventState.PUBLISHED, event__starts_at__gt=timezone.now()
    ).select_related("contact_person", "event")
    rows = [
        mail.invitation_row(inv, EmailKind.FRESH_LINK, f"fresh-link:{inv.pk}:{hour}", ics_method=None)
        for inv in invitations
    ]
    return len(mail.store(rows))


# --- The day itself ---------------------------------------------------------------------


def _follow_up_owner(employer: Any, by: AuthUser) -> Any:
    """The employer's owning adviser when they still work in its region, else whoever checked in."""
    owner = employer.owner
    if (
        owner is not None
        and Membership.objects.filter(user=owner, region_id=employer.region_id, role__in=NETWORK_READ).exists()
    ):
        return owner
    return by


@transaction.atomic
def attendance_mark(*, invitation: Invitation, by: AuthUser, attended: bool) -> Invitation:
    """Check-in. Attended: a Contact (channel event, purpose event) on the employer's timeline
    and a follow-up for the employer's owning adviser (or ``by``). Unmarking removes that
    contact and its open follow-up. Idempotent."""
    inv = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("event", "contact_person__employer")
        .get(pk=invitation.pk)
    )
    event = inv.event
    _check_writer(event.region_id, by)
    if event.state not in (EventState.PUBLISHED, EventState.HELD):
        raise ValidationError(_("Attendance is taken for a published or held session."))
    if bool(inv.attended) == attended and inv.attended is not None:
        return inv
    inv.attended, inv.attended_marked_at, inv.attended_marked_by = attended, timezone.now(), by
    if attended and inv.attendance_contact_id is None:
        inv.attendance_contact = _log_attendance(inv, by)
    elif not attended and inv.attendance_contact_id is not None:
        contact = inv.attendance_contact
        inv.attendance_contact = None
        inv.save()  # first: the invitation no longer points at the contact being withdrawn
        # employers owns the contact log: its service removes the contact and its open
        # follow-up and refreshes Employer.last_contact_at (matching's warmth, "going cold").
        contact_withdraw(contact=contact, by=by, reason="attendance unmarked")
    inv.save()
    AuditEntry.record("outreach.invitation.attendance", target=inv, actor=by, data={"attended": attended})
    return inv


def _log_attendance(inv: Invitation, by: AuthUser) -> Any:
    event, person = inv.event, inv.contact_person
    employer = person.employer
    return contact_log(
        employer=employer,
        by=by,
        channel=Channel.EVENT,
        purpose=Purpose.EVENT,
        summary=_("Attended the knowledge session “%(title)s”.") % {"title": event.title},
        when=min(event.starts_at, timezone.now()),
        contact_person=person,
        event_in_person=not event.is_online,
        follow_up_on=local_today() + timedelta(days=FOLLOW_UP_AFTER_DAYS),
        follow_up_owner=_follow_up_owner(employer, by),
        follow_up_note=(_("Follow up on the knowledge session “%(title)s”.") % {"title": event.title})[:300],
    )


@transaction.atomic
def walk_in_add(*, event: Event, by: AuthUser, contact_person: ContactPerson) -> Invitation:
    """Someone who came without an invitation: an attended walk-in invitation (no mail)."""
    _check_writer(event.region_id, by)
    if not ContactPerson.objects.visible_to(by).filter(pk=contact_person.pk).exists():
        raise ValidationError({"contact_person": _("This person is outside your regions.")})
    inv, created = Invitation.objects.get_or_create(
        event=event,
        contact_person=contact_person,
        defaults={"walk_in": True, "rsvp": Rsvp.YES, "answered_at": timezone.now(), "invited_by": by},
    )
    if created:
        AuditEntry.record("outreach.invitation.walk_in", target=inv, actor=by)
    return attendance_mark(invitation=inv, by=by, attended=True)
