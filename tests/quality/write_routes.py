"""Which write routes exist, which of their fields take an id of region data, and how to build a
request that is valid except for that one id. ``CASES`` lists one entry per route x field;
``BODY_FREE`` lists the write routes whose body takes no id of region data (their URL's id is
the outsider matrix's, ``outsider_routes.py``), each with why.

A case's ``build(own, other, user)`` answers ``(url kwargs, body)``: every object from the
acting user's own region (``own``) except the one field under test, which comes from ``other``.
Called with ``other=own`` it gives the control request, which must succeed: so a refusal in the
matrix is the foreign id's doing, not a body broken in some other way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

from django.utils import timezone

Build = Callable[[SimpleNamespace, SimpleNamespace, Any], tuple[dict[str, Any], dict[str, Any]]]

ORGANISERS = ("adviser_a", "coordinator_a", "adviser_b")  # advisers and coordinators: network writers
NETWORK = (*ORGANISERS, "guide_a", "guide_b")  # everyone who reads (and partly writes) a network
GUIDES = ("guide_a", "guide_b")


@dataclass(frozen=True)
class Case:
    route: str
    field: str
    writers: tuple[str, ...]  # who may write this route at all (the others get 403/404 anyway)
    build: Build
    # "matching": the id is also tried with a do-not-contact employer of the user's own region.
    matching: bool = False
    control_status: tuple[int, ...] = (200, 201, 302)


def _when() -> str:
    return (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")


def _csv() -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("werkgevers.csv", b"Naam;KvK\r\nMatrix B.V.;87654321\r\n", content_type="text/csv")


def _contact_body(employer: Any, person: Any) -> dict[str, Any]:
    return {
        "employer": employer.pk,
        "contact_person": person.pk,
        "channel": "phone",
        "purpose": "relationship",
        "summary": "Gebeld over vacatures",
    }


def _page_contact(employer: Any, person: Any, owner: Any) -> dict[str, Any]:
    from employers.contacts.forms import employer_label

    return {
        "employer": employer_label(employer),
        "contact_person": person.pk,
        "when": _when(),
        "channel": "phone",
        "purpose": "relationship",
        "summary": "Gebeld",
        "follow_up_on": (timezone.localdate() + timedelta(days=7)).isoformat(),
        "follow_up_owner": owner.pk,
        "follow_up_note": "Terugbellen",
    }


def _employer_page(region: str, owner: Any) -> dict[str, Any]:
    return {
        "legal_name": "Nieuwe Werkgever B.V.",
        "region": region,
        "stage": "prospect",
        "owner": owner.pk,
        "postcode": "",
        "source": "",
    }


def _event_page(region: str) -> dict[str, Any]:
    starts = timezone.localtime() + timedelta(days=30)
    return {
        "region": region,
        "title": "Inclusief werkgeven",
        "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (starts + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "venue_name": "Bibliotheek",
        "venue_address": "Straat 1",
        "speakers-TOTAL_FORMS": "0",
        "speakers-INITIAL_FORMS": "0",
        "speakers-MIN_NUM_FORMS": "0",
        "speakers-MAX_NUM_FORMS": "10",
    }


def _with_pool_speaker(body: dict[str, Any], speaker: Any) -> dict[str, Any]:
    return {**body, "speakers-TOTAL_FORMS": "1", "speakers-0-pool_speaker": speaker.pk}


def _story_page(region: str, employer: Any) -> dict[str, Any]:
    return {"region": region, "title": "Een verhaal", "text": "Tekst", "employer": f"#{employer.pk}"}


def _own_story(own: Any) -> Any:
    from employers.models import Story

    return Story.objects.create(region_id=own.region, title="Verhaal", slug=f"v-{Story.objects.count()}", text="T")


def _event_api(region: str) -> dict[str, Any]:
    starts = timezone.now() + timedelta(days=30)
    return {"region": region, "title": "Inclusief werkgeven", "starts_at": starts.isoformat(),
            "ends_at": (starts + timedelta(hours=2)).isoformat()}  # fmt: skip


def _placement(candidate: Any, employer: Any, opening: Any | None = None) -> dict[str, Any]:
    body = {"candidate": candidate.pk, "employer": employer.pk, "start_date": timezone.localdate().isoformat(),
            "hours_per_week": 20, "method": "ips"}  # fmt: skip
    if opening is not None:
        body["opening"] = opening.pk
    return body


def _proposal(own: Any) -> Any:
    from django.utils import timezone as tz

    from tests.factories import EmployerFactory

    return EmployerFactory(region_id=own.region, source="guide", stage="prospect", review_requested_at=tz.now())


def _review(own: Any, body: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    return {"pk": _proposal(own).pk}, body


def _propose_page(region: str, owner: Any) -> dict[str, Any]:
    return {"legal_name": "Voorstel B.V.", "region": region, "stage": "prospect", "owner": owner.pk}


def _reassign(own: Any, other: Any, user: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    from tests.contacts.factories import FollowUpFactory

    followup = FollowUpFactory(employer=own.employer, owner=own.adviser)
    return {"pk": followup.pk}, {"owner": other.adviser.pk}


def _join(region: str) -> dict[str, Any]:
    """Ask to join an employer Groningen (AM01) leads: the KvK number names it on purpose across
    regions (the duplicate message's "request to join"); the region must be the user's own."""
    from tests.factories import EmployerFactory

    return {"kvk": EmployerFactory(region_id="AM01").kvk_number, "region": region, "note": ""}


CASES: list[Case] = [
    # --- The employer network, pages -----------------------------------------------------------
    Case("employers:create", "region", ORGANISERS, lambda o, x, u: ({}, _employer_page(x.region, u))),
    Case("employers:create", "owner", ORGANISERS, lambda o, x, u: ({}, _employer_page(o.region, x.adviser))),
    # A guide's own contact, for review (employers.proposals): the guide's region and its advisers.
    Case("employers:create", "region", GUIDES, lambda o, x, u: ({}, _propose_page(x.region, o.adviser))),
    Case("employers:create", "owner", GUIDES, lambda o, x, u: ({}, _propose_page(o.region, x.adviser))),
    Case("employers:share-request", "region", ORGANISERS, lambda o, x, u: ({}, _join(x.region))),
    Case("employer-share-list", "region", ORGANISERS, lambda o, x, u: ({}, _join(x.region))),
    Case("employers:create", "networks", GUIDES,
         lambda o, x, u: ({}, {**_propose_page(o.region, o.adviser), "networks": [x.network.pk]})),
    Case("employers:create", "referred_by", GUIDES,
         lambda o, x, u: ({}, {**_propose_page(o.region, o.adviser), "referred_by": f"#{x.employer.pk}"})),
    Case("employers:create", "referred_by_person", GUIDES,
         lambda o, x, u: ({}, {**_propose_page(o.region, o.adviser), "referred_by": f"#{o.employer.pk}",
                               "referred_by_person": x.person.pk})),
    Case("employers:review-decide", "owner", ORGANISERS,
         lambda o, x, u: _review(o, {"decision": "accept", "owner": x.adviser.pk})),
    Case("employers:review-decide", "other", ORGANISERS,
         lambda o, x, u: _review(o, {"decision": "merge", "other": x.employer.pk})),
    # Networks: the employer joins only networks of its own region (tests/employers/test_networks.py).
    Case("employers:create", "networks", ORGANISERS,
         lambda o, x, u: ({}, {**_employer_page(o.region, u), "networks": [x.network.pk]})),
    Case("employers:edit", "networks", ORGANISERS,
         lambda o, x, u: ({"pk": o.employer.pk}, {**_employer_page(o.region, u), "networks": [x.network.pk]})),
    # Peer referral: the referring employer and its person, of the user's own region.
    Case("employers:create", "referred_by", ORGANISERS,
         lambda o, x, u: ({}, {**_employer_page(o.region, u), "referred_by": f"#{x.employer.pk}"})),
    Case("employers:create", "referred_by_person", ORGANISERS,
         lambda o, x, u: ({}, {**_employer_page(o.region, u), "referred_by": f"#{o.employer.pk}",
                               "referred_by_person": x.person.pk})),
    Case("employers:edit", "referred_by", ORGANISERS,
         lambda o, x, u: ({"pk": o.employer.pk},
                          {**_employer_page(o.region, u), "referred_by": f"#{x.matched_employer.pk}"})),
    Case("employers:networks", "region", ORGANISERS,
         lambda o, x, u: ({}, {"region": x.region, "name": "Ondernemers Oost"})),
    Case("employers:edit", "region", ORGANISERS,
         lambda o, x, u: ({"pk": o.employer.pk}, _employer_page(x.region, u))),
    Case("employers:edit", "owner", ORGANISERS,
         lambda o, x, u: ({"pk": o.employer.pk}, _employer_page(o.region, x.adviser))),
    # Merge: the other employer is another region's (404), the URL's is the user's own.
    Case("employers:merge", "other", ORGANISERS,
         lambda o, x, u: ({"pk": o.matched_employer.pk}, {"other": x.employer.pk, "survivor": o.matched_employer.pk})),
    Case("employers:import", "region", ORGANISERS, lambda o, x, u: ({}, {"region": x.region, "file": _csv()}),
         control_status=(302,)),
    Case("employers:contact-create", "employer", NETWORK,
         lambda o, x, u: ({}, _page_contact(x.employer, o.person, u))),
    Case("employers:contact-create", "contact_person", NETWORK,
         lambda o, x, u: ({}, _page_contact(o.employer, x.person, u))),
    Case("employers:contact-create", "follow_up_owner", NETWORK,
         lambda o, x, u: ({}, _page_contact(o.employer, o.person, x.adviser))),
    Case("employers:contact-edit", "contact_person", NETWORK,
         lambda o, x, u: ({"pk": o.contact_of(u).pk},
                          {**_page_contact(o.employer, x.person, u), "employer": o.employer.pk})),
    Case("employers:followup-reassign", "owner", NETWORK, _reassign),
    # Bulk actions on the list (issue 17): the ticked employers, the owner, the session.
    Case("employers:bulk", "employers", ORGANISERS,
         lambda o, x, u: ({}, {"employers": [o.matched_employer.pk, x.employer.pk], "action": "stage",
                               "stage": "paused"})),
    Case("employers:bulk", "owner", ORGANISERS,
         lambda o, x, u: ({}, {"employers": [o.matched_employer.pk], "action": "owner", "owner": x.adviser.pk})),
    Case("outreach:bulk-invite", "employers", ORGANISERS,
         lambda o, x, u: ({}, {"employers": [x.employer.pk], "event": o.event.pk})),
    Case("outreach:bulk-invite", "event", ORGANISERS,
         lambda o, x, u: ({}, {"employers": [o.employer.pk], "event": x.event.pk})),
    # A saved filter's query is checked by the FilterSet as its user: no other region's ids.
    Case("employers:saved-filter-create", "network", NETWORK,
         lambda o, x, u: ({}, {"name": "Netwerk", "query": f"network={x.network.pk}"})),
    Case("employers:saved-filter-create", "owner", NETWORK,
         lambda o, x, u: ({}, {"name": "Eigenaar", "query": f"owner={x.adviser.pk}"})),
    # --- The employer network, API -------------------------------------------------------------
    Case("employer-list", "region", ORGANISERS,
         lambda o, x, u: ({}, {"legal_name": "Nieuw B.V.", "region": x.region, "stage": "prospect"})),
    Case("employer-list", "region", GUIDES,
         lambda o, x, u: ({}, {"legal_name": "Voorstel B.V.", "region": x.region, "stage": "prospect"})),
    Case("employer-list", "owner", GUIDES,
         lambda o, x, u: ({}, {"legal_name": "Voorstel B.V.", "region": o.region, "owner": x.adviser.pk})),
    Case("employer-list", "networks", GUIDES,
         lambda o, x, u: ({}, {"legal_name": "Voorstel B.V.", "region": o.region, "networks": [x.network.pk]})),
    Case("employer-list", "referred_by", GUIDES,
         lambda o, x, u: ({}, {"legal_name": "Voorstel B.V.", "region": o.region, "referred_by": x.employer.pk})),
    Case("employer-list", "referred_by_person", GUIDES,
         lambda o, x, u: ({}, {"legal_name": "Voorstel B.V.", "region": o.region, "referred_by": o.employer.pk,
                               "referred_by_person": x.person.pk})),
    Case("employer-list", "owner", ORGANISERS,
         lambda o, x, u: ({}, {"legal_name": "Nieuw B.V.", "region": o.region, "owner": x.adviser.pk})),
    Case("employer-detail", "owner", ORGANISERS, lambda o, x, u: ({"pk": o.employer.pk}, {"owner": x.adviser.pk})),
    Case("employer-detail", "region", ORGANISERS, lambda o, x, u: ({"pk": o.employer.pk}, {"region": x.region})),
    Case("employer-list", "networks", ORGANISERS,
         lambda o, x, u: ({}, {"legal_name": "Nieuw B.V.", "region": o.region, "networks": [x.network.pk]})),
    Case("employer-list", "referred_by", ORGANISERS,
         lambda o, x, u: ({}, {"legal_name": "Nieuw B.V.", "region": o.region, "referred_by": x.employer.pk})),
    Case("employer-list", "referred_by_person", ORGANISERS,
         lambda o, x, u: ({}, {"legal_name": "Nieuw B.V.", "region": o.region, "referred_by": o.employer.pk,
                               "referred_by_person": x.person.pk})),
    Case("employer-detail", "referred_by", ORGANISERS,
         lambda o, x, u: ({"pk": o.employer.pk}, {"referred_by": x.matched_employer.pk})),
    Case("employer-detail", "networks", ORGANISERS,
         lambda o, x, u: ({"pk": o.employer.pk}, {"networks": [x.network.pk]})),
    Case("employer-merge", "other", ORGANISERS,
         lambda o, x, u: ({"pk": o.matched_employer.pk}, {"other": x.employer.pk}), control_status=(200,)),
    Case("contact-person-list", "employer", NETWORK,
         lambda o, x, u: ({}, {"employer": x.employer.pk, "name": "Kees de Vries"})),
    Case("opening-list", "employer", NETWORK, lambda o, x, u: ({}, {"employer": x.employer.pk, "title": "Monteur"})),
    Case("contact-list", "employer", NETWORK, lambda o, x, u: ({}, _contact_body(x.employer, o.person))),
    Case("contact-list", "contact_person", NETWORK, lambda o, x, u: ({}, _contact_body(o.employer, x.person))),
    Case("contact-detail", "contact_person", NETWORK,
         lambda o, x, u: ({"pk": o.contact_of(u).pk}, {"contact_person": x.person.pk})),
    Case("follow-up-list", "employer", NETWORK,
         lambda o, x, u: ({}, {"employer": x.employer.pk, "owner": u.pk,
                               "due_date": timezone.localdate().isoformat()})),
    Case("follow-up-list", "owner", NETWORK,
         lambda o, x, u: ({}, {"employer": o.employer.pk, "owner": x.adviser.pk,
                               "due_date": timezone.localdate().isoformat()})),
    Case("follow-up-list", "contact", NETWORK,
         lambda o, x, u: ({}, {"employer": o.employer.pk, "owner": u.pk, "contact": x.contact.pk,
                               "due_date": timezone.localdate().isoformat()})),
    # --- Knowledge sessions --------------------------------------------------------------------
    Case("outreach:event-create", "region", ORGANISERS, lambda o, x, u: ({}, _event_page(x.region))),
    # Speakers from the pool: the region's own, or another region's listed ones (never unlisted).
    Case("outreach:event-create", "speakers-0-pool_speaker", ORGANISERS,
         lambda o, x, u: ({}, _with_pool_speaker(_event_page(o.region), x.pool_speaker))),
    Case("outreach:event-edit", "speakers-0-pool_speaker", ORGANISERS,
         lambda o, x, u: ({"pk": o.event.pk}, _with_pool_speaker(_event_page(o.region), x.pool_speaker))),
    Case("outreach:speaker-create", "region", ORGANISERS,
         lambda o, x, u: ({}, {"region": x.region, "kind": "researcher", "name": "Dr. Matrix"})),
    Case("outreach:speaker-create", "contact_person", ORGANISERS,
         lambda o, x, u: ({}, {"region": o.region, "kind": "employer", "contact_person": x.person.pk})),
    Case("outreach:speaker-edit", "contact_person", ORGANISERS,
         lambda o, x, u: ({"pk": o.pool_speaker.pk}, {"kind": "employer", "contact_person": x.person.pk})),
    # --- Employer stories and FAQ ----------------------------------------------------------------
    Case("stories:story-create", "region", ORGANISERS, lambda o, x, u: ({}, _story_page(x.region, o.employer))),
    Case("stories:story-create", "employer", ORGANISERS, lambda o, x, u: ({}, _story_page(o.region, x.employer))),
    Case("stories:story-edit", "employer", ORGANISERS,
         lambda o, x, u: ({"pk": _own_story(o).pk}, _story_page(o.region, x.employer))),
    Case("stories:faq-create", "region", ORGANISERS,
         lambda o, x, u: ({}, {"region": x.region, "question_nl": "V", "answer_nl": "A", "question_en": "Q",
                               "answer_en": "A", "position": 0})),
    Case("event-list", "region", ORGANISERS, lambda o, x, u: ({}, _event_api(x.region))),
    Case("event-invite", "persons", ORGANISERS,
         lambda o, x, u: ({"pk": o.event.pk}, {"persons": [x.person.pk], "dry_run": True})),
    Case("event-invite", "earlier_event", ORGANISERS,
         lambda o, x, u: ({"pk": o.event.pk}, {"attendance": "attended", "earlier_event": x.event.pk,
                                               "dry_run": True})),
    Case("outreach:event-invite", "earlier_event", ORGANISERS,
         lambda o, x, u: ({"pk": o.event.pk}, {"attendance": "attended", "earlier_event": x.earlier.pk,
                                               "expected": "0"}),
         control_status=(302,)),
    Case("event-invite", "regions", ORGANISERS,
         lambda o, x, u: ({"pk": o.event.pk}, {"regions": [x.region], "dry_run": True})),
    Case("event-invite", "networks", ORGANISERS,
         lambda o, x, u: ({"pk": o.event.pk}, {"networks": [x.network.pk], "dry_run": True})),
    Case("outreach:event-invite", "networks", ORGANISERS,
         lambda o, x, u: ({"pk": o.event.pk}, {"networks": [x.network.pk], "expected": "0"}), control_status=(302,)),
    Case("outreach:event-invite", "persons", ORGANISERS,
         lambda o, x, u: ({"pk": o.event.pk}, {"persons": [x.person.pk], "expected": "1"}), control_status=(302,)),
    Case("outreach:event-checkin", "contact_person", ORGANISERS,
         lambda o, x, u: ({"pk": o.held.pk}, {"contact_person": x.walk_in.pk}), control_status=(302,)),
    Case("outreach:event-checkin", "invitation", ORGANISERS,
         lambda o, x, u: ({"pk": o.held.pk}, {"invitation": x.held_invitation.pk, "attended": "1"}),
         control_status=(302,)),
    # --- Candidates, matches, placements -------------------------------------------------------
    Case("candidate-list", "region", GUIDES, lambda o, x, u: ({}, {"region": x.region, "pc4": "1012"})),
    Case("match-list", "candidate", GUIDES,
         lambda o, x, u: ({}, {"candidate": x.candidate.pk, "employer": o.employer.pk})),
    Case("match-list", "employer", GUIDES,
         lambda o, x, u: ({}, {"candidate": o.candidate.pk, "employer": x.employer.pk}), matching=True),
    Case("match-list", "opening", GUIDES,
         lambda o, x, u: ({}, {"candidate": o.candidate.pk, "employer": o.employer.pk, "opening": x.opening.pk})),
    Case("match-detail", "opening", GUIDES, lambda o, x, u: ({"pk": o.match.pk}, {"opening": x.matched_opening.pk})),
    Case("placement-list", "candidate", GUIDES, lambda o, x, u: ({}, _placement(x.candidate, o.employer))),
    Case("placement-list", "employer", GUIDES, lambda o, x, u: ({}, _placement(o.candidate, x.employer)),
         matching=True),
    Case("placement-list", "opening", GUIDES,
         lambda o, x, u: ({}, _placement(o.candidate, o.employer, x.opening))),
    Case("trajectory-list", "candidate", GUIDES,
         lambda o, x, u: ({}, {"candidate": x.candidate.pk, "method": "ips",
                               "start_date": timezone.localdate().isoformat()})),
    Case("candidates:match-state", "employer", GUIDES,
         lambda o, x, u: ({"pk": o.candidate.pk}, {"employer": x.employer.pk, "state": "approached"}),
         matching=True),
    Case("candidates:match-state", "opening", GUIDES,
         lambda o, x, u: ({"pk": o.candidate.pk},
                          {"employer": o.employer.pk, "opening": x.opening.pk, "state": "approached"})),
    Case("candidates:placement-create", "employer", GUIDES,
         lambda o, x, u: ({"pk": o.candidate.pk}, {"employer": x.matched_employer.pk,
                                                   "start_date": timezone.localdate(), "hours_per_week": 20,
                                                   "method": "ips"}),
         matching=True),
    # A contact linked to a candidate: the guide's own, with an employer of the candidate's region.
    Case("candidates:contact-link", "contact", GUIDES,
         lambda o, x, u: ({"pk": o.candidate.pk}, {"contact": x.contact_of(u).pk}), control_status=(302,)),
    Case("candidates:contact-for", "candidate", GUIDES,
         lambda o, x, u: ({"pk": o.contact_of(u).pk}, {"candidate": x.candidate.pk}), control_status=(302,)),
    Case("candidate-contact-list", "candidate", GUIDES,
         lambda o, x, u: ({}, {"candidate": x.candidate.pk, "contact": o.contact_of(u).pk})),
    Case("candidate-contact-list", "contact", GUIDES,
         lambda o, x, u: ({}, {"candidate": o.candidate.pk, "contact": x.contact_of(u).pk})),
    Case("candidates:placement-create", "opening", GUIDES,
         lambda o, x, u: ({"pk": o.candidate.pk}, {"employer": o.matched_employer.pk,
                                                   "opening": x.matched_opening.pk,
                                                   "start_date": timezone.localdate(), "hours_per_week": 20,
                                                   "method": "ips"})),
]  # fmt: skip

# Write routes whose body names no object of region data. Their URL's object is the outsider
# matrix's (tests/quality/outsider_routes.py): another region's id there is a 404.
BODY_FREE: dict[str, str] = {
    "api-stats-region-target": "a number; the region is the URL's (tests/reports/test_durable_figures.py)",
    "login": "credentials only",
    "logout": "no body",
    "set_language": "a language code",
    "api-token": "credentials only",
    "mfa-verify": "a sign-in code only",
    "mfa-setup": "a sign-in code only",
    "mfa-recovery-codes": "no body; the user's own codes",
    "mfa-sign-out-everywhere": "no body; the user's own sessions",
    "mfa-reset": "no body; the colleague is the URL's (outsider matrix)",
    "mfa-reset-list": "read-only page",
    "mfa-security": "read-only page",
    "mfa-key-added": "read-only page; the user's own new recovery codes",
    "otp_webauthn:credential-registration-begin": "no body; the user's own key",
    "otp_webauthn:credential-registration-complete": "the authenticator's answer; the user's own key",
    "otp_webauthn:credential-authentication-begin": "no body; the user's own keys",
    "otp_webauthn:credential-authentication-complete": "the authenticator's answer; the user's own key",
    "home": "read-only page",
    "healthz": "read-only probe",
    "readyz": "read-only probe",
    "employers:stage": "a stage name; the employer is the URL's",
    "employers:share-decide": "accept or decline; the request (and its employer) is the URL's",
    "employer-share-accept": "no body; the request (and its employer) is the URL's",
    "employer-share-decline": "no body; the request (and its employer) is the URL's",
    "employers:network-edit": "a name and a description; the network (and its region) is the URL's",
    "employers:delete": "no body; the employer is the URL's",
    "employers:archive": "no body; the employer is the URL's",
    "employers:saved-filter-delete": "no body; the saved filter is the URL's (its user's own)",
    "employers:restore": "no body; the employer is the URL's",
    "employer-archive": "no body; the employer is the URL's",
    "employer-restore": "no body; the employer is the URL's",
    "employers:contact-person-create": "plain fields; the employer is the URL's",
    "employers:contact-person-edit": "plain fields; the person is the URL's",
    "employers:opening-create": "plain fields and accommodations (national reference data); the employer is the URL's",
    "employers:opening-edit": "plain fields and accommodations (reference data)",
    "employers:followup-complete": "no body",
    "employers:followup-snooze": "a number of days or a date; the follow-up is the URL's",
    "employers:followup-feed-renew": "no body; the feed is the signed-in user's own",
    "employers:followup-feed": "calendar feed behind a secret URL token, GET only",
    "employers:import-preview": "row actions, checked against the batch's own rows by import_confirm",
    "employer-stage": "a stage name",
    "contact-person-detail": "plain fields; the employer is read-only on update",
    "opening-detail": "plain fields; the employer is read-only on update",
    "follow-up-complete": "no body",
    "outreach:event-publish": "a flag",
    "outreach:event-register-awvn": "no body",
    "outreach:event-cancel": "a reason text",
    "outreach:event-postpone": "a reason text (the session is the URL's)",
    "outreach:event-mark-held": "no body",
    "outreach:agenda-confirm": "AWVN's reference text",
    "event-detail": "plain fields; the region is read-only on update",
    "event-cancel": "a reason text",
    "event-confirm-awvn": "a reference text",
    "event-publish": "a flag",
    "event-register-awvn": "no body",
    "invitation-detail": "only 'attended', a boolean",
    "candidates:create": "plain fields and accommodations (reference data); the region is the guide's own",
    "candidates:edit": "plain fields; the candidate is the URL's",
    "candidates:durable-check": "months and yes/no",
    "candidate-detail": "plain fields; the region is read-only on update",
    "placement-durable-check": "months and yes/no",
    "reports:region-target": "a year and a number; the region is the URL's (tests/reports/test_target_page.py)",
    "region-sender": "a name, an address and text; the region is the URL's (tests/outreach/test_sender.py)",
    "placement-end": "a date, a reason from a list and a note; the placement is the URL's",
    "trajectory-end": "a date and an outcome from a list; the trajectory is the URL's",
    "candidates:placement-end": "a date, a reason from a list and a note; the placement is the URL's",
    "candidates:trajectory-end": "a date and an outcome from a list; the trajectory is the URL's",
    "candidates:trajectory-start": "a method and a date; the candidate is the URL's",
    "candidates:contact-unlink": "no body; the link is the URL's",
    "outreach:public-event": "public page, GET only",
    "outreach:public-event-ics": "public calendar file, GET only",
    "outreach:public-event-share": "public share image, GET only",
    "outreach:rsvp": "public: the signed token is the key (tests/outreach/test_public.py)",
    "outreach:rsvp-ics": "public calendar file, GET only",
    "outreach:unsubscribe": "public: the signed token is the key",
    "outreach:wish": "public, no body: the signed token is the key (tests/outreach/test_wishes.py)",
    "outreach:fresh-link": "an e-mail address; the answer never says whether it is known",
    "outreach:public-register": "public: what a visitor types, no id (tests/outreach/test_open_registration.py)",
    "stories:faq-edit": "plain fields in two languages; the entry (and its region) is the URL's",
    "stories:list": "public page, GET only",
    "stories:region": "public page, GET only",
    "stories:faq": "public page, GET only",
    "stories:faq-region": "public page, GET only",
    "stories:detail": "public page, GET only",
    "stories:image": "public image, GET only",
    "employers:colleague": "public: what a visitor types, no id; the signed link names the referrer",
    "outreach:register-confirm": "public: the signed confirmation link is the key, no body",
    "outreach:registration-reviewed": "no body; the URL's id is the outsider matrix's",
    "privacy:person-erase": "a confirmation flag and a reason text; the person is the URL's",
    "outreach:feed": "calendar feed behind a secret URL token, GET only",
}
