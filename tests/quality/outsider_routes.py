"""Which object routes exist, how to make an object of region A for each, and who must not
see it. ``COVERAGE[name] = (make(cast) -> url kwargs, [cast members who must get 404])``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.factories import ContactPersonFactory, EmployerFactory, OpeningFactory

# URL keyword arguments that name one object.
OBJECT_KWARGS = frozenset({"pk", "id", "code", "slug", "token", "employer_pk", "event_pk", "candidate_pk", "user_id"})

Maker = Callable[[dict[str, Any]], dict[str, Any]]

NOT_REGION_A_NETWORK = ["adviser_b", "guide_b", "awvn"]


def _contact(cast: dict[str, Any]) -> dict[str, Any]:
    from tests.contacts.factories import ContactFactory

    return {"pk": ContactFactory(employer=EmployerFactory(region_id="AM18"), by=cast["adviser_a"]).pk}


def _follow_up(cast: dict[str, Any]) -> dict[str, Any]:
    from tests.contacts.factories import FollowUpFactory

    return {"pk": FollowUpFactory(employer=EmployerFactory(region_id="AM18"), owner=cast["adviser_a"]).pk}


def _employer(cast: dict[str, Any]) -> dict[str, Any]:
    return {"pk": EmployerFactory(region_id="AM18").pk}


def _import_batch(cast: dict[str, Any]) -> dict[str, Any]:
    from crm.models import Region
    from employers.importing import import_check

    raw = b"Naam;KvK\r\nGeheim B.V.;99999999\r\n"
    batch = import_check(by=cast["adviser_a"], region=Region.objects.get(code="AM18"), filename="x.csv", raw=raw)
    return {"pk": batch.pk}


def _proposed(cast: dict[str, Any]) -> dict[str, Any]:
    """An employer a guide of region A added, waiting in "new in the network"."""
    from employers.proposals import employer_propose

    return {"pk": employer_propose(by=cast["guide_a"], legal_name="Voorstel B.V.").pk}


def _network(cast: dict[str, Any]) -> dict[str, Any]:
    from tests.factories import NetworkFactory

    return {"pk": NetworkFactory(region_id="AM18").pk}


def _contact_person(cast: dict[str, Any]) -> dict[str, Any]:
    return {"pk": ContactPersonFactory(employer=EmployerFactory(region_id="AM18")).pk}


def _opening(cast: dict[str, Any]) -> dict[str, Any]:
    return {"pk": OpeningFactory(employer=EmployerFactory(region_id="AM18")).pk}


def _saved_filter(cast: dict[str, Any]) -> dict[str, Any]:
    """Adviser A's own saved filter of the employer list: everyone else is an outsider."""
    from employers.models import SavedFilter

    return {"pk": SavedFilter.objects.create(user=cast["adviser_a"], name="Mijn lijst", query="stage=open").pk}


NOT_ADVISER_A = ["guide_a", "coordinator_a", "adviser_b", "guide_b", "awvn"]


def _share_request(cast: dict[str, Any]) -> dict[str, Any]:
    """A request of a third region (Groningen) to join an employer region A leads."""
    from employers.models import EmployerShare

    return {"pk": EmployerShare.objects.create(employer=EmployerFactory(region_id="AM18"), region_id="AM01").pk}


