"""django-filter FilterSets for the contact and follow-up lists; choices come from scoped querysets."""

from __future__ import annotations

from typing import TYPE_CHECKING

import django_filters
from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from crm.fields import IsoDateTimeFilter
from crm.scoping import signed_in_user, users_visible_to
from employers.models import Channel, Contact, Employer, FollowUp, FollowUpState, Purpose

if TYPE_CHECKING:
    from django.http import HttpRequest


def _employers(request: HttpRequest | None) -> QuerySet[Employer]:
    user = signed_in_user(request)
    return Employer.objects.none() if user is None else Employer.objects.visible_to(user)


def _users(request: HttpRequest | None) -> QuerySet:
    """Users of the caller's network regions: any other id is the same 400 as a missing one, so
    the filter does not confirm that a user exists elsewhere."""
    user = signed_in_user(request)
    return get_user_model().objects.none() if user is None else users_visible_to(user)


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
