"""The public pages' privacy notice (issue 18): the region's WSP as controller from the
settings, what is stored and for how long, in Dutch and English; and the retention it promises
for registrations that were never confirmed."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone

from outreach import notice as privacy
from outreach.models import Registration
from outreach.services import registration
from tests.outreach.factories import EventFactory

pytestmark = pytest.mark.django_db


def test_the_notice_names_the_regions_wsp_from_the_settings(client, settings):
    settings.PRIVACY_CONTROLLERS = ["AM18=WSP Groot Amsterdam|privacy@wsp-ga.nl"]

    named = client.get(reverse("agenda:region-privacy", args=["AM18"])).content.decode()
    default = client.get(reverse("agenda:region-privacy", args=["AM13"])).content.decode()
    national = client.get(reverse("agenda:privacy"))

    assert "WSP Groot Amsterdam" in named and 'href="mailto:privacy@wsp-ga.nl"' in named
    assert "WSP Midden-Utrecht" in default and "mailto:" not in default
    assert "na 30 dagen verwijderd" in named and "is WSP Groot Amsterdam de verwerkingsverantwoordelijke" in named
    assert national.status_code == 200
    assert client.get(reverse("agenda:region-privacy", args=["XX99"])).status_code == 404


def test_the_notice_in_english(client):
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"

    text = client.get(reverse("agenda:region-privacy", args=["AM18"])).content.decode()

    assert "A registration you did not confirm is deleted after 30 days." in text
    assert "the controller is WSP Groot Amsterdam" in text


def test_the_public_session_page_links_to_its_regions_notice(client):
    event = EventFactory(region_id="AM18")

    text = client.get(reverse("outreach:public-event", args=[event.slug])).content.decode()

    assert reverse("agenda:region-privacy", args=["AM18"]) in text


def test_unconfirmed_registrations_are_deleted_after_30_days_and_confirmed_ones_kept():
    event = EventFactory()
    old = registration.register(event=event, name="Oud", organisation="Oud B.V.", email="oud@oud.nl")
    fresh = registration.register(event=event, name="Nieuw", organisation="Nieuw B.V.", email="nieuw@nieuw.nl")
    kept = registration.register(event=event, name="Ja", organisation="Ja B.V.", email="ja@ja.nl")
    registration.confirm(registration=kept)
    long_ago = timezone.now() - timedelta(days=31)
    Registration.objects.filter(pk__in=[old.pk, kept.pk]).update(created_at=long_ago)

    assert privacy.purge_unconfirmed() == 1
    assert privacy.purge_unconfirmed() == 0  # a rerun deletes nothing more
    assert set(Registration.objects.values_list("pk", flat=True)) == {fresh.pk, kept.pk}


def test_the_purge_runs_daily_in_beat():
    entry = django_settings.CELERY_BEAT_SCHEDULE["registration-retention"]

    assert entry["task"] == "outreach.tasks.purge_unconfirmed_registrations"


def test_the_notice_says_who_sees_access_needs_and_when_they_are_erased_from_the_setting(client, settings):
    settings.ACCESS_NEEDS_RETENTION_DAYS = 14
    url = reverse("agenda:region-privacy", args=["AM18"])

    dutch = client.get(url).content.decode()
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    english = html.unescape(client.get(url).content.decode())

    assert "alleen zichtbaar voor de organisatoren van de sessie en voor de aanmeldbalie" in dutch
    assert "worden 14 dagen na de sessie gewist" in dutch
    assert "visible only to the session's organisers and to check-in, and are erased 14 days after" in english
