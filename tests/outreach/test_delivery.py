"""Delivery against a real SMTP server on loopback (aiosmtpd in this process): claim, commit,
send, mark; per-recipient trouble stays on its row; the sweep's lease and attempt budget."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import psycopg
import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from outreach import delivery
from outreach.models import EmailState, OutboundEmail
from outreach.services import invitations
from outreach.services.rounds import invitation_round_run, invite_in_background, stalled_rounds
from outreach.tasks import sweep_outbox
from tests.factories import ContactPersonFactory
from tests.outreach.factories import EventFactory
from tests.workers import test_database_url as database_url

pytestmark = pytest.mark.django_db


def invite(by: Any, *emails: str, name: str = "") -> list[OutboundEmail]:
    people = [ContactPersonFactory(email=address, **({"name": name} if name else {})) for address in emails]
    invitations.invite(event=EventFactory(owner=by), by=by, persons=people)
    return list(OutboundEmail.objects.order_by("to_email"))  # delivered in this order


def deliver(rows: list[OutboundEmail]) -> dict[str, int]:
    return delivery.deliver([r.pk for r in rows], worker="test-worker:1")


def states() -> dict[str, tuple[str, int]]:
    return {r.to_email: (r.state, r.attempts) for r in OutboundEmail.objects.all()}


def test_a_refused_recipient_fails_alone_and_the_rest_of_the_batch_goes_out(adviser_a, smtp):
    rows = invite(adviser_a, "a@x.example", "gone@x.example", "c@x.example")
    smtp.recorder.rcpt_replies["gone@x.example"] = "550 5.1.1 No such user"

    assert deliver(rows) == {"sent": 2, "skipped": 0, "retry": 0, "failed": 1}

    assert states() == {"a@x.example": ("sent", 1), "gone@x.example": ("failed", 1), "c@x.example": ("sent", 1)}
    assert "550" in OutboundEmail.objects.get(to_email="gone@x.example").last_error
    assert len(smtp.messages) == 2


def test_a_greylisted_recipient_is_retried_alone_and_goes_out_on_its_next_attempt(adviser_a, smtp, settings):
    settings.OUTREACH_RETRY_BASE_SECONDS = 0
    rows = invite(adviser_a, "a@x.example", "grey@x.example", "c@x.example")
    smtp.recorder.greylist = {"grey@x.example"}

    assert deliver(rows) == {"sent": 2, "skipped": 0, "retry": 1, "failed": 0}
    grey = OutboundEmail.objects.get(to_email="grey@x.example")
    assert (grey.state, grey.attempts) == ("queued", 1) and "451" in grey.last_error

    assert deliver([grey])["sent"] == 1
    assert sorted(smtp.counts().values()) == [1, 1, 1]


def test_a_refusal_at_data_stays_on_its_row(adviser_a, smtp):
    rows = invite(adviser_a, "a@x.example", "big@x.example", "c@x.example")
    smtp.recorder.data_replies["big@x.example"] = "554 5.6.0 Message rejected"

    assert deliver(rows)["sent"] == 2
    assert states()["big@x.example"] == ("failed", 1)


def test_a_server_closing_with_421_ends_the_batch_and_leaves_the_rest_unclaimed(adviser_a, smtp):
    rows = invite(adviser_a, "a@x.example", "b@x.example", "c@x.example")
    smtp.recorder.rcpt_replies["b@x.example"] = "421 4.3.2 Service shutting down"

    assert deliver(rows) == {"sent": 1, "skipped": 0, "retry": 1, "failed": 0}
    assert states() == {"a@x.example": ("sent", 1), "b@x.example": ("queued", 1), "c@x.example": ("queued", 0)}


def test_a_message_that_cannot_be_built_fails_alone_with_its_reason(adviser_a, smtp):
    rows = invite(adviser_a, "a@x.example", "b@x.example")
    # A row stored without its wire form and with a line break in a header (written by hand,
    # or by an older version): Django refuses to build it.
    OutboundEmail.objects.filter(pk=rows[0].pk).update(mime=b"", to_name="Eva\r\nBcc: victim@x.example")

    assert deliver(rows) == {"sent": 1, "skipped": 0, "retry": 0, "failed": 1}
    broken = OutboundEmail.objects.get(pk=rows[0].pk)
    assert broken.state == "failed" and "cannot be built" in broken.last_error
    assert [m["To"] for m in smtp.messages] == [delivery.mailbox(rows[1].to_name, "b@x.example")]


def test_names_with_line_breaks_and_control_characters_are_cleaned_before_they_reach_a_header(adviser_a, smtp):
    invite(adviser_a, "a@x.example", name="Eva\r\nBcc: victim@x.example\x07")
    row = OutboundEmail.objects.get()
    assert row.to_name == "Eva Bcc: victim@x.example" and row.state == "queued"

    assert deliver([row])["sent"] == 1
    (message,) = smtp.messages
    assert message["Bcc"] is None and "victim" in message["To"] and "\n" not in message["To"]


@pytest.mark.django_db(transaction=True)
def test_the_claim_is_committed_before_the_mail_server_hears_of_the_message(adviser_a, smtp):
    rows = invite(adviser_a, "a@x.example")
    seen: list[tuple] = []

    def look(_message: Any) -> None:  # another connection, while the server holds the message
        with psycopg.connect(database_url()) as other:
            seen.append(
                other.execute(
                    "SELECT state, attempts, claimed_by, lease_expires_at > now() FROM outreach_outboundemail"
                ).fetchone()
            )

    smtp.recorder.on_store = look
    assert deliver(rows)["sent"] == 1
    assert seen == [("sending", 1, "test-worker:1", True)]
    row = OutboundEmail.objects.get()
    assert (row.state, row.attempts, row.lease_expires_at, row.uncertain) == ("sent", 1, None, False)


@pytest.mark.django_db(transaction=True)
def test_a_database_link_lost_during_the_send_is_reconnected_for_the_mark(adviser_a, smtp):
    rows = invite(adviser_a, "a@x.example", "b@x.example")
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    killed: list[bool] = []

    def kill_our_link(_message: Any) -> None:
        if not killed:
            with psycopg.connect(database_url(), autocommit=True) as other:
                killed.append(other.execute("SELECT pg_terminate_backend(%s)", [pid]).fetchone()[0])

    smtp.recorder.on_store = kill_our_link
    assert deliver(rows)["sent"] == 2
    assert killed == [True]
    assert states() == {"a@x.example": ("sent", 1), "b@x.example": ("sent", 1)}
    assert sorted(smtp.counts().values()) == [1, 1]


def test_a_lease_that_expired_in_sending_comes_back_flagged_within_its_attempt_budget(
    adviser_a, smtp, settings, api, web, cast
):
    settings.OUTREACH_MAX_ATTEMPTS = 3
    rows = invite(adviser_a, "a@x.example", "b@x.example")
    past = timezone.now() - timedelta(seconds=1)
    # A worker died between claim and mark: row a on its first attempt, row b on its last.
    OutboundEmail.objects.filter(pk=rows[0].pk).update(state="sending", attempts=1, lease_expires_at=past)
    OutboundEmail.objects.filter(pk=rows[1].pk).update(state="sending", attempts=3, lease_expires_at=past)

    sweep_outbox()

    a, b = (OutboundEmail.objects.get(pk=r.pk) for r in rows)
    assert (a.state, a.uncertain, a.attempts) == ("queued", True, 1)
    assert (b.state, b.uncertain) == ("failed", True) and "lease expired" in b.last_error
    assert deliver([a])["sent"] == 1
    a.refresh_from_db()
    assert (a.state, a.attempts, a.uncertain) == ("sent", 2, True)

    answer = api(cast["adviser_a"]).get("/api/v1/outbound-emails/", {"state": "sent"}).json()
    assert [row["uncertain"] for row in answer["results"]] == [True]
    page = web(cast["adviser_a"]).get(reverse("outreach:event-detail", args=[a.event_id]))
    assert "mogelijk dubbel verstuurd" in page.content.decode()  # "may have gone out twice"


def test_a_lease_still_running_is_left_alone(adviser_a):
    rows = invite(adviser_a, "a@x.example")
    OutboundEmail.objects.filter(pk=rows[0].pk).update(
        state="sending", attempts=1, lease_expires_at=timezone.now() + timedelta(seconds=60)
    )
    assert delivery.release_expired_leases() == 0
    assert OutboundEmail.objects.get().state == "sending"


def test_no_fault_makes_a_row_loop_its_attempts_run_out(adviser_a, smtp, settings):
    settings.OUTREACH_MAX_ATTEMPTS = 3
    settings.OUTREACH_RETRY_BASE_SECONDS = 0
    rows = invite(adviser_a, "grey@x.example")
    smtp.recorder.rcpt_replies["grey@x.example"] = "451 4.7.1 Try again later"

    outcomes = [deliver(rows) for _ in range(5)]

    assert [o["retry"] for o in outcomes] == [1, 1, 0, 0, 0] and outcomes[2]["failed"] == 1
    row = OutboundEmail.objects.get()
    assert (row.state, row.attempts) == (EmailState.FAILED, 3) and "451" in row.last_error


def test_the_event_page_shows_a_background_rounds_progress_in_dutch_and_english(adviser_a, web, cast, settings):
    from outreach.models import InvitationRound

    event = EventFactory(owner=adviser_a)
    InvitationRound.objects.create(event=event, created_by=adviser_a, total=3000, done=1200, state="running")
    client = web(cast["adviser_a"])
    url = reverse("outreach:event-detail", args=[event.pk])

    assert "bezig: 1.200 van 3.000 uitgenodigd" in client.get(url, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "in progress: 1,200 of 3,000 invited" in client.get(url).content.decode()


def test_a_round_whose_task_was_lost_is_picked_up_by_the_tick_after_the_grace_period(adviser_a, settings):
    from outreach.models import InvitationRound

    settings.OUTREACH_SWEEP_GRACE_SECONDS = 30
    event = EventFactory(owner=adviser_a)
    people = [ContactPersonFactory().pk for _ in range(3)]
    round_ = invite_in_background(event=event, by=adviser_a, persons=people)
    assert stalled_rounds() == []  # just made: its own task may still come
    InvitationRound.objects.filter(pk=round_.pk).update(updated_at=timezone.now() - timedelta(seconds=31))
    assert stalled_rounds() == [round_.pk]

    assert invitation_round_run(round_id=round_.pk) == "done"
    assert stalled_rounds() == []
    assert OutboundEmail.objects.filter(event=event).count() == 3


def test_a_round_for_a_session_that_was_cancelled_meanwhile_fails_visibly(adviser_a):
    from outreach.models import Event, InvitationRound

    event = EventFactory(owner=adviser_a)
    round_ = invite_in_background(event=event, by=adviser_a, persons=[ContactPersonFactory().pk])
    Event.objects.filter(pk=event.pk).update(state="cancelled")

    assert invitation_round_run(round_id=round_.pk) == "failed"
    round_ = InvitationRound.objects.get(pk=round_.pk)
    assert round_.state == "failed" and round_.last_error and not OutboundEmail.objects.exists()
