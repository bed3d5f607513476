"""The invite page shows the mail itself before sending (issue 17): subject, HTML and text in
each recipient language of the audience, built by ``invitation_row`` as the real one is."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.html import escape

from outreach.models import Invitation, OutboundEmail
from outreach.services.invitations import invite
from tests.factories import ContactPersonFactory

pytestmark = pytest.mark.django_db


def test_the_preview_is_the_mail_that_is_then_sent(cast, web, event_a, network):
    english = ContactPersonFactory(employer=network.reachable.employer, name="Emma English", language="en")
    url = reverse("outreach:event-invite", args=[event_a.pk])
    page = web(cast["adviser_a"]).get(url + "?preview=1&stages=open")

    assert page.status_code == 200 and not Invitation.objects.exists()
    previews = {row.language: row for row, _reply_to in page.context["mails"]}
    assert set(previews) == {"nl", "en"}
    body = page.content.decode()
    for row in previews.values():
        assert f'<dd class="mail-subject">{escape(row.subject)}</dd>' in body
        assert f'srcdoc="{escape(row.body_html)}"' in body  # the HTML part, whole, in a sandboxed frame
        assert escape(row.body_text.splitlines()[0]) in body
    assert '<html lang="en">' in previews["en"].body_html and '<html lang="nl">' in previews["nl"].body_html

    invite(event=event_a, by=cast["adviser_a"], persons=[network.reachable, english])

    for person, language in ((network.reachable, "nl"), (english, "en")):
        sent = OutboundEmail.objects.get(kind="invite", to_email=person.email)
        preview = previews[language]
        assert sent.subject == preview.subject and sent.from_email == preview.from_email
        if person.name == preview.to_name:  # the first of each language: the same text but its links
            assert _without_links(sent.body_text) == _without_links(preview.body_text)


def _without_links(text: str) -> str:
    import re

    return re.sub(r"https?://\S+", "<link>", text)
