"""How many queries each GET route runs, and which: ``PINS[url name] = Pin(...)``.

Each pin names its queries, one entry per query, by what ``describe`` reads from the SQL: the
table a SELECT reads from (``count <table>`` for a ``COUNT(*)``, ``exists <table>`` for an
``EXISTS``-style ``SELECT 1 ... LIMIT 1``), or ``insert/update/delete <table>`` for a write.
The test compares them as a multiset, so a refactor that reorders queries keeps its pins, while
one more query (an N+1 above all: the same page with 1 and with 6 rows) fails with the SQL shown.

``make(cast, rows)`` builds what the page shows with ``rows`` rows of its main kind (employers on
a list, contacts and openings on an employer's page, invitations and speakers on a session...)
and returns the URL's keyword arguments. Routes are named by URL name, never by view module, so
the pins survive code moving between files. Routes without GET are in ``NO_GET`` (checked to
answer 405); routes with no region data to pin are in ``EXEMPT`` with the reason.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.factories import ContactPersonFactory, EmployerFactory, OpeningFactory

# A maker's result may carry the query string under this key (beside the URL's keyword arguments).
QUERY = "?"

Maker = Callable[[dict[str, Any], int], dict[str, Any]]

# Names used over and over. A signed-in page reads the session, then the user; the scoping layer
# reads the user's memberships once per request (crm/scoping.py).
SESSION = "django_session"
USER = "auth_user"
ROLES = "crm_membership"
WEB = (SESSION, USER, ROLES)


@dataclass(frozen=True)
class Pin:
    who: str | None  # the cast member who asks (None: nobody is signed in)
    make: Maker
    queries: tuple[str, ...]
    query_string: str = ""
    status: int = 200
    notes: str = field(default="", compare=False)


def _none(cast: dict[str, Any], rows: int) -> dict[str, Any]:
    return {}


def _list(make: Maker) -> Maker:
    """The rows ``make`` builds, for a list route (which takes no keyword arguments)."""

    def make_list(cast: dict[str, Any], rows: int) -> dict[str, Any]:
        make(cast, rows)
        return {}

    return make_list


# --- Employers, contact persons, openings, contacts, follow-ups -------------------------------


def _share(employer: Any, person: bool = True) -> None:
    """A national employer: shared with region B (accepted), with a contact person of B's own."""
    from django.utils import timezone

    from employers.models import EmployerShare

    EmployerShare.objects.create(employer=employer, region_id="AM13", state="accepted", decided_at=timezone.now())
    if person:
        ContactPersonFactory(employer=employer, region_id="AM13")


def _share_requests(cast: dict[str, Any], rows: int) -> dict[str, Any]:
    """``rows`` requests of region B to join employers adviser A owns, and as many of region A."""
    from employers.models import EmployerShare

    for _i in range(rows):
        EmployerShare.objects.create(
            employer=EmployerFactory(region_id="AM18", owner=cast["adviser_a"]), region_id="AM13"
        )
        EmployerShare.objects.create(employer=EmployerFactory(region_id="AM01"), region_id="AM18")
    return {}


def _share_request(cast: dict[str, Any]) -> int:
    from employers.models import EmployerShare

    employer = EmployerFactory(region_id="AM18", owner=cast["adviser_a"])
    return EmployerShare.objects.create(employer=employer, region_id="AM13").pk


def _employers(cast: dict[str, Any], rows: int) -> dict[str, Any]:
    """``rows`` employers of region A owned by adviser A, each with an opening, a contact person,
    a contact and a follow-up (so every column of a list row has something to show); each shared
    with region B (a national employer, ``_share``)."""
    from tests.contacts.factories import ContactFactory, FollowUpFactory
    from tests.factories import NetworkFactory

    club = NetworkFactory(region_id="AM18")
    for _i in range(rows):
        employer = EmployerFactory(
            region_id="AM18", owner=cast["adviser_a"], accommodations=["buddy"], tags=["horeca", "techniek"]
        )
        employer.networks.add(club, NetworkFactory(region_id="AM18"))
        _share(employer)
        OpeningFactory(employer=employer).accommodations.set(["buddy"])
        ContactPersonFactory(employer=employer)
        ContactFactory(employer=employer, by=cast["adviser_a"])
        FollowUpFactory(employer=employer, owner=cast["adviser_a"])
    return {}


def _saved_filter(cast: dict[str, Any], rows: int) -> dict[str, Any]:
    from employers.models import SavedFilter

    return {"pk": SavedFilter.objects.create(user=cast["adviser_a"], name="Mijn lijst", query="stage=open").pk}


def _employer(cast: dict[str, Any], rows: int) -> dict[str, Any]:
    """One employer of region A with ``rows`` contact persons, openings, contacts and follow-ups."""
    from tests.contacts.factories import ContactFactory, FollowUpFactory
    from tests.factories import NetworkFactory

    employer = EmployerFactory(region_id="AM18", owner=cast["adviser_a"], accommodations=["buddy"], tags=["horeca"])
    employer.networks.add(NetworkFactory(region_id="AM18"))
    _share(employer, person=False)  # the pins of its rows' pages take the first: region A's own
    for _i in range(rows):
        OpeningFactory(employer=employer).accommodations.set(["buddy"])
        ContactPersonFactory(employer=employer)
        ContactFactory(employer=employer, by=cast["adviser_a"])
        FollowUpFactory(employer=employer, owner=cast["adviser_a"])
    return {"pk": employer.pk}


def _first_at_employer(model_name: str) -> Maker:
    """A maker for the detail pin of one of the employer's rows (contact person, opening, ...):
    the employer with its ``rows`` of everything, then the first row of ``model_name``."""

    def make(cast: dict[str, Any], rows: int) -> dict[str, Any]:
        from employers import models

        pk = _employer(cast, rows)["pk"]
        return {"pk": getattr(models, model_name).objects.filter(employer_id=pk).first().pk}

    return make


def _archived(cast: dict[str, Any], rows: int) -> dict[str, Any]:
    """The employer of ``_employer``, archived (only an archived one may be deleted for good)."""
    from django.utils import timezone

    from employers.models import Employer

    kwargs = _employer(cast, rows)
    Employer.objects.filter(pk=kwargs["pk"]).update(archived_at=timezone.now())
    return kwargs


def _proposals(cast: dict[str, Any], rows: int) -> dict[str, Any]:
    """``rows`` employers guide A added to region A, each with a contact person; the first's id."""
    from employers.proposals import employer_propose

    made = [
        employer_propose(by=cast["guide_a"], legal_name=f"Voorstel {i} B.V.", contact_person={"name": "Mo"})
        for i in range(rows)
    ]
    return {"pk": made[0].pk}