COVERAGE: dict[str, tuple[Maker, list[str]]] = {
    # A saved filter is its user's own (issue 17).
    "employers:saved-filter": (_saved_filter, NOT_ADVISER_A),
    "employers:saved-filter-delete": (_saved_filter, NOT_ADVISER_A),
    # The employer network of region A (pages and API).
    "employers:detail": (_employer, NOT_REGION_A_NETWORK),
    "employers:edit": (_employer, NOT_REGION_A_NETWORK),
    "employers:stage": (_employer, NOT_REGION_A_NETWORK),
    "employers:delete": (_employer, NOT_REGION_A_NETWORK),
    "employers:archive": (_employer, NOT_REGION_A_NETWORK),
    "employers:restore": (_employer, NOT_REGION_A_NETWORK),
    "employers:merge": (_employer, NOT_REGION_A_NETWORK),
    "employers:network-edit": (_network, NOT_REGION_A_NETWORK),
    "network-detail": (_network, NOT_REGION_A_NETWORK),
    # "New in the network": region A's advisers and coordinator review, its guides do not.
    "employers:review-decide": (_proposed, ["guide_a", *NOT_REGION_A_NETWORK]),
    # National employers: the lead region (and the requesting one) see a request; guides do not.
    "employers:share-decide": (_share_request, ["guide_a", *NOT_REGION_A_NETWORK]),
    "employer-share-detail": (_share_request, ["guide_a", *NOT_REGION_A_NETWORK]),
    "employer-share-accept": (_share_request, ["guide_a", *NOT_REGION_A_NETWORK]),
    "employer-share-decline": (_share_request, ["guide_a", *NOT_REGION_A_NETWORK]),
    "employers:contact-person-create": (_employer, NOT_REGION_A_NETWORK),
    "employers:contact-person-edit": (_contact_person, NOT_REGION_A_NETWORK),
    "employers:opening-create": (_employer, NOT_REGION_A_NETWORK),
    "employers:opening-edit": (_opening, NOT_REGION_A_NETWORK),
    "employer-detail": (_employer, NOT_REGION_A_NETWORK),
    "employer-stage": (_employer, NOT_REGION_A_NETWORK),
    "employer-stage-history": (_employer, NOT_REGION_A_NETWORK),
    "employer-archive": (_employer, NOT_REGION_A_NETWORK),
    "employer-restore": (_employer, NOT_REGION_A_NETWORK),
    "employer-merge": (_employer, NOT_REGION_A_NETWORK),
    "contact-person-detail": (_contact_person, NOT_REGION_A_NETWORK),
    "opening-detail": (_opening, NOT_REGION_A_NETWORK),
    # Imports of region A: its advisers and coordinator only (guides read the network, not imports).
    "employers:import-preview": (_import_batch, ["guide_a", *NOT_REGION_A_NETWORK]),
    # The contact log of region A.
    "contact-detail": (_contact, NOT_REGION_A_NETWORK),
    "employers:contact-edit": (_contact, NOT_REGION_A_NETWORK),
    "follow-up-detail": (_follow_up, NOT_REGION_A_NETWORK),
    "follow-up-complete": (_follow_up, NOT_REGION_A_NETWORK),
    "employers:followup-complete": (_follow_up, NOT_REGION_A_NETWORK),
    "employers:followup-snooze": (_follow_up, NOT_REGION_A_NETWORK),
    "employers:followup-reassign": (_follow_up, NOT_REGION_A_NETWORK),
    "employers:timeline": (_employer, NOT_REGION_A_NETWORK),
    # A person's IPS figures: themselves and their coordinator only.
    "employers:person": (lambda cast: {"user_id": cast["guide_a"].pk}, ["adviser_a", *NOT_REGION_A_NETWORK]),
    # Dashboards of region A: only its advisers and coordinator.
    "reports:region-detail": (lambda cast: {"code": "AM18"}, ["adviser_b", "guide_a", "guide_b", "awvn"]),
    "api-stats-region": (lambda cast: {"code": "AM18"}, ["adviser_b", "guide_a", "guide_b", "awvn"]),
    "reports:region-target": (lambda cast: {"code": "AM18"}, ["adviser_a", "adviser_b", "guide_a", "guide_b", "awvn"]),
    "region-sender": (lambda cast: {"code": "AM18"}, ["adviser_a", "adviser_b", "guide_a", "guide_b", "awvn"]),
    # A contact person's data-subject pages: the coordinators of the person's region only.
    "privacy:person-data": (_contact_person, ["adviser_a", *NOT_REGION_A_NETWORK]),
    "privacy:person-erase": (_contact_person, ["adviser_a", *NOT_REGION_A_NETWORK]),
}

# --- Knowledge sessions, staff side (outreach:..., /api/v1/events|invitations|outbound-emails/) ---
# The AWVN adviser reads every region's sessions (and gets 403 on writes), so is no outsider to
# a session over the API; the staff pages are for the region's advisers and coordinators only.
NOT_REGION_A_ORGANISERS = ["adviser_b", "guide_a", "guide_b", "awvn"]
SESSION_API_OUTSIDERS = ["adviser_b", "guide_a", "guide_b"]


def _event(cast: dict[str, Any]) -> dict[str, Any]:
    from tests.outreach.factories import EventFactory

    return {"pk": EventFactory(region_id="AM18", owner=cast["adviser_a"]).pk}


def _requested_event(cast: dict[str, Any]) -> dict[str, Any]:
    from django.utils import timezone

    from tests.outreach.factories import EventFactory

    return {"pk": EventFactory(region_id="AM18", awvn_requested_at=timezone.now()).pk}


