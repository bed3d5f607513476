"""The database steps of delivery (``outreach.delivery`` says how they fit together), each
its own autocommitted statement: the claim, the mark that hands the next row over (also sent
without waiting, ``start_mark``), giving rows back, recording a failure."""

from __future__ import annotations

import contextlib
import logging
import os
import select
import socket
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.db import connection as db_connection
from django.db.models import F, Q
from django.utils import timezone
from psycopg import pq

from outreach.models import TRANSACTIONAL_KINDS, EmailState, OutboundEmail

logger = logging.getLogger("outreach.delivery")  # the one logger of delivery, as operators filter it

T = TypeVar("T")

# A mark (or claim, or failure record) whose database link died is retried this many times on
# a fresh connection, waiting 0.1, 0.2, 0.4 ... seconds in between (about 6 s in all).
DB_RETRIES = 6
# Rows claimed by one statement. A worker lost mid-batch leaves the rest of it ``sending``
# until the lease expires (then they are given back untried): a small batch keeps that short.
CLAIM_BATCH = 20
LEASE_EXPIRED = "The worker was lost while sending (lease expired): the mail server may have this message already."


def backoff(attempts: int) -> timedelta:
    base = settings.OUTREACH_RETRY_BASE_SECONDS
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), settings.OUTREACH_RETRY_MAX_SECONDS))


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class Outcome:
    SENT = "sent"
    SKIPPED = "skipped"
    RETRY = "retry"
    FAILED = "failed"


def _with_db_retry(step: Callable[[], T], what: str) -> T:
    """Run ``step``; when the database link is gone, drop it and try again on a fresh one."""
    for attempt in range(DB_RETRIES):
        try:
            return step()
        except (OperationalError, InterfaceError) as error:
            if attempt == DB_RETRIES - 1 or db_connection.in_atomic_block:
                raise
            logger.warning("outbox: %s failed (%s); reconnecting", what, error)
            with contextlib.suppress(Exception):  # closing a broken connection may fail; it is dropped anyway
                db_connection.close()
            time.sleep(0.1 * 2**attempt)
    raise AssertionError("unreachable")


_TABLE = OutboundEmail._meta.db_table
# The primary key picks the rows: ``("state" || '')`` keeps the state indexes out of the plan,
# which stale statistics would otherwise choose (17.7 ms a claim instead of 0.2). Only our own
# table and column names are formatted in; every value is a parameter.
_COLUMNS = ", ".join(f't."{f.column}"' for f in OutboundEmail._meta.concrete_fields)
_CLAIM_SQL = f"""
WITH picked AS (
    SELECT "id" FROM "{_TABLE}"
    WHERE "id" = ANY(%(ids)s) AND ("state" || '') = %(queued)s AND "next_attempt_at" <= %(now)s
    ORDER BY "id" FOR UPDATE SKIP LOCKED
)
UPDATE "{_TABLE}" AS t SET "state" = %(sending)s, "attempts" = t."attempts" + 1, "claimed_at" = %(now)s,
    "lease_expires_at" = %(lease)s, "claimed_by" = %(worker)s,
    "held_in_batch" = t."id" <> (SELECT "id" FROM picked ORDER BY array_position(%(ids)s, "id") LIMIT 1)
FROM picked WHERE t."id" = picked."id" RETURNING {_COLUMNS}
"""  # noqa: S608 - our own table and column names; the values are parameters
# After the 250 of row ``done``: it is sent (whatever the row says now: the sweep may have given
# it back), and row ``next`` is handed over with a fresh lease if it is still ours and waiting.
_MARK_SQL = f"""
UPDATE "{_TABLE}" SET
    "state" = CASE WHEN "id" = %(done)s THEN %(sent)s ELSE "state" END,
    "sent_at" = CASE WHEN "id" = %(done)s THEN %(now)s ELSE "sent_at" END,
    "last_error" = CASE WHEN "id" = %(done)s THEN '' ELSE "last_error" END,
    "lease_expires_at" = CASE WHEN "id" = %(done)s THEN NULL ELSE %(lease)s END,
    "held_in_batch" = FALSE
WHERE "id" = %(done)s
    OR ("id" = %(next)s AND "state" = %(sending)s AND "claimed_by" = %(worker)s AND "held_in_batch")
RETURNING "id"
"""  # noqa: S608 - our own table name; the values are parameters