def _networks(cast: dict[str, Any], rows: int) -> dict[str, Any]:
    """``rows`` networks of region A, each with an employer; the first's id."""
    from tests.factories import NetworkFactory

    made = [NetworkFactory(region_id="AM18") for _i in range(rows)]
    for network in made:
        EmployerFactory(region_id="AM18").networks.add(network)
    return {"pk": made[0].pk}


def _merge_pair(cast: dict[str, Any], rows: int) -> dict[str, Any]:
    """The employer of ``_employer`` and another of its region to compare it with."""
    other = EmployerFactory(region_id="AM18")
    return {**_employer(cast, rows), QUERY: f"other={other.pk}"}


_contact_person = _first_at_employer("ContactPerson")
_opening = _first_at_employer("Opening")
_contact = _first_at_employer("Contact")
_follow_up = _first_at_employer("FollowUp")


def _import_batch(cast: dict[str, Any], rows: int) -> dict[str, Any]:
    from crm.models import Region
    from employers.importing import import_check

    lines = "".join(f"Werkgever {i} B.V.;{90000000 + i}\r\n" for i in range(rows))
    raw = f"Naam;KvK\r\n{lines}".encode()
    batch = import_check(by=cast["adviser_a"], region=Region.objects.get(code="AM18"), filename="x.csv", raw=raw)
    return {"pk": batch.pk}


def _imports(cast: dict[str, Any], rows: int) -> dict[str, Any]:
    for _i in range(rows):
        _import_batch(cast, 1)
    return {}


def _person(cast: dict[str, Any], rows: int) -> dict[str, Any]:
    _candidates(cast, rows)
    return {"user_id": cast["guide_a"].pk}


def _team(cast: dict[str, Any], rows: int) -> dict[str, Any]:
    from crm.models import Region, Role
    from tests.candidates.factories import CandidateFactory
    from tests.factories import UserFactory, membership

    region = Region.objects.get(code="AM18")
    for _i in range(rows):
        guide = membership(UserFactory(), Role.GUIDE, region)
        CandidateFactory(guide=guide)
    _employers(cast, rows)
    return {}


# --- Knowledge sessions ----------------------------------------------------------------------


def _event_with(cast: dict[str, Any], rows: int, **fields: Any) -> Any:
    """One session of region A with ``rows`` speakers and ``rows`` invitations (one answered)."""
    from outreach.models import Speaker
    from tests.outreach.factories import EventFactory, InvitationFactory

    event = EventFactory(region_id="AM18", owner=cast["adviser_a"], **fields)
    for i in range(rows):
        Speaker.objects.create(event=event, name=f"Spreker {i}", position=i)
        InvitationFactory(
            event=event,
            contact_person__employer__region_id="AM18",
            rsvp="yes" if i == 0 else "none",
        )
    return event


def _events(cast: dict[str, Any], rows: int) -> dict[str, Any]:
    for _i in range(rows):
        _event_with(cast, 2)
    return {}


def _event(cast: dict[str, Any], rows: int) -> dict[str, Any]:
    return {"pk": _event_with(cast, rows).pk}


def _requested_events(cast: dict[str, Any], rows: int) -> dict[str, Any]:
    from django.utils import timezone

    for _i in range(rows):
        _event_with(cast, 2, awvn_requested_at=timezone.now())
    return {}


def _requested_event(cast: dict[str, Any], rows: int) -> dict[str, Any]:
    from django.utils import timezone

    return {"pk": _event_with(cast, rows, awvn_requested_at=timezone.now()).pk}


def _public_event(cast: dict[str, Any], rows: int) -> dict[str, Any]:
    from django.utils import timezone

    event = _event_with(cast, rows)
    # Every invitation holds a seat and shows its organisation: the page lists them all.
    event.invitations.update(rsvp="yes", waitlist_position=None, show_organisation_at=timezone.now())
    return {"slug": event.slug}


def _token(purpose: str) -> Maker:
    def make(cast: dict[str, Any], rows: int) -> dict[str, Any]:
        from outreach import tokens

        invitation = _event_with(cast, rows).invitations.order_by("id").first()
        return {"token": tokens.sign(invitation.token, purpose)}

    return make


def _wish(cast: dict[str, Any], rows: int) -> dict[str, Any]:
    return {"wish": "contact", **_token("wish")(cast, rows)}


def _registrations(cast: dict[str, Any], rows: int) -> dict[str, Any]:
    from outreach.services import registration

    event = _event_with(cast, 0)
    for i in range(rows):
        reg = registration.register(event=event, name=f"P{i}", organisation=f"Org {i}", email=f"p{i}@org{i}.nl")
        registration.confirm(registration=reg)
    return {}


def _registration(cast: dict[str, Any], rows: int) -> dict[str, Any]:
    from outreach.models import Registration

    _registrations(cast, 1)
    return {"pk": Registration.objects.get().pk}


def _pending_registration(cast: dict[str, Any], rows: int) -> dict[str, Any]:
    from outreach import tokens
    from outreach.services import registration

    reg = registration.register(event=_event_with(cast, rows), name="P", organisation="Org", email="p@org.nl")
    return {"value": tokens.sign_registration(reg.token)}


def _region_agenda(cast: dict[str, Any], rows: int) -> dict[str, Any]:
    _events(cast, rows)
    return {"code": "AM18"}


def _feed(cast: dict[str, Any], rows: int) -> dict[str, Any]:
    from crm.models import Region
    from outreach.models import CalendarFeed

    _events(cast, rows)
    return {"token": CalendarFeed.objects.create(region=Region.objects.get(code="AM18")).token}


def _followup_feed(cast: dict[str, Any], rows: int) -> dict[str, Any]:
    from employers.contacts.services import followup_feed_renew

    _employers(cast, rows)
    return {"token": followup_feed_renew(user=cast["adviser_a"]).token}


def _invitation(cast: dict[str, Any], rows: int) -> dict[str, Any]:
    return {"pk": _event_with(cast, rows).invitations.order_by("id").first().pk}


def _outbound_emails(cast: dict[str, Any], rows: int) -> dict[str, Any]:
    from outreach.models import OutboundEmail

    event = _event_with(cast, rows)
    first = None
    for invitation in event.invitations.all():
        row = OutboundEmail.objects.create(
            idempotency_key=f"test:{invitation.pk}",
            kind="invite",
            to_email="a@example.org",
            subject="s",
            body_text="t",
            message_id=f"<test-{invitation.pk}@wsp>",
            event=event,
            invitation=invitation,
        )
        first = first or row
    return {"pk": first.pk}


# --- Candidates, matches, placements --------------------------------------------------------