def _invitation(cast: dict[str, Any]) -> dict[str, Any]:
    from tests.outreach.factories import InvitationFactory

    return {"pk": InvitationFactory(event__region_id="AM18", contact_person__employer__region_id="AM18").pk}


def _outbound_email(cast: dict[str, Any]) -> dict[str, Any]:
    from outreach.models import OutboundEmail
    from tests.outreach.factories import EventFactory

    event = EventFactory(region_id="AM18")
    row = OutboundEmail.objects.create(
        idempotency_key=f"test:{event.pk}",
        kind="invite",
        to_email="a@example.org",
        subject="s",
        body_text="t",
        message_id=f"<test-{event.pk}@wsp>",
        event=event,
    )
    return {"pk": row.pk}


COVERAGE.update(
    {
        "outreach:event-detail": (_event, NOT_REGION_A_ORGANISERS),
        "outreach:event-edit": (_event, NOT_REGION_A_ORGANISERS),
        "outreach:event-publish": (_event, NOT_REGION_A_ORGANISERS),
        "outreach:event-register-awvn": (_event, NOT_REGION_A_ORGANISERS),
        "outreach:event-cancel": (_event, NOT_REGION_A_ORGANISERS),
        "outreach:event-postpone": (_event, NOT_REGION_A_ORGANISERS),
        "outreach:event-mark-held": (_event, NOT_REGION_A_ORGANISERS),
        "outreach:event-invite": (_event, NOT_REGION_A_ORGANISERS),
        "outreach:event-checkin": (_event, NOT_REGION_A_ORGANISERS),
        # Only the AWVN adviser confirms; everyone else (coordinators included) is an outsider.
        "outreach:agenda-confirm": (
            _requested_event,
            ["adviser_a", "coordinator_a", "adviser_b", "guide_a", "guide_b"],
        ),
        "event-detail": (_event, SESSION_API_OUTSIDERS),
        "event-publish": (_event, SESSION_API_OUTSIDERS),
        "event-cancel": (_event, SESSION_API_OUTSIDERS),
        "event-invite": (_event, SESSION_API_OUTSIDERS),
        "event-register-awvn": (_event, SESSION_API_OUTSIDERS),
        "event-confirm-awvn": (_requested_event, SESSION_API_OUTSIDERS),
        "invitation-detail": (_invitation, NOT_REGION_A_ORGANISERS),
        "outbound-email-detail": (_outbound_email, NOT_REGION_A_ORGANISERS),
    }
)


def _draft_event(cast: dict[str, Any]) -> dict[str, Any]:
    from tests.outreach.factories import EventFactory

    return {"slug": EventFactory(region_id="AM18", state="draft").slug}


# The public page of a session exists only once it is published: a draft is a 404 for everyone,
# its own region's staff included (they see drafts on the staff pages).
COVERAGE["outreach:public-event"] = (_draft_event, ["adviser_a", "coordinator_a", *NOT_REGION_A_NETWORK])
COVERAGE["outreach:public-event-ics"] = (_draft_event, ["adviser_a", "coordinator_a", *NOT_REGION_A_NETWORK])
COVERAGE["outreach:public-event-share"] = (_draft_event, ["adviser_a", "coordinator_a", *NOT_REGION_A_NETWORK])
COVERAGE["outreach:public-register"] = (_draft_event, ["adviser_a", "coordinator_a", *NOT_REGION_A_NETWORK])


def _registration(cast: dict[str, Any]) -> dict[str, Any]:
    from outreach.services import registration
    from tests.outreach.factories import EventFactory

    reg = registration.register(
        event=EventFactory(region_id="AM18"), name="Ilse", organisation="Geheim B.V.", email="ilse@geheim.nl"
    )
    registration.confirm(registration=reg)
    return {"pk": reg.pk}


def _pool_speaker(cast: dict[str, Any]) -> dict[str, Any]:
    """A speaker of region A's pool who did not agree to be listed for other regions."""
    from outreach.models import PoolSpeaker

    return {"pk": PoolSpeaker.objects.create(region_id="AM18", kind="researcher", name="Dr. Geheim").pk}


# The speaker pool: an unlisted speaker is region A's network's only; its edit page its writers'.
COVERAGE["outreach:speaker-detail"] = (_pool_speaker, NOT_REGION_A_NETWORK)
COVERAGE["pool-speaker-detail"] = (_pool_speaker, NOT_REGION_A_NETWORK)
COVERAGE["outreach:speaker-edit"] = (_pool_speaker, NOT_REGION_A_ORGANISERS)


