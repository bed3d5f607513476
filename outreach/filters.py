"""django-filter FilterSets of the outreach API; choices come from scoped querysets."""

from __future__ import annotations

from typing import TYPE_CHECKING

import django_filters
from django.db.models import QuerySet

from crm.fields import IsoDateTimeFilter
from crm.scoping import signed_in_user
from outreach.models import EmailKind, EmailState, Event, EventState, Invitation, OutboundEmail, Rsvp
from outreach.selectors_staff import staff_events

if TYPE_CHECKING:
    from django.http import HttpRequest


def _events(request: HttpRequest | None) -> QuerySet[Event]:
    user = signed_in_user(request)
    return Event.objects.none() if user is None else staff_events(user)


class EventFilter(django_filters.FilterSet):
    region = django_filters.CharFilter(field_name="region_id")
    state = django_filters.MultipleChoiceFilter(choices=EventState.choices)
    starts_after = IsoDateTimeFilter(field_name="starts_at", lookup_expr="gte")
    starts_before = IsoDateTimeFilter(field_name="starts_at", lookup_expr="lt")
    awvn_state = django_filters.ChoiceFilter(
        choices=[("none", "none"), ("requested", "requested"), ("confirmed", "confirmed")], method="filter_awvn"
    )

    class Meta:
        model = Event
        fields = ["region", "state"]

    def filter_awvn(self, queryset: QuerySet[Event], name: str, value: str) -> QuerySet[Event]:
        if value == "confirmed":
            return queryset.filter(awvn_confirmed_at__isnull=False)
        if value == "requested":
            return queryset.filter(awvn_requested_at__isnull=False, awvn_confirmed_at__isnull=True)
        return queryset.filter(awvn_requested_at__isnull=True)


class InvitationFilter(django_filters.FilterSet):
    event = django_filters.ModelChoiceFilter(queryset=_events)
    rsvp = django_filters.MultipleChoiceFilter(choices=Rsvp.choices)
    attended = django_filters.BooleanFilter()
    walk_in = django_filters.BooleanFilter()
    delivery_state = django_filters.ChoiceFilter(
        choices=EmailState.choices, field_name="invite_state", label="State of the invitation mail"
    )

    class Meta:
        model = Invitation
        fields = ["event", "rsvp", "attended", "walk_in"]


class OutboundEmailFilter(django_filters.FilterSet):
    event = django_filters.ModelChoiceFilter(queryset=_events)
    state = django_filters.MultipleChoiceFilter(choices=EmailState.choices)
    kind = django_filters.MultipleChoiceFilter(choices=EmailKind.choices)

    class Meta:
        model = OutboundEmail
        fields = ["event", "state", "kind"]
