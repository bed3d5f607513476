"""The employer list for people (issue 17): checkboxes with counts instead of Ctrl-click boxes,
"All / Yes / No", "All" for no owner filter, a date picker, sortable headers, SBI code and label.
The API keeps its parameters: the page sends the same ones."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.factories import EmployerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def employers(region_a):
    return [
        EmployerFactory(legal_name="Alfa Zorg B.V.", stage="open", sbi_code="8710", sbi_section="Q"),
        EmployerFactory(legal_name="Bravo Bouw B.V.", stage="open", sbi_section="F"),
        EmployerFactory(legal_name="Charlie Horeca B.V.", stage="prospect", sbi_code="5610", sbi_section="I"),
    ]


def test_filters_are_checkboxes_with_counts_all_yes_no_and_a_date_picker(cast, web, employers):
    html = web(cast["adviser_a"]).get(reverse("employers:list")).content.decode()

    assert 'type="checkbox" name="stage" value="open"' in html and 'type="checkbox" name="region"' in html
    assert "Open to our candidates (2)" in html and "Prospect (1)" in html and "Paused (0)" in html
    assert 'type="radio" name="do_not_contact" value=""' in html and ">Unknown<" not in html
    assert "---------" not in html
    assert 'type="date" name="updated_since"' in html


def test_checked_boxes_and_yes_no_filter_like_the_api(cast, web, employers):
    client = web(cast["adviser_a"])

    both = client.get(reverse("employers:list"), {"stage": ["open", "prospect"], "do_not_contact": "false"})
    one = client.get(reverse("employers:list"), {"stage": "prospect", "updated_since": "2000-01-01"})

    assert [e.legal_name for e in both.context["page"].object_list] == [
        "Alfa Zorg B.V.", "Bravo Bouw B.V.", "Charlie Horeca B.V."
    ]  # fmt: skip
    assert [e.legal_name for e in one.context["page"].object_list] == ["Charlie Horeca B.V."]
    assert re.search(r'<input type="checkbox" name="stage" value="prospect"[^>]*checked', one.content.decode())


def test_headers_sort_both_ways_and_say_so(cast, web, employers):
    client = web(cast["adviser_a"])

    up = client.get(reverse("employers:list"), {"ordering": "name"})
    down = client.get(reverse("employers:list"), {"ordering": "-name"})

    assert [e.legal_name[0] for e in up.context["page"].object_list] == ["A", "B", "C"]
    assert [e.legal_name[0] for e in down.context["page"].object_list] == ["C", "B", "A"]
    assert 'aria-sort="ascending"><a href="?ordering=-name"' in up.content.decode()
    assert 'aria-sort="descending"><a href="?ordering=name"' in down.content.decode()


def test_the_sbi_column_shows_the_code_and_the_label(cast, web, employers):
    html = web(cast["adviser_a"]).get(reverse("employers:list")).content.decode()

    assert "8710 · Q " in html and "5610 · I " in html


def test_every_filter_option_has_its_count(cast, web, employers):
    from tests.factories import NetworkFactory

    club = NetworkFactory(region_id="AM18", name="Horecaclub")
    alfa, bravo, _charlie = employers
    alfa.networks.add(club)
    alfa.tags, alfa.size_class, alfa.source, alfa.owner = ["horeca", "zorg"], "small", "event", cast["adviser_a"]
    alfa.save()
    alfa.set_accommodations(["buddy"])
    bravo.tags, bravo.do_not_contact = ["horeca"], True
    bravo.save()
    EmployerFactory(region_id="AM13", tags=["horeca"])  # another region: counted nowhere

    html = web(cast["adviser_a"]).get(reverse("employers:list")).content.decode()

    for option in ("Horecaclub (Groot Amsterdam) (1)", "horeca (2)", "zorg (1)", "Health and social care (1)"):
        assert option in html, option
    for option in ("Prospect (1)", "10-49 employees (1)", "Buddy or mentor at work (1)", "Knowledge session (1)"):
        assert option in html, option
    assert re.search(r'value="true"[^>]*>\s*Yes \(1\)', html) and re.search(r'value="false"[^>]*>\s*No \(2\)', html)
    assert f"{cast['adviser_a'].get_full_name() or cast['adviser_a'].username} (1)" in html


def test_the_counts_hold_for_a_scope_of_no_region_and_for_the_archived_list(cast, web, employers):
    from employers.list_counts import filter_counts
    from employers.models import Employer

    assert filter_counts(Employer.objects.none()) == {}
    assert filter_counts(Employer.objects.visible_to(cast["awvn"])) == {}
    assert filter_counts(Employer.objects.all())["stage"] == {"open": 2, "prospect": 1}
    archived = web(cast["adviser_a"]).get(reverse("employers:list"), {"archived": "true"})
    assert archived.status_code == 200 and "Prospect (0)" in archived.content.decode()


def test_a_regions_count_takes_its_led_and_its_shared_employers_and_only_offered_regions_are_counted(cast, employers):
    from django.utils import timezone

    from employers.list_counts import filter_counts
    from employers.models import Employer, EmployerShare

    national = EmployerFactory(region_id="AM13")  # led by Utrecht, shared with Amsterdam and a third region
    decided = {"state": "accepted", "decided_at": timezone.now()}
    EmployerShare.objects.create(employer=national, region_id="AM18", **decided)
    EmployerShare.objects.create(employer=national, region_id="AM01", **decided)
    EmployerShare.objects.create(employer=EmployerFactory(region_id="AM13"), region_id="AM18", state="requested")
    scope = Employer.objects.visible_to(cast["adviser_a"])

    every = filter_counts(scope)["region"]
    offered = filter_counts(scope, regions={"AM18"})["region"]

    assert every == {"AM18": 4, "AM13": 1, "AM01": 1}  # three led + one shared; a request is no share
    assert offered["AM18"] == 4 and "AM01" not in offered
    assert filter_counts(scope, regions=set())["region"] == {"AM18": 3, "AM13": 1}