def _params(**values: Any) -> dict[str, Any]:
    now = timezone.now()
    return {
        "now": now,
        "lease": now + timedelta(seconds=settings.OUTREACH_LEASE_SECONDS),
        "queued": EmailState.QUEUED,
        "sending": EmailState.SENDING,
        "sent": EmailState.SENT,
        **values,
    }


def claim(ids: list[int], worker: str) -> list[OutboundEmail]:
    """Move these rows (a batch), where still queued and due, to ``sending`` (committed on
    return), in the order given; the first is handed over, the others wait in the batch."""
    order = {pk: position for position, pk in enumerate(ids)}

    def step() -> list[OutboundEmail]:
        params = _params(ids=list(ids), worker=worker)
        return sorted(OutboundEmail.objects.raw(_CLAIM_SQL, params), key=lambda r: order[r.pk])

    return _with_db_retry(step, "claim")


def _run(sql: str, params: dict[str, Any]) -> list[int]:
    with db_connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def mark_sent(row_id: int, following: int | None = None, worker: str = "") -> bool:
    """The server said 250: sent. True when ``following`` (the next row of the batch) was
    handed over in the same statement, False when it is no longer ours (or there is none)."""
    params = _params(done=row_id, next=following, worker=worker)
    marked = _with_db_retry(lambda: _run(_MARK_SQL, params), f"marking {row_id} sent")
    return following is not None and following in marked


# The same mark as a prepared statement sent without waiting for its answer (libpq's
# asynchronous calls on Django's own connection): the worker says MAIL FROM and RCPT TO of the
# next row while PostgreSQL commits the mark, and reads the answer before that row's DATA, so
# the order of the crash guarantees is unchanged (a row's bytes go out only after the mark that
# hands it over is committed). A mark whose answer does not come is run again the usual way.
_MARK_NAME = b"wsp_outbox_mark"
_MARK_PREPARED = (
    _MARK_SQL.replace("%(done)s", "$1::bigint")
    .replace("%(sent)s", "$2::varchar")
    .replace("%(now)s", "$3::timestamptz")
    .replace("%(lease)s", "$4::timestamptz")
    .replace("%(next)s", "$5::bigint")
    .replace("%(sending)s", "$6::varchar")
    .replace("%(worker)s", "$7::varchar")
).encode()
MARK_ANSWER_SECONDS = 30.0  # after this the mark is given up and run again on a fresh link
_prepared_on: dict[str, Any] = {"pgconn": None}


class PendingMark:
    """A mark sent and not yet answered; ``settle()`` before any other use of the connection."""

    def __init__(self, pgconn: Any, row_id: int, following: int, worker: str) -> None:
        self.pgconn, self.row_id, self.following, self.worker = pgconn, row_id, following, worker

    def _answer(self) -> list[int]:
        pgconn, deadline = self.pgconn, time.monotonic() + MARK_ANSWER_SECONDS
        while True:
            pgconn.consume_input()
            if not pgconn.is_busy():
                break
            left = deadline - time.monotonic()
            if left <= 0:
                raise OperationalError("no answer to the mark")
            select.select([pgconn.socket], [], [], left)
        ids, error = [], None
        while (result := pgconn.get_result()) is not None:
            if result.status == pq.ExecStatus.TUPLES_OK:
                ids += [int(result.get_value(i, 0)) for i in range(result.ntuples)]
            else:
                error = (result.error_message or b"").decode(errors="replace")
        if error is not None:
            raise OperationalError(error)
        return ids

    def settle(self) -> bool:
        """True when ``following`` was handed over by this mark."""
        try:
            marked = self._answer()
        except Exception as error:  # noqa: BLE001 - any trouble: the link is dropped and the mark run again
            logger.warning("outbox: marking %s sent got no answer (%s); running it again", self.row_id, error)
            with contextlib.suppress(Exception):  # closing a broken connection may fail; it is dropped anyway
                db_connection.close()
            return mark_sent(self.row_id, self.following, self.worker)
        return self.following in marked


def start_mark(row_id: int, following: int, worker: str) -> PendingMark | bool:
    """Send the mark of ``row_id`` (handing ``following`` over) without waiting; where that
    cannot be done, mark now and return whether ``following`` is ours."""
    try:
        db_connection.ensure_connection()
        pgconn = db_connection.connection.pgconn
        if _prepared_on["pgconn"] is not pgconn:
            prepared = pgconn.prepare(_MARK_NAME, _MARK_PREPARED)
            if prepared.status != pq.ExecStatus.COMMAND_OK:
                raise OperationalError((prepared.error_message or b"").decode(errors="replace"))
            _prepared_on["pgconn"] = pgconn
        params = _params()
        values = [row_id, EmailState.SENT, params["now"].isoformat(), params["lease"].isoformat()]
        values += [following, EmailState.SENDING, worker]
        pgconn.send_query_prepared(_MARK_NAME, [str(v).encode() for v in values])
    except Exception as error:  # noqa: BLE001 - the usual mark, with its retries, instead
        logger.info("outbox: mark of %s sent the usual way (%s)", row_id, error)
        _prepared_on["pgconn"] = None
        return mark_sent(row_id, following, worker)
    return PendingMark(pgconn, row_id, following, worker)


