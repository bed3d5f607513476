"""Building outbox rows: render in the recipient's language, links, calendar files, headers.

A row is the whole message (subject, text, HTML, headers, calendar file, Message-ID), so a
delivery task never renders anything and a retried message is byte-for-byte the same. The rows
built here are unsaved: ``outreach.outbox.store`` writes them and has them delivered.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from email.utils import parseaddr
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import icalendar
from django.conf import settings
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.emails import Rendered, header_safe
from crm.emails import render as render_triple
from crm.senders import mailbox, region_sender
from employers import colleague as referral
from outreach import tokens
from outreach.models import TRANSACTIONAL_KINDS, EmailKind, Event, Invitation, OutboundEmail

if TYPE_CHECKING:
    from crm.types import AuthUser

logger = logging.getLogger(__name__)


def site_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _mail_domain() -> str:
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return address.rpartition("@")[2] or "wsp-crm.local"


def new_message_id() -> str:
    return f"<outreach.{uuid.uuid4().hex}@{_mail_domain()}>"


# --- Calendar files ---------------------------------------------------------------------


def event_vevent(
    event: Event, *, cancelled: bool = False, url: str = "", sequence: int | None = None
) -> icalendar.Event:
    """``sequence``: the one person's (``personal_sequence``) for a mail to an invitee; else the
    session's own."""
    vevent = icalendar.Event()
    vevent.add("uid", event.ics_uid)
    vevent.add("sequence", event.ics_sequence if sequence is None else sequence)
    vevent.add("dtstamp", timezone.now())
    vevent.add("dtstart", event.starts_at)
    vevent.add("dtend", event.ends_at)
    postponed = event.state == "postponed" and not cancelled
    # Postponed: kept in calendars (not CANCELLED, which removes it: the answers still stand),
    # marked TENTATIVE, the RFC 5545 status for "not certain to take place", and said in the title.
    vevent.add("summary", _("Postponed: %(title)s") % {"title": event.title} if postponed else event.title)
    if event.description:
        vevent.add("description", event.description)
    location = ", ".join(x for x in (event.venue_name, event.venue_address) if x) or event.online_url
    if location:
        vevent.add("location", location)
    vevent.add("url", url or site_url(reverse("outreach:public-event", args=[event.slug])))
    if cancelled or event.state == "cancelled":
        vevent.add("status", "CANCELLED")
    else:
        vevent.add("status", "TENTATIVE" if postponed else "CONFIRMED")
    return vevent


def calendar_of(
    events: Iterable[Event], *, method: str = "PUBLISH", name: str = "", sequence: int | None = None
) -> str:
    cal = icalendar.Calendar()
    cal.add("prodid", "-//WSP CRM//Kennissessies//NL")
    cal.add("version", "2.0")
    cal.add("method", method)
    if name:
        cal.add("x-wr-calname", name)
    for event in events:
        cal.add_component(event_vevent(event, cancelled=method == "CANCEL", sequence=sequence))
    return cal.to_ical().decode()


# --- Rendering ----------------------------------------------------------------------------


def render(kind: str, context: dict[str, Any], language: str) -> Rendered:
    return render_triple(f"emails/outreach/{kind}", context, language)


def invitation_links(invitation: Invitation) -> dict[str, str]:
    rsvp = tokens.sign(invitation.token, "rsvp")
    unsubscribe = tokens.sign(invitation.token, "unsubscribe")
    colleague = tokens.sign(invitation.token, "colleague")
    wish = tokens.sign(invitation.token, "wish")
    return {
        "wish_contact_url": site_url(reverse("outreach:wish", args=["contact", wish])),
        "wish_candidate_url": site_url(reverse("outreach:wish", args=["candidate", wish])),
        "colleague_url": colleague_url(invitation.event, colleague),
        # "Kent u een collega-werkgever?": the public interest form with this employer as referrer.
        "referral_url": site_url(
            referral.link_path(invitation.contact_person.employer_id, invitation.contact_person_id)
        ),
        "rsvp_url": site_url(reverse("outreach:rsvp", args=[rsvp])),
        "ics_url": site_url(reverse("outreach:rsvp-ics", args=[rsvp])),
        "unsubscribe_url": site_url(reverse("outreach:unsubscribe", args=[unsubscribe])),
    }


def colleague_url(event: Event, signed: str) -> str:
    """The public page with this invitation's organisation prefilled in the registration form."""
    return site_url(reverse("outreach:public-event", args=[event.slug])) + "?" + urlencode({"colleague": signed})


def organiser_reply_to(event: Event) -> dict[str, str]:
    """Reply-To the session's organiser (a person, not the no-reply address), when they have an address."""
    owner = event.owner
    if owner is None or not owner.email:
        return {}
    return {"Reply-To": mailbox(header_safe(owner.get_full_name()), owner.email)}


