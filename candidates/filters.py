"""django-filter FilterSets for candidates, matches and placements; choices from scoped querysets."""

from __future__ import annotations

from typing import TYPE_CHECKING

import django_filters
from django.db.models import QuerySet

from candidates.models import (
    Candidate,
    CandidateContact,
    CandidateState,
    Match,
    MatchState,
    Method,
    Outcome,
    Placement,
    Trajectory,
)
from crm.scoping import signed_in_user

if TYPE_CHECKING:
    from django.http import HttpRequest


def _candidates(request: HttpRequest | None) -> QuerySet[Candidate]:
    user = signed_in_user(request)
    return Candidate.objects.none() if user is None else Candidate.objects.visible_to(user)


class CandidateFilter(django_filters.FilterSet):
    state = django_filters.MultipleChoiceFilter(choices=CandidateState.choices)
    region = django_filters.CharFilter(field_name="region_id")
    reference_code = django_filters.CharFilter(lookup_expr="icontains")
    trajectory_end_before = django_filters.DateFilter(field_name="trajectory_end", lookup_expr="lte")
    anonymised = django_filters.BooleanFilter(field_name="anonymised_at", lookup_expr="isnull", exclude=True)

    class Meta:
        model = Candidate
        fields = ["state", "region", "reference_code"]


class MatchFilter(django_filters.FilterSet):
    candidate = django_filters.ModelChoiceFilter(queryset=_candidates)
    employer = django_filters.NumberFilter(field_name="employer_id")
    state = django_filters.MultipleChoiceFilter(choices=MatchState.choices)

    class Meta:
        model = Match
        fields = ["candidate", "employer", "state"]


class PlacementFilter(django_filters.FilterSet):
    candidate = django_filters.ModelChoiceFilter(queryset=_candidates)
    employer = django_filters.NumberFilter(field_name="employer_id")
    method = django_filters.MultipleChoiceFilter(choices=Method.choices)
    region = django_filters.CharFilter(field_name="candidate__region_id")
    start_after = django_filters.DateFilter(field_name="start_date", lookup_expr="gte")
    start_before = django_filters.DateFilter(field_name="start_date", lookup_expr="lte")
    durable_6m = django_filters.BooleanFilter()
    durable_12m = django_filters.BooleanFilter()

    class Meta:
        model = Placement
        fields = ["candidate", "employer", "method", "durable_6m", "durable_12m"]


class TrajectoryFilter(django_filters.FilterSet):
    candidate = django_filters.ModelChoiceFilter(queryset=_candidates)
    method = django_filters.MultipleChoiceFilter(choices=Method.choices)
    outcome = django_filters.MultipleChoiceFilter(choices=Outcome.choices)
    open = django_filters.BooleanFilter(field_name="end_date", lookup_expr="isnull", label="open")

    class Meta:
        model = Trajectory
        fields = ["candidate", "method", "outcome"]


class CandidateContactFilter(django_filters.FilterSet):
    candidate = django_filters.ModelChoiceFilter(queryset=_candidates)
    contact = django_filters.NumberFilter(field_name="contact_id")

    class Meta:
        model = CandidateContact
        fields = ["candidate", "contact"]
