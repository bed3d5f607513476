"""The daily follow-up digest: one mail per person per day, claimed before it is sent.

A ``DigestRun(user, day)`` row is inserted (ON CONFLICT DO NOTHING) and then moved
``pending -> sending`` by a conditional UPDATE; only the worker whose UPDATE hit the row sends.
After the send it is marked ``sent``. A worker that dies between send and mark leaves the row
in ``sending``: we then rather miss one digest than send it twice (visible in the admin).
A transient SMTP failure puts the row back to ``pending`` so the next run may try again.
"""

from __future__ import annotations

import logging
import smtplib
from datetime import date
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from employers.models import DigestRun, DigestState, FollowUp, UserPreference
from employers.selectors_contacts import local_today

logger = logging.getLogger(__name__)


def digest_recipients(day: date) -> list[int]:
    """Everyone with an open follow-up due on or before ``day``."""
    rows = FollowUp.objects.open().filter(due_date__lte=day).values_list("owner_id", flat=True).distinct()
    return sorted(set(rows))


def _claim(user_id: int, day: date) -> bool:
    DigestRun.objects.bulk_create([DigestRun(user_id=user_id, day=day)], ignore_conflicts=True)
    claimed = DigestRun.objects.filter(user_id=user_id, day=day, state=DigestState.PENDING).update(
        state=DigestState.SENDING, claimed_at=timezone.now(), attempts=F("attempts") + 1
    )
    return claimed == 1


def _finish(user_id: int, day: date, state: str, error: str = "") -> None:
    sent_at = timezone.now() if state == DigestState.SENT else None
    DigestRun.objects.filter(user_id=user_id, day=day, state=DigestState.SENDING).update(
        state=state, sent_at=sent_at, last_error=error[:300]
    )


def build_digest(user: Any, day: date) -> EmailMultiAlternatives | None:
    followups = list(
        FollowUp.objects.open().filter(owner=user, due_date__lte=day).select_related("employer").order_by("due_date")
    )
    if not followups or not user.email:
        return None
    language = UserPreference.objects.filter(user=user).values_list("language", flat=True).first() or "nl"
    context = {
        "user": user,
        "day": day,
        "overdue": [f for f in followups if f.due_date < day],
        "today": [f for f in followups if f.due_date == day],
        "count": len(followups),
        "site_url": settings.SITE_URL,
        "my_work_url": settings.SITE_URL + reverse("employers:my-work"),
    }
    with translation.override(language):
        subject = render_to_string("emails/digest.subject.txt", context).strip()
        text = render_to_string("emails/digest.txt", context)
        html = render_to_string("emails/digest.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[user.email])
    message.attach_alternative(html, "text/html")
    message.extra_headers["Auto-Submitted"] = "auto-generated"
    return message


def digest_send(*, user_id: int, day: date) -> str:
    """Send ``user_id`` their digest for ``day`` unless someone already did; returns the state."""
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or not _claim(user_id, day):
        return "already-handled"
    message = build_digest(user, day)
    if message is None:
        _finish(user_id, day, DigestState.SKIPPED)
        return DigestState.SKIPPED
    try:
        message.send()
    except (smtplib.SMTPException, OSError) as error:
        # Transient by nature (server away, greylisting): give the row back for a later run.
        DigestRun.objects.filter(user_id=user_id, day=day, state=DigestState.SENDING).update(
            state=DigestState.PENDING, last_error=str(error)[:300]
        )
        raise
    _finish(user_id, day, DigestState.SENT)
    return DigestState.SENT


def digest_day() -> date:
    return local_today()
