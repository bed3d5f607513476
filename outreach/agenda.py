"""The public agenda (no login): which sessions anyone may see listed, and their feeds.

Only published sessions that have not started yet, and postponed ones (marked so), are listed,
nationally or per region: a draft, a cancelled, a held or a past session never is (a
subscribed calendar drops what leaves its feed; the session's own public page still says
"cancelled"). The filters are the issue's:
region (on the national agenda), month and online/on site. Bad filter input never reaches the
database: the form refuses it with a message and the agenda is shown unfiltered.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, cast
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.models import Region
from outreach import mail, seo
from outreach.models import Event, EventQuerySet, EventState

MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
MODES = (("", _("Online and on site")), ("online", _("Online")), ("onsite", _("On site")))


class AgendaFilterForm(forms.Form):
    """The agenda's filters (GET). ``region`` is only on the national agenda."""

    region = forms.ChoiceField(label=_("Region"), required=False)
    month = forms.CharField(label=_("Month"), required=False, max_length=7, help_text=_("As year-month, e.g. 2026-03."))
    mode = forms.ChoiceField(label=_("Online or on site"), required=False, choices=MODES)

    def __init__(self, *args: Any, regions: list[Region] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if regions is None:
            del self.fields["region"]
        else:
            field = cast(forms.ChoiceField, self.fields["region"])
            field.choices = [("", _("All regions")), *((r.code, r.name) for r in regions)]

    def clean_month(self) -> str:
        value = self.cleaned_data["month"].strip()
        if value and not MONTH.match(value):
            raise forms.ValidationError(_("Give the month as year-month, e.g. 2026-03."))
        return value


def upcoming(region_code: str | None = None, *, month: str = "", mode: str = "") -> EventQuerySet:
    """Published sessions that start later than now, and postponed ones (shown as postponed
    until they get their new date), soonest first, with their region."""
    listed = Q(state=EventState.PUBLISHED, starts_at__gt=timezone.now()) | Q(state=EventState.POSTPONED)
    events = Event.objects.filter(listed).select_related("region")
    if region_code:
        events = events.filter(region_id=region_code)
    if month:
        found = MONTH.match(month)
        if found is not None:
            zone = ZoneInfo(settings.TIME_ZONE)
            year, number = int(found[1]), int(found[2])
            start = datetime(year, number, 1, tzinfo=zone)
            end = datetime(year + number // 12, number % 12 + 1, 1, tzinfo=zone)
            events = events.filter(starts_at__gte=start, starts_at__lt=end)
    online = Q(online_url__gt="") & Q(venue_address="")
    if mode == "online":
        events = events.filter(online)
    elif mode == "onsite":
        events = events.exclude(online)
    return events.order_by("starts_at", "id")


def filtered(form: AgendaFilterForm, region_code: str | None) -> EventQuerySet:
    """``upcoming`` with the form's valid filters (an invalid form filters nothing)."""
    data = form.cleaned_data if form.is_valid() else {}
    return upcoming(region_code or data.get("region") or None, month=data.get("month", ""), mode=data.get("mode", ""))


def public_url(event: Event) -> str:
    return mail.site_url(reverse("outreach:public-event", args=[event.slug]))


def as_json(event: Event) -> dict[str, Any]:
    """One session in the JSON feed (times in ISO 8601 with their offset, Amsterdam time)."""
    return {
        "id": event.ics_uid,
        "title": event.title,
        "url": public_url(event),
        "starts_at": timezone.localtime(event.starts_at).isoformat(),
        "ends_at": timezone.localtime(event.ends_at).isoformat(),
        "region": {"code": event.region_id, "name": event.region.name},
        "online": event.is_online,
        "venue": ", ".join(x for x in (event.venue_name, event.venue_address) if x),
        "summary": event.description[:300],
        # scheduled, postponed or rescheduled: schema.org's eventStatus without its prefix
        "status": seo.event_status(event).removeprefix("Event").lower(),
        "previous_starts_at": (
            timezone.localtime(event.previous_starts_at).isoformat() if event.previous_starts_at else None
        ),
    }


def embed_snippets(codes: set[str]) -> list[dict[str, str]]:
    """For the advisers' session list: per region they organise in, the public agenda's address,
    its feeds and the iframe to paste into the WSP's website (no query: codes come from roles)."""
    snippets = []
    for code in sorted(codes):
        embed = mail.site_url(reverse("agenda:region-embed", args=[code]))
        title = _("Knowledge sessions")
        iframe = f'<iframe src="{embed}" title="{title}" width="100%" height="480" loading="lazy"></iframe>'
        snippets.append(
            {
                "code": code,
                "page": mail.site_url(reverse("agenda:region", args=[code])),
                "ics": mail.site_url(reverse("agenda:region-ics", args=[code])),
                "atom": mail.site_url(reverse("agenda:region-atom", args=[code])),
                "json": mail.site_url(reverse("agenda:region-json", args=[code])),
                "iframe": iframe,
            }
        )
    return snippets
