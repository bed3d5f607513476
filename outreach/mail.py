"""Building outbox rows: render in the recipient's language, links, calendar files, headers.

A row is the whole message (subject, text, HTML, headers, calendar file, Message-ID), so a
delivery task never renders anything and a retried message is byte-for-byte the same.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from datetime import datetime
from email.utils import parseaddr
from typing import TYPE_CHECKING, Any

import icalendar
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from crm.emails import QueuedMessage, Rendered, header_safe
from crm.emails import render as render_triple
from outreach import tokens
from outreach.models import TRANSACTIONAL_KINDS, EmailState, Event, Invitation, OutboundEmail

if TYPE_CHECKING:
    from crm.types import AuthUser

logger = logging.getLogger(__name__)

ENQUEUE_CHUNK = 100  # ids per delivery task: one SMTP connection serves a chunk


def site_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _mail_domain() -> str:
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return address.rpartition("@")[2] or "wsp-crm.local"


def new_message_id() -> str:
    return f"<outreach.{uuid.uuid4().hex}@{_mail_domain()}>"


# --- Calendar files ---------------------------------------------------------------------


def event_vevent(event: Event, *, cancelled: bool = False, url: str = "") -> icalendar.Event:
    vevent = icalendar.Event()
    vevent.add("uid", event.ics_uid)
    vevent.add("sequence", event.ics_sequence)
    vevent.add("dtstamp", timezone.now())
    vevent.add("dtstart", event.starts_at)
    vevent.add("dtend", event.ends_at)
    vevent.add("summary", event.title)
    if event.description:
        vevent.add("description", event.description)
    location = ", ".join(x for x in (event.venue_name, event.venue_address) if x) or event.online_url
    if location:
        vevent.add("location", location)
    vevent.add("url", url or site_url(reverse("outreach:public-event", args=[event.slug])))
    vevent.add("status", "CANCELLED" if cancelled or event.state == "cancelled" else "CONFIRMED")
    return vevent


def calendar_of(events: Iterable[Event], *, method: str = "PUBLISH", name: str = "") -> str:
    cal = icalendar.Calendar()
    cal.add("prodid", "-//WSP CRM//Kennissessies//NL")
    cal.add("version", "2.0")
    cal.add("method", method)
    if name:
        cal.add("x-wr-calname", name)
    for event in events:
        cal.add_component(event_vevent(event, cancelled=method == "CANCEL"))
    return cal.to_ical().decode()


# --- Rendering ----------------------------------------------------------------------------


def render(kind: str, context: dict[str, Any], language: str) -> Rendered:
    return render_triple(f"emails/outreach/{kind}", context, language)


def invitation_links(invitation: Invitation) -> dict[str, str]:
    rsvp = tokens.sign(invitation.token, "rsvp")
    unsubscribe = tokens.sign(invitation.token, "unsubscribe")
    return {
        "rsvp_url": site_url(reverse("outreach:rsvp", args=[rsvp])),
        "ics_url": site_url(reverse("outreach:rsvp-ics", args=[rsvp])),
        "unsubscribe_url": site_url(reverse("outreach:unsubscribe", args=[unsubscribe])),
    }


def event_context(event: Event) -> dict[str, Any]:
    return {
        "event": event,
        "event_url": site_url(reverse("outreach:public-event", args=[event.slug])),
        "starts": timezone.localtime(event.starts_at),
        "ends": timezone.localtime(event.ends_at),
        "speakers": list(event.speakers.all()),
        "site_url": settings.SITE_URL,
    }


def _cached_calendar(context: dict[str, Any], event: Event, method: str | None) -> str:
    """One calendar file per event and method for a whole fan-out (context is shared)."""
    if not method:
        return ""
    cache = context.setdefault("_calendars", {})
    if method not in cache:
        cache[method] = calendar_of([event], method=method)
    return cache[method]


def invitation_row(
    invitation: Invitation,
    kind: str,
    key: str,
    *,
    event_context_: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
    ics_method: str | None = "PUBLISH",
) -> OutboundEmail:
    """An unsaved row for ``invitation``'s contact person (``invitation.event`` and
    ``invitation.contact_person`` should be loaded)."""
    event = invitation.event
    person = invitation.contact_person
    links = invitation_links(invitation)
    shared = event_context_ if event_context_ is not None else event_context(event)
    context = {
        **shared,
        **links,
        "invitation": invitation,
        "person": person,
        "transactional": kind in TRANSACTIONAL_KINDS,
        **(extra or {}),
    }
    language = person.language or "nl"
    rendered = render(kind, context, language)
    headers: dict[str, str] = {"Auto-Submitted": "auto-generated"}
    if kind not in TRANSACTIONAL_KINDS:
        # RFC 8058: the mailbox provider POSTs "List-Unsubscribe=One-Click" to this address.
        headers["List-Unsubscribe"] = f"<{links['unsubscribe_url']}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return OutboundEmail(
        idempotency_key=key,
        kind=kind,
        to_email=person.email,
        to_name=header_safe(person.name),
        language=language,
        from_email=settings.DEFAULT_FROM_EMAIL,
        subject=rendered.subject,
        body_text=rendered.text,
        body_html=rendered.html,
        headers=headers,
        ics=_cached_calendar(shared, event, ics_method),
        ics_method=ics_method or "",
        message_id=new_message_id(),
        event=event,
        invitation=invitation,
    )


def user_row(
    user: AuthUser, kind: str, key: str, *, event: Event, context: dict[str, Any], ics_method: str = ""
) -> OutboundEmail:
    from employers.models import UserPreference

    language = UserPreference.objects.filter(user=user).values_list("language", flat=True).first() or "nl"
    rendered = render(kind, {**event_context(event), "user": user, **context}, language)
    return OutboundEmail(
        idempotency_key=key,
        kind=kind,
        to_email=user.email,
        to_name=header_safe(user.get_full_name()),
        language=language,
        from_email=settings.DEFAULT_FROM_EMAIL,
        subject=rendered.subject,
        body_text=rendered.text,
        body_html=rendered.html,
        headers={"Auto-Submitted": "auto-generated"},
        ics=calendar_of([event], method=ics_method) if ics_method else "",
        ics_method=ics_method,
        message_id=new_message_id(),
        event=event,
    )


def _wire(row: OutboundEmail) -> None:
    """Build the wire form now; a message that cannot be built is stored failed, with the
    reason, instead of breaking the whole fan-out (the other rows go out)."""
    from outreach.delivery import wire_bytes

    try:
        row.mime = wire_bytes(row)
    except Exception as error:  # noqa: BLE001 - whatever stops this one message stays on its row
        row.mime = b""
        row.state = EmailState.FAILED
        row.last_error = f"The message cannot be built: {type(error).__name__}: {error}"[:500]
        logger.warning("outbox %s cannot be built: %s", row.idempotency_key, row.last_error)


def store(rows: list[OutboundEmail]) -> list[int]:
    """Insert rows whose key is new (a key already there means that message exists: skip it)
    and have them delivered after commit. Returns the ids of the rows inserted now."""
    if not rows:
        return []
    for row in rows:
        _wire(row)
    keys = [r.idempotency_key for r in rows]
    existing = set(OutboundEmail.objects.filter(idempotency_key__in=keys).values_list("idempotency_key", flat=True))
    fresh = [r for r in rows if r.idempotency_key not in existing]
    OutboundEmail.objects.bulk_create(fresh, ignore_conflicts=True, batch_size=500)
    # ignore_conflicts gives no pks back: read them by key (a concurrent writer may have won a key).
    ids = list(
        OutboundEmail.objects.filter(
            idempotency_key__in=[r.idempotency_key for r in fresh], message_id__in=[r.message_id for r in fresh]
        ).values_list("pk", flat=True)
    )
    deliver_after_commit(ids)
    return ids


def store_message(message: QueuedMessage) -> bool:
    """``crm.emails``' outbox (registered in ``outreach.apps``): a message of another app
    (digest, warm introduction) as one row, no event. False when its key exists already."""
    row = OutboundEmail(
        idempotency_key=message.key,
        kind=message.kind,
        to_email=message.to_email,
        to_name=message.to_name,
        language=message.language,
        from_email=settings.DEFAULT_FROM_EMAIL,
        subject=message.subject[:300],
        body_text=message.text,
        body_html=message.html,
        headers=dict(message.headers),
        message_id=new_message_id(),
    )
    return bool(store([row]))


def deliver_after_commit(ids: list[int]) -> None:
    if not ids:
        return

    def enqueue() -> None:
        from outreach.tasks import deliver_emails

        for start in range(0, len(ids), ENQUEUE_CHUNK):
            deliver_emails.delay(ids[start : start + ENQUEUE_CHUNK])

    # robust: with the broker away the rows are committed all the same, and the beat tick's
    # sweep (outreach.tasks.tick) hands them to a worker once it is back.
    transaction.on_commit(enqueue, robust=True)


def local_date_time(value: datetime) -> datetime:
    return timezone.localtime(value)
