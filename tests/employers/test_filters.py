"""The one EmployerFilter: scoped choices, the typo-tolerant search, ordering."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from employers.api_employers import employer_queryset
from employers.filters import EmployerFilter, search_employers
from employers.models import Employer
from tests.factories import EmployerFactory

pytestmark = pytest.mark.django_db


def _filter(user: Any, **data: Any) -> EmployerFilter:
    return EmployerFilter(data, queryset=employer_queryset(user), request=SimpleNamespace(user=user))


def test_choices_name_only_my_regions_and_their_advisers(cast: dict[str, Any]) -> None:
    form = _filter(cast["guide_a"]).form

    assert [r.code for r in form.fields["region"].queryset] == ["AM18"]
    owners = set(form.fields["owner"].queryset.values_list("username", flat=True))
    assert owners == {"adviser_a", "coordinator_a"}  # not the guide, not region B's adviser


def test_search_finds_plain_substrings_and_kvk_prefixes(adviser_a: Any) -> None:
    target = EmployerFactory(legal_name="Bakkerij Vermeulen B.V.", place="Zaandam", kvk_number="12345678")
    employers = Employer.objects.visible_to(adviser_a)

    assert list(search_employers(employers, "vermeulen")) == [target]
    assert list(search_employers(employers, "ZAANDAM")) == [target]
    assert list(search_employers(employers, "1234")) == [target]
    assert list(search_employers(employers, "Vermeuleen")) == [target]  # one typo: pg_trgm still finds it


def test_search_ranks_the_closest_name_first(adviser_a: Any) -> None:
    EmployerFactory(legal_name="Jansen Transport B.V.")
    exact = EmployerFactory(legal_name="Bakkerij Jansen")

    rows = list(_filter(adviser_a, search="bakkerij jansen").qs)

    assert rows[0] == exact


def test_ordering_by_name_descending(adviser_a: Any) -> None:
    a = EmployerFactory(legal_name="Aa B.V.")
    z = EmployerFactory(legal_name="Zz B.V.")

    assert list(_filter(adviser_a, ordering="-name").qs) == [z, a]


def test_ordering_by_last_contact_puts_the_never_contacted_first_and_the_most_recent_last(adviser_a: Any) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from tests.contacts.factories import ContactFactory

    never = EmployerFactory(legal_name="Nooit B.V.")
    long_ago, lately = EmployerFactory(legal_name="Lang B.V."), EmployerFactory(legal_name="Net B.V.")
    ContactFactory(employer=long_ago, by=adviser_a, when=timezone.now() - timedelta(days=200))
    ContactFactory(employer=lately, by=adviser_a, when=timezone.now() - timedelta(days=2))

    assert list(_filter(adviser_a, ordering="last_contact").qs) == [never, long_ago, lately]
    assert list(_filter(adviser_a, ordering="-last_contact").qs) == [lately, long_ago, never]


def test_postcode_and_kvk_prefixes_are_looked_up_not_guessed(adviser_a: Any) -> None:
    here = EmployerFactory(legal_name="Hier B.V.", postcode="1012 AB", kvk_number="60012345")
    near = EmployerFactory(legal_name="Dichtbij B.V.", postcode="1012 CD", kvk_number="60013345")
    EmployerFactory(legal_name="Elders B.V.", postcode="1013 AB", kvk_number="70012345")
    employers = Employer.objects.visible_to(adviser_a)

    assert set(search_employers(employers, "1012")) == {here, near}
    assert list(search_employers(employers, "1012ab")) == [here]
    assert list(search_employers(employers, "1012 A")) == [here]
    assert list(search_employers(employers, "60012")) == [here]  # a KvK prefix: no fuzzy neighbours
    assert list(search_employers(employers, "6001")) == [near, here]  # by name: Dichtbij, Hier


def test_the_count_of_a_search_stops_at_the_cap_and_says_so(adviser_a: Any, monkeypatch: Any) -> None:
    from crm.paging import CappedPaginator

    for n in range(4):
        EmployerFactory(legal_name=f"Bakkerij Jansen {n}")
    monkeypatch.setattr(CappedPaginator, "cap", 3)
    searched = CappedPaginator(_filter(adviser_a, search="bakkerij").qs, 2)
    plain = CappedPaginator(_filter(adviser_a).qs, 2)

    assert (searched.count, searched.capped, searched.num_pages) == (3, True, 2)
    assert (plain.count, plain.capped) == (4, False)  # no search: the exact count
    assert len(searched.page(2).object_list) == 1
