"""What is due: the beat tick asks the database, every minute, which messages should exist by now.

Due times are computed from the event's *current* start, in Europe/Amsterdam wall-clock time
(a reminder at 10:00 is at 10:00 local on both sides of a DST change), and each message's
audience is chosen when it is queued, not when the event was planned: someone who said no by
then gets no reminder. The idempotency keys make a second tick (or a rerun) queue nothing new.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from crm.models import AuditEntry
from outreach import mail, outbox
from outreach.models import EmailKind, Event, EventState, OutboundEmail, Rsvp

logger = logging.getLogger(__name__)

# How long after its due time a message may still go out (a tick that was down for a while
# catches up; a message that would arrive absurdly late is not sent at all).
REMINDER_7D_LATEST_BEFORE_START = timedelta(days=2)
FOLLOWUP_WINDOW = timedelta(days=3)


def local_moment(day: date, hour: int | None = None) -> datetime:
    """``day`` at the send hour in Europe/Amsterdam, as an aware datetime."""
    at = time(hour=settings.OUTREACH_SEND_HOUR if hour is None else hour)
    return timezone.make_aware(datetime.combine(day, at), timezone.get_default_timezone())


def local_date(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def reminder_7d_due(event: Event) -> datetime:
    return local_moment(local_date(event.starts_at) - timedelta(days=7))


def reminder_1d_due(event: Event) -> datetime:
    return local_moment(local_date(event.starts_at) - timedelta(days=1))


def followup_due(event: Event) -> datetime:
    return local_moment(local_date(event.ends_at) + timedelta(days=1))


def reachable(invitations: QuerySet) -> QuerySet:
    """Invitations whose person may get outreach mail at all."""
    return invitations.exclude(contact_person__email="").filter(
        contact_person__opted_out_at__isnull=True, contact_person__employer__do_not_contact=False
    )


def audience_reminder_7d(event: Event) -> QuerySet:
    """Those who have not answered, and were invited before the reminder was due."""
    return reachable(event.invitations.filter(rsvp=Rsvp.NONE, walk_in=False, created_at__lt=reminder_7d_due(event)))


def audience_reminder_1d(event: Event) -> QuerySet:
    return reachable(event.invitations.confirmed())


def audience_thanks(event: Event) -> QuerySet:
    return reachable(event.invitations.filter(attended=True))


def audience_missed(event: Event) -> QuerySet:
    """Said yes, had a seat, did not come; only when check-in was done (someone marked attended)."""
    if not event.invitations.filter(attended=True).exists():
        return event.invitations.none()
    return reachable(event.invitations.confirmed().filter(walk_in=False).exclude(attended=True))


def queue_for(event: Event, kind: str, audience: QuerySet, *, ics_method: str | None = None) -> int:
    """Outbox rows of ``kind`` for ``audience`` that do not exist yet; delivered after commit."""
    prefix = f"{kind}:{event.pk}:"
    done = set(OutboundEmail.objects.filter(event=event, kind=kind).values_list("idempotency_key", flat=True))
    invitations = [
        inv
        for inv in audience.select_related("contact_person", "event").order_by("pk")
        if f"{prefix}{inv.contact_person_id}" not in done
    ]
    if not invitations:
        return 0
    context = mail.event_context(event)
    answered = mail.personal_answers(inv.pk for inv in invitations) if ics_method else {}
    rows = [
        mail.invitation_row(
            inv,
            kind,
            prefix + str(inv.contact_person_id),
            event_context_=context,
            ics_method=ics_method,
            answered=answered.get(inv.pk, 0),
        )
        for inv in invitations
    ]
    with transaction.atomic():
        return len(outbox.store(rows))


def _before_start(event: Event, now: datetime) -> dict[str, int]:
    counts: dict[str, int] = {}
    if reminder_7d_due(event) <= now < event.starts_at - REMINDER_7D_LATEST_BEFORE_START:
        counts[EmailKind.REMINDER_7D] = queue_for(event, EmailKind.REMINDER_7D, audience_reminder_7d(event))
    if reminder_1d_due(event) <= now < event.starts_at:
        counts[EmailKind.REMINDER_1D] = queue_for(
            event, EmailKind.REMINDER_1D, audience_reminder_1d(event), ics_method="PUBLISH"
        )
    return counts


def _after_end(event: Event, now: datetime) -> dict[str, int]:
    due = followup_due(event)
    if not due <= now < due + FOLLOWUP_WINDOW:
        return {}
    return {
        EmailKind.FOLLOWUP_THANKS: queue_for(event, EmailKind.FOLLOWUP_THANKS, audience_thanks(event)),
        EmailKind.FOLLOWUP_MISSED: queue_for(event, EmailKind.FOLLOWUP_MISSED, audience_missed(event)),
    }


def mark_held(now: datetime) -> int:
    """A published session whose end has passed has been held."""
    ended = list(Event.objects.filter(state=EventState.PUBLISHED, ends_at__lte=now))
    for event in ended:
        with transaction.atomic():
            if Event.objects.filter(pk=event.pk, state=EventState.PUBLISHED).update(state=EventState.HELD):
                AuditEntry.record("outreach.event.held", target=event, data={"by": "tick"})
    return len(ended)


def plan_due(now: datetime | None = None) -> dict[str, int]:
    """Queue every message that is due by ``now`` and does not exist yet; returns counts."""
    now = now or timezone.now()
    totals: dict[str, int] = {"held": mark_held(now)}
    upcoming = Event.objects.filter(
        state=EventState.PUBLISHED, starts_at__gt=now, starts_at__lte=now + timedelta(days=8)
    )
    past = Event.objects.filter(
        Q(state=EventState.HELD), ends_at__lte=now, ends_at__gte=now - timedelta(days=2) - FOLLOWUP_WINDOW
    )
    for event in upcoming:
        for kind, count in _before_start(event, now).items():
            totals[kind] = totals.get(kind, 0) + count
    for event in past:
        for kind, count in _after_end(event, now).items():
            totals[kind] = totals.get(kind, 0) + count
    return totals
