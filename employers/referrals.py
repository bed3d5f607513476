"""Peer referral: warm employers who point colleague employers to the WSP. An employer records
who referred it (``Employer.referred_by`` and ``referred_by_person``, same region, checked by
``employers.services``); the referrer's page shows how many it brought in and how far they got."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from employers.models import Employer, Stage

if TYPE_CHECKING:
    from crm.types import AuthUser

# Stages that count as "got somewhere": open to candidates or further.
ONWARD = frozenset({Stage.OPEN, Stage.ACTIVE, Stage.AMBASSADOR})


@dataclass
class Referrals:
    employers: list[Employer] = field(default_factory=list)
    by_stage: list[tuple[Any, int]] = field(default_factory=list)  # (stage label, count), stage order

    @property
    def count(self) -> int:
        return len(self.employers)

    @property
    def onward(self) -> int:
        return sum(1 for e in self.employers if e.stage in ONWARD)


def referrals_of(employer: Employer, user: AuthUser) -> Referrals:
    """The employers ``employer`` referred that ``user`` sees (archived ones too: they were brought
    in), in one query, with their count per stage."""
    found = list(
        Employer.objects.visible_to(user)
        .filter(referred_by=employer)
        .only("id", "legal_name", "trade_name", "stage", "place", "archived_at", "created_at")
        .order_by("-created_at", "-pk")
    )
    counts = {stage: sum(1 for e in found if e.stage == stage) for stage in Stage.values}
    return Referrals(found, [(label, counts[stage]) for stage, label in Stage.choices if counts[stage]])
