"""Match moves with history, warm introductions across regions, placements and their durable
checks, and the retention job (with frozen time)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from candidates import tasks
from candidates.models import Candidate, CandidateState, Match, MatchChange, Placement
from candidates.services import candidate_update, match_set_state, placement_create
from crm.dates import add_months
from crm.models import AuditEntry
from employers.models import FollowUp
from tests.candidates.factories import CandidateFactory, PlacementFactory
from tests.factories import EmployerFactory, OpeningFactory

pytestmark = pytest.mark.django_db
AMS = ZoneInfo("Europe/Amsterdam")


def test_each_move_of_a_match_is_kept(guide_a, adviser_a):
    candidate = CandidateFactory(guide=guide_a)
    employer = EmployerFactory(owner=adviser_a)

    match_set_state(candidate=candidate, employer=employer, state="approached", by=guide_a)
    match_set_state(candidate=candidate, employer=employer, state="interview", by=guide_a)
    match_set_state(candidate=candidate, employer=employer, state="interview", by=guide_a)  # no change
    with pytest.raises(ValidationError):
        match_set_state(candidate=candidate, employer=employer, state="declined", by=guide_a)
    match_set_state(candidate=candidate, employer=employer, state="declined", by=guide_a, reason="te ver")

    match = Match.objects.get()
    assert match.state == "declined" and match.declined_reason == "te ver"
    assert list(MatchChange.objects.order_by("id").values_list("from_state", "to_state")) == [
        ("", "approached"),
        ("approached", "interview"),
        ("interview", "declined"),
    ]
    assert AuditEntry.objects.filter(action="candidates.match.state_changed").count() == 3
    candidate.refresh_from_db()
    assert candidate.state == CandidateState.MATCHED
    assert mail.outbox == []  # same region: no introduction needed


def test_only_the_owning_guide_moves_matches(guide_a, guide_b, coordinator_a):
    candidate = CandidateFactory(guide=guide_a)
    for user in (guide_b, coordinator_a):
        with pytest.raises(PermissionDenied):
            match_set_state(candidate=candidate, employer=EmployerFactory(), state="approached", by=user)
        with pytest.raises(PermissionDenied):
            candidate_update(candidate=candidate, by=user, pc4="1017")


def test_approaching_another_regions_employer_asks_its_adviser_for_a_warm_introduction(
    guide_a, adviser_b, django_capture_on_commit_callbacks, eager
):
    # Utrecht is about 35 km from Amsterdam: in the candidate's reach, so in the ranked list.
    candidate = CandidateFactory(guide=guide_a, real_name="Jan Geheim", max_travel_km=60)
    employer = EmployerFactory(region_id="AM13", postcode="3511 AA", owner=adviser_b, legal_name="Utrechtse Zorg")

    with django_capture_on_commit_callbacks(execute=True):
        match_set_state(candidate=candidate, employer=employer, state="approached", by=guide_a)
    with django_capture_on_commit_callbacks(execute=True):  # approached again later: asked once
        match_set_state(candidate=candidate, employer=employer, state="interview", by=guide_a)
        match_set_state(candidate=candidate, employer=employer, state="approached", by=guide_a)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    # Through the outbox: one row (key warm-intro:<match>), delivered after commit.
    assert adviser_b.email in message.to[0] and message.extra_headers["Reply-To"] == guide_a.email
    assert "Utrechtse Zorg" in message.subject
    assert "Jan Geheim" not in message.body and candidate.reference_code not in message.body
    followup = FollowUp.objects.get()
    assert followup.owner == adviser_b and followup.employer == employer
    assert Match.objects.get().intro_notified_at is not None


def test_a_placement_places_the_candidate_and_the_match(guide_a):
    candidate = CandidateFactory(guide=guide_a)
    employer = EmployerFactory(stage="open")
    opening = OpeningFactory(employer=employer)

    placement = placement_create(
        candidate=candidate, employer=employer, opening=opening, start_date=date(2026, 3, 1),
        hours_per_week=20, method="ips", by=guide_a,
    )  # fmt: skip

    candidate.refresh_from_db()
    employer.refresh_from_db()
    assert candidate.state == CandidateState.PLACED
    assert Match.objects.get(candidate=candidate, employer=employer).state == "placed"
    assert employer.stage == "active"
    with pytest.raises(ValidationError):
        placement_create(candidate=candidate, employer=employer, opening=OpeningFactory(), start_date=date(2026, 3, 1),
                         hours_per_week=20, method="ips", by=guide_a)  # fmt: skip
    assert Placement.objects.get() == placement


def test_durable_checks_are_prompted_once_when_due(guide_a, api):
    candidate = CandidateFactory(guide=guide_a)
    placement = PlacementFactory(candidate=candidate, employer=EmployerFactory(), start_date=date(2026, 1, 31))

    with time_machine.travel(datetime(2026, 7, 30, 9, tzinfo=AMS)):
        assert tasks.prompt_durable_checks() == 0  # 31 July is six months
    with time_machine.travel(datetime(2026, 7, 31, 9, tzinfo=AMS)):
        assert tasks.prompt_durable_checks() == 1
        assert tasks.prompt_durable_checks() == 0
        followup = FollowUp.objects.get()
        assert followup.owner == guide_a and followup.due_date == date(2026, 7, 31) and "6 maanden" in followup.note
        url = f"/api/v1/placements/{placement.pk}/durable-check/"
        assert api(guide_a).post(url, {"months": 12, "still_working": True}, format="json").status_code == 400
        assert api(guide_a).post(url, {"months": 6, "still_working": True}, format="json").status_code == 200
    with time_machine.travel(datetime(2027, 1, 31, 9, tzinfo=AMS)):
        assert tasks.prompt_durable_checks() == 1
    placement.refresh_from_db()
    assert placement.durable_6m is True and placement.durable_12m is None
    assert FollowUp.objects.count() == 2


def test_add_months_keeps_the_end_of_the_month():
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert add_months(date(2026, 1, 15), -13) == date(2024, 12, 15)


def test_retention_anonymises_after_the_configured_months_and_keeps_placements(guide_a, settings):
    settings.CANDIDATE_RETENTION_MONTHS = 24
    ended = CandidateFactory(
        guide=guide_a, real_name="Jan Geheim", notes="wil buiten werken", work_kinds=["tuin"],
        trajectory_start=date(2023, 1, 1), trajectory_end=date(2024, 6, 30),
    )  # fmt: skip
    ended.accommodations_needed.set(["buddy"])
    PlacementFactory(candidate=ended, employer=EmployerFactory(), start_date=date(2024, 1, 1))
    running = CandidateFactory(guide=guide_a, trajectory_start=date(2023, 1, 1))
    code = ended.reference_code

    with time_machine.travel(datetime(2026, 6, 29, 12, tzinfo=AMS)):
        assert tasks.anonymise_candidates() == 0
    with time_machine.travel(datetime(2026, 6, 30, 12, tzinfo=AMS)):
        assert tasks.anonymise_candidates() == 1
        assert tasks.anonymise_candidates() == 0

    ended.refresh_from_db()
    assert ended.reference_code != code and ended.reference_code.startswith("ANON-")
    assert (ended.real_name, ended.notes, ended.work_kinds, ended.sbi_sections) == ("", "", [], [])
    assert ended.hours_min is None and ended.anonymised_at is not None
    assert not ended.accommodations_needed.exists()
    assert Placement.objects.filter(candidate=ended).count() == 1
    assert Candidate.objects.get(pk=running.pk).anonymised_at is None
