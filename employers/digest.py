"""The daily follow-up digest: one mail per person per day, through the outbox.

A ``DigestRun(user, day)`` row is inserted (ON CONFLICT DO NOTHING) and moved ``pending ->
sent`` by a conditional UPDATE in the same transaction that stores the message in the outbox
(``crm.emails.queue_templated``, key ``digest:<user>:<day>``): a rerun finds the run done and
the key taken. Delivery, retries and failures are the outbox's (``OutboundEmail``, kind
``digest``); "sent" on the run means "handed to the outbox".
"""

from __future__ import annotations

import logging
from datetime import date
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from crm import emails
from employers.contacts.selectors import local_today
from employers.models import DigestRun, DigestState, FollowUp, UserPreference

if TYPE_CHECKING:
    from crm.types import AuthUser

logger = logging.getLogger(__name__)
DIGEST_KIND = "digest"  # outreach.models.EmailKind.DIGEST (employers does not import outreach)


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


def _finish(user_id: int, day: date, state: str) -> None:
    sent_at = timezone.now() if state == DigestState.SENT else None
    DigestRun.objects.filter(user_id=user_id, day=day, state=DigestState.SENDING).update(state=state, sent_at=sent_at)


def digest_context(user: AuthUser, day: date) -> dict[str, Any] | None:
    followups = list(
        FollowUp.objects.open().filter(owner=user, due_date__lte=day).select_related("employer").order_by("due_date")
    )
    if not followups or not user.email:
        return None
    return {
        "user": user,
        "day": day,
        "overdue": [f for f in followups if f.due_date < day],
        "today": [f for f in followups if f.due_date == day],
        "count": len(followups),
        "site_url": settings.SITE_URL,
        "my_work_url": settings.SITE_URL + reverse("employers:my-work"),
    }


def user_language(user: AuthUser) -> str:
    return UserPreference.objects.filter(user=user).values_list("language", flat=True).first() or "nl"


def render_digest(user: AuthUser, day: date) -> emails.Rendered | None:
    context = digest_context(user, day)
    return None if context is None else emails.render("emails/digest", context, user_language(user))


@transaction.atomic
def digest_send(*, user_id: int, day: date) -> str:
    """Queue ``user_id``'s digest for ``day`` in the outbox unless someone already did; returns the state."""
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or not _claim(user_id, day):
        return "already-handled"
    context = digest_context(user, day)
    if context is None:
        _finish(user_id, day, DigestState.SKIPPED)
        return DigestState.SKIPPED
    emails.queue_templated(
        key=f"digest:{user_id}:{day.isoformat()}",
        kind=DIGEST_KIND,
        template="emails/digest",
        context=context,
        language=user_language(user),
        to_email=user.email,
        to_name=user.get_full_name(),
    )
    _finish(user_id, day, DigestState.SENT)
    return DigestState.SENT


def digest_day() -> date:
    return local_today()
