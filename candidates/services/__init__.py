"""Writes for candidates, matches and placements: each a transaction with its audit entry.

Audit entries name the fields that changed, never their values: the audit log is read by more
people than the candidate's guide. Split by subject: ``candidates`` (the record, its access log,
retention), ``matches`` (who may be matched, match moves, warm introductions) and ``placements``
(placements and their durable checks). ``placements`` uses ``matches``; neither imports
``candidates.tasks``: work for the worker is enqueued by task name (``crm.queue``).
"""

from candidates.services.candidates import (
    CANDIDATE_FIELDS,
    access_record,
    anonymise_due,
    candidate_anonymise,
    candidate_create,
    candidate_update,
)
from candidates.services.matches import (
    employers_in_list,
    employers_matchable,
    match_set_state,
    openings_matchable,
    warm_intro_request,
)
from candidates.services.placements import (
    durable_check_prompt,
    durable_checks_due,
    placement_create,
    placement_record_durable,
)

__all__ = [
    "CANDIDATE_FIELDS",
    "access_record",
    "anonymise_due",
    "candidate_anonymise",
    "candidate_create",
    "candidate_update",
    "durable_check_prompt",
    "durable_checks_due",
    "employers_in_list",
    "employers_matchable",
    "match_set_state",
    "openings_matchable",
    "placement_create",
    "placement_record_durable",
    "warm_intro_request",
]
