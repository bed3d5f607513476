"""django-filter FilterSets for the contact and follow-up lists; choices come from scoped querysets."""

from __future__ import annotations

from typing import Any

import django_filters

from crm.fields import IsoDateTimeFilter
from crm.scoping import users_visible_to
from employers.models import Channel, Contact, Employer, FollowUp, FollowUpState, Purpose


def _employers(request: Any) -> Any:
    return Employer.objects.visible_to(getattr(request, "user", None))


def _users(request: Any) -> Any:
    """Users of the caller's network regions: any other id is the same 400 as a missing one, so
    the filter does not confirm that a user exists elsewhere."""
    return users_visible_to(getattr(request, "user", None))


class ContactFilter(django_filters.FilterSet):
    employer = django_filters.ModelChoiceFilter(queryset=_employers)
    by = django_filters.ModelChoiceFilter(queryset=_users)
    channel = django_filters.MultipleChoiceFilter(choices=Channel.choices)
    purpose = django_filters.MultipleChoiceFilter(choices=Purpose.choices)
    when_after = IsoDateTimeFilter(field_name="when", lookup_expr="gte")
    when_before = IsoDateTimeFilter(field_name="when", lookup_expr="lt")
    in_person = django_filters.BooleanFilter()

    class Meta:
        model = Contact
        fields = ["employer", "by", "channel", "purpose", "in_person"]


class FollowUpFilter(django_filters.FilterSet):
    employer = django_filters.ModelChoiceFilter(queryset=_employers)
    owner = django_filters.ModelChoiceFilter(queryset=_users)
    state = django_filters.ChoiceFilter(choices=FollowUpState.choices)
    due_before = django_filters.DateFilter(field_name="due_date", lookup_expr="lte")
    due_after = django_filters.DateFilter(field_name="due_date", lookup_expr="gte")

    class Meta:
        model = FollowUp
        fields = ["employer", "owner", "state"]
