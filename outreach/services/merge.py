"""Invitations of one contact person moved to another, when two records of the same employer are
merged and the same person (the same e-mail address) is at both (``employers.archive.
employer_merge`` calls this through its mover hook, inside its transaction, and writes the one
audit entry). A module of its own so that the merge touches nothing else here."""

from __future__ import annotations

from outreach.models import Invitation, Rsvp


def _weight(invitation: Invitation) -> tuple[bool, bool]:
    """What an invitation knows: an attendance marked, then an answer given."""
    return invitation.attended is not None, invitation.rsvp != Rsvp.NONE


def invitations_move_to_person(*, moves: dict[int, int]) -> dict[str, int]:
    """Move the invitations of each person ``old`` to ``moves[old]``. Invited to the same session
    twice, the person keeps one invitation (``one_invitation_per_person``): the one that knows
    more (attendance, then an answer; a tie keeps the survivor's); its mail rows stay with it,
    the other's keep their history without the link. Counts for the audit entry."""
    moved = dropped = 0
    for old, new in moves.items():
        theirs = {i.event_id: i for i in Invitation.objects.select_for_update().filter(contact_person_id=old)}
        ours = Invitation.objects.select_for_update().filter(contact_person_id=new, event_id__in=list(theirs))
        for kept in ours:
            other = theirs[kept.event_id]
            (other if _weight(other) <= _weight(kept) else kept).delete()
            dropped += 1
        moved += Invitation.objects.filter(contact_person_id=old).update(contact_person_id=new)
    return {"moved": moved, "dropped": dropped}