def hand_over(row_id: int | None, worker: str) -> bool:
    """Hand this waiting row of our batch over (after its predecessor failed or was skipped)."""
    if row_id is None:
        return False
    return bool(
        _with_db_retry(
            lambda: OutboundEmail.objects.filter(
                pk=row_id, state=EmailState.SENDING, claimed_by=worker, held_in_batch=True
            ).update(held_in_batch=False, lease_expires_at=_params()["lease"]),
            f"handing {row_id} over",
        )
    )


def untried_again() -> dict[str, Any]:
    """A claimed row that never went to the mail server, queued again as it was: its attempt
    undone, out of the batch, no lease (the batch's early end and the sweep alike)."""
    return {
        "state": EmailState.QUEUED,
        "attempts": F("attempts") - 1,
        "held_in_batch": False,
        "lease_expires_at": None,
        "claimed_at": None,
        "claimed_by": "",
    }


def give_back_untried(ids: list[int], worker: str) -> int:
    """Rows of our batch never handed over (the batch ended early): queued again as they were."""
    if not ids:
        return 0
    return _with_db_retry(
        lambda: OutboundEmail.objects.filter(
            pk__in=ids, state=EmailState.SENDING, claimed_by=worker, held_in_batch=True
        ).update(**untried_again()),
        "giving back untried rows",
    )


def record_failure(row: OutboundEmail, error: BaseException | str, *, permanent: bool, uncertain: bool = False) -> str:
    """Give the row back with a backoff, or fail it (5xx, unbuildable, or out of attempts).
    ``uncertain``: the link broke after the message was handed over (no reply to DATA)."""
    text = (error if isinstance(error, str) else f"{type(error).__name__}: {error}")[:500]
    failed = permanent or row.attempts >= settings.OUTREACH_MAX_ATTEMPTS
    changes: dict[str, Any] = {"last_error": text, "lease_expires_at": None}
    if uncertain:
        changes["uncertain"] = True
    if failed:
        changes["state"] = EmailState.FAILED
    else:
        changes.update(state=EmailState.QUEUED, next_attempt_at=timezone.now() + backoff(row.attempts))
    _with_db_retry(
        lambda: OutboundEmail.objects.filter(pk=row.pk, state=EmailState.SENDING).update(**changes),
        f"recording the failure of {row.pk}",
    )
    if failed:
        logger.warning("outbox %s failed for good: %s", row.pk, text)
        return Outcome.FAILED
    logger.info("outbox %s will be retried at %s: %s", row.pk, changes["next_attempt_at"], text)
    return Outcome.RETRY


def fail_blocked(ids: list[int]) -> int:
    """Outreach rows of this batch that must not go out after all (checked at send time): the
    person opted out, the employer became do-not-contact or the address bounced, since the row
    was queued."""
    # By primary key only: a state test here lets stale statistics walk the whole queued index
    # (0.3 s a task); the update below keeps only the rows still queued.
    rows = (
        OutboundEmail.objects.filter(pk__in=ids, invitation__isnull=False)
        .order_by()
        .exclude(kind__in=TRANSACTIONAL_KINDS)
        .filter(
            Q(invitation__contact_person__opted_out_at__isnull=False)
            | Q(invitation__contact_person__employer__do_not_contact=True)
            | Q(invitation__contact_person__email_invalid_at__isnull=False)
        )
        .values_list("pk", "invitation__contact_person__opted_out_at", "invitation__contact_person__email_invalid_at")
    )
    done = 0
    for pk, opted_out, invalid in rows:
        reason = "opted out before sending" if opted_out else "employer is do-not-contact"
        reason = "the address bounced before sending" if invalid else reason
        done += OutboundEmail.objects.filter(pk=pk, state=EmailState.QUEUED).update(
            state=EmailState.FAILED, last_error=reason, attempts=F("attempts") + 1, claimed_at=timezone.now()
        )
    return done
