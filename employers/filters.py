"""The one FilterSet for the employer list, the API and the export: same filters, same scope.

The queryset handed in is already scoped (``Employer.objects.visible_to(user)``); the filter
choices (regions, owners) are scoped the same way, so no choice names someone else's data.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import django_filters
from django.contrib.auth import get_user_model
from django.contrib.postgres.search import TrigramWordSimilarity
from django.db.models import F, FloatField, Q, QuerySet, Value
from django.db.models.functions import Greatest
from django.utils.translation import gettext_lazy as _
from django_filters.fields import ModelChoiceField, ModelMultipleChoiceField

from crm.fields import IsoDateTimeFilter
from crm.models import Region
from crm.scoping import network_owners, signed_in_user
from employers.models import (
    Accommodation,
    ContactPerson,
    Employer,
    Language,
    Network,
    Opening,
    OpeningState,
    SbiSection,
    SizeClass,
    Source,
    Stage,
)
from employers.models.network import EmployerQuerySet

if TYPE_CHECKING:
    from django.http import HttpRequest


def _regions(request: HttpRequest | None) -> QuerySet[Region]:
    user = signed_in_user(request)
    return Region.objects.none() if user is None else Region.objects.readable_by(user)


def _owners(request: HttpRequest | None) -> QuerySet:
    user = signed_in_user(request)
    return get_user_model().objects.none() if user is None else network_owners(user)


def _networks(request: HttpRequest | None) -> QuerySet[Network]:
    user = signed_in_user(request)
    return Network.objects.none() if user is None else Network.objects.visible_to(user).select_related("region")


class _NetworkField(ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.region.name})"


class NetworkChoiceFilter(django_filters.ModelMultipleChoiceFilter):
    field_class = _NetworkField


def _employers(request: HttpRequest | None) -> QuerySet[Employer]:
    user = signed_in_user(request)
    return Employer.objects.none() if user is None else Employer.objects.visible_to(user)


class _UserField(ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.get_full_name() or obj.username


class OwnerChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = _UserField


# A Dutch postcode, whole or begun: "1012", "1012 A", "1012AB" (searched as a prefix).
POSTCODE = re.compile(r"^([1-9][0-9]{3}) ?([A-Za-z]{0,2})$")


def _names_contain(text: str) -> Q:
    return Q(legal_name__icontains=text) | Q(trade_name__icontains=text) | Q(place__icontains=text)


def search_employers(queryset: QuerySet[Employer], text: str) -> QuerySet[Employer]:
    """Name, trade name, place (on PostgreSQL tolerant of typos: pg_trgm), KvK number or
    postcode (prefixes, each on its own ``text_pattern_ops`` index).

    A number or a postcode is looked up, not guessed: the prefixes and the names that contain
    it, without the fuzzy match (a KvK number one digit off is another company, and a trigram
    of digits matches thousands of rows). Words are matched by substring or by trigram word
    similarity above pg_trgm's threshold (``%>``, 0.6), so only plausible rows are ranked.
    """
    text = text.strip()
    if not text:
        return queryset
    compact = text.replace(" ", "")
    postcode = POSTCODE.match(text)
    if compact.isdigit() or postcode:
        found = _names_contain(text)
        if compact.isdigit():
            found |= Q(kvk_number__startswith=compact)
        if postcode:
            letters = postcode[2].upper()
            found |= Q(postcode__startswith=f"{postcode[1]} {letters}" if letters else postcode[1])
        # The same annotation as a word search, so that lists and counts treat both alike.
        return (
            queryset.filter(found)
            .annotate(search_rank=Value(1.0, output_field=FloatField()))
            .order_by("legal_name", "id")
        )
    fuzzy = (
        Q(legal_name__trigram_word_similar=text)
        | Q(trade_name__trigram_word_similar=text)
        | Q(place__trigram_word_similar=text)
    )
    rank = Greatest(
        TrigramWordSimilarity(text, "legal_name"),
        TrigramWordSimilarity(text, "trade_name"),
        TrigramWordSimilarity(text, "place"),
    )
    return (
        queryset.filter(_names_contain(text) | fuzzy)
        .annotate(search_rank=rank)
        .order_by("-search_rank", "legal_name", "id")
    )


_YES = ("1", "true", "True", "yes", "on")


def archived_scope(queryset: EmployerQuerySet, params: Any) -> EmployerQuerySet:
    """The list's default: employers not archived; ``?archived=1`` lists the archived ones.
    Applied by the list, the export and the API's list (not to one employer's page, which opens
    archived too), before the FilterSet, whose ``archived`` filter only declares the parameter."""
    wanted = params.get("archived", "") if params is not None else ""
    return queryset.archived() if wanted in _YES else queryset.active()


class EmployerOrdering(django_filters.OrderingFilter):
    """Ordering by last contact puts the never-contacted first (longest ago first) or last
    (most recent first): whom to call next is the question the ordering answers."""

    def get_ordering_value(self, param: str) -> Any:
        if param.lstrip("-") == "last_contact":
            field = F("last_contact_at")
            return field.desc(nulls_last=True) if param.startswith("-") else field.asc(nulls_first=True)
        return super().get_ordering_value(param)


class EmployerFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(label=_("Search"), method="filter_search")
    # distinct=False: a foreign key or a plain column cannot repeat rows, and DISTINCT over every
    # column (plus the search rank) doubles the cost of the page and of its count.
    # A region's employers: those it leads and the national employers it takes part in.
    region = django_filters.ModelMultipleChoiceFilter(
        label=_("Region"), queryset=_regions, distinct=False, method="filter_region"
    )
    stage = django_filters.MultipleChoiceFilter(label=_("Stage"), choices=Stage.choices, distinct=False)
    sbi_section = django_filters.MultipleChoiceFilter(
        label=_("SBI section"), choices=SbiSection.choices, distinct=False
    )
    size_class = django_filters.MultipleChoiceFilter(label=_("Size"), choices=SizeClass.choices, distinct=False)
    accommodation = django_filters.ModelMultipleChoiceFilter(
        label=_("Offers"),
        field_name="accommodations",
        queryset=Accommodation.objects.all(),
        conjoined=True,
        distinct=False,  # conjoined: one join per chosen accommodation, each matches at most once
        help_text=_("Employers that offer all the chosen accommodations."),
    )
    source = django_filters.MultipleChoiceFilter(label=_("Source"), choices=Source.choices, distinct=False)
    # distinct: an employer in two of the chosen networks is one row (only when filtering by them).
    network = NetworkChoiceFilter(
        label=_("Network"),
        field_name="networks",
        queryset=_networks,
        distinct=True,
        help_text=_("Employers in any of the chosen networks."),
    )
    tag = django_filters.CharFilter(label=_("Tag"), method="filter_tag")
    # An id, not a list of every employer to choose from; results are scoped, so another
    # region's id finds nothing, like a missing one.
    referred_by = django_filters.NumberFilter(label=_("Referred by (employer id)"), field_name="referred_by_id")
    awaiting_review = django_filters.BooleanFilter(
        label=_("Awaiting review"), method="filter_awaiting_review", help_text=_("Added by a guide, not reviewed yet.")
    )
    has_open_openings = django_filters.BooleanFilter(label=_("Has open openings"), method="filter_open_openings")
    do_not_contact = django_filters.BooleanFilter(label=_("Do not contact"))
    archived = django_filters.BooleanFilter(
        label=_("Archived"), method="filter_archived", help_text=_("Show the archived employers instead.")
    )
    owner = OwnerChoiceFilter(label=_("Owner"), queryset=_owners)
    updated_since = IsoDateTimeFilter(label=_("Updated since"), field_name="updated_at", lookup_expr="gte")
    ordering = EmployerOrdering(
        label=_("Order by"),
        fields=(
            ("legal_name", "name"),
            ("place", "place"),
            ("stage", "stage"),
            ("updated_at", "updated"),
            ("created_at", "created"),
            ("last_contact_at", "last_contact"),
        ),
        field_labels={
            "legal_name": _("Name"),
            "place": _("Place"),
            "stage": _("Stage"),
            "updated_at": _("Last updated"),
            "created_at": _("Added"),
            "last_contact_at": _("Last contact"),
        },
    )

    class Meta:
        model = Employer
        fields = ["search", "region", "stage", "sbi_section", "size_class", "accommodation", "owner", "source"]

    def filter_region(self, queryset: EmployerQuerySet, name: str, value: list[Region]) -> EmployerQuerySet:
        user = signed_in_user(self.request)
        if not value or user is None:
            return queryset
        return queryset.seen_in({region.code for region in value}, scoped_to=user)

    def filter_search(self, queryset: QuerySet[Employer], name: str, value: str) -> QuerySet[Employer]:
        return search_employers(queryset, value)

    # django-filter calls a filter method only with a value (never None), and the schema
    # generator reads the ``value`` hint: ``bool`` documents these two as booleans.
    def filter_archived(self, queryset: QuerySet[Employer], name: str, value: bool) -> QuerySet[Employer]:
        return queryset  # ``archived_scope`` has applied it, before the other filters

    def filter_tag(self, queryset: QuerySet[Employer], name: str, value: str) -> QuerySet[Employer]:
        tag = " ".join(value.split()).lower()
        return queryset.filter(tags__contains=[tag]) if tag else queryset

    def filter_awaiting_review(self, queryset: QuerySet[Employer], name: str, value: bool) -> QuerySet[Employer]:
        return queryset.filter(review_requested_at__isnull=not value)

    def filter_open_openings(self, queryset: QuerySet[Employer], name: str, value: bool) -> QuerySet[Employer]:
        return queryset.filter(open_openings__gt=0) if value else queryset.filter(open_openings=0)


class ContactPersonFilter(django_filters.FilterSet):
    employer = django_filters.ModelChoiceFilter(queryset=_employers)
    language = django_filters.ChoiceFilter(choices=Language.choices)
    opted_out = django_filters.BooleanFilter(field_name="opted_out_at", lookup_expr="isnull", exclude=True)
    updated_since = IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte")

    class Meta:
        model = ContactPerson
        fields = ["employer", "language"]


class OpeningFilter(django_filters.FilterSet):
    employer = django_filters.ModelChoiceFilter(queryset=_employers)
    state = django_filters.MultipleChoiceFilter(choices=OpeningState.choices)
    accommodation = django_filters.ModelMultipleChoiceFilter(
        field_name="accommodations", queryset=Accommodation.objects.all(), conjoined=True
    )
    trial_possible = django_filters.BooleanFilter()
    updated_since = IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte")

    class Meta:
        model = Opening
        fields = ["employer", "state", "trial_possible"]