def _candidate_with(cast: dict[str, Any], rows: int) -> Any:
    """One candidate of guide A with ``rows`` matches (one placed) at employers of region A."""
    from candidates.models import CandidateContact
    from tests.candidates.factories import CandidateFactory, MatchFactory, PlacementFactory
    from tests.contacts.factories import ContactFactory

    candidate = CandidateFactory(guide=cast["guide_a"], accommodations_needed=["buddy"])
    for i in range(rows):
        employer = EmployerFactory(region_id="AM18", accommodations=["buddy"])
        OpeningFactory(employer=employer)
        MatchFactory(candidate=candidate, employer=employer)
        # One contact linked to the candidate, one offered for linking, per row.
        CandidateContact.objects.create(
            candidate=candidate, contact=ContactFactory(employer=employer, by=cast["guide_a"])
        )
        ContactFactory(employer=employer, by=cast["guide_a"])
        if i == 0:
            PlacementFactory(candidate=candidate, employer=employer)
    return candidate


def _candidates(cast: dict[str, Any], rows: int) -> dict[str, Any]:
    for _i in range(rows):
        _candidate_with(cast, 1)
    return {}


def _candidate(cast: dict[str, Any], rows: int) -> dict[str, Any]:
    return {"pk": _candidate_with(cast, rows).pk}


def _candidate_employer(cast: dict[str, Any], rows: int) -> dict[str, Any]:
    """The placement form asks which employer (``?employer=``): one the candidate has a match with."""
    from candidates.models import Match

    candidate = _candidate_with(cast, rows)
    employer_id = Match.objects.filter(candidate=candidate).order_by("id").values_list("employer_id", flat=True)[0]
    return {"pk": candidate.pk, QUERY: f"employer={employer_id}"}


def _match(cast: dict[str, Any], rows: int) -> dict[str, Any]:
    from candidates.models import Match

    candidate = _candidate_with(cast, rows)
    return {"pk": Match.objects.filter(candidate=candidate).order_by("id").first().pk}


def _candidate_contact(cast: dict[str, Any], rows: int) -> dict[str, Any]:
    from candidates.models import CandidateContact

    candidate = _candidate_with(cast, rows)
    return {"pk": CandidateContact.objects.filter(candidate=candidate).order_by("id").first().pk}


def _contact_for(cast: dict[str, Any], rows: int) -> dict[str, Any]:
    """A contact of guide A, linked to ``rows`` of their candidates, ``rows`` more to choose from."""
    from candidates.models import CandidateContact
    from tests.candidates.factories import CandidateFactory
    from tests.contacts.factories import ContactFactory

    contact = ContactFactory(employer=EmployerFactory(region_id="AM18"), by=cast["guide_a"])
    for _i in range(rows):
        CandidateContact.objects.create(candidate=CandidateFactory(guide=cast["guide_a"]), contact=contact)
        CandidateFactory(guide=cast["guide_a"])
    return {"pk": contact.pk}


def _placement(cast: dict[str, Any], rows: int) -> dict[str, Any]:
    from candidates.models import Placement

    candidate = _candidate_with(cast, rows)
    return {"pk": Placement.objects.filter(candidate=candidate).get().pk}


def _trajectories(cast: dict[str, Any], rows: int) -> dict[str, Any]:
    """``rows`` candidates of guide A, each with an ended and an open trajectory."""
    from datetime import date

    from candidates.models import Trajectory

    for _i in range(rows):
        candidate = _candidate_with(cast, 1)
        Trajectory.objects.create(
            candidate=candidate, start_date=date(2025, 1, 6), end_date=date(2025, 6, 1), outcome="stopped"
        )
        Trajectory.objects.create(candidate=candidate, start_date=date(2026, 1, 5), guide=cast["guide_a"])
    return {}


def _trajectory(cast: dict[str, Any], rows: int) -> dict[str, Any]:
    from candidates.models import Trajectory

    _trajectories(cast, 1)
    return {"pk": Trajectory.objects.filter(end_date__isnull=True).latest("id").pk}


# --- Reports ----------------------------------------------------------------------------------


def _region(cast: dict[str, Any], rows: int) -> dict[str, Any]:
    return {"code": "AM18"}


def _region_figures(cast: dict[str, Any], rows: int) -> dict[str, Any]:
    """Also ``rows`` held sessions, each with an attendance that asked for contact afterwards:
    the conversions per session come from the same grouped queries however many sessions."""
    from datetime import timedelta

    from django.utils import timezone

    from tests.outreach.factories import EventFactory, InvitationFactory

    _employers(cast, rows)
    _candidates(cast, rows)
    for i in range(rows):
        start = timezone.now() - timedelta(days=2 + i)
        event = EventFactory(region_id="AM18", state="held", starts_at=start, ends_at=start + timedelta(hours=2))
        InvitationFactory(event=event, rsvp="yes", attended=True, wish_contact_at=timezone.now())
    return {"code": "AM18"}


def describe(sql: str) -> str:
    """The name of one query: its verb and the table it reads or writes (outside subqueries)."""
    text = " ".join(sql.split())
    head = text.split(" ", 1)[0].upper()
    if head in ("SAVEPOINT", "RELEASE", "ROLLBACK"):
        return "savepoint"
    if head in ("INSERT", "UPDATE", "DELETE"):
        match = re.search(r'(?:INTO|UPDATE|FROM) "([^"]+)"', text)
        return f"{head.lower()} {match.group(1) if match else '?'}"
    depth, i, table = 0, 0, "?"
    while i < len(text):
        ch = text[i]
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif depth == 0 and text.startswith(' FROM "', i):
            table = text[i + 7 : text.index('"', i + 7)]
            break
        i += 1
    if table == "?":  # FROM a subquery or a UNION: name the first table it reads
        match = re.search(r' FROM "([^"]+)"', text)
        table = match.group(1) if match else "no table"
    if re.match(r"SELECT COUNT\(\*\)( AS \"__count\")? FROM", text):
        return f"count {table}"
    if re.match(r'SELECT 1 AS "a"', text):
        return f"exists {table}"
    return table


