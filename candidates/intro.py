"""The warm-introduction mail to another region's adviser: claimed on the match, sent once.

It names the guide and the employer, never the candidate: the adviser only needs to know that a
guide from another region would like to be introduced.
"""

from __future__ import annotations

import smtplib
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from candidates.models import Match
from employers.models import UserPreference


def build_intro(match: Match, guide: Any) -> EmailMultiAlternatives | None:
    adviser = match.employer.owner
    if adviser is None or not adviser.email:
        return None
    language = UserPreference.objects.filter(user=adviser).values_list("language", flat=True).first() or "nl"
    context = {
        "adviser": adviser,
        "guide": guide,
        "guide_name": guide.get_full_name() or guide.username,
        "employer": match.employer,
        "region": match.candidate.region,
        "timeline_url": settings.SITE_URL + reverse("employers:timeline", args=[match.employer_id]),
    }
    with translation.override(language):
        subject = render_to_string("candidates/emails/warm_intro.subject.txt", context).strip()
        text = render_to_string("candidates/emails/warm_intro.txt", context)
        html = render_to_string("candidates/emails/warm_intro.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[adviser.email])
    if guide.email:
        message.reply_to = [guide.email]
    message.attach_alternative(html, "text/html")
    message.extra_headers["Auto-Submitted"] = "auto-generated"
    return message


def intro_send(*, match_id: int, guide_id: int) -> str:
    """Claim the match's intro (``intro_notified_at``), send, give the claim back on a transient error."""
    claimed = Match.objects.filter(pk=match_id, intro_notified_at__isnull=True).update(intro_notified_at=timezone.now())
    if not claimed:
        return "already-handled"
    match = Match.objects.select_related("employer__owner", "candidate__region").get(pk=match_id)
    guide = get_user_model().objects.get(pk=guide_id)
    message = build_intro(match, guide)
    if message is None:
        return "no-recipient"
    try:
        message.send()
    except (smtplib.SMTPException, OSError):
        Match.objects.filter(pk=match_id).update(intro_notified_at=None)
        raise
    return "sent"
