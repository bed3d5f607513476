"""Invitation rounds in the background, for audiences too large for one request: a round is a row
(``InvitationRound``) that a task works through in committed chunks; the beat tick restarts one
that stalled."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import timedelta
from functools import partial
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from crm import queue
from crm.models import AuditEntry
from employers.models import ContactPerson
from outreach.models import Event, InvitationRound, RoundState
from outreach.services.invitations import invite
from outreach.services.scope import check_in_scope, check_writer, person_ids

if TYPE_CHECKING:
    from crm.types import AuthUser

logger = logging.getLogger(__name__)


def invite_in_background(*, event: Event, by: AuthUser, persons: Iterable[ContactPerson | int]) -> InvitationRound:
    """``invite`` off the request, for audiences too large for one (rendering each personal
    message takes a few milliseconds). The round is a row written in this transaction, so it
    cannot be lost with a task: the task is enqueued after commit, and when the broker is away
    (or the worker dies mid-round) the beat tick starts it later. Checks what it can now."""
    check_writer(event.region_id, by)
    ids = list(dict.fromkeys(person_ids(persons)))
    check_in_scope(by, ids)
    with transaction.atomic():
        round_ = InvitationRound.objects.create(event=event, created_by=by, person_ids=ids, total=len(ids))
        AuditEntry.record("outreach.event.invite_round", target=event, actor=by, data={"count": len(ids)})
        transaction.on_commit(partial(enqueue_round, round_.pk))
    return round_


def enqueue_round(round_id: int) -> None:
    """Hand the round to a worker; with the broker away, log it and leave it to the tick."""
    try:
        queue.send("outreach.tasks.run_invitation_round", round_id, retry=False)
    except Exception as error:  # noqa: BLE001 - any broker error: the round row is committed, the tick runs it
        logger.warning("invitation round %s not enqueued (%s); the beat tick will start it", round_id, error)


ROUND_CHUNK = 200  # invitations per committed step of a round
ROUND_SLICE_SECONDS = 60  # a round task works this long, then re-enqueues itself (visibility timeout)


def _round_grace() -> timedelta:
    return timedelta(seconds=max(settings.OUTREACH_SWEEP_GRACE_SECONDS, 1))


ROUND_MAX_ATTEMPTS = 20  # a round that keeps dying (not just slow) stops, visibly, instead of looping


def _claim_round(round_id: int) -> bool:
    """Take the round if nobody works on it: new, or running but untouched for the grace period."""
    now = timezone.now()
    stalled = Q(state=RoundState.RUNNING, updated_at__lt=now - _round_grace())
    free = InvitationRound.objects.filter(Q(state=RoundState.PENDING) | stalled, pk=round_id)
    if free.filter(attempts__gte=ROUND_MAX_ATTEMPTS).update(
        state=RoundState.FAILED, finished_at=now, last_error=_("This round stopped too often; start it again.")
    ):
        return False
    return bool(free.update(state=RoundState.RUNNING, updated_at=now, attempts=F("attempts") + 1))


def invitation_round_run(*, round_id: int) -> str:
    """Work through a round from its committed progress: each chunk's invitations and the
    progress commit together, and the invitation keys make a chunk run twice harmless."""
    if not _claim_round(round_id):
        return "busy-or-finished"
    round_ = InvitationRound.objects.select_related("event", "created_by").get(pk=round_id)
    by = round_.created_by
    deadline = timezone.now() + timedelta(seconds=ROUND_SLICE_SECONDS)
    while round_.done < round_.total:
        if timezone.now() > deadline:
            # Progress was made: this slice does not count against the round's attempts.
            InvitationRound.objects.filter(pk=round_id).update(state=RoundState.PENDING, attempts=0)
            transaction.on_commit(partial(enqueue_round, round_id))
            return "continues"
        chunk = round_.person_ids[round_.done : round_.done + ROUND_CHUNK]
        try:
            with transaction.atomic():
                if by is None or not by.is_active:
                    raise ValidationError(_("The person who started this round can no longer invite."))
                created = invite(event=round_.event, by=by, persons=chunk)
                round_.done += len(chunk)
                round_.invited += len(created)
                InvitationRound.objects.filter(pk=round_id).update(
                    done=round_.done, invited=F("invited") + len(created), updated_at=timezone.now()
                )
        except (ValidationError, PermissionDenied) as error:
            message = " ".join(getattr(error, "messages", [str(error)]))
            InvitationRound.objects.filter(pk=round_id).update(
                state=RoundState.FAILED, last_error=message[:500], finished_at=timezone.now()
            )
            return "failed"
    InvitationRound.objects.filter(pk=round_id).update(state=RoundState.DONE, finished_at=timezone.now())
    return "done"


def stalled_rounds() -> list[int]:
    """Rounds the tick should (re)start: waiting or running, untouched for the grace period."""
    since = timezone.now() - _round_grace()
    return list(
        InvitationRound.objects.filter(state__in=[RoundState.PENDING, RoundState.RUNNING], updated_at__lt=since)
        .order_by("pk")
        .values_list("pk", flat=True)[:100]
    )
