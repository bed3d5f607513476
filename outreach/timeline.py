"""The employer timeline's "invitation" source: invited to, answered, attended a session.

Attendance itself is also a Contact (channel event) on the timeline; this entry shows the
invitation and the answer, so a no or a no-show is visible as well.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from employers.models import Employer
from employers.timeline import TimelineEntry, keys_of
from outreach.models import Invitation, Rsvp


def invitation_keys(employer: Employer) -> QuerySet:
    return keys_of(Invitation.objects.filter(contact_person__employer=employer), "invitation", "created_at")


def _badges(inv: Invitation) -> tuple[Any, ...]:
    badges: list[Any] = [inv.contact_person.name]
    if inv.walk_in:
        badges.append(_("walk-in"))
    elif inv.rsvp != Rsvp.NONE:
        badges.append(_("answer: %(rsvp)s") % {"rsvp": inv.get_rsvp_display()})
    if inv.waitlist_position is not None:
        badges.append(_("waitlist"))
    if inv.attended:
        badges.append(_("attended"))
    elif inv.attended is False:
        badges.append(_("did not come"))
    if inv.wish_contact_at:
        badges.append(_("asks to be contacted"))
    if inv.wish_candidate_at:
        badges.append(_("asks about a candidate or trial placement"))
    return tuple(badges)


def invitation_entries(pks: Iterable[int]) -> dict[int, TimelineEntry]:
    rows = Invitation.objects.filter(pk__in=list(pks)).select_related("event", "contact_person", "invited_by")
    return {
        inv.pk: TimelineEntry(
            kind="invitation",
            at=inv.created_at,
            title=_("Invited to “%(title)s”") % {"title": inv.event.title},
            by=inv.invited_by,
            badges=_badges(inv),
            obj=inv,
        )
        for inv in rows
    }
