"""What search engines and LinkedIn read from a session's public page: schema.org ``Event``
JSON-LD, Open Graph and Twitter card tags, the generated share image, the share link.

The JSON-LD goes inside ``<script type="application/ld+json">``: ``json_ld`` escapes ``<``,
``>`` and ``&`` as JSON ``\\u003c`` escapes (still the same string to a JSON parser), so a title
holding ``</script>`` cannot end the element. The share image is an SVG with every text
XML-escaped, rendered to PNG by Cairo on the server (1200 x 627, LinkedIn's link-image size).
"""

from __future__ import annotations

import json
import textwrap
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from outreach import mail
from outreach.models import Event, EventState

SCHEMA = "https://schema.org/"
IMAGE_SIZE = (1200, 627)
_JSON_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


def page_url(event: Event) -> str:
    return mail.site_url(reverse("outreach:public-event", args=[event.slug]))


def image_url(event: Event) -> str:
    """The share image, versioned by the last change (LinkedIn caches an image per URL)."""
    version = int(event.updated_at.timestamp()) if event.updated_at else 0
    return mail.site_url(reverse("outreach:public-event-share", args=[event.slug])) + f"?v={version}"


def summary(event: Event, length: int = 200) -> str:
    text = " ".join(event.description.split())
    return textwrap.shorten(text, length, placeholder="…") if text else event.title


def organiser_name(event: Event) -> str:
    return _("WSP %(region)s") % {"region": event.region.name}


def _attendance_mode(event: Event) -> str:
    if event.online_url and event.venue_address:
        return "MixedEventAttendanceMode"
    return "OnlineEventAttendanceMode" if event.online_url else "OfflineEventAttendanceMode"


def _location(event: Event) -> list[dict[str, Any]]:
    places: list[dict[str, Any]] = []
    if event.venue_address:
        address = {"@type": "PostalAddress", "streetAddress": event.venue_address, "addressCountry": "NL"}
        places.append({"@type": "Place", "name": event.venue_name or event.venue_address, "address": address})
    if event.online_url:
        places.append({"@type": "VirtualLocation", "url": event.online_url})
    return places


def event_status(event: Event) -> str:
    """schema.org's EventStatusType: cancelled, postponed (no new date yet), rescheduled (a
    postponed session with its new date), else scheduled."""
    if event.state == EventState.CANCELLED:
        return "EventCancelled"
    if event.state == EventState.POSTPONED:
        return "EventPostponed"
    return "EventRescheduled" if event.previous_starts_at else "EventScheduled"


def event_data(event: Event) -> dict[str, Any]:
    """The schema.org ``Event`` of a public session (times in Amsterdam time with offset)."""
    url = page_url(event)
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.title,
        "description": summary(event, 500),
        "startDate": timezone.localtime(event.starts_at).isoformat(),
        "endDate": timezone.localtime(event.ends_at).isoformat(),
        "eventStatus": SCHEMA + event_status(event),
        "eventAttendanceMode": SCHEMA + _attendance_mode(event),
        "location": _location(event),
        "organizer": {"@type": "Organization", "name": organiser_name(event), "url": settings.SITE_URL},
        "url": url,
        "image": [image_url(event)],
        "isAccessibleForFree": True,
        "inLanguage": "nl-NL",
    }
    if event.state == EventState.PUBLISHED and not event.has_started():
        data["offers"] = {
            "@type": "Offer",
            "price": "0",
            "priceCurrency": "EUR",
            "availability": SCHEMA + "InStock",
            "url": url,
        }
    if event.previous_starts_at and event.state != EventState.CANCELLED:
        data["previousStartDate"] = timezone.localtime(event.previous_starts_at).isoformat()
    if event.linkedin_url:
        data["sameAs"] = [event.linkedin_url]
    return data


def json_ld(data: dict[str, Any]) -> SafeString:
    """``data`` as a JSON-LD script element that no string in it can break out of."""
    text = json.dumps(data, ensure_ascii=False).translate(_JSON_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308 - escaped above


def share_meta(event: Event) -> list[tuple[str, str, str]]:
    """(attribute, name, content) of the Open Graph and Twitter card tags (escaped by the template)."""
    title = event.title
    description = summary(event)
    image = image_url(event)
    width, height = IMAGE_SIZE
    return [
        ("property", "og:type", "website"),
        ("property", "og:site_name", organiser_name(event)),
        ("property", "og:title", title),
        ("property", "og:description", description),
        ("property", "og:url", page_url(event)),
        ("property", "og:locale", "nl_NL"),
        ("property", "og:image", image),
        ("property", "og:image:type", "image/png"),
        ("property", "og:image:width", str(width)),
        ("property", "og:image:height", str(height)),
        ("property", "og:image:alt", share_lines(event)[1]),
        ("name", "twitter:card", "summary_large_image"),
        ("name", "twitter:title", title),
        ("name", "twitter:description", description),
        ("name", "twitter:image", image),
        ("name", "description", description),
    ]


def linkedin_share_url(event: Event) -> str:
    return "https://www.linkedin.com/sharing/share-offsite/?" + urlencode({"url": page_url(event)})


# --- The share image ------------------------------------------------------------------------


def share_lines(event: Event) -> tuple[str, str]:
    """The image's date line and its alternative text."""
    start = timezone.localtime(event.starts_at)
    when = formats.date_format(start, "l j F Y, H:i")
    return when, f"{event.title} · {when} · {event.region.name}"


def share_svg(event: Event) -> str:
    width, height = IMAGE_SIZE
    when, _alt = share_lines(event)
    title_lines = textwrap.wrap(event.title, 27, max_lines=4, placeholder="…") or [""]
    tspans = "".join(
        f'<tspan x="80" dy="{0 if i == 0 else 70}">{escape(line)}</tspan>' for i, line in enumerate(title_lines)
    )
    state = ""
    if event.state in (EventState.CANCELLED, EventState.POSTPONED):
        label = _("Cancelled") if event.state == EventState.CANCELLED else _("Postponed")
        state = f'<text x="80" y="120" fill="#b42318" font-size="40" font-weight="bold">{escape(label)}</text>'
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}"'
        ' font-family="DejaVu Sans, sans-serif">'
        f'<rect width="{width}" height="{height}" fill="#f5f7f9"/>'
        f'<rect width="24" height="{height}" fill="#1f6feb"/>'
        f'<text x="80" y="70" fill="#4b5563" font-size="30">{escape(_("Knowledge session"))}</text>'
        f"{state}"
        f'<text x="80" y="210" fill="#1b1f24" font-size="56" font-weight="bold">{tspans}</text>'
        f'<text x="80" y="{height - 110}" fill="#1b1f24" font-size="36">{escape(when)}</text>'
        f'<text x="80" y="{height - 60}" fill="#4b5563" font-size="32">{escape(organiser_name(event))}</text>'
        "</svg>"
    )


def share_png(event: Event) -> bytes:
    import cairosvg  # imported here: it loads Cairo, which only this image needs

    return cairosvg.svg2png(bytestring=share_svg(event).encode("utf-8"))