def _story(cast: dict[str, Any], **fields: Any) -> Any:
    from employers.models import Story

    return Story.objects.create(region_id="AM18", title="Verhaal", slug=f"verhaal-{Story.objects.count()}",
                                text="Tekst", **fields)  # fmt: skip


def _faq(cast: dict[str, Any]) -> dict[str, Any]:
    from employers.models import FaqEntry

    entry = FaqEntry.objects.create(region_id="AM18", question_nl="V", answer_nl="A", question_en="Q", answer_en="A")
    return {"pk": entry.pk}


# Employer stories and FAQ: a draft's public page and image are a 404 for everyone (its region's
# staff see it on the staff pages); the staff pages are the region's advisers' and coordinators'.
COVERAGE["stories:detail"] = (
    lambda cast: {"slug": _story(cast).slug},
    ["adviser_a", "coordinator_a", *NOT_REGION_A_NETWORK],
)
COVERAGE["stories:image"] = (
    lambda cast: {"slug": _story(cast, image=b"x", image_type="image/png", image_alt="Beeld").slug},
    ["adviser_a", "coordinator_a", *NOT_REGION_A_NETWORK],
)
COVERAGE["stories:story-edit"] = (lambda cast: {"pk": _story(cast).pk}, NOT_REGION_A_ORGANISERS)
COVERAGE["stories:faq-edit"] = (_faq, NOT_REGION_A_ORGANISERS)

# New registrations ("nieuwe aanmeldingen"): the session region's advisers and coordinators.
COVERAGE["outreach:registration-reviewed"] = (_registration, NOT_REGION_A_ORGANISERS)

EXEMPT: dict[str, str] = {
    "api-stats-region-target": "PUT only, a region code: outsiders 404 in tests/reports/test_durable_figures.py",
    "region-detail": "public reference data: the 35 regions are the same for everyone",
    # Outreach public links: the signed personal token is the credential (no login, no region);
    # a wrong, tampered or stale token shows the same friendly "ask for a fresh link" page.
    "outreach:rsvp": "public personal RSVP link: the signed token is the key (tests/outreach/test_public.py)",
    "outreach:rsvp-ics": "public personal calendar file behind the signed RSVP token",
    "outreach:unsubscribe": "public preferences / RFC 8058 one-click link: the signed token is the key",
    "outreach:wish": "the thank-you mail's one-click wish behind the signed token (tests/outreach/test_wishes.py)",
    "outreach:feed": "calendar feed behind a secret URL token (unknown or revoked token: 404)",
    # The public agenda of a region (issue 18): the code is public reference data and the page is
    # for everyone; it lists published upcoming sessions only (drafts of any region never:
    # tests/outreach/test_agenda.py).
    "agenda:region": "public agenda of a region: published upcoming sessions only, for everyone",
    "agenda:region-ics": "public agenda's calendar feed: published upcoming sessions only",
    "agenda:region-atom": "public agenda's Atom feed: published upcoming sessions only",
    "agenda:region-json": "public agenda's JSON feed: published upcoming sessions only",
    "agenda:region-embed": "public agenda's embed page: published upcoming sessions only",
    "agenda:region-privacy": "the public pages' privacy notice of a region: no region data beyond its name",
    "stories:region": "public stories of a region: published ones only, for everyone (tests/employers/test_stories.py)",
    "stories:faq-region": "public FAQ of a region: published entries only, for everyone",
    "employers:colleague": "public interest form behind a signed referral link (tests/employers/test_colleague.py)",
    "employers:followup-feed": "own follow-ups feed behind a secret URL token (tests/contacts/test_followups.py)",
}


# Candidates (issue 6): only the owning guide (guide_a) and region A's coordinator (read-only).
NOT_THE_CANDIDATES_GUIDE = ["adviser_a", "adviser_b", "guide_b", "awvn"]


def _candidate(cast: dict[str, Any]) -> dict[str, Any]:
    from tests.candidates.factories import CandidateFactory

    return {"pk": CandidateFactory(guide=cast["guide_a"]).pk}


def _match(cast: dict[str, Any]) -> dict[str, Any]:
    from tests.candidates.factories import CandidateFactory, MatchFactory

    return {"pk": MatchFactory(candidate=CandidateFactory(guide=cast["guide_a"]), employer=EmployerFactory()).pk}