# The API client keeps one user object between requests, so its roles (crm_membership) are read
# on the warm-up request only; a page reads the session, user and roles on each (WEB).
#
# Tables read twice in one request, seen while pinning and left for their own change (the cause
# not checked here): employers:create (auth_user), employers:edit (crm_region,
# employers_accommodation), employers:import (crm_region), employers:opening-edit and
# candidates:edit (employers_accommodation), employers:detail (employers_opening,
# employers_accommodation, employers_contact), employers:person (employers_contact),
# outreach:rsvp (outreach_invitation), outreach:event-detail (count outreach_outboundemail),
# outreach:event-invite (outreach_event), candidate matches (crm_postcodearea), the reports
# (employers_stagechange, outreach_invitation, employers_contact).
PINS: dict[str, Pin] = {
    "api-root": Pin("adviser_a", _none, ()),
    "api-stats-national": Pin(
        "awvn",
        _list(_region_figures),
        (
            "crm_region",
            "employers_employer",
            "employers_stagechange",
            "employers_stagechange",
            "reports_contactday",  # contacts per month and channel: the rollup, marked days live
            "outreach_event",
            "outreach_invitation",
            "outreach_invitation",
            "reports_regiontarget",
            "candidates_placement",
            "candidates_placement",
            "candidates_trajectory",
        ),
    ),
    "api-stats-region": Pin(
        "coordinator_a",
        _region_figures,
        (
            "crm_region",
            "employers_employer",
            "employers_stagechange",
            "employers_stagechange",
            "reports_contactday",  # contacts per month and channel: the rollup, marked days live
            "crm_membership",
            "candidates_trajectory",  # IPS caseload per guide
            "candidates_placement",  # IPS jobs this quarter, employers and sectors per guide
            "employers_contact",  # IPS contacts per visit: face to face, for a candidate
            "candidates_trajectory",  # IPS first employer contact per trajectory
            "employers_contact",
            "outreach_event",
            "outreach_invitation",
            "outreach_invitation",
            "reports_regiontarget",
            "candidates_placement",
            "candidates_placement",
            "candidates_trajectory",
        ),
    ),
    "candidate-detail": Pin(
        "guide_a", _candidate, ("candidates_candidate", "employers_accommodation", "insert candidates_candidateaccess")
    ),
    "candidate-list": Pin(
        "guide_a",
        _candidates,
        (
            "count candidates_candidate",
            "candidates_candidate",
            "employers_accommodation",
            "insert candidates_candidateaccess",
        ),
    ),
    "candidate-matches": Pin(
        "guide_a",
        _candidate,
        (
            "candidates_candidate",
            "employers_accommodation",
            "insert candidates_candidateaccess",
            "crm_postcodearea",
            "crm_postcodearea",
            "no table",
            "employers_opening",
        ),
    ),
    "candidates:create": Pin("guide_a", _none, (*WEB, "employers_accommodation")),
    "candidates:detail": Pin(
        "guide_a",
        _candidate,
        (
            *WEB,
            "candidates_candidate",
            "insert candidates_candidateaccess",
            "employers_accommodation",
            "candidates_match",
            "candidates_placement",
            "candidates_trajectory",  # with its guide, joined
            "candidates_candidatecontact",  # the employer contacts linked to the candidate
            "employers_contact",  # the guide's own contacts offered for linking
        ),
    ),
    "candidates:contact-link": Pin("guide_a", _candidate, (*WEB, "candidates_candidate", "employers_contact")),
    "reports:ips-own": Pin(
        "guide_a",
        _list(_candidates),
        (
            *WEB,
            "employers_contact",  # face-to-face visits per week
            "candidates_trajectory",  # caseload
            "candidates_placement",  # jobs this quarter, employers and sectors
            "employers_contact",  # contacts per visit: face to face, for a candidate
            "candidates_trajectory",  # first employer contact per trajectory
        ),
    ),
    "candidates:edit": Pin(
        "guide_a",
        _candidate,
        (
            *WEB,
            "candidates_candidate",
            "insert candidates_candidateaccess",
            "employers_accommodation",
            "employers_accommodation",
        ),
    ),
    "candidates:list": Pin("guide_a", _candidates, (*WEB, "candidates_candidate", "insert candidates_candidateaccess")),
    "candidates:matches": Pin(
        "guide_a",
        _candidate,
        (
            *WEB,
            "candidates_candidate",
            "insert candidates_candidateaccess",
            "employers_accommodation",
            "crm_postcodearea",
            "crm_postcodearea",
            "no table",
            "employers_opening",
        ),
    ),
    "candidates:placement-create": Pin(
        "guide_a",
        _candidate_employer,
        (
            *WEB,
            "candidates_candidate",
            "employers_employer",
            "insert candidates_candidateaccess",
            "candidates_match",
            "employers_opening",
        ),
    ),
    "contact-detail": Pin("adviser_a", _contact, ("employers_contact",)),
    "contact-list": Pin("adviser_a", _employers, ("count employers_contact", "employers_contact")),
    "contact-person-detail": Pin("adviser_a", _contact_person, ("employers_contactperson",)),
    "contact-person-list": Pin("adviser_a", _employers, ("count employers_contactperson", "employers_contactperson")),
    # The API reads region, owner and accommodations from the employer row (accommodation_codes).
    "employer-detail": Pin("adviser_a", _employer, ("employers_employer", "employers_network")),
    "employer-list": Pin(
        "adviser_a", _employers, ("count employers_employer", "employers_employer", "employers_network")
    ),
    "employer-stage-history": Pin(
        "adviser_a", _employer, ("employers_employer", "employers_network", "employers_stagechange")
    ),
    "employers:contact-create": Pin("adviser_a", _employers, (*WEB, "auth_user")),
    "employers:contact-edit": Pin("adviser_a", _contact, (*WEB, "employers_contact", "employers_contactperson")),
    "employers:contact-lookup": Pin("adviser_a", _employers, (*WEB, "employers_employer")),
    "employers:contact-person-create": Pin("adviser_a", _employer, (*WEB, "employers_employer")),
    "employers:contact-person-edit": Pin("adviser_a", _contact_person, (*WEB, "employers_contactperson")),
    "employers:create": Pin(
        "adviser_a",
        _none,
        (*WEB, "exists auth_user", "crm_region", "auth_user", "employers_accommodation", "employers_network"),
    ),
    "employers:delete": Pin(
        "coordinator_a",
        _archived,
        (
            *WEB,
            "employers_employer",
            "count employers_contactperson",
            "count employers_opening",
            "count employers_contact",
        ),
    ),
    # Both employers (the URL's, the other through the same region's scope), then what each holds.
    "employers:merge": Pin(
        "adviser_a",
        _merge_pair,
        (
            *WEB,
            "employers_employer",
            "employers_employer",
            *(
                f"count employers_{table}"
                for table in ("contactperson", "contact", "followup", "opening", "stagechange")
                for _side in range(2)
            ),
        ),
    ),
    "employers:detail": Pin(
        "adviser_a",
        _employer,
        (
            *WEB,
            "employers_employer",
            "employers_accommodation",
            "employers_network",  # its networks, prefetched with the employer
            "employers_employershare",  # the regions it is shared with (their names joined)
            "employers_employer",  # the employers it referred
            "count employers_contact",
            "employers_contact",
            "employers_contact",
            "employers_opening",
            "employers_contactperson",
            "employers_opening",
            "employers_accommodation",
            "employers_stagechange",
            "employers_followup",
            "employers_story",  # published stories of its sector ("use this story ...")
        ),
    ),
    "employers:edit": Pin(
        "adviser_a",
        _employer,
        (
            *WEB,
            "employers_employer",
            "employers_accommodation",
            "crm_region",
            "crm_region",
            "auth_user",
            "employers_accommodation",
            "employers_network",  # the employer's networks (initial)
            "employers_network",  # the networks to choose from
        ),
    ),
    "employers:export": Pin(
        "adviser_a", _employers, (*WEB, "savepoint", "count employers_employer", "insert crm_auditentry", "savepoint")
    ),
    "employers:import": Pin("adviser_a", _imports, (*WEB, "crm_region", "crm_region", "employers_importbatch")),
    "employers:import-preview": Pin("adviser_a", _import_batch, (*WEB, "employers_importbatch")),
    "employers:list": Pin(
        "adviser_a",
        _employers,
        (
            *WEB,
            "count employers_employer",
            "crm_region",
            "employers_accommodation",
            "auth_user",
            "employers_network",  # the network filter's choices
            "employers_employer",  # the columns shown, region and owner joined; no accommodations
            "employers_network",  # the rows' networks, prefetched
            # every filter option's count: one WITH scope ... UNION ALL (list_counts; named by the
            # last table it reads, the networks' link table)
            "employers_employer_networks",
            "employers_savedfilter",  # the user's own saved filters
            "auth_user",  # the owners a bulk action may assign (writers only)
        ),
    ),
    "employers:saved-filter": Pin("adviser_a", _saved_filter, (*WEB, "employers_savedfilter"), status=302),
    "employers:followup-feed": Pin(None, _followup_feed, ("employers_followupfeed", ROLES, "employers_followup")),
    # The list: the region filter, the rows, who each row may go to, the calendar link.
    "employers:followup-list": Pin(
        "adviser_a", _employers, (*WEB, "crm_region", "employers_followup", ROLES, "employers_followupfeed")
    ),
    "employers:my-work": Pin(
        "adviser_a",
        _employers,
        (*WEB, "employers_followup", "employers_employer", "employers_contact", "employers_followupfeed"),
    ),
    "employers:opening-create": Pin("adviser_a", _employer, (*WEB, "employers_employer", "employers_accommodation")),
    "employers:opening-edit": Pin(
        "adviser_a", _opening, (*WEB, "employers_opening", "employers_accommodation", "employers_accommodation")
    ),
    "employers:person": Pin("guide_a", _person, (*WEB, "auth_user", "employers_contact", "employers_contact")),
    "employers:networks": Pin("adviser_a", _list(_networks), (*WEB, "employers_network", "crm_region")),
    "employers:network-edit": Pin("adviser_a", _networks, (*WEB, "employers_network")),
    "network-list": Pin("adviser_a", _list(_networks), ("count employers_network", "employers_network")),
    "network-detail": Pin("adviser_a", _networks, ("employers_network",)),
    # National employers: the requests adviser A decides, and those of A's regions (with answers).
    "employers:shares": Pin("adviser_a", _share_requests, (*WEB, "employers_employershare", "employers_employershare")),
    "employers:share-request": Pin("adviser_a", _none, (*WEB, "crm_region")),
    "employer-share-list": Pin(
        "adviser_a", _list(_share_requests), ("count employers_employershare", "employers_employershare")
    ),
    "employer-share-detail": Pin(
        "adviser_a", lambda cast, rows: {"pk": _share_request(cast)}, ("employers_employershare",)
    ),
    "employers:review": Pin("adviser_a", _list(_proposals), (*WEB, "count employers_employer", "employers_employer")),
    # The employer (region, owner and the guide joined), its people, the likely duplicates.
    "employers:review-decide": Pin(
        "adviser_a",
        _proposals,
        (*WEB, "employers_employer", "employers_contactperson", "employers_employer", "auth_user"),
    ),
    "employers:pipeline": Pin("adviser_a", _employers, (*WEB, "employers_employer", "crm_region")),
    "employers:stage": Pin("adviser_a", _employer, (*WEB, "employers_employer")),
    "employers:team": Pin("coordinator_a", _team, (*WEB, "auth_user", "employers_contact")),
    "employers:timeline": Pin(
        "adviser_a",
        _employer,
        (
            *WEB,
            "employers_employer",
            "count employers_contact",
            "employers_contact",
            "employers_contact",
            "employers_opening",
            "employers_followup",
            "employers_employershare",  # the region badges of a shared employer
        ),
    ),
    "event-detail": Pin("adviser_a", _event, ("outreach_event", "outreach_speaker")),
    "event-list": Pin("adviser_a", _events, ("count outreach_event", "outreach_event", "outreach_speaker")),
    "follow-up-detail": Pin("adviser_a", _follow_up, ("employers_followup",)),
    "follow-up-list": Pin("adviser_a", _employers, ("count employers_followup", "employers_followup")),
    "healthz": Pin(None, _none, ()),
    "readyz": Pin(None, _none, ("django_migrations",)),
    # Home = today: the adviser's follow-ups, going-cold employers (count + page), this week's
    # sessions with their invitations, and the imports waiting in preview.
    "home": Pin(
        "adviser_a",
        _none,
        (
            "django_session",
            "auth_user",
            "crm_region",
            "crm_membership",
            "employers_followup",
            "count employers_employer",
            "employers_employer",
            "outreach_event",
            "outreach_invitation",
            "employers_importbatch",
        ),
    ),  # fmt: skip
    "invitation-detail": Pin("adviser_a", _invitation, ("outreach_invitation",)),
    "invitation-list": Pin("adviser_a", _events, ("count outreach_invitation", "outreach_invitation")),
    "javascript-catalog": Pin(None, _none, ()),
    "match-detail": Pin("guide_a", _match, ("candidates_match", "insert candidates_candidateaccess")),
    "match-history": Pin(
        "guide_a", _match, ("candidates_match", "insert candidates_candidateaccess", "candidates_matchchange")
    ),
    "match-list": Pin(
        "guide_a", _candidates, ("count candidates_match", "candidates_match", "insert candidates_candidateaccess")
    ),
    "opening-detail": Pin("adviser_a", _opening, ("employers_opening", "employers_accommodation")),
    "opening-list": Pin(
        "adviser_a", _employers, ("count employers_opening", "employers_opening", "employers_accommodation")
    ),
    "outbound-email-detail": Pin("adviser_a", _outbound_emails, ("outreach_outboundemail",)),
    "outbound-email-list": Pin(
        "adviser_a", _list(_outbound_emails), ("count outreach_outboundemail", "outreach_outboundemail")
    ),
    "outreach:agenda": Pin("awvn", _requested_events, (*WEB, "count outreach_event", "outreach_event", "crm_region")),
    "outreach:event-cancel": Pin("adviser_a", _event, (*WEB, "outreach_event", "count outreach_invitation")),
    "outreach:event-postpone": Pin("adviser_a", _event, (*WEB, "outreach_event", "count outreach_invitation")),
    "outreach:event-checkin": Pin(
        "adviser_a", _event, (*WEB, "outreach_event", "outreach_invitation", "employers_contactperson")
    ),
    "agenda:national": Pin(None, _list(_events), ("crm_region", "outreach_event")),
    "agenda:national-ics": Pin(None, _list(_events), ("crm_region", "outreach_event")),
    "agenda:national-atom": Pin(None, _list(_events), ("crm_region", "outreach_event")),
    "agenda:national-json": Pin(None, _list(_events), ("crm_region", "outreach_event")),
    "agenda:national-embed": Pin(None, _list(_events), ("crm_region", "outreach_event")),
    "agenda:region": Pin(None, _region_agenda, ("crm_region", "outreach_event")),
    "agenda:region-ics": Pin(None, _region_agenda, ("crm_region", "outreach_event")),
    "agenda:region-atom": Pin(None, _region_agenda, ("crm_region", "outreach_event")),
    "agenda:region-json": Pin(None, _region_agenda, ("crm_region", "outreach_event")),
    "agenda:region-embed": Pin(None, _region_agenda, ("crm_region", "outreach_event")),
    "agenda:privacy": Pin(None, _none, ()),
    "agenda:region-privacy": Pin(None, _region_agenda, ("crm_region",)),
    "outreach:event-create": Pin(
        "adviser_a",
        _none,
        (*WEB, "count crm_region", "crm_region", "outreach_poolspeaker"),  # the pool, once
    ),
    "outreach:event-detail": Pin(
        "adviser_a",
        _event,
        (
            *WEB,
            "outreach_event",
            "outreach_invitation",
            "count outreach_outboundemail",
            "outreach_speaker",
            "count outreach_outboundemail",
            "outreach_invitationround",
            "auth_user",
        ),
    ),
    "outreach:event-edit": Pin(
        "adviser_a", _event, (*WEB, "outreach_event", "outreach_poolspeaker", "outreach_speaker")
    ),
    "outreach:event-invite": Pin(
        "adviser_a",
        _event,
        (*WEB, "outreach_event", "crm_region", "employers_network", "outreach_event", "employers_contactperson"),
    ),
    "outreach:event-list": Pin("adviser_a", _events, (*WEB, "count outreach_event", "outreach_event")),
    "outreach:feed": Pin(None, _feed, ("outreach_calendarfeed", "outreach_event")),
    "outreach:fresh-link": Pin(None, _none, ()),
    "outreach:public-event": Pin(
        None,
        _public_event,
        ("outreach_event", "outreach_speaker", "outreach_invitation"),  # the organisations shown as participant
    ),
    "outreach:public-event-ics": Pin(None, _public_event, ("outreach_event", "outreach_speaker")),
    "outreach:public-event-share": Pin(None, _public_event, ("outreach_event",)),
    "outreach:register-confirm": Pin(None, _pending_registration, ("outreach_registration",)),
    "outreach:registrations": Pin(
        "adviser_a", _registrations, (*WEB, "count outreach_registration", "outreach_registration")
    ),
    "outreach:rsvp": Pin(
        None, _token("rsvp"), ("outreach_invitation", "outreach_invitation", "employers_contactperson")
    ),
    # The invitation, then its personal calendar mails so far (the person's own SEQUENCE).
    "outreach:rsvp-ics": Pin(None, _token("rsvp"), ("outreach_invitation", "outreach_outboundemail")),
    "outreach:wish": Pin(None, _wish, ("outreach_invitation",)),
    "outreach:unsubscribe": Pin(None, _token("unsubscribe"), ("outreach_invitation", "employers_contactperson")),
    "placement-detail": Pin("guide_a", _placement, ("candidates_placement", "insert candidates_candidateaccess")),
    "placement-list": Pin(
        "guide_a",
        _candidates,
        ("count candidates_placement", "candidates_placement", "insert candidates_candidateaccess"),
    ),
    "trajectory-detail": Pin("guide_a", _trajectory, ("candidates_trajectory",)),
    "candidates:contact-for": Pin(
        "guide_a",
        _contact_for,
        # the contact with its employer, the candidates it is linked to, the guide's others to choose
        (*WEB, "employers_contact", "candidates_candidatecontact", "candidates_candidate"),
    ),
    # A link with its candidate (joined), and the access entry the read writes.
    "candidate-contact-detail": Pin(
        "guide_a", _candidate_contact, ("candidates_candidatecontact", "insert candidates_candidateaccess")
    ),
    "candidate-contact-list": Pin(
        "guide_a",
        _candidates,
        ("count candidates_candidatecontact", "candidates_candidatecontact", "insert candidates_candidateaccess"),
    ),
    "trajectory-list": Pin("guide_a", _trajectories, ("count candidates_trajectory", "candidates_trajectory")),
    "region-detail": Pin("adviser_a", _region, ("crm_region",)),
    "region-list": Pin("adviser_a", _none, ("crm_region",)),
    "region-sender": Pin("coordinator_a", _region, (*WEB, "crm_region")),
    "reports:national": Pin(
        "awvn",
        _list(_region_figures),
        (
            *WEB,
            "crm_region",
            "employers_employer",
            "employers_stagechange",
            "employers_stagechange",
            "reports_contactday",  # contacts per month and channel: the rollup, marked days live
            "outreach_event",
            "outreach_invitation",
            "outreach_invitation",
            "reports_regiontarget",
            "candidates_placement",
            "candidates_placement",
            "candidates_trajectory",
        ),
    ),
    "reports:region": Pin(
        "coordinator_a",
        _list(_region_figures),
        (
            *WEB,
            "crm_region",
            "employers_employer",
            "employers_stagechange",
            "employers_stagechange",
            "reports_contactday",  # contacts per month and channel: the rollup, marked days live
            "crm_membership",
            "candidates_trajectory",  # IPS caseload per guide
            "candidates_placement",  # IPS jobs this quarter, employers and sectors per guide
            "employers_contact",  # IPS contacts per visit: face to face, for a candidate
            "candidates_trajectory",  # IPS first employer contact per trajectory
            "employers_contact",
            "outreach_event",
            "outreach_invitation",
            "outreach_invitation",
            "reports_regiontarget",
            "candidates_placement",
            "candidates_placement",
            "candidates_trajectory",
            "reports_regiontarget",  # the coordinator's target form, with who set it
        ),
    ),
    "reports:region-detail": Pin(
        "coordinator_a",
        _region_figures,
        (
            *WEB,
            "crm_region",
            "employers_employer",
            "employers_stagechange",
            "employers_stagechange",
            "reports_contactday",  # contacts per month and channel: the rollup, marked days live
            "crm_membership",
            "candidates_trajectory",  # IPS caseload per guide
            "candidates_placement",  # IPS jobs this quarter, employers and sectors per guide
            "employers_contact",  # IPS contacts per visit: face to face, for a candidate
            "candidates_trajectory",  # IPS first employer contact per trajectory
            "employers_contact",
            "outreach_event",
            "outreach_invitation",
            "outreach_invitation",
            "reports_regiontarget",
            "candidates_placement",
            "candidates_placement",
            "candidates_trajectory",
            "reports_regiontarget",  # the coordinator's target form, with who set it
        ),
    ),
}


