"""The follow-up list, snooze and reassign (audited, scoped), and the calendar feed of one's own
follow-ups (issue 17)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from crm.models import AuditEntry
from employers.contacts.selectors import bucket_followups, week_start
from employers.contacts.services import followup_feed_renew, followup_reassign, followup_snooze
from employers.models import FollowUp, FollowUpFeed
from tests.contacts.factories import FollowUpFactory
from tests.factories import EmployerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def employer_a(region_a):
    return EmployerFactory(region_id=region_a.code, legal_name="Bakkerij Zon B.V.", place="Amsterdam")


@pytest.fixture
def employer_b():
    return EmployerFactory(region_id="AM13", legal_name="Utrechtse Zaak B.V.", place="Utrecht")


def test_every_open_follow_up_lands_in_one_bucket(cast, employer_a):
    today = timezone.localdate()
    sunday = week_start(today) + timedelta(days=6)
    days = [today - timedelta(days=3), today, sunday, sunday + timedelta(days=1), sunday + timedelta(days=7),
            sunday + timedelta(days=8), today + timedelta(days=400)]  # fmt: skip
    rows = [FollowUpFactory(employer=employer_a, owner=cast["adviser_a"], due_date=d) for d in days]

    buckets = bucket_followups(rows, today)

    assert len(buckets) == len(rows)
    # On a Sunday the week's last day is today: that row is due today, not later this week.
    assert buckets.overdue == rows[:1] and buckets.today == (rows[1:3] if sunday == today else rows[1:2])
    assert buckets.this_week == ([] if sunday == today else rows[2:3])
    assert buckets.next_week == rows[3:5] and buckets.later == rows[5:]


def test_my_work_shows_follow_ups_beyond_this_week(cast, web, employer_a):
    later = timezone.localdate() + timedelta(days=30)
    FollowUpFactory(employer=employer_a, owner=cast["adviser_a"], due_date=later, note="Over een maand")

    html = web(cast["adviser_a"]).get(reverse("employers:my-work")).content.decode()

    assert "Over een maand" in html and "Volgende week" in html and "Later" in html


def test_list_scopes_mine_team_region(cast, web, employer_a, employer_b):
    today = timezone.localdate()
    FollowUpFactory(employer=employer_a, owner=cast["adviser_a"], due_date=today, note="Van mij")
    FollowUpFactory(employer=employer_a, owner=cast["guide_a"], due_date=today, note="Van collega")
    FollowUpFactory(employer=employer_b, owner=cast["adviser_b"], due_date=today, note="Andere regio")
    client = web(cast["adviser_a"])
    url = reverse("employers:followup-list")

    mine = client.get(url).content.decode()
    team = client.get(url + "?scope=team").content.decode()
    region = client.get(url + "?scope=region").content.decode()

    assert "Van mij" in mine and "Van collega" not in mine
    assert "Van mij" in team and "Van collega" in team
    assert "Van collega" in region and "Andere regio" not in region


def test_list_filters_by_due_date_and_employer(cast, web, employer_a):
    today = timezone.localdate()
    other = EmployerFactory(region_id="AM18", legal_name="Garage Noord")
    FollowUpFactory(employer=employer_a, owner=cast["adviser_a"], due_date=today + timedelta(days=20), note="Ver weg")
    FollowUpFactory(employer=other, owner=cast["adviser_a"], due_date=today, note="Garage bellen")
    client = web(cast["adviser_a"])
    url = reverse("employers:followup-list")

    until = client.get(url, {"due_before": (today + timedelta(days=5)).isoformat()}).content.decode()
    by_name = client.get(url, {"employer_name": "garage"}).content.decode()
    by_id = client.get(url, {"employer": employer_a.pk}).content.decode()

    assert "Garage bellen" in until and "Ver weg" not in until
    assert "Garage bellen" in by_name and "Ver weg" not in by_name
    assert "Ver weg" in by_id and "Garage bellen" not in by_id


def test_list_filters_by_owner_and_counts_what_it_shows(cast, web, employer_a, employer_b):
    today = timezone.localdate()
    FollowUpFactory(employer=employer_a, owner=cast["adviser_a"], due_date=today, note="Bel de bakker")
    FollowUpFactory(employer=employer_a, owner=cast["guide_a"], due_date=today + timedelta(days=40), note="Van gids")
    FollowUpFactory(employer=employer_b, owner=cast["adviser_b"], due_date=today, note="Andere regio")
    client = web(cast["adviser_a"])
    url = reverse("employers:followup-list")

    everyone = client.get(url, {"scope": "region"}).content.decode()
    guide = client.get(url, {"scope": "region", "owner": cast["guide_a"].pk}).content.decode()
    foreign = client.get(url, {"scope": "region", "owner": cast["adviser_b"].pk})

    assert "2 open vervolgacties" in everyone and "Van gids" in everyone
    assert "1 open vervolgactie<" in guide and "Van gids" in guide and "Bel de bakker" not in guide
    # someone of another region is no choice: the filter is shown with its error, the rest applies
    assert foreign.status_code == 200 and "Andere regio" not in foreign.content.decode()
    assert "Bel de bakker" in foreign.content.decode()


def test_list_with_another_regions_employer_is_404(cast, web, employer_b):
    response = web(cast["adviser_a"]).get(reverse("employers:followup-list"), {"employer": employer_b.pk})

    assert response.status_code == 404


@pytest.mark.parametrize("outsider", ["awvn", "nobody"])
def test_people_without_a_network_role_get_404_on_the_new_routes(cast, nobody, web, employer_a, outsider):
    user = nobody if outsider == "nobody" else cast[outsider]
    followup = FollowUpFactory(employer=employer_a, owner=cast["adviser_a"])
    client = web(user)

    assert client.get(reverse("employers:followup-list")).status_code == 404
    assert client.post(reverse("employers:followup-feed-renew")).status_code == 404
    assert client.post(reverse("employers:followup-snooze", args=[followup.pk]), {"days": 1}).status_code == 404
    answer = client.post(reverse("employers:followup-reassign", args=[followup.pk]), {"owner": user.pk})
    assert answer.status_code == 404
    assert not FollowUpFeed.objects.exists()
    assert FollowUp.objects.get(pk=followup.pk).due_date == followup.due_date


def test_snooze_by_a_day_a_week_and_to_a_date_is_audited(cast, web, employer_a):
    today = timezone.localdate()
    followup = FollowUpFactory(employer=employer_a, owner=cast["adviser_a"], due_date=today - timedelta(days=3))
    client = web(cast["adviser_a"])
    url = reverse("employers:followup-snooze", args=[followup.pk])

    assert client.post(url, {"days": "1"}).status_code == 302
    followup.refresh_from_db()
    assert followup.due_date == today + timedelta(days=1)  # from today: an overdue one is not overdue after
    client.post(url, {"days": "7"})
    followup.refresh_from_db()
    assert followup.due_date == today + timedelta(days=8)
    picked = today + timedelta(days=40)
    client.post(url, {"due_date": picked.isoformat()})
    followup.refresh_from_db()
    assert followup.due_date == picked

    entries = AuditEntry.objects.filter(action="employers.followup.snoozed", target_id=str(followup.pk))
    assert entries.count() == 3
    assert entries.order_by("id").last().data == {"due_date": [(today + timedelta(days=8)).isoformat(),
                                                               picked.isoformat()]}  # fmt: skip
    assert entries.first().actor == cast["adviser_a"]


def test_snooze_to_the_past_or_a_done_follow_up_is_refused(cast, web, employer_a):
    today = timezone.localdate()
    followup = FollowUpFactory(employer=employer_a, owner=cast["adviser_a"], due_date=today)
    done = FollowUpFactory(employer=employer_a, owner=cast["adviser_a"], state="done", done_at=timezone.now())
    client = web(cast["adviser_a"])

    past = client.post(reverse("employers:followup-snooze", args=[followup.pk]),
                       {"due_date": (today - timedelta(days=1)).isoformat()})  # fmt: skip
    closed = client.post(reverse("employers:followup-snooze", args=[done.pk]), {"days": "1"})

    assert past.status_code == 400 and "Kies vandaag of een latere datum" in past.content.decode()
    assert closed.status_code == 400
    assert not AuditEntry.objects.filter(action="employers.followup.snoozed").exists()


def test_reassign_to_a_colleague_of_the_region_is_audited(cast, web, employer_a):
    followup = FollowUpFactory(employer=employer_a, owner=cast["adviser_a"])

    answer = web(cast["adviser_a"]).post(
        reverse("employers:followup-reassign", args=[followup.pk]), {"owner": cast["guide_a"].pk}
    )

    assert answer.status_code == 302
    followup.refresh_from_db()
    assert followup.owner == cast["guide_a"]
    entry = AuditEntry.objects.get(action="employers.followup.reassigned", target_id=str(followup.pk))
    assert entry.actor == cast["adviser_a"] and entry.data == {"owner": [cast["adviser_a"].pk, cast["guide_a"].pk]}


def test_reassign_to_someone_of_another_region_is_refused_clearly(cast, web, employer_a):
    followup = FollowUpFactory(employer=employer_a, owner=cast["adviser_a"])

    page = web(cast["adviser_a"]).post(
        reverse("employers:followup-reassign", args=[followup.pk]), {"owner": cast["adviser_b"].pk}
    )
    with pytest.raises(Exception) as raised:
        followup_reassign(followup=followup, by=cast["adviser_a"], owner=cast["adviser_b"])

    assert page.status_code == 400
    assert "Give to" in page.content.decode() or "Geven aan" in page.content.decode()
    assert "Kies iemand die in de regio van deze werkgever werkt." in str(raised.value.messages)
    followup.refresh_from_db()
    assert followup.owner == cast["adviser_a"]
    assert not AuditEntry.objects.filter(action="employers.followup.reassigned").exists()


def test_foreign_follow_up_ids_are_404_for_writes(cast, web, employer_b):
    followup = FollowUpFactory(employer=employer_b, owner=cast["adviser_b"])
    client = web(cast["adviser_a"])

    snooze = client.post(reverse("employers:followup-snooze", args=[followup.pk]), {"days": "7"})
    reassign = client.post(reverse("employers:followup-reassign", args=[followup.pk]), {"owner": cast["adviser_a"].pk})

    assert snooze.status_code == reassign.status_code == 404
    followup.refresh_from_db()
    assert followup.owner == cast["adviser_b"] and followup.due_date == timezone.localdate()


def test_the_services_check_the_region_again(cast, employer_b):
    from django.core.exceptions import PermissionDenied

    followup = FollowUpFactory(employer=employer_b, owner=cast["adviser_b"])

    with pytest.raises(PermissionDenied):
        followup_snooze(followup=followup, by=cast["adviser_a"], days=1)
    with pytest.raises(PermissionDenied):
        followup_reassign(followup=followup, by=cast["adviser_a"], owner=cast["adviser_a"])


def test_the_feed_lists_my_open_follow_ups_only(client, cast, employer_a):
    mine = FollowUpFactory(employer=employer_a, owner=cast["adviser_a"], note="Terugbellen over stage")
    FollowUpFactory(employer=employer_a, owner=cast["guide_a"], note="Niet van mij")
    FollowUpFactory(employer=employer_a, owner=cast["adviser_a"], state="done", done_at=timezone.now(), note="Klaar")
    feed = followup_feed_renew(user=cast["adviser_a"])

    response = client.get(reverse("employers:followup-feed", args=[feed.token]))

    body = response.content.decode()
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    assert f"followup-{mine.pk}@" in body and "Terugbellen over stage" in body
    assert "Niet van mij" not in body and "Klaar" not in body
    assert f"DTSTART;VALUE=DATE:{mine.due_date:%Y%m%d}" in body


def test_a_new_link_revokes_the_old_token(client, cast, web):
    adviser = web(cast["adviser_a"])
    adviser.post(reverse("employers:followup-feed-renew"))
    old = FollowUpFeed.objects.get(user=cast["adviser_a"])
    assert client.get(reverse("employers:followup-feed", args=[old.token])).status_code == 200

    adviser.post(reverse("employers:followup-feed-renew"))

    new = FollowUpFeed.objects.active().get(user=cast["adviser_a"])
    assert new.token != old.token
    assert client.get(reverse("employers:followup-feed", args=[old.token])).status_code == 404
    assert client.get(reverse("employers:followup-feed", args=[new.token])).status_code == 200
    assert AuditEntry.objects.filter(action="employers.followup_feed.renewed", actor=cast["adviser_a"]).count() == 2
    assert client.get(reverse("employers:followup-feed", args=["not-a-token"])).status_code == 404


def test_the_list_shows_my_feed_link_with_copy_and_new_link(cast, web):
    client = web(cast["adviser_a"])
    feed = followup_feed_renew(user=cast["adviser_a"])

    html = client.get(reverse("employers:followup-list")).content.decode()

    assert reverse("employers:followup-feed", args=[feed.token]) in html
    assert "data-copy=" in html and reverse("employers:followup-feed-renew") in html


def test_open_follow_ups_show_on_the_employer_page_and_timeline(cast, web, employer_a):
    later = timezone.localdate() + timedelta(days=20)
    FollowUpFactory(employer=employer_a, owner=cast["adviser_a"], due_date=later, note="Over drie weken")
    FollowUpFactory(employer=employer_a, owner=cast["adviser_a"], state="done", done_at=timezone.now(), note="Gedaan")
    client = web(cast["adviser_a"])

    for name in ("employers:detail", "employers:timeline"):
        html = client.get(reverse(name, args=[employer_a.pk])).content.decode()
        assert "Over drie weken" in html and "Gedaan" not in html, name


def test_home_links_to_the_follow_up_list(cast, web):
    html = web(cast["adviser_a"]).get(reverse("home")).content.decode()

    assert reverse("employers:followup-list") in html
