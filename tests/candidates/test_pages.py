"""The guide's flow on the pages: ranked matches, mark approached or declined, record a placement,
answer a durable check; and the demo data."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from candidates.models import Candidate, Match, Placement
from tests.candidates.factories import CandidateFactory, MatchFactory, PlacementFactory
from tests.factories import EmployerFactory, OpeningFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def candidate(guide_a):
    return CandidateFactory(guide=guide_a, pc4="1012")


def test_the_matches_page_ranks_and_filters(candidate, cast, web):
    EmployerFactory(legal_name="Dichtbij Zorg", postcode="1017 AB", sbi_section="Q")
    OpeningFactory(employer=EmployerFactory(legal_name="Amstelveen Bouw", postcode="1181 AA", sbi_section="F"))
    client = web(cast["guide_a"])

    page = client.get(f"/candidates/{candidate.pk}/matches/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert page.index("Dichtbij Zorg") < page.index("Amstelveen Bouw")
    assert "Mark approached" in page or "Markeer" in page
    filtered = client.get(f"/candidates/{candidate.pk}/matches/", {"max_km": 3}).content.decode()
    assert "Dichtbij Zorg" in filtered and "Amstelveen Bouw" not in filtered
    filtered = client.get(f"/candidates/{candidate.pk}/matches/", {"only_with_openings": "on"}).content.decode()
    assert "Dichtbij Zorg" not in filtered and "Amstelveen Bouw" in filtered
    filtered = client.get(f"/candidates/{candidate.pk}/matches/", {"sector": "F"}).content.decode()
    assert "Dichtbij Zorg" not in filtered and "Amstelveen Bouw" in filtered
    # The coordinator reads the list but gets no buttons.
    assert "match-state" not in web(cast["coordinator_a"]).get(f"/candidates/{candidate.pk}/matches/").content.decode()


def test_the_guide_marks_approached_then_declined_with_a_reason(candidate, cast, web):
    employer = EmployerFactory(postcode="1017 AB")
    client = web(cast["guide_a"])
    url = f"/candidates/{candidate.pk}/matches/state/"

    response = client.post(url, {"employer": employer.pk, "state": "approached", "next": "/candidates/"})
    assert response.status_code == 302 and response["Location"] == "/candidates/"
    client.post(url, {"employer": employer.pk, "state": "declined"})  # no reason: refused
    assert Match.objects.get().state == "approached"
    client.post(url, {"employer": employer.pk, "state": "declined", "reason": "past niet"})
    match = Match.objects.get()
    assert match.state == "declined" and match.changes.count() == 2
    page = client.get(f"/candidates/{candidate.pk}/").content.decode()
    assert "past niet" in page


def test_the_guide_records_a_placement_and_answers_the_durable_check(candidate, cast, web):
    employer = EmployerFactory(postcode="1017 AB")
    MatchFactory(candidate=candidate, employer=employer, state="trial")
    client = web(cast["guide_a"])
    url = f"/candidates/{candidate.pk}/placements/new/"

    assert client.get(url, {"employer": employer.pk}).status_code == 200
    assert client.get(url, {"employer": EmployerFactory().pk}).status_code == 404  # no match with it
    start = timezone.localdate() - timedelta(days=200)
    response = client.post(url, {"employer": employer.pk, "start_date": start.isoformat(), "hours_per_week": 20,
                                 "method": "jobcoaching"})  # fmt: skip
    assert response.status_code == 302
    placement = Placement.objects.get()
    assert Candidate.objects.get().state == "placed" and Match.objects.get().state == "placed"
    assert "Controle na 6 maanden" in client.get(f"/candidates/{candidate.pk}/").content.decode()
    client.post(f"/candidates/placements/{placement.pk}/durable-check/", {"months": 6, "still_working": "no"})
    placement.refresh_from_db()
    assert placement.durable_6m is False and placement.durable_6m_checked_at is not None


def test_a_durable_check_that_is_not_due_is_refused(candidate, cast, web):
    placement = PlacementFactory(candidate=candidate, start_date=date.today())

    url = f"/candidates/placements/{placement.pk}/durable-check/"
    web(cast["guide_a"]).post(url, {"months": 6, "still_working": "yes"})

    placement.refresh_from_db()
    assert placement.durable_6m is None


def test_the_demo_seeds_with_few_employers(region_a, region_b):
    from candidates import demo
    from tests.factories import UserFactory, membership

    users = {
        "begeleider": membership(UserFactory(username="begeleider"), "guide", region_a),
        "begeleider-utrecht": membership(UserFactory(username="begeleider-utrecht"), "guide", region_b),
    }
    EmployerFactory(postcode="1055 AB", sbi_section="Q")

    summary = demo.seed(users)

    assert summary.startswith("7 candidates")
    assert Candidate.objects.filter(guide=users["begeleider"]).count() == 4
    assert Match.objects.exists()


def test_the_candidate_page_takes_a_reason_for_an_employer_outside_the_list(candidate, cast, web):
    """A prospect of the guide's own region is not in the ranked list: the candidate page finds
    it and matches it with the reason the guide gives; without a reason the page says what is
    missing and stores nothing; another region's employer is not offered."""
    prospect = EmployerFactory(legal_name="Bakkerij Om De Hoek", postcode="1017 AB", stage="prospect")
    EmployerFactory(legal_name="Bakkerij Elders", postcode="3511 AA", region_id="AM13", stage="prospect")
    EmployerFactory(legal_name="Bakkerij In De Lijst", postcode="1017 AC", stage="open")  # matches page
    client = web(cast["guide_a"])
    page_url = f"/candidates/{candidate.pk}/"

    found = client.get(page_url, {"outside": "bakkerij"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "Bakkerij Om De Hoek" in found and "Bakkerij Elders" not in found and "In De Lijst" not in found
    assert f'name="outside_list_reason" id="outside-reason-{prospect.pk}"' in found
    url = f"/candidates/{candidate.pk}/matches/state/"
    refused = client.post(url, {"employer": prospect.pk, "state": "approached", "next": page_url}, follow=True)
    assert not Match.objects.exists()
    assert "zeg waarom" in refused.content.decode()  # the message, in Dutch (the default language)
    reason = "Tante van de kandidaat werkt er"
    client.post(url, {"employer": prospect.pk, "state": "approached", "outside_list_reason": reason, "next": page_url})
    match = Match.objects.get()
    assert (match.employer, match.state, match.outside_list_reason) == (prospect, "approached", reason)
    # Matched now: in the pipeline, no longer offered as outside the list.
    again = client.get(page_url, {"outside": "bakkerij"}).content.decode()
    assert f'id="outside-reason-{prospect.pk}"' not in again and "Bakkerij Om De Hoek" in again
    # The coordinator reads the page but gets no search.
    assert "outside-search" not in web(cast["coordinator_a"]).get(page_url).content.decode()
