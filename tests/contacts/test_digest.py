from __future__ import annotations

from datetime import date, datetime
from email.utils import parseaddr
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from employers.digest import digest_send, render_digest
from employers.models import DigestRun, UserPreference
from employers.tasks import send_followup_digest, send_followup_digests
from outreach.models import OutboundEmail
from tests.contacts.factories import FollowUpFactory

pytestmark = pytest.mark.django_db
AMS = ZoneInfo("Europe/Amsterdam")
MORNING = datetime(2026, 11, 23, 7, 0, tzinfo=AMS)


def test_the_digest_job_run_twice_sends_each_person_one_mail(
    adviser_a, guide_a, coordinator_a, eager, django_capture_on_commit_callbacks
):
    UserPreference.objects.create(user=adviser_a, language="en")
    FollowUpFactory(owner=adviser_a, due_date=date(2026, 11, 20), note="Offerte nabellen")  # overdue
    FollowUpFactory(owner=adviser_a, due_date=date(2026, 11, 23))  # today
    FollowUpFactory(owner=guide_a, due_date=date(2026, 11, 23))
    FollowUpFactory(owner=coordinator_a, due_date=date(2026, 11, 24))  # tomorrow: no mail yet
    FollowUpFactory(owner=coordinator_a, due_date=date(2026, 11, 1), state="done", done_at=MORNING)

    with time_machine.travel(MORNING, tick=False), django_capture_on_commit_callbacks(execute=True):
        send_followup_digests.delay()
        send_followup_digests.delay()  # beat or worker restarted: the same day again
        send_followup_digest.delay(adviser_a.pk, "2026-11-23")

    assert sorted(parseaddr(m.to[0])[1] for m in mail.outbox) == [adviser_a.email, guide_a.email]
    message = next(m for m in mail.outbox if adviser_a.email in m.to[0])
    assert "Offerte nabellen" in message.body and "2 follow-ups" in message.subject
    assert message.alternatives[0][1] == "text/html"
    assert DigestRun.objects.filter(day=date(2026, 11, 23), state="sent").count() == 2


def test_the_next_day_mails_again(adviser_a):
    FollowUpFactory(owner=adviser_a, due_date=date(2026, 11, 20))
    assert digest_send(user_id=adviser_a.pk, day=date(2026, 11, 23)) == "sent"
    assert digest_send(user_id=adviser_a.pk, day=date(2026, 11, 23)) == "already-handled"
    assert digest_send(user_id=adviser_a.pk, day=date(2026, 11, 24)) == "sent"
    keys = sorted(OutboundEmail.objects.values_list("idempotency_key", flat=True))
    assert keys == [f"digest:{adviser_a.pk}:2026-11-23", f"digest:{adviser_a.pk}:2026-11-24"]


def test_the_digest_is_an_outbox_row_that_the_outbox_delivers_and_retries(adviser_a):
    """No SMTP in the digest task: the row is the message, and a delivery failure stays on it."""
    FollowUpFactory(owner=adviser_a, due_date=date(2026, 11, 20))
    digest_send(user_id=adviser_a.pk, day=date(2026, 11, 23))
    row = OutboundEmail.objects.get()
    assert (row.kind, row.state, row.to_email, row.event_id) == ("digest", "queued", adviser_a.email, None)
    assert row.headers["Auto-Submitted"] == "auto-generated" and row.subject and row.language == "nl"
    assert row.message_id.encode() in bytes(row.mime)
    assert DigestRun.objects.get().state == "sent"


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_digest_is_rendered_in_the_users_language(adviser_a, language):
    FollowUpFactory(owner=adviser_a, due_date=date(2026, 11, 23))
    UserPreference.objects.create(user=adviser_a, language=language)
    rendered = render_digest(adviser_a, date(2026, 11, 23))
    assert f'<html lang="{language}">' in rendered.html


def test_the_beat_schedule_runs_the_digest_at_seven(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["followup-digest"]
    assert entry["task"] == "employers.tasks.send_followup_digests"
    assert entry["schedule"].hour == {7} and entry["schedule"].minute == {0}
    assert settings.CELERY_TIMEZONE == "Europe/Amsterdam"
