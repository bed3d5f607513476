"""The public agenda, no login: national (``/agenda/``) and per region (``/agenda/AM18/``), each
as a page, an iCalendar feed, an Atom feed, a JSON feed and an embeddable page for the WSP's
own website. What is listed is ``outreach.agenda.upcoming``: published sessions that have not
started and postponed ones (marked so in every format), never a draft, a cancelled or a past one.

The embed page may be framed only by the origins in ``AGENDA_EMBED_ORIGINS`` (CSP
``frame-ancestors``; without any, by nobody); every other page keeps ``frame-ancestors 'none'``.
"""

from __future__ import annotations

import json
import re
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.views import View

from crm.models import Region
from outreach import agenda, mail, notice

TEMPLATES = "outreach/agenda"
FEED_CACHE_SECONDS = 900
# An origin only (scheme, host, port): anything else could add a directive to the CSP header.
ORIGIN = re.compile(r"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?$")


def embed_origins() -> list[str]:
    return [origin for origin in settings.AGENDA_EMBED_ORIGINS if ORIGIN.match(origin)]


def _region(code: str | None) -> Region | None:
    if code is None:
        return None
    region = Region.objects.filter(code=code.upper()).first()
    if region is None:
        raise Http404
    return region


def _name(region: Region | None) -> str:
    if region is None:
        return _("Knowledge sessions, all regions")
    return _("Knowledge sessions %(region)s") % {"region": region.name}


def _urls(region: Region | None, query: str) -> dict[str, str]:
    """The agenda's own addresses (absolute: they are for other sites), with its filters."""
    suffix = f"?{query}" if query else ""
    args = [region.code] if region is not None else []
    prefix = "region-" if region is not None else "national-"
    names = {"page": "", "ics": "ics", "atom": "atom", "json": "json", "embed": "embed"}
    urls = {}
    for key, name in names.items():
        route = f"agenda:{prefix}{name}" if name else f"agenda:{prefix.rstrip('-')}"
        urls[key] = mail.site_url(reverse(route, args=args)) + suffix
    return urls


class _AgendaView(View):
    """Shared by every agenda route: the region of the URL (if any), the filters, the sessions."""

    http_method_names = ["get", "head", "options"]

    def sessions(self, request: HttpRequest, code: str | None) -> tuple[Region | None, Any, agenda.AgendaFilterForm]:
        region = _region(code)
        regions = list(Region.objects.order_by("name")) if region is None else None
        form = agenda.AgendaFilterForm(request.GET, regions=regions)
        return region, agenda.filtered(form, region.code if region else None), form

    def query(self, request: HttpRequest) -> str:
        return request.GET.urlencode()


def _refused(form: agenda.AgendaFilterForm) -> HttpResponse | None:
    """A feed with a filter it cannot read answers 400 with the reasons (a page shows them)."""
    if form.is_valid():
        return None
    reasons = "\n".join(f"{field}: {' '.join(str(e) for e in errors)}" for field, errors in form.errors.items())
    return HttpResponse(reasons, content_type="text/plain; charset=utf-8", status=400)


def _cacheable(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = f"public, max-age={FEED_CACHE_SECONDS}"
    return response


class AgendaPageView(_AgendaView):
    def get(self, request: HttpRequest, code: str | None = None) -> HttpResponse:
        region, events, form = self.sessions(request, code)
        context = {
            "region": region,
            "events": list(events),
            "form": form,
            "title": _name(region),
            "urls": _urls(region, self.query(request)),
            "now": timezone.now(),
        }
        return render(request, f"{TEMPLATES}/agenda.html", context)


class AgendaCalendarView(_AgendaView):
    def get(self, request: HttpRequest, code: str | None = None) -> HttpResponse:
        region, events, form = self.sessions(request, code)
        if (refused := _refused(form)) is not None:
            return refused
        response = HttpResponse(
            mail.calendar_of(events, name=_name(region)), content_type="text/calendar; charset=utf-8"
        )
        response["Content-Disposition"] = f'inline; filename="{(region.code if region else "agenda").lower()}.ics"'
        return _cacheable(response)


class AgendaAtomView(_AgendaView):
    def get(self, request: HttpRequest, code: str | None = None) -> HttpResponse:
        region, events, form = self.sessions(request, code)
        if (refused := _refused(form)) is not None:
            return refused
        urls = _urls(region, self.query(request))
        feed = Atom1Feed(
            title=_name(region),
            link=urls["page"],
            description=_("Upcoming knowledge sessions on inclusive employment."),
            feed_url=urls["atom"],
            language=request.LANGUAGE_CODE,
        )
        for event in events:
            start = timezone.localtime(event.starts_at)
            when = start.strftime("%Y-%m-%d %H:%M")
            feed.add_item(
                title=_("Postponed: %(title)s") % {"title": event.title} if event.state == "postponed" else event.title,
                link=agenda.public_url(event),
                description=f"{when} · {event.region.name}\n\n{event.description}",
                unique_id=agenda.public_url(event),
                pubdate=event.published_at or event.created_at,
                updateddate=event.updated_at,
            )
        return _cacheable(HttpResponse(feed.writeString("utf-8"), content_type="application/atom+xml; charset=utf-8"))


class AgendaJsonView(_AgendaView):
    def get(self, request: HttpRequest, code: str | None = None) -> HttpResponse:
        region, events, form = self.sessions(request, code)
        if not form.is_valid():
            body = {"errors": {field: [str(e) for e in errors] for field, errors in form.errors.items()}}
            return HttpResponse(json.dumps(body, ensure_ascii=False), content_type="application/json", status=400)
        payload = {
            "title": _name(region),
            "region": region.code if region else None,
            "sessions": [agenda.as_json(event) for event in events],
        }
        response = HttpResponse(json.dumps(payload, ensure_ascii=False), content_type="application/json")
        response["Access-Control-Allow-Origin"] = "*"  # public data, read by other sites' scripts
        return _cacheable(response)


class AgendaEmbedView(_AgendaView):
    def get(self, request: HttpRequest, code: str | None = None) -> HttpResponse:
        region, events, _form = self.sessions(request, code)
        context = {"region": region, "events": list(events[:20]), "title": _name(region)}
        response = render(request, f"{TEMPLATES}/embed.html", context)
        origins = embed_origins()
        if origins:
            response._csp_replace = {"frame-ancestors": origins}  # type: ignore[attr-defined]
            response.xframe_options_exempt = True
        return response


class PrivacyView(View):
    """The privacy notice of the public pages; per region it names that region's WSP."""

    http_method_names = ["get", "head", "options"]

    def get(self, request: HttpRequest, code: str | None = None) -> HttpResponse:
        region = _region(code)
        context = {
            "region": region,
            "controller": notice.controller_of(region) if region is not None else None,
            "unconfirmed_days": notice.UNCONFIRMED_KEPT.days,
            "access_needs_days": settings.ACCESS_NEEDS_RETENTION_DAYS,
        }
        return render(request, f"{TEMPLATES}/privacy.html", context)
