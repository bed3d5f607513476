"""Matches and placements of one employer moved to another, when two records of the same employer
are merged (``employers.archive.employer_merge`` calls this through its mover hook, inside its
transaction, and writes the one audit entry)."""

from __future__ import annotations

from candidates.models import Match, MatchChange, MatchState, Placement

# How far a match got: of a candidate's two matches with the same employer the one further along
# is kept (a tie keeps the survivor's), its history gains the other's moves.
_PROGRESS = {
    MatchState.DECLINED: 0,
    MatchState.SUGGESTED: 1,
    MatchState.APPROACHED: 2,
    MatchState.INTERVIEW: 3,
    MatchState.TRIAL: 4,
    MatchState.PLACED: 5,
}


def matches_move_to_employer(*, source_id: int, target_id: int) -> dict[str, int]:
    """Move the matches and placements of employer ``source_id`` to ``target_id``. A candidate
    matched with both keeps one match (``one_match_per_employer``); counts for the audit entry."""
    theirs = {m.candidate_id: m for m in Match.objects.select_for_update().filter(employer_id=source_id)}
    ours = {
        m.candidate_id: m
        for m in Match.objects.select_for_update().filter(employer_id=target_id, candidate_id__in=list(theirs))
    }
    dropped = 0
    for candidate_id, kept in ours.items():
        other = theirs[candidate_id]
        if _PROGRESS[MatchState(other.state)] > _PROGRESS[MatchState(kept.state)]:
            kept, other = other, kept
        MatchChange.objects.filter(match=other).update(match=kept)
        other.delete()
        dropped += 1
    moved = Match.objects.filter(employer_id=source_id).update(employer_id=target_id)
    placements = Placement.objects.filter(employer_id=source_id).update(employer_id=target_id)
    return {"matches_moved": moved, "matches_dropped": dropped, "placements_moved": placements}
