"""One employer picker everywhere (issue 17): the lookup finds an employer by legal name, trade
name, KvK number, place or postcode within one's regions; the contact log, the merge page and
the follow-up list read back a chosen option, an exact unique name or an exact KvK number."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from employers.models import Contact, Employer
from employers.picker import employer_label, resolve_employer
from tests.contacts.factories import FollowUpFactory
from tests.factories import EmployerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def bakery(region_a):
    return EmployerFactory(
        region_id=region_a.code,
        legal_name="Bakkerij Vermeulen B.V.",
        trade_name="Bakker Bart",
        kvk_number="12345678",
        postcode="1071 XX",
        place="Amsterdam",
    )


@pytest.fixture
def restaurant(region_a):
    return EmployerFactory(
        region_id=region_a.code, legal_name="Pijp Horeca B.V.", trade_name="Restaurant De Pijp", postcode="1072 AB"
    )


def _lookup(client, text):
    answer = client.get(reverse("employers:contact-lookup"), {"q": text})
    assert answer.status_code == 200
    return [row["id"] for row in answer.json()["employers"]]


def test_the_label_names_trade_and_legal_name_postcode_place_and_kvk(bakery):
    assert employer_label(bakery) == (
        f"Bakker Bart (Bakkerij Vermeulen B.V.) · 1071 XX Amsterdam · KvK 12345678 #{bakery.pk}"
    )


def test_the_lookup_finds_by_every_name_kvk_place_and_postcode_in_my_regions(cast, web, bakery, restaurant):
    theirs = EmployerFactory(region_id="AM13", legal_name="Bakkerij Vermeulen Utrecht", postcode="1071 XY")
    client = web(cast["adviser_a"])

    assert _lookup(client, "Bakkerij Vermeulen") == [bakery.pk]  # the legal name, though a trade name is shown
    assert _lookup(client, "bakker bart") == [bakery.pk]
    assert _lookup(client, "12345678") == [bakery.pk]
    assert _lookup(client, "1071") == [bakery.pk] and _lookup(client, "1071xx") == [bakery.pk]
    assert _lookup(client, "1072 AB") == [restaurant.pk]
    assert bakery.pk in _lookup(client, "Vermeulne")  # a typo still finds it
    assert theirs.pk not in _lookup(client, "Vermeulen")


def test_resolve_takes_an_option_an_exact_unique_name_or_a_kvk_number(bakery, restaurant):
    employers = Employer.objects.all()
    EmployerFactory(legal_name="Dubbel B.V.")
    EmployerFactory(legal_name="Dubbel B.V.")

    assert resolve_employer(employers, employer_label(bakery)) == bakery
    assert resolve_employer(employers, "restaurant de pijp") == restaurant
    assert resolve_employer(employers, "Bakkerij Vermeulen B.V.") == bakery
    assert resolve_employer(employers, "1234 5678") == bakery
    assert resolve_employer(employers, "Dubbel B.V.") is None  # two of them: the user must choose
    assert resolve_employer(employers, "Restaurant") is None and resolve_employer(employers, "") is None


def test_the_contact_log_accepts_the_exact_unique_name_typed(cast, web, restaurant):
    body = {"employer": "Restaurant De Pijp", "when": "2026-11-23T10:15", "channel": "visit",
            "purpose": "acquisition", "summary": "Kennismaking"}  # fmt: skip

    response = web(cast["adviser_a"]).post(reverse("employers:contact-create"), body)

    assert response.status_code == 302, response.content.decode()[:2000]
    assert Contact.objects.get().employer == restaurant


def test_the_merge_page_takes_the_picker_text_and_says_so_when_it_names_none(cast, web, bakery, restaurant):
    client = web(cast["adviser_a"])
    url = reverse("employers:merge", args=[bakery.pk])

    by_name = client.get(url, {"other": "Restaurant De Pijp"})
    by_option = client.get(url, {"other": employer_label(restaurant)})
    unknown = client.get(url, {"other": "Nergens B.V."})
    page = client.get(url).content.decode()

    assert by_name.status_code == 200 and by_name.context["other"] == restaurant
    assert by_option.context["other"] == restaurant
    assert unknown.status_code == 400 and "Choose an employer of this region from the list." in unknown.content.decode()
    assert 'data-employer-lookup="/employers/contacts/lookup/"' in page and "employer-picker.js" in page


def test_the_follow_up_list_narrows_to_the_picked_employer(cast, web, bakery, restaurant):
    today = timezone.localdate()
    FollowUpFactory(employer=bakery, owner=cast["adviser_a"], due_date=today, note="Bart bellen")
    FollowUpFactory(employer=restaurant, owner=cast["adviser_a"], due_date=today, note="Pijp mailen")

    html = (
        web(cast["adviser_a"])
        .get(reverse("employers:followup-list"), {"employer_name": employer_label(bakery)})
        .content.decode()
    )

    assert "Bart bellen" in html and "Pijp mailen" not in html
