"""Saved filters on the employer list (issue 17): each user names, applies and deletes their own;
nobody else sees, applies or deletes them, and a filter with another region's id is not saved."""

from __future__ import annotations

import pytest
from django.urls import reverse

from employers.models import SavedFilter
from tests.factories import NetworkFactory

pytestmark = pytest.mark.django_db


def _save(client, name: str, query: str):
    return client.post(reverse("employers:saved-filter-create"), {"name": name, "query": query})


def test_an_adviser_saves_applies_and_deletes_a_filter(adviser_a, web):
    client = web(adviser_a)

    saved = _save(client, "Open horeca", "stage=open&sbi_section=I&page=3&utm=x&search=")
    (kept,) = SavedFilter.objects.filter(user=adviser_a)
    again = _save(client, "Open horeca", "stage=prospect")  # the same name replaces
    replaced = SavedFilter.objects.get().query
    listed = client.get(reverse("employers:list")).content.decode()
    applied = client.get(reverse("employers:saved-filter", args=[kept.pk]))
    deleted = client.post(reverse("employers:saved-filter-delete", args=[kept.pk]))

    assert saved.status_code == 302 and saved["Location"].endswith("?sbi_section=I&stage=open")
    assert again.status_code == 302 and replaced == "stage=prospect"
    assert reverse("employers:saved-filter", args=[kept.pk]) in listed and "Open horeca" in listed
    assert applied.status_code == 302 and applied["Location"] == reverse("employers:list") + "?stage=prospect"
    assert deleted.status_code == 302 and not SavedFilter.objects.exists()


def test_another_user_never_sees_applies_or_deletes_it(cast, web):
    _save(web(cast["adviser_a"]), "Mijn lijst", "stage=open")
    web(cast["adviser_a"]).get(reverse("employers:list"))  # shows (and so ends) the "saved" message
    saved = SavedFilter.objects.get()

    for who in ("guide_a", "coordinator_a", "adviser_b"):
        client = web(cast[who])
        assert "Mijn lijst" not in client.get(reverse("employers:list")).content.decode(), who
        assert client.get(reverse("employers:saved-filter", args=[saved.pk])).status_code == 404, who
        assert client.post(reverse("employers:saved-filter-delete", args=[saved.pk])).status_code == 404, who
    assert SavedFilter.objects.filter(pk=saved.pk, user=cast["adviser_a"], query="stage=open").exists()


def test_a_filter_with_another_regions_id_or_nothing_in_it_is_refused(adviser_a, web):
    foreign = NetworkFactory(region_id="AM13")
    client = web(adviser_a)

    with_foreign = _save(client, "Buren", f"network={foreign.pk}")
    empty = _save(client, "Niets", "page=2")
    nameless = _save(client, "  ", "stage=open")

    assert with_foreign.status_code == empty.status_code == nameless.status_code == 400
    assert "not valid" in with_foreign.content.decode() and "Give the filter a name." in nameless.content.decode()
    assert not SavedFilter.objects.exists()