def _colleagues(cast: dict[str, Any], rows: int) -> dict[str, Any]:
    """``rows`` advisers of region A, each with an authenticator (the coordinator's reset list)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from crm.models import Region, Role
    from tests.factories import UserFactory, membership

    for _i in range(rows):
        colleague = membership(UserFactory(), Role.ADVISER, Region.objects.get(code="AM18"))
        TOTPDevice.objects.create(user=colleague, name="authenticator", confirmed=True)
    return {}


# Two-factor sign-in: the user's own devices and codes, and the colleagues a coordinator may reset.
PINS |= {
    # The warm-up request made the device being set up; the page reads it back (and the role).
    "mfa-setup": Pin(
        "adviser_a",
        _none,
        (
            "django_session",
            "auth_user",
            "otp_totp_totpdevice",
            "exists otp_totp_totpdevice",
            "exists django_otp_webauthn_webauthncredential",
            "crm_membership",
        ),
    ),  # fmt: skip
    "mfa-security": Pin(
        "adviser_a",
        _none,
        (
            "django_session",
            "auth_user",
            "crm_membership",
            "exists otp_totp_totpdevice",
            "exists django_otp_webauthn_webauthncredential",
            "count crm_recoverycode",
        ),
    ),  # fmt: skip
    # The colleagues in one query, whether each has an authenticator in one more.
    "mfa-reset-list": Pin(
        "coordinator_a",
        _colleagues,
        (
            "django_session",
            "auth_user",
            "crm_membership",
            "auth_user",
            "otp_totp_totpdevice",
            "django_otp_webauthn_webauthncredential",
        ),
    ),  # fmt: skip
}


def _person_with_history(cast: dict[str, Any], rows: int) -> dict[str, Any]:
    """A contact person with ``rows`` invitations (each with its mail) and ``rows`` contacts."""
    from crm.models import AuditEntry
    from outreach import mail, outbox
    from tests.contacts.factories import ContactFactory
    from tests.outreach.factories import InvitationFactory

    person = ContactPersonFactory(employer=EmployerFactory(region_id="AM18"))
    for n in range(rows):
        invitation = InvitationFactory(event__region_id="AM18", contact_person=person)
        outbox.store([mail.invitation_row(invitation, "invite", f"pin-invite:{invitation.pk}")])
        ContactFactory(employer=person.employer, contact_person=person, by=cast["adviser_a"])
        AuditEntry.record("employers.contact_person.updated", target=person, data={"n": n})
    return {"pk": person.pk}


PINS.update(
    {
        # Everything stored about one person: one query per kind of row, whatever their number.
        "privacy:person-data": Pin(
            "coordinator_a",
            _person_with_history,
            (
                *WEB,
                "employers_contactperson",
                "outreach_invitation",
                "employers_contact",
                "outreach_registration",
                "outreach_outboundemail",
                "crm_auditentry",
            ),
        ),
        "privacy:person-erase": Pin("coordinator_a", _person_with_history, (*WEB, "employers_contactperson")),
    }
)


# --- Issue 20: the colleague referral form, the speaker pool, employer stories and FAQ --------


def _colleague(cast: dict[str, Any], rows: int) -> dict[str, Any]:
    from employers import colleague

    person = ContactPersonFactory(employer=EmployerFactory(region_id="AM18"))
    return {"token": colleague.sign(person.employer_id, person.pk)}


def _pool(cast: dict[str, Any], rows: int) -> list[Any]:
    """``rows`` listed employer speakers of region A, each willing to speak in two regions, and
    the sessions where they spoke."""
    from django.utils import timezone

    from outreach.models import PoolSpeaker, Speaker
    from tests.outreach.factories import EventFactory

    made = []
    for _i in range(rows):
        person = ContactPersonFactory(employer=EmployerFactory(region_id="AM18"))
        speaker = PoolSpeaker.objects.create(
            region_id="AM18", kind="employer", contact_person=person, listed_consent_at=timezone.now()
        )
        speaker.willing_regions.add("AM13", "AM18")
        Speaker.objects.create(event=EventFactory(region_id="AM18"), name=person.name, pool_speaker=speaker)
        made.append(speaker)
    return made


def _pool_speaker(cast: dict[str, Any], rows: int) -> dict[str, Any]:
    return {"pk": _pool(cast, rows)[0].pk}


def _stories(cast: dict[str, Any], rows: int) -> list[Any]:
    """``rows`` published stories of region A (each about an employer) and FAQ entries."""
    from django.utils import timezone

    from employers.models import FaqEntry, Story

    now, made = timezone.now(), []
    for i in range(rows):
        made.append(
            Story.objects.create(
                region_id="AM18", employer=EmployerFactory(region_id="AM18"), title=f"Verhaal {i}", slug=f"v-{i}",
                sector="Q", text="Tekst", image=b"png", image_type="image/png", image_alt="Beeld",
                employer_consent_at=now, employer_consent_note="Directeur", published_at=now,
            )
        )  # fmt: skip
        FaqEntry.objects.create(region_id="AM18", national=True, question_nl=f"V{i}", answer_nl="A",
                                question_en=f"Q{i}", answer_en="A", published_at=now)  # fmt: skip
    return made


def _region_code(make: Maker) -> Maker:
    def with_code(cast: dict[str, Any], rows: int) -> dict[str, Any]:
        make(cast, rows)
        return {"code": "AM18"}

    return with_code


def _story_slug(cast: dict[str, Any], rows: int) -> dict[str, Any]:
    return {"slug": _stories(cast, rows)[0].slug}


def _story_pk(cast: dict[str, Any], rows: int) -> dict[str, Any]:
    return {"pk": _stories(cast, rows)[0].pk}


def _faq_pk(cast: dict[str, Any], rows: int) -> dict[str, Any]:
    from employers.models import FaqEntry

    _stories(cast, rows)
    return {"pk": FaqEntry.objects.order_by("pk").first().pk}


PINS.update(
    {
        "employers:colleague": Pin(None, _colleague, ("employers_employer", "employers_contactperson")),
        "outreach:speakers": Pin(
            "adviser_a", _list(_pool), (*WEB, "count outreach_poolspeaker", "outreach_poolspeaker", "crm_region")
        ),
        # The home region (twice, as on every form with a region select), its people, every region.
        "outreach:speaker-create": Pin(
            "adviser_a", _none, (*WEB, "crm_region", "crm_region", "employers_contactperson", "crm_region")
        ),
        # The API: the speakers (home region, contact person and employer joined), then where
        # each is willing to speak, for the whole page at once.
        "pool-speaker-list": Pin(
            "adviser_a", _list(_pool), ("count outreach_poolspeaker", "outreach_poolspeaker", "crm_region")
        ),
        "pool-speaker-detail": Pin("adviser_a", _pool_speaker, ("outreach_poolspeaker", "crm_region")),
        "outreach:speaker-detail": Pin(
            "adviser_a",
            _pool_speaker,
            (*WEB, "outreach_poolspeaker", "outreach_speaker", "exists outreach_poolspeaker", "crm_region"),
        ),
        "outreach:speaker-edit": Pin(
            "adviser_a",
            _pool_speaker,
            (*WEB, "outreach_poolspeaker", "crm_region", "employers_contactperson", "crm_region"),
        ),
        "stories:list": Pin(None, _list(_stories), ("count employers_story", "employers_story", "crm_region")),
        "stories:region": Pin(None, _region_code(_stories), ("crm_region", "count employers_story", "employers_story")),
        "stories:faq": Pin(None, _list(_stories), ("employers_faqentry",)),
        "stories:faq-region": Pin(None, _region_code(_stories), ("crm_region", "employers_faqentry")),
        "stories:detail": Pin(None, _story_slug, ("employers_story",)),
        "stories:image": Pin(None, _story_slug, ("employers_story",)),
        "stories:manage": Pin("adviser_a", _list(_stories), (*WEB, "employers_story", "employers_faqentry")),
        "stories:story-create": Pin("adviser_a", _none, (*WEB, "crm_region", "crm_region")),  # regions, then the select
        "stories:story-edit": Pin("adviser_a", _story_pk, (*WEB, "employers_story", "employers_employer")),
        "stories:faq-create": Pin("adviser_a", _none, (*WEB, "crm_region", "crm_region")),
        "stories:faq-edit": Pin("adviser_a", _faq_pk, (*WEB, "employers_faqentry")),
    }
)


EXEMPT: dict[str, str] = {
    "mfa-verify": "a redirect unless the session owes a code (tests/crm/test_mfa.py): no region data",
    "api-stats-region-target": "PUT only (no GET): one read and one write of the region's target row",
    "login": "the log-in form: no region data, no query before the user signs in",
    "otp_webauthn:js-i18n-catalog": "the security key script's translations: no rows",
    "mfa-key-added": "the recovery codes once after a key was registered (tests/e2e), else a redirect",
    "oidc_authentication_init": "a redirect to the identity provider (tests/crm/test_sso.py): no region data",
    "oidc_authentication_callback": "the provider's redirect back: the user's sign-in, no region data",
    "set_language": "a redirect that stores the language in a cookie; GET does nothing",
    "api-schema": "the OpenAPI description is generated from code, not from rows",
    "api-docs": "Swagger UI's page: static, its data is the schema",
}

# Routes that serve no GET: the test checks that a signed-in user with access gets 405.
NO_GET: dict[str, tuple[str | None, Maker]] = {
    "employers:share-decide": ("adviser_a", lambda cast, rows: {"pk": _share_request(cast)}),
    "employer-share-accept": ("adviser_a", lambda cast, rows: {"pk": _share_request(cast)}),
    "employer-share-decline": ("adviser_a", lambda cast, rows: {"pk": _share_request(cast)}),
    "outreach:public-register": (None, _public_event),
    "outreach:registration-reviewed": ("adviser_a", _registration),
    "api-token": (None, _none),
    "mfa-recovery-codes": ("adviser_a", _none),
    # The security key's ceremonies (django-otp-webauthn, crm/mfa_webauthn.py): JSON over POST.
    "otp_webauthn:credential-registration-begin": ("adviser_a", _none),
    "otp_webauthn:credential-registration-complete": ("adviser_a", _none),
    "otp_webauthn:credential-authentication-begin": ("adviser_a", _none),
    "otp_webauthn:credential-authentication-complete": ("adviser_a", _none),
    "mfa-sign-out-everywhere": ("adviser_a", _none),
    "mfa-reset": ("coordinator_a", lambda cast, rows: {"user_id": cast["adviser_a"].pk}),
    "candidates:durable-check": ("guide_a", _placement),
    "candidates:placement-end": ("guide_a", _placement),
    "candidates:trajectory-end": ("guide_a", _trajectory),
    "candidates:trajectory-start": ("guide_a", _candidate),
    "candidates:contact-unlink": ("guide_a", _candidate),
    "placement-end": ("guide_a", _placement),
    "reports:region-target": ("coordinator_a", _region),
    "trajectory-end": ("guide_a", _trajectory),
    "candidates:match-state": ("guide_a", _candidate),
    "employer-archive": ("adviser_a", _employer),
    "employer-merge": ("adviser_a", _employer),
    "employer-restore": ("adviser_a", _employer),
    "employer-stage": ("adviser_a", _employer),
    "employers:archive": ("adviser_a", _employer),
    "employers:restore": ("adviser_a", _employer),
    "employers:saved-filter-create": ("adviser_a", _none),
    "employers:bulk": ("adviser_a", _none),
    "outreach:bulk-invite": ("adviser_a", _none),
    "employers:saved-filter-delete": ("adviser_a", _saved_filter),
    "employers:followup-complete": ("adviser_a", _follow_up),
    "employers:followup-feed-renew": ("adviser_a", _none),
    "employers:followup-reassign": ("adviser_a", _follow_up),
    "employers:followup-snooze": ("adviser_a", _follow_up),
    "event-cancel": ("adviser_a", _event),
    "event-confirm-awvn": ("awvn", _event),
    "event-invite": ("adviser_a", _event),
    "event-publish": ("adviser_a", _event),
    "event-register-awvn": ("adviser_a", _event),
    "follow-up-complete": ("adviser_a", _follow_up),
    "logout": ("adviser_a", _none),
    "outreach:agenda-confirm": ("awvn", _requested_event),
    "outreach:event-mark-held": ("adviser_a", _event),
    "outreach:event-publish": ("adviser_a", _event),
    "outreach:event-register-awvn": ("adviser_a", _event),
    "placement-durable-check": ("guide_a", _placement),
}
