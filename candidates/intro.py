"""The warm-introduction mail to another region's adviser: claimed on the match, queued once.

It names the guide and the employer, never the candidate: the adviser only needs to know that a
guide from another region would like to be introduced. The claim (``intro_notified_at``) and the
outbox row (``crm.emails``, key ``warm-intro:<match>``) commit together; delivery, retries and
failures are the outbox's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from candidates.models import Match
from crm import emails
from employers.models import UserPreference

if TYPE_CHECKING:
    from crm.types import AuthUser

WARM_INTRO_KIND = "warm-intro"  # outreach.models.EmailKind.WARM_INTRO


def intro_context(match: Match, guide: AuthUser) -> dict[str, Any]:
    return {
        "adviser": match.employer.owner,
        "guide": guide,
        "guide_name": guide.get_full_name() or guide.username,
        "employer": match.employer,
        "region": match.candidate.region,
        "timeline_url": settings.SITE_URL + reverse("employers:timeline", args=[match.employer_id]),
    }


@transaction.atomic
def intro_send(*, match_id: int, guide_id: int) -> str:
    """Claim the match's intro (``intro_notified_at``) and queue the mail in the same transaction."""
    claimed = Match.objects.filter(pk=match_id, intro_notified_at__isnull=True).update(intro_notified_at=timezone.now())
    if not claimed:
        return "already-handled"
    match = Match.objects.select_related("employer__owner", "candidate__region").get(pk=match_id)
    guide = get_user_model().objects.get(pk=guide_id)
    adviser = match.employer.owner
    if adviser is None or not adviser.email:
        return "no-recipient"
    language = UserPreference.objects.filter(user=adviser).values_list("language", flat=True).first() or "nl"
    emails.queue_templated(
        key=f"warm-intro:{match_id}",
        kind=WARM_INTRO_KIND,
        template="candidates/emails/warm_intro",
        context=intro_context(match, guide),
        language=language,
        to_email=adviser.email,
        to_name=adviser.get_full_name(),
        headers={"Reply-To": guide.email} if guide.email else None,
    )
    return "sent"
