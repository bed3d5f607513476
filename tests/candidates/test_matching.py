"""Matching: the pure function pinned with plain data, and the loader with hand-made employers."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from candidates.matching import EmployerData, OpeningData, Wishes, rank
from candidates.matching_data import candidate_matches, candidate_wishes, pc4_runs
from tests.candidates.factories import CandidateFactory, MatchFactory, PlacementFactory
from tests.candidates.loaders import load_employers
from tests.contacts.factories import ContactFactory
from tests.factories import EmployerFactory, OpeningFactory

WISHES = Wishes(
    sbi_sections=frozenset({"Q"}),
    hours_min=16,
    hours_max=24,
    max_km=15,
    accommodations=frozenset({"flexible_hours", "quiet_workplace"}),
)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_the_reasons_read_as_one_sentence():
    employer = EmployerData(
        id=1,
        name="Zorggroep Noord",
        distance_km=4.2,
        sbi_section="Q",
        accommodations=frozenset({"flexible_hours", "quiet_workplace", "buddy"}),
        openings=(OpeningData(7, "Helpende", 16, 24),),
        last_contact_days=12,
        last_contact_by="Anna",
        last_contact_channel="visit",
    )

    [result] = rank(WISHES, [employer])

    assert result.reasons == (
        "open to our candidates, sector matches (Health and social care), 4 km, "
        "offers quiet workplace and flexible hours, opening 16-24 h, visited by Anna 12 days ago"
    )
    assert [p.code for p in result.parts] == ["sector", "distance", "accommodations", "opening", "warm_contact"]
    assert result.opening == OpeningData(7, "Helpende", 16, 24)
    assert result.score == round(25 + 15 * (1 - 4.2 / 15) + 20 + 20 + 10 * (1 - 12 / 90), 1)


def test_paused_prospect_do_not_contact_and_too_far_are_left_out():
    employers = [
        EmployerData(1, "Open", 3),
        EmployerData(2, "Paused", 3, stage="paused"),
        EmployerData(3, "Prospect", 3, stage="prospect"),
        EmployerData(4, "Interested", 3, stage="interested"),
        EmployerData(5, "Do not contact", 3, do_not_contact=True),
        EmployerData(6, "Too far", 15.1),
        EmployerData(7, "Just in reach", 15.0, stage="ambassador"),
    ]

    assert [r.employer.id for r in rank(WISHES, employers)] == [1, 7]


def test_accommodations_and_hours_are_counted():
    employers = [
        EmployerData(1, "Nothing", 5),
        EmployerData(2, "One of two accommodations", 5, accommodations=frozenset({"flexible_hours"})),
        EmployerData(3, "Both accommodations", 5, accommodations=frozenset({"flexible_hours", "quiet_workplace"})),
        EmployerData(4, "Opening 32-40 h: no overlap", 5, openings=(OpeningData(1, "Fulltime", 32, 40),)),
        EmployerData(5, "Opening 20-32 h: overlaps", 5, openings=(OpeningData(2, "Parttime", 20, 32),)),
    ]

    ranked = rank(WISHES, employers)

    assert [r.employer.id for r in ranked] == [3, 5, 2, 1, 4]
    scores = {r.employer.id: r.score for r in ranked}
    assert scores[3] - scores[1] == 20 and scores[2] - scores[1] == 10 and scores[5] - scores[1] == 20
    assert scores[4] == scores[1]
    assert rank(WISHES, employers, only_with_openings=True)[0].employer.id == 5
    assert len(rank(WISHES, employers, only_with_openings=True)) == 1


def test_nearer_wins_a_tie_and_declined_or_approached_are_marked():
    employers = [
        EmployerData(1, "Far", 10, match_state="declined", declined_reason="no room this year"),
        EmployerData(2, "Near", 2, match_state="approached"),
    ]

    far, near = sorted(rank(WISHES, employers), key=lambda r: r.employer.id)

    assert near.score > far.score
    assert far.reasons.endswith("declined: no room this year") and far.marked
    assert near.reasons.endswith("already approached") and near.marked


def test_pc4_codes_merge_into_runs():
    assert pc4_runs(["1012", "1011", "1014", "1015", "1016", "2011"]) == [
        ("1011", "1012"),
        ("1014", "1016"),
        ("2011", "2011"),
    ]


@pytest.mark.django_db
def test_the_loader_reaches_by_pc4_distance_over_regions(guide_a, adviser_a):
    # Candidate in 1012 (Amsterdam centre); distances by PC4 centroid.
    candidate = CandidateFactory(guide=guide_a, pc4="1012", max_travel_km=20)
    candidate.accommodations_needed.set(["flexible_hours"])
    near = EmployerFactory(legal_name="Zorg Dichtbij", postcode="1017 AB", sbi_section="Q")  # ~1 km
    near.set_accommodations(["flexible_hours", "buddy"])
    OpeningFactory(employer=near, hours_min=16, hours_max=24)
    OpeningFactory(employer=near, hours_min=16, hours_max=24, state="filled")
    haarlem = EmployerFactory(legal_name="Haarlem Werkt", postcode="2011 AA", region_id="AM15", sbi_section="C")
    EmployerFactory(legal_name="Utrecht Ver", postcode="3511 AA", region_id="AM13")  # ~35 km
    EmployerFactory(legal_name="Gepauzeerd", postcode="1017 AC", stage="paused")
    EmployerFactory(legal_name="Niet benaderen", postcode="1017 AD", do_not_contact=True)
    EmployerFactory(legal_name="Prospect", postcode="1017 AE", stage="prospect")
    EmployerFactory(legal_name="Zonder postcode", postcode="")
    ContactFactory(employer=near, by=adviser_a, when=timezone.now() - timedelta(days=12), channel="visit")
    PlacementFactory(employer=haarlem)
    MatchFactory(candidate=candidate, employer=haarlem, state="declined", declined_reason="vol")

    results = candidate_matches(candidate)

    assert [r.employer.name for r in results] == ["Zorg Dichtbij", "Haarlem Werkt"]
    first, second = results
    assert first.reasons == (
        "open to our candidates, sector matches (Health and social care), 1 km, offers flexible hours, "
        "opening 16-24 h, visited by Anna 12 days ago"
    )
    assert len(first.employer.openings) == 1  # the filled one does not count
    assert second.employer.region_id == "AM15" and 17 < second.employer.distance_km < 19
    assert second.reasons == "open to our candidates, 18 km, 1 earlier placement, declined: vol"
    assert [r.employer.name for r in candidate_matches(candidate, max_km=10)] == ["Zorg Dichtbij"]
    assert [r.employer.name for r in candidate_matches(candidate, sector="C")] == ["Haarlem Werkt"]
    assert [r.employer.name for r in candidate_matches(candidate, only_with_openings=True)] == ["Zorg Dichtbij"]
    # The one-query shortlist ranks exactly as the pure function over the full data.
    wishes = candidate_wishes(candidate)
    full = rank(wishes, load_employers(candidate, wishes))
    assert [(r.employer.id, r.score, r.reasons) for r in full] == [(r.employer.id, r.score, r.reasons) for r in results]


@pytest.mark.django_db
def test_an_unknown_pc4_reaches_nobody(guide_a):
    EmployerFactory(postcode="1012 AB")

    assert candidate_matches(CandidateFactory(guide=guide_a, pc4="0001")) == []


def _warm_employers(count: int, by) -> None:
    """Employers with every fact the details are asked for: a fitting opening, an accommodation
    needed, a contact, a placement and a session attended."""
    from tests.factories import ContactPersonFactory
    from tests.outreach.factories import EventFactory, InvitationFactory

    session = EventFactory(state="held")
    for n in range(count):
        employer = EmployerFactory(postcode=f"101{n % 8 + 1} AB")
        employer.set_accommodations(["buddy"])
        OpeningFactory(employer=employer)
        ContactFactory(employer=employer, by=by, when=timezone.now() - timedelta(days=n))
        PlacementFactory(employer=employer)
        InvitationFactory(event=session, contact_person=ContactPersonFactory(employer=employer), attended=True)


@pytest.mark.django_db
@pytest.mark.parametrize("employers", [3, 12])
def test_the_loader_runs_a_fixed_number_of_queries(guide_a, adviser_a, employers, django_assert_num_queries):
    candidate = CandidateFactory(guide=guide_a, pc4="1012")
    candidate.accommodations_needed.set(["buddy"])
    _warm_employers(employers, adviser_a)

    # accommodations needed, origin, box, shortlist (employers in reach with the score's facts,
    # and for the best: last contact, counts, this candidate's match), the fitting openings
    with django_assert_num_queries(5):
        assert len(candidate_matches(candidate)) == employers


@pytest.mark.django_db
def test_openings_are_read_only_when_one_fits(guide_a, django_assert_num_queries):
    candidate = CandidateFactory(guide=guide_a, pc4="1012")
    for n in range(5):
        EmployerFactory(postcode=f"101{n + 1} AB")

    # accommodations needed, origin, box, shortlist
    with django_assert_num_queries(4):
        assert len(candidate_matches(candidate)) == 5


@pytest.mark.django_db
def test_the_shortlist_ranks_as_the_pure_function_across_its_cut(guide_a, adviser_a, django_assert_num_queries):
    """The database pre-sorts and returns twice the page; Python ranks. Random employers, a page
    of 10, and a cluster of equal scores across the cut (which makes the loader read every row)."""
    import random

    rng = random.Random(6)
    candidate = CandidateFactory(guide=guide_a, pc4="1012", max_travel_km=10, sbi_sections=["Q", "C"],
                                 hours_min=16, hours_max=24)  # fmt: skip
    candidate.accommodations_needed.set(["buddy", "quiet_workplace", "flexible_hours"])
    areas = ["1011", "1012", "1013", "1015", "1017", "1018", "1052", "1071", "1091", "1102"]
    for n in range(120):
        employer = EmployerFactory(legal_name=f"Werkgever {n:03d}", postcode=f"{rng.choice(areas)} AB",
                                   sbi_section=rng.choice("QCGI"))  # fmt: skip
        employer.set_accommodations(rng.sample(["buddy", "quiet_workplace", "flexible_hours", "home_working"], 2))
        if rng.random() < 0.4:
            low = rng.choice([8, 16, 30])
            OpeningFactory(employer=employer, hours_min=low, hours_max=low + rng.choice([4, 8]))
        if rng.random() < 0.5:
            ContactFactory(employer=employer, by=adviser_a, when=timezone.now() - timedelta(days=rng.randint(0, 120)))
        if rng.random() < 0.1:
            PlacementFactory(employer=employer)
    for n in range(25):  # the same score, same distance: only the name tells them apart
        EmployerFactory(legal_name=f"Gelijk {n:02d}", postcode="1012 AB", sbi_section="Q")
        EmployerFactory(legal_name=f"Groningen {24 - n:02d}", postcode="9711 AB", region_id="AM01")
    wishes = candidate_wishes(candidate)
    everything = rank(wishes, load_employers(candidate, wishes))

    for kwargs in ({}, {"sector": "Q"}, {"only_with_openings": True}):
        expected = rank(wishes, load_employers(candidate, wishes, sector=kwargs.get("sector", "")), limit=10,
                        **kwargs)  # fmt: skip
        got = candidate_matches(candidate, limit=10, **kwargs)
        assert [(r.employer.id, r.score, r.reasons) for r in got] == [
            (r.employer.id, r.score, r.reasons) for r in expected
        ]
    got = candidate_matches(candidate, limit=None)
    assert [(r.employer.id, r.score) for r in got] == [(r.employer.id, r.score) for r in everything]
    assert [r.employer.name for r in everything].count("Gelijk 00") == 1
    # All 25 alike in Groningen, stored in reverse: the page of 5 is read past the cut.
    far = CandidateFactory(guide=guide_a, pc4="9711", max_travel_km=3)
    # accommodations needed, origin, box, shortlist of 10, shortlist of all 25
    with django_assert_num_queries(5):
        assert [r.employer.name for r in candidate_matches(far, limit=5)] == [f"Groningen {n:02d}" for n in range(5)]


@pytest.mark.django_db
def test_knowledge_sessions_attended_warm_an_employer(guide_a):
    from tests.factories import ContactPersonFactory
    from tests.outreach.factories import EventFactory, InvitationFactory

    candidate = CandidateFactory(guide=guide_a, pc4="1012", sbi_sections=[])
    came = EmployerFactory(legal_name="Kwam Kijken", postcode="1017 AB", sbi_section="C")
    EmployerFactory(legal_name="Kwam Niet", postcode="1017 AB", sbi_section="C")
    session = EventFactory(state="held")
    for person in ContactPersonFactory.create_batch(2, employer=came):
        InvitationFactory(event=session, contact_person=person, rsvp="yes", attended=True)

    first, second = candidate_matches(candidate)

    assert first.employer.name == "Kwam Kijken" and first.employer.events_attended == 1
    assert "attended 1 knowledge session" in first.reasons
    assert second.employer.events_attended == 0


@pytest.mark.django_db
def test_each_rule_scores_the_same_in_sql_as_in_python():
    """``RULES`` is written once per language, side by side: PostgreSQL computes the SQL score
    over the same facts as Python's, for a grid of facts and wishes (the random employers above
    check the same through the whole loader)."""
    import itertools

    from django.db import connection

    from candidates.matching import RULES, Facts, score_sql

    opening = OpeningData(1, "Magazijn", 16, 24)
    wishes_options = [WISHES, Wishes(max_km=7), Wishes(max_km=20, accommodations=frozenset({"buddy"}))]
    grid = itertools.product([0.0, 3.3, 7.0, 15.0], [False, True], [None, opening], [0, 1, 2], [None, 0, 45, 90, 91],
                             [0, 2], [0, 1])  # fmt: skip
    with connection.cursor() as cursor:
        for wishes, (km, sector, fit, offered, last_days, events, placements) in itertools.product(
            wishes_options, grid
        ):
            f = Facts(km, sector, fit, min(offered, len(wishes.accommodations)), last_days, events, placements)
            python = sum(r.weight * s for r in RULES if (s := r.share(f, wishes)) is not None)
            sql, params = score_sql(wishes)
            row = [f.km, f.sector, f.opening is not None, f.offered, f.last_days, f.events > 0, f.placements > 0]
            facts_row = ("SELECT %s::double precision AS km, %s AS sector, %s AS fit, %s AS offered, "
                         "%s::integer AS last_days, %s AS events, %s AS placed")  # fmt: skip
            query = f"SELECT {sql} FROM ({facts_row}) f"  # noqa: S608 - our own SQL; the values are parameters
            cursor.execute(query, [*params, *row])
            assert cursor.fetchone()[0] == pytest.approx(python), (wishes, f)
