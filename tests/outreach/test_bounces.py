"""Bounces and complaints: every outbox row's own signed Return-Path (VERP), real bounce
samples parsed by flufl.bounce, and the bounce mailbox read from a real Dovecot IMAP server."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse

from employers.models import ContactPerson, FollowUp
from outreach import delivery
from outreach.bounces import reading, verp
from outreach.bounces.services import bounce_record, process
from outreach.models import Bounce, Invitation, OutboundEmail
from outreach.services import invitations
from outreach.services.audience import AudienceFilters, ExclusionReason, audience_preview
from tests.factories import ContactPersonFactory, EmployerFactory
from tests.outreach import bounce_samples as samples
from tests.outreach.dovecot import ImapServer
from tests.outreach.factories import EventFactory
from tests.outreach.harness import SmtpServer

pytestmark = pytest.mark.django_db

DOMAIN = "bounces.wsp.example"


@pytest.fixture(autouse=True)
def bounce_domain(settings: Any) -> None:
    settings.BOUNCE_DOMAIN = DOMAIN


def test_a_verp_address_names_its_row_and_a_forged_one_names_nothing():
    address = verp.return_path(42)

    assert address is not None and address.startswith("bounces+42-") and address.endswith(f"@{DOMAIN}")
    assert verp.row_in(f"To: {address}\r\n".encode()) == 42
    assert verp.row_in(f"To: {address.upper()}\r\n".encode()) == 42  # a server may change the case
    assert verp.row_in(b"To: bounces+42-0123456789abcdef@" + DOMAIN.encode()) is None  # wrong signature
    assert verp.row_in(f"To: {address.replace('+42-', '+43-')}".encode()) is None  # another row's
    assert verp.row_in(address.replace(DOMAIN, "elders.example").encode()) is None  # not our domain


@pytest.mark.parametrize(
    ("template", "kind"),
    [
        (samples.POSTFIX_HARD, Bounce.HARD),
        (samples.EXIM_HARD, Bounce.HARD),
        (samples.QMAIL_HARD, Bounce.HARD),
        (samples.DELAYED_SOFT, Bounce.SOFT),
        (samples.ARF_COMPLAINT, Bounce.COMPLAINT),
        (samples.OUT_OF_OFFICE, None),
    ],
)
def test_each_kind_of_bounce_is_recognised(template: str, kind: str | None):
    raw = samples.message(template, verp=verp.return_path(7) or "", to="jan@werkgever.example")

    assert reading.read(raw) == (7, kind)


def invite(by: Any, *locals_: str) -> dict[str, OutboundEmail]:
    employer = EmployerFactory(region_id="AM18", owner=by)
    people = [ContactPersonFactory(employer=employer, email=f"{name}@werkgever.example") for name in locals_]
    invitations.invite(event=EventFactory(owner=by), by=by, persons=people)
    return {row.to_email.split("@")[0]: row for row in OutboundEmail.objects.all()}


def person(row: OutboundEmail) -> ContactPerson:
    return ContactPerson.objects.get(email=row.to_email)


def test_three_soft_bounces_of_different_mails_mark_the_address_a_repeat_counts_once(adviser_a: Any):
    target = ContactPersonFactory(employer=EmployerFactory(region_id="AM18", owner=adviser_a))
    rows = []
    for _ in range(3):
        invitations.invite(event=EventFactory(owner=adviser_a), by=adviser_a, persons=[target])
        rows.append(OutboundEmail.objects.order_by("-pk").first())

    assert [bounce_record(row_id=rows[0].pk, kind=Bounce.SOFT) for _ in range(2)] == ["soft", "already"]
    bounce_record(row_id=rows[1].pk, kind=Bounce.SOFT)
    target.refresh_from_db()
    assert target.soft_bounces == 2 and not target.email_invalid
    bounce_record(row_id=rows[2].pk, kind=Bounce.SOFT)
    target.refresh_from_db()
    assert target.soft_bounces == 3 and target.email_invalid
    assert FollowUp.objects.filter(owner=adviser_a, employer=target.employer).count() == 1


def test_a_new_address_is_valid_again(adviser_a: Any):
    from employers.services_parts import contact_person_update

    rows = invite(adviser_a, "oud")
    bounce_record(row_id=rows["oud"].pk, kind=Bounce.HARD)
    contact_person_update(contact_person=person(rows["oud"]), by=adviser_a, email="nieuw@werkgever.example")

    fresh = ContactPerson.objects.get(email="nieuw@werkgever.example")
    assert not fresh.email_invalid and fresh.soft_bounces == 0


@pytest.mark.slow  # starts a Dovecot server (a second or two)
def test_bounces_read_from_a_real_imap_mailbox(adviser_a: Any, smtp: SmtpServer, imap_server: ImapServer, web: Any):
    rows = invite(adviser_a, "hard", "exim", "qmail", "soft", "klacht", "vals", "afwezig")
    delivery.deliver([row.pk for row in rows.values()], worker="test:1")
    # Each message went out with its own signed envelope sender.
    assert sorted(smtp.recorder.senders) == sorted(verp.return_path(row.pk) for row in rows.values())
    forged = f"bounces+{rows['vals'].pk}-0123456789abcdef@{DOMAIN}"
    for name, template in [
        ("hard", samples.POSTFIX_HARD), ("exim", samples.EXIM_HARD), ("qmail", samples.QMAIL_HARD),
        ("soft", samples.DELAYED_SOFT), ("klacht", samples.ARF_COMPLAINT), ("afwezig", samples.OUT_OF_OFFICE),
    ]:  # fmt: skip
        imap_server.append(
            samples.message(template, verp=verp.return_path(rows[name].pk) or "", to=rows[name].to_email)
        )
    imap_server.append(samples.message(samples.POSTFIX_HARD, verp=forged, to=rows["vals"].to_email))
    out = StringIO()

    call_command("fetch_bounces", url=imap_server.url, stdout=out)

    assert out.getvalue().strip() == "complaint: 1, hard: 3, ignored: 1, soft: 1, unrecognised: 1"
    assert imap_server.unseen() == 0
    for name in ("hard", "exim", "qmail"):
        assert person(rows[name]).email_invalid, name
        assert OutboundEmail.objects.get(pk=rows[name].pk).bounce == Bounce.HARD
    soft = person(rows["soft"])
    assert soft.soft_bounces == 1 and not soft.email_invalid
    assert person(rows["klacht"]).opted_out and not person(rows["klacht"]).email_invalid
    for name in ("vals", "afwezig"):  # the forged bounce and the auto-reply change nothing
        untouched = person(rows[name])
        assert not untouched.email_invalid and untouched.soft_bounces == 0 and not untouched.opted_out
        assert OutboundEmail.objects.get(pk=rows[name].pk).bounce == ""
    assert FollowUp.objects.filter(owner=adviser_a).count() == 3  # "e-mailadres controleren"

    # Read again (the same hard bounce once more): nothing changes.
    imap_server.append(samples.message(samples.POSTFIX_HARD, verp=verp.return_path(rows["hard"].pk) or "",
                                       to=rows["hard"].to_email))  # fmt: skip
    call_command("fetch_bounces", url=imap_server.url, stdout=out)
    assert FollowUp.objects.filter(owner=adviser_a).count() == 3

    # The next invitation round skips the dead addresses (and the complaint's opt-out).
    everyone = list(ContactPerson.objects.all())
    event = EventFactory(owner=adviser_a)
    preview = audience_preview(event=event, by=adviser_a, filters=AudienceFilters(persons=[p.pk for p in everyone]))
    assert sorted(p.email.split("@")[0] for p, why in preview.excluded if why == ExclusionReason.EMAIL_INVALID) == [
        "exim", "hard", "qmail",
    ]  # fmt: skip
    invitations.invite(event=event, by=adviser_a, persons=everyone)
    invited = Invitation.objects.filter(event=event).values_list("contact_person__email", flat=True)
    assert sorted(e.split("@")[0] for e in invited) == ["afwezig", "soft", "vals"]

    # The session's page says which invitation bounced; the employer's page which address.
    first = rows["hard"].event_id
    assert "badge bad" in web(adviser_a).get(reverse("outreach:event-detail", args=[first])).content.decode()
    page = web(adviser_a).get(reverse("employers:detail", args=[person(rows["hard"]).employer_id]))
    assert page.content.decode().count('<span class="badge bad">') == 3


def test_a_mailbox_that_cannot_be_read_is_a_clear_error(settings: Any):
    from django.core.management.base import CommandError

    from tests.outreach.harness import free_port

    with pytest.raises(CommandError, match="cannot be read"):
        call_command("fetch_bounces", url=f"imap://u:p@127.0.0.1:{free_port()}/INBOX")
    with pytest.raises(CommandError, match="must look like"):
        call_command("fetch_bounces", url="http://elders.example/")
    settings.BOUNCE_IMAP_URL = ""
    with pytest.raises(CommandError, match="BOUNCE_IMAP_URL"):
        call_command("fetch_bounces")


def test_process_ignores_mail_that_is_not_ours():
    assert process(b"From: someone@example.org\r\nSubject: hallo\r\n\r\nhoi\r\n") == "ignored"


def test_mail_still_queued_for_a_dead_address_is_not_sent(adviser_a: Any):
    target = ContactPersonFactory(employer=EmployerFactory(region_id="AM18"))
    for _ in range(2):
        invitations.invite(event=EventFactory(owner=adviser_a), by=adviser_a, persons=[target])
    first, second = OutboundEmail.objects.order_by("pk")

    bounce_record(row_id=first.pk, kind=Bounce.HARD)
    delivery.deliver([second.pk], worker="test:1")

    second.refresh_from_db()
    assert second.state == "failed" and second.last_error == "the address bounced before sending"


def test_the_api_shows_a_bounce_where_the_page_does(adviser_a: Any, api: Any):
    rows = invite(adviser_a, "hard", "soft", "goed")
    bounce_record(row_id=rows["hard"].pk, kind=Bounce.HARD)
    bounce_record(row_id=rows["soft"].pk, kind=Bounce.SOFT)
    client = api(adviser_a)

    outbox = {row["to_email"].split("@")[0]: row for row in client.get("/api/v1/outbound-emails/").json()["results"]}
    invited = {
        row["contact_person_name"]: row
        for row in client.get("/api/v1/invitations/", {"event": rows["hard"].event_id}).json()["results"]
    }

    assert [(outbox[n]["bounce"], outbox[n]["bounced_at"] is not None) for n in ("hard", "soft", "goed")] == [
        ("hard", True), ("soft", True), ("", False),
    ]  # fmt: skip
    by_email = {person(rows[n]).name: n for n in rows}
    states = {by_email[name]: (row["delivery_state"], row["soft_bounces"], row["email_invalid"])
              for name, row in invited.items()}  # fmt: skip
    assert states == {"hard": ("bounced", 0, True), "soft": ("queued", 1, False), "goed": ("queued", 0, False)}
