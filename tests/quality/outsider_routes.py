"""Which object routes exist, how to make an object of region A for each, and who must not
see it. ``COVERAGE[name] = (make(cast) -> url kwargs, [cast members who must get 404])``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# URL keyword arguments that name one object.
OBJECT_KWARGS = frozenset({"pk", "id", "code", "slug", "token", "employer_pk", "event_pk", "candidate_pk", "user_id"})

Maker = Callable[[dict[str, Any]], dict[str, Any]]

NOT_REGION_A_NETWORK = ["adviser_b", "guide_b", "awvn"]

COVERAGE: dict[str, tuple[Maker, list[str]]] = {
    # Dashboards of region A: only its advisers and coordinator.
    "reports:region-detail": (lambda cast: {"code": "AM18"}, ["adviser_b", "guide_a", "guide_b", "awvn"]),
    "api-stats-region": (lambda cast: {"code": "AM18"}, ["adviser_b", "guide_a", "guide_b", "awvn"]),
}

EXEMPT: dict[str, str] = {
    "region-detail": "public reference data: the 35 regions are the same for everyone",
}
