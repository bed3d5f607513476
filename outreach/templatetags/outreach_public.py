"""The open registration form on a session's public page, prefilled from a colleague link."""

from __future__ import annotations

from typing import Any

from django import template

from outreach import seo, tokens
from outreach.forms_public import RegistrationForm
from outreach.models import Invitation

register = template.Library()


def _colleague_organisation(value: str, event_id: int) -> str:
    raw = tokens.unsign(value, "colleague")
    if raw is None:
        return ""
    invitation = Invitation.objects.filter(token=raw, event_id=event_id).select_related("contact_person__employer")
    found = invitation.first()
    return found.contact_person.employer.display_name if found is not None else ""


@register.inclusion_tag("outreach/public/_register_form.html", takes_context=True)
def registration_form(context: dict[str, Any]) -> dict[str, Any]:
    """An empty form; a signed colleague link (``?colleague=``) prefills the organisation. A
    forged or foreign one prefills nothing and says so: the visitor can still register."""
    event = context["event"]
    request = context.get("request")
    colleague = request.GET.get("colleague", "") if request is not None else ""
    organisation = _colleague_organisation(colleague, event.pk) if colleague else ""
    form = RegistrationForm(initial={"organisation": organisation} if organisation else None)
    form.describe_fields()
    return {
        "event": event,
        "form": form,
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "colleague_refused": bool(colleague) and not organisation,
    }


@register.inclusion_tag("outreach/public/_share_meta.html")
def share_meta(event: Any) -> dict[str, Any]:
    """The head of a public session page: Open Graph, Twitter card and schema.org JSON-LD."""
    return {"meta": seo.share_meta(event), "json_ld": seo.json_ld(seo.event_data(event)), "url": seo.page_url(event)}


@register.simple_tag
def linkedin_share_url(event: Any) -> str:
    return seo.linkedin_share_url(event)