def event_context(event: Event) -> dict[str, Any]:
    return {
        "sender": region_sender(event.region),
        "organiser": event.owner,
        "event": event,
        "event_url": site_url(reverse("outreach:public-event", args=[event.slug])),
        "starts": timezone.localtime(event.starts_at),
        "ends": timezone.localtime(event.ends_at),
        "speakers": list(event.speakers.all()),
        # Inspiration: the region's employer stories (employers.stories, public).
        "stories_url": site_url(reverse("stories:region", args=[event.region_id])),
        "site_url": settings.SITE_URL,
    }


# Mails that carry one person's own change (their answer, a seat given): each takes the
# person's calendar entry one SEQUENCE further than anything they had before.
PERSONAL_KINDS = (EmailKind.RSVP_CONFIRM, EmailKind.WAITLIST_SEAT)


def personal_answers(invitation_ids: Iterable[int]) -> dict[int, int]:
    """How many personal calendar mails (``PERSONAL_KINDS`` with a calendar file) each invitation
    has had: one query for a whole fan-out."""
    rows = (
        OutboundEmail.objects.filter(invitation_id__in=list(invitation_ids), kind__in=PERSONAL_KINDS)
        .exclude(ics="")
        .values("invitation_id")
        .annotate(n=Count("id"))
    )
    return {row["invitation_id"]: row["n"] for row in rows}


def personal_sequence(event: Event, answered: int, kind: str) -> int:
    """The SEQUENCE of a calendar file for one person: the session's own (which goes up with
    every change for everyone) plus their personal mails so far, plus one for this one when it
    is personal. Strictly higher than anything that person got before whenever something
    changed for them: a no after a yes, a yes again after a no, an update after either (RFC 5546:
    a calendar ignores an entry whose SEQUENCE is lower than the one it holds)."""
    return event.ics_sequence + answered + (1 if kind in PERSONAL_KINDS else 0)


def _cached_calendar(context: dict[str, Any], event: Event, method: str | None, sequence: int) -> str:
    """One calendar file per event, method and sequence for a whole fan-out (context is shared)."""
    if not method:
        return ""
    cache = context.setdefault("_calendars", {})
    if (method, sequence) not in cache:
        cache[method, sequence] = calendar_of([event], method=method, sequence=sequence)
    return cache[method, sequence]


def invitation_row(
    invitation: Invitation,
    kind: str,
    key: str,
    *,
    event_context_: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
    ics_method: str | None = "PUBLISH",
    answered: int | None = None,
) -> OutboundEmail:
    """An unsaved row for ``invitation``'s contact person (``invitation.event`` and
    ``invitation.contact_person`` should be loaded). ``answered``: its personal mails so far
    (``personal_answers``, for a fan-out); looked up when not given."""
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
    if ics_method and answered is None:
        answered = personal_answers([invitation.pk]).get(invitation.pk, 0) if invitation.pk else 0
    sequence = personal_sequence(event, answered or 0, kind)
    headers: dict[str, str] = {"Auto-Submitted": "auto-generated", **organiser_reply_to(event)}
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
        from_email=shared["sender"].from_header,
        subject=rendered.subject,
        body_text=rendered.text,
        body_html=rendered.html,
        headers=headers,
        ics=_cached_calendar(shared, event, ics_method, sequence),
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
    shared = event_context(event)
    rendered = render(kind, {**shared, "user": user, **context}, language)
    return OutboundEmail(
        idempotency_key=key,
        kind=kind,
        to_email=user.email,
        to_name=header_safe(user.get_full_name()),
        language=language,
        from_email=shared["sender"].from_header,
        subject=rendered.subject,
        body_text=rendered.text,
        body_html=rendered.html,
        headers={"Auto-Submitted": "auto-generated"},
        ics=calendar_of([event], method=ics_method) if ics_method else "",
        ics_method=ics_method,
        message_id=new_message_id(),
        event=event,
    )


def invitation_previews(event: Event, by: AuthUser, persons: Iterable[Any]) -> list[OutboundEmail]:
    """The invitation exactly as ``invite`` builds it (``invitation_row``), unsaved, for the first
    of ``persons`` in each language among them: what the invite page shows before sending. The
    invitation is not saved, so its links carry a token that nobody will ever hold."""
    context = event_context(event)
    seen: dict[str, OutboundEmail] = {}
    for person in persons:
        language = person.language or "nl"
        if language in seen:
            continue
        invitation = Invitation(event=event, contact_person=person, invited_by=by)
        seen[language] = invitation_row(invitation, "invite", "preview", event_context_=context, answered=0)
    return list(seen.values())
