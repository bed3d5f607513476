"""Demo knowledge sessions (``seed(users)``, called by seed_demo after the employers' demo).

Everything goes through the services, so the demo's mail is in the outbox like real mail: an
upcoming session in Amsterdam registered with AWVN with invitations and answers, one held
with attendance (contacts and follow-ups on the timelines), a draft, and one in Utrecht, their
speakers picked from the demo's speaker pool.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from crm.models import Region
from employers.models import ContactPerson
from outreach.models import CalendarFeed, Event, EventState, Invitation
from outreach.services.attendance import attendance_mark
from outreach.services.awvn import awvn_confirm
from outreach.services.events import event_create, event_mark_held, event_publish
from outreach.services.invitations import invite
from outreach.services.rsvp import rsvp_answer
from outreach.services.speakers import pool_speaker_create

if TYPE_CHECKING:
    from crm.types import AuthUser

# The speaker pool (outreach.models.speakers): an Amsterdam employer with a practice story (a
# contact person of the region's network), an experience expert and a Utrecht researcher, all
# three listed for other regions; the sessions pick their speakers from it.
POOL: list[tuple[str, str, dict[str, Any]]] = [
    ("AM18", "employer", {"story": "HR-directeur bij een logistiek bedrijf met 12 IPS-plaatsingen.",
                          "topics": ["ips", "logistiek", "werkplekaanpassing"]}),
    ("AM18", "experience_expert", {"name": "Joost van Dam", "topics": ["ervaringsverhaal", "re-integratie"],
                                   "story": "Werkt sinds twee jaar weer, na een lange periode thuis."}),
    ("AM13", "researcher", {"name": "Dr. Aylin Kaya", "organisation": "Hogeschool Utrecht",
                            "topics": ["ips", "onderzoek"], "story": "Onderzoekt duurzame plaatsingen met IPS."}),
]  # fmt: skip


WILLING = ["AM18", "AM13"]


def _pool(users: dict[str, Any]) -> list[dict[str, Any]]:
    """The pool's entries (through its services, consent recorded), as a session's speakers."""
    writers = {"AM18": users.get("adviseur"), "AM13": users.get("adviseur-utrecht")}
    speakers = []
    for region, kind, fields in POOL:
        by = writers[region]
        if by is None:
            continue
        if kind == "employer":
            person = _people(region, 1, offset=2)
            if not person:
                continue
            fields = {**fields, "contact_person": person[0]}
        entry = pool_speaker_create(
            by=by, region=region, kind=kind, consent=True, willing_regions=Region.objects.filter(code__in=WILLING),
            listed_consent_note="Mondeling gevraagd na de vorige kennissessie", **fields,
        )  # fmt: skip
        speakers.append({"pool_speaker": entry})
    return speakers


def _at(days: int, hour: int) -> datetime:
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(hour)), timezone.get_default_timezone())


def _people(region: str, count: int, offset: int = 0) -> list[ContactPerson]:
    people = ContactPerson.objects.filter(employer__region_id=region, opted_out_at__isnull=True).exclude(email="")
    return list(people.filter(employer__do_not_contact=False).order_by("pk")[offset : offset + count])


def _upcoming(adviser: AuthUser, region: str, title: str, days: int, awvn: bool, speakers: list[dict]) -> Event:
    event = event_create(
        by=adviser,
        region=region,
        title=title,
        starts_at=_at(days, 15),
        ends_at=_at(days, 17),
        description="Werkgevers vertellen hoe zij mensen met een psychische kwetsbaarheid aan het werk helpen, "
        "en wat het hun oplevert. Met ruimte voor vragen en een borrel na afloop.",
        venue_name="Bibliotheek",
        venue_address="Oosterdokskade 143, Amsterdam" if region == "AM18" else "Oudegracht 167, Utrecht",
        practical_info="Inloop vanaf 14:30. Het gebouw is rolstoeltoegankelijk.",
        capacity=25,
        speakers=speakers,
    )
    event = event_publish(event=event, by=adviser, register_with_awvn=awvn)
    invitations = invite(event=event, by=adviser, persons=_people(region, 10))
    answers = ["yes", "yes", "no", "maybe", "yes"]
    for invitation, answer in zip(invitations, answers, strict=False):
        rsvp_answer(invitation=invitation, rsvp=answer, people_count=1 + (answer == "yes" and invitation.pk % 2))
    return event


def _held(adviser: AuthUser, region: str, speakers: list[dict]) -> Event:
    """A session of last week: created as it was then, answers, check-in, then held."""
    event = event_create(
        by=adviser,
        region=region,
        title="Werkgevers ontmoeten werkgevers: inclusief werven",
        starts_at=_at(-6, 15),
        ends_at=_at(-6, 17),
        venue_address="Stationsplein 1, Amsterdam",
        capacity=20,
        speakers=speakers[:1],
        next_step="Plan een werkplekbezoek met uw adviseur om te zien welke functie bij een kandidaat past.",
    )
    # Published before it started; invitations of that time (their mail went out then).
    Event.objects.filter(pk=event.pk).update(state=EventState.PUBLISHED, published_at=_at(-30, 10))
    event.refresh_from_db()
    people = _people(region, 6, offset=10)
    for n, person in enumerate(people):
        invitation = Invitation.objects.create(
            event=event,
            contact_person=person,
            invited_by=adviser,
            rsvp="yes" if n < 4 else "no",
            answered_at=_at(-20, 12),
        )
        if n < 3:
            attendance_mark(invitation=invitation, by=adviser, attended=True)
        elif n == 3:
            attendance_mark(invitation=invitation, by=adviser, attended=False)
    return event_mark_held(event=event, by=adviser)


def seed(users: dict[str, Any]) -> str:
    adviser, utrecht, awvn = users.get("adviseur"), users.get("adviseur-utrecht"), users.get("awvn")
    if adviser is None or not ContactPerson.objects.filter(employer__region_id="AM18").exists():
        return "no employers to invite"
    speakers = _pool(users)
    events = [
        _upcoming(adviser, "AM18", "Psychische kwetsbaarheid op de werkvloer: wat werkt?", 12, True, speakers),
        _held(adviser, "AM18", speakers),
        event_create(
            by=adviser,
            region="AM18",
            title="Kennissessie jobcoaching (concept)",
            starts_at=_at(40, 10),
            ends_at=_at(40, 12),
            venue_address="Dam 1, Amsterdam",
        ),
    ]
    if utrecht is not None and ContactPerson.objects.filter(employer__region_id="AM13").exists():
        events.append(_upcoming(utrecht, "AM13", "IPS in Utrecht: ervaringen van werkgevers", 20, False, speakers[2:]))
    if awvn is not None and events[0].awvn_requested_at:
        awvn_confirm(event=events[0], by=awvn, reference="AWVN-AGENDA-2026-041")
    CalendarFeed.objects.create(region=Region.objects.get(code="AM18"), created_by=adviser)
    CalendarFeed.objects.create(region=None, created_by=awvn)
    return f"{len(events)} sessions, {Invitation.objects.count()} invitations"
