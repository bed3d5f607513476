"""The coordinator sets the region's yearly target on the dashboard (issue 19); anyone else,
a coordinator of another region too, gets 404 and nothing changes."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from crm.models import AuditEntry, Membership, Role
from reports.models import RegionTarget

pytestmark = pytest.mark.django_db


def _url(code: str = "AM18") -> str:
    return reverse("reports:region-target", args=[code])


def test_the_coordinator_sees_and_sets_the_target(coordinator_a: Any, web: Any) -> None:
    page = web(coordinator_a).get(reverse("reports:region-detail", args=["AM18"])).content.decode()
    assert 'id="targets"' in page and 'value="100"' in page  # the programme's default

    answer = web(coordinator_a).post(_url(), {"year": "2026", "durable_placements": "120"}, follow=True)
    assert answer.status_code == 200
    assert RegionTarget.objects.get(region_id="AM18", year=2026).durable_placements == 120
    assert "120" in answer.content.decode()
    assert AuditEntry.objects.filter(action="reports.region_target.set").count() == 1

    # Setting it again updates the one row.
    web(coordinator_a).post(_url(), {"year": "2026", "durable_placements": "90"})
    assert list(RegionTarget.objects.values_list("durable_placements", flat=True)) == [90]


@pytest.mark.parametrize(
    "body",
    [
        {"year": "2026", "durable_placements": "0"},
        {"year": "2026", "durable_placements": "abc"},
        {"year": "1999", "durable_placements": "50"},
        {"year": "2026", "durable_placements": "99999999999999999999"},
    ],
)
def test_bad_input_is_a_message_not_a_500(body: dict[str, str], coordinator_a: Any, web: Any) -> None:
    answer = web(coordinator_a).post(_url(), body, follow=True)
    assert answer.status_code == 200
    assert "message-error" in answer.content.decode() or "error" in answer.content.decode()
    assert not RegionTarget.objects.exists()


@pytest.mark.parametrize("who", ["adviser_a", "guide_a", "adviser_b", "guide_b", "awvn"])
def test_anyone_but_the_coordinator_gets_404_and_nothing_changes(who: str, web: Any, request: Any) -> None:
    user = request.getfixturevalue(who)
    assert web(user).post(_url(), {"year": "2026", "durable_placements": "5"}).status_code == 404
    assert not RegionTarget.objects.exists()
    if who == "adviser_a":  # the adviser sees the dashboard, not the form
        assert 'id="targets"' not in web(user).get(reverse("reports:region-detail", args=["AM18"])).content.decode()


def test_a_coordinator_of_another_region_gets_404(coordinator_a: Any, web: Any) -> None:
    for body in ({"year": "2026", "durable_placements": "5"}, {"year": "x"}):
        assert web(coordinator_a).post(_url("AM13"), body).status_code == 404
    assert web(coordinator_a).post(_url("XX99"), {"year": "2026", "durable_placements": "5"}).status_code == 404
    assert not RegionTarget.objects.exists()
    Membership.objects.create(user=coordinator_a, region_id="AM13", role=Role.COORDINATOR)
    assert web(coordinator_a).post(_url("AM13"), {"year": "2026", "durable_placements": "5"}).status_code == 302