def _placement(cast: dict[str, Any]) -> dict[str, Any]:
    from tests.candidates.factories import CandidateFactory, PlacementFactory

    return {"pk": PlacementFactory(candidate=CandidateFactory(guide=cast["guide_a"]), employer=EmployerFactory()).pk}


def _trajectory(cast: dict[str, Any]) -> dict[str, Any]:
    from datetime import date

    from candidates.models import Trajectory
    from tests.candidates.factories import CandidateFactory

    candidate = CandidateFactory(guide=cast["guide_a"])
    return {"pk": Trajectory.objects.create(candidate=candidate, start_date=date(2026, 1, 5)).pk}


def _contact_link(cast: dict[str, Any]) -> dict[str, Any]:
    from candidates.models import CandidateContact
    from tests.candidates.factories import CandidateFactory
    from tests.contacts.factories import ContactFactory

    contact = ContactFactory(employer=EmployerFactory(region_id="AM18"), by=cast["guide_a"])
    return {
        "pk": CandidateContact.objects.create(candidate=CandidateFactory(guide=cast["guide_a"]), contact=contact).pk
    }


def _guides_contact(cast: dict[str, Any]) -> dict[str, Any]:
    from tests.contacts.factories import ContactFactory

    return {"pk": ContactFactory(employer=EmployerFactory(region_id="AM18"), by=cast["guide_a"]).pk}


COVERAGE.update(
    {
        # Employer contacts for a candidate: its own guide only (the coordinator reads them on the page).
        "candidates:contact-link": (_candidate, [*NOT_THE_CANDIDATES_GUIDE, "coordinator_a"]),
        "candidates:contact-unlink": (_contact_link, [*NOT_THE_CANDIDATES_GUIDE, "coordinator_a"]),
        # From the guide's own contact log: the contact is the guide's, nobody else opens it.
        "candidates:contact-for": (_guides_contact, [*NOT_THE_CANDIDATES_GUIDE, "coordinator_a"]),
        # The API's link: the region's coordinator reads it (403 on DELETE), like the page.
        "candidate-contact-detail": (_contact_link, NOT_THE_CANDIDATES_GUIDE),
        "candidate-detail": (_candidate, NOT_THE_CANDIDATES_GUIDE),
        "placement-end": (_placement, NOT_THE_CANDIDATES_GUIDE),
        "trajectory-detail": (_trajectory, NOT_THE_CANDIDATES_GUIDE),
        "trajectory-end": (_trajectory, NOT_THE_CANDIDATES_GUIDE),
        "candidates:placement-end": (_placement, [*NOT_THE_CANDIDATES_GUIDE, "coordinator_a"]),
        "candidates:trajectory-end": (_trajectory, [*NOT_THE_CANDIDATES_GUIDE, "coordinator_a"]),
        "candidates:trajectory-start": (_candidate, [*NOT_THE_CANDIDATES_GUIDE, "coordinator_a"]),
        "candidate-matches": (_candidate, NOT_THE_CANDIDATES_GUIDE),
        "match-detail": (_match, NOT_THE_CANDIDATES_GUIDE),
        "match-history": (_match, NOT_THE_CANDIDATES_GUIDE),
        "placement-detail": (_placement, NOT_THE_CANDIDATES_GUIDE),
        "placement-durable-check": (_placement, NOT_THE_CANDIDATES_GUIDE),
        "candidates:detail": (_candidate, NOT_THE_CANDIDATES_GUIDE),
        "candidates:matches": (_candidate, NOT_THE_CANDIDATES_GUIDE),
        # Pages that write: the coordinator reads the candidate but does not open these.
        "candidates:edit": (_candidate, [*NOT_THE_CANDIDATES_GUIDE, "coordinator_a"]),
        "candidates:match-state": (_candidate, [*NOT_THE_CANDIDATES_GUIDE, "coordinator_a"]),
        "candidates:placement-create": (_candidate, [*NOT_THE_CANDIDATES_GUIDE, "coordinator_a"]),
        "candidates:durable-check": (_placement, [*NOT_THE_CANDIDATES_GUIDE, "coordinator_a"]),
    }
)

# Resetting a colleague's second factor: coordinators (of the colleague's region) and staff
# admins only; to anyone else the colleague is not found.
COVERAGE["mfa-reset"] = (lambda cast: {"user_id": cast["adviser_a"].pk}, ["guide_a", *NOT_REGION_A_NETWORK])
