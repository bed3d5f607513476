"""Demo candidates for the two demo guides (``manage.py seed_demo``), after the employers' demo.

With few or no demo employers it still creates the
candidates; matches and a placement are added only where matching finds employers in reach.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from candidates.matching_data import candidate_matches
from candidates.models import MatchState, Method
from candidates.services import candidate_create, match_set_state, placement_create

# (guide, pc4, sectors, kinds of work, hours, km, accommodations, disclosure)
DEMO = [
    ("begeleider", "1055", ["Q", "I"], ["keuken", "schoonmaak"], (16, 24), 15,
     ["flexible_hours", "quiet_workplace"], "support_only"),
    ("begeleider", "1102", ["G", "H"], ["magazijn", "orderpicken"], (20, 32), 20, ["fixed_schedule"], "nothing"),
    ("begeleider", "1017", ["J", "M"], ["administratie"], (12, 20), 10,
     ["home_working", "gradual_build_up"], "agreed_text"),
    ("begeleider", "1061", ["A", "N"], ["groen", "tuin"], (16, 28), 25, ["job_coach_welcome"], "support_only"),
    ("begeleider-utrecht", "3531", ["Q"], ["zorg", "begeleiding"], (16, 24), 15, ["buddy"], "support_only"),
    ("begeleider-utrecht", "3572", ["I", "G"], ["bediening", "winkel"], (12, 24), 20,
     ["part_time_start", "flexible_hours"], "nothing"),
    ("begeleider-utrecht", "3511", ["P", "R"], ["sport", "onderwijsassistent"], (20, 30), 10, [], "support_only"),
]  # fmt: skip


@transaction.atomic
def seed(users: dict[str, Any]) -> str:
    from employers.models import Employer

    made = matches = placements = 0
    today = timezone.localdate()
    for step, (username, pc4, sectors, kinds, hours, km, needs, disclosure) in enumerate(DEMO):
        guide = users.get(username)
        if guide is None:
            continue
        candidate = candidate_create(
            by=guide,
            pc4=pc4,
            sbi_sections=sectors,
            work_kinds=kinds,
            hours_min=hours[0],
            hours_max=hours[1],
            max_travel_km=km,
            accommodations_needed=needs,
            disclosure=disclosure,
            disclosure_note="Mag vertellen dat er een jobcoach meekijkt." if disclosure == "agreed_text" else "",
            trajectory_start=today - timedelta(days=40 * (step + 1)),
            consent_recorded_at=timezone.now() - timedelta(days=40 * (step + 1)),
        )
        made += 1
        results = [r for r in candidate_matches(candidate, limit=6) if r.employer.region_id == candidate.region_id]
        plan = [MatchState.APPROACHED, MatchState.INTERVIEW, MatchState.DECLINED, MatchState.TRIAL][step % 2 :]
        for result, state in zip(results, plan, strict=False):
            match_set_state(
                candidate=candidate,
                employer=Employer.objects.get(pk=result.employer.id),
                state=state,
                by=guide,
                reason="Geen plek dit kwartaal" if state == MatchState.DECLINED else "",
                score=result.score,
                reasons=[{"code": p.code, "points": p.points, "text": p.text} for p in result.parts],
            )
            matches += 1
        if step in (0, 4) and results:
            # Placed seven months ago: the 6-month durable check is due, so the demo shows it.
            placement_create(
                candidate=candidate,
                employer=Employer.objects.get(pk=results[-1].employer.id),
                start_date=today - timedelta(days=213),
                hours_per_week=hours[1],
                method=Method.IPS,
                by=guide,
            )
            placements += 1
    return f"{made} candidates, {matches} matches, {placements} placements"
