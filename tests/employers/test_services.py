"""Field rules of the employer network services, with their exact messages."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from crm.models import AuditEntry
from employers.models import Employer, Stage, StageChange
from employers.services import (
    employer_change_stage,
    employer_create,
    employer_delete,
    employer_update,
    normalise_postcode,
)
from employers.services_parts import contact_person_create, contact_person_update, opening_create, opening_update
from tests.factories import ContactPersonFactory, EmployerFactory, OpeningFactory

pytestmark = pytest.mark.django_db


def _messages(excinfo: Any) -> dict[str, list[str]]:
    return excinfo.value.message_dict


@pytest.mark.parametrize("kvk", ["1234567", "123456789", "1234567a", "12 345678"])
def test_kvk_number_has_exactly_eight_digits(adviser_a: Any, kvk: str, region_a: Any) -> None:
    with pytest.raises(ValidationError) as excinfo:
        employer_create(by=adviser_a, legal_name="Bakkerij Jansen B.V.", kvk_number=kvk, region=region_a)

    assert _messages(excinfo) == {"kvk_number": ["A KvK number has exactly 8 digits."]}


@pytest.mark.parametrize(
    ("given", "stored"), [("1012ab", "1012 AB"), (" 1012 AB ", "1012 AB"), ("1012 ab", "1012 AB"), ("", "")]
)
def test_postcode_is_normalised(given: str, stored: str) -> None:
    assert normalise_postcode(given) == stored


@pytest.mark.parametrize("postcode", ["0123 AB", "1012", "1012 A", "1012-AB", "AB 1012", "10123 AB"])
def test_postcode_that_is_not_dutch_is_refused(adviser_a: Any, postcode: str, region_a: Any) -> None:
    with pytest.raises(ValidationError) as excinfo:
        employer_create(by=adviser_a, legal_name="Bakkerij Jansen B.V.", postcode=postcode, region=region_a)

    assert _messages(excinfo) == {"postcode": ["Give a Dutch postcode as 1234 AB."]}


def test_region_is_suggested_from_the_postcode(adviser_a: Any, adviser_b: Any) -> None:
    # 3511 is Utrecht (AM13): the suggestion wins when it is one of the user's regions.
    employer = employer_create(by=adviser_b, legal_name="Utrechtse Zorg B.V.", postcode="3511ab")

    assert employer.region_id == "AM13"
    assert employer.postcode == "3511 AB"


def test_region_given_overrides_the_suggestion(adviser_a: Any, region_a: Any) -> None:
    adviser = adviser_a
    from crm.models import Role
    from tests.factories import membership

    membership(adviser, Role.ADVISER, region_a.__class__.objects.get(code="AM13"))
    employer = employer_create(by=adviser, legal_name="Zorg B.V.", postcode="3511 AB", region=region_a)

    assert employer.region_id == "AM18"


def test_region_outside_my_regions_is_refused(adviser_a: Any, region_b: Any) -> None:
    with pytest.raises(ValidationError) as excinfo:
        employer_create(by=adviser_a, legal_name="Zorg B.V.", region=region_b)

    assert _messages(excinfo) == {"region": ["You can only add employers to your own regions."]}


def test_create_records_history_and_audit(adviser_a: Any) -> None:
    employer = employer_create(
        by=adviser_a,
        legal_name="  Bakkerij Jansen B.V. ",
        kvk_number="12345678",
        postcode="1012ab",
        accommodations=["quiet_workplace", "buddy"],
        stage=Stage.INTERESTED,
    )

    assert employer.legal_name == "Bakkerij Jansen B.V."
    assert employer.region_id == "AM18"
    assert sorted(employer.accommodations.values_list("code", flat=True)) == ["buddy", "quiet_workplace"]
    change = StageChange.objects.get(employer=employer)
    assert (change.from_stage, change.to_stage, change.by) == ("", "interested", adviser_a)
    assert AuditEntry.objects.filter(action="employers.employer.created", target_id=str(employer.pk)).exists()


def test_legal_name_is_required(adviser_a: Any, region_a: Any) -> None:
    with pytest.raises(ValidationError) as excinfo:
        employer_create(by=adviser_a, legal_name="  ", region=region_a)

    assert _messages(excinfo) == {"legal_name": ["Give the legal name."]}


def test_do_not_contact_needs_a_reason(adviser_a: Any, region_a: Any) -> None:
    with pytest.raises(ValidationError) as excinfo:
        employer_create(by=adviser_a, legal_name="Zorg B.V.", region=region_a, do_not_contact=True)

    assert _messages(excinfo) == {"do_not_contact_reason": ["Say why this employer must not be contacted."]}


def test_owner_must_advise_in_the_region(adviser_a: Any, adviser_b: Any, guide_a: Any, region_a: Any) -> None:
    for owner in (adviser_b, guide_a):
        with pytest.raises(ValidationError) as excinfo:
            employer_create(by=adviser_a, legal_name="Zorg B.V.", region=region_a, owner=owner)

        assert _messages(excinfo) == {"owner": ["Choose an adviser or coordinator of this employer's region."]}


def test_duplicate_kvk_in_another_region_tells_only_region_and_owner(
    adviser_a: Any, adviser_b: Any, region_a: Any
) -> None:
    EmployerFactory(
        legal_name="Geheime Naam B.V.", kvk_number="87654321", region_id="AM13", owner=adviser_b, place="Utrecht"
    )

    with pytest.raises(ValidationError) as excinfo:
        employer_create(by=adviser_a, legal_name="Iets Anders B.V.", kvk_number="87654321", region=region_a)

    message = _messages(excinfo)["kvk_number"][0]
    assert message == (
        "This employer already exists in region Midden-Utrecht, owned by Pieter "
        f"{adviser_b.last_name}. Request to join: /employers/shares/request/?kvk=87654321&region=AM18"
    )
    assert "Geheime" not in message and "Utrecht," not in message.split("region")[0]


def test_duplicate_name_and_postcode_in_another_region(adviser_a: Any, adviser_b: Any, region_a: Any) -> None:
    EmployerFactory(legal_name="Zorggroep Noord B.V.", kvk_number="", postcode="1012 AB", region_id="AM13")

    with pytest.raises(ValidationError) as excinfo:
        employer_create(by=adviser_a, legal_name="zorggroep noord b.v.", postcode="1012ab", region=region_a)

    assert _messages(excinfo) == {
        "legal_name": [
            "This employer already exists in region Midden-Utrecht, owned by nobody yet. Ask them to share it."
        ]
    }


def test_duplicate_in_the_same_region_links_to_it(adviser_a: Any, region_a: Any) -> None:
    existing = EmployerFactory(legal_name="Bakkerij B.V.", trade_name="De Bakker", kvk_number="11112222")

    with pytest.raises(ValidationError) as excinfo:
        employer_create(by=adviser_a, legal_name="Andere B.V.", kvk_number="11112222", region=region_a)

    assert _messages(excinfo) == {
        "kvk_number": [f"This employer already exists in this region: De Bakker, see /employers/{existing.pk}/"]
    }
    assert excinfo.value.existing == existing


def test_update_does_not_count_itself_as_duplicate(adviser_a: Any) -> None:
    employer = EmployerFactory(kvk_number="11112222", postcode="1012 AB")

    updated = employer_update(employer=employer, by=adviser_a, place="Amstelveen", accommodations=["buddy"])

    assert updated.place == "Amstelveen"
    entry = AuditEntry.objects.get(action="employers.employer.updated")
    assert entry.data["changed"]["place"] == ["Amsterdam", "Amstelveen"]
    assert entry.data["changed"]["accommodations"] == [[], ["buddy"]]


def test_stage_change_through_update_is_kept_as_history(adviser_a: Any) -> None:
    employer = EmployerFactory(stage=Stage.OPEN)

    employer_update(employer=employer, by=adviser_a, stage=Stage.ACTIVE)

    change = StageChange.objects.get(employer=employer)
    assert (change.from_stage, change.to_stage) == ("open", "active")
    assert AuditEntry.objects.filter(action="employers.employer.stage_changed").count() == 1


def test_stage_change_to_same_stage_records_nothing(adviser_a: Any) -> None:
    employer = EmployerFactory(stage=Stage.OPEN)

    employer_change_stage(employer=employer, by=adviser_a, stage=Stage.OPEN)

    assert not StageChange.objects.filter(employer=employer).exists()


def test_unknown_stage_is_refused(adviser_a: Any) -> None:
    with pytest.raises(ValidationError) as excinfo:
        employer_change_stage(employer=EmployerFactory(), by=adviser_a, stage="famous")

    assert _messages(excinfo) == {"stage": ["Choose one of the network stages."]}


def test_delete_keeps_an_audit_record(adviser_a: Any) -> None:
    employer = EmployerFactory(legal_name="Weg B.V.")
    ContactPersonFactory(employer=employer)
    pk = employer.pk

    employer_delete(employer=employer, by=adviser_a)

    assert not Employer.objects.filter(pk=pk).exists()
    entry = AuditEntry.objects.get(action="employers.employer.deleted")
    assert entry.data["legal_name"] == "Weg B.V." and entry.data["contact_persons"] == 1


def test_contact_person_rules(guide_a: Any) -> None:
    employer = EmployerFactory()
    with pytest.raises(ValidationError) as excinfo:
        contact_person_create(employer=employer, by=guide_a, name=" ")
    assert _messages(excinfo) == {"name": ["Give the contact person's name."]}

    with pytest.raises(ValidationError) as excinfo:
        contact_person_create(employer=employer, by=guide_a, name="Els", email="els@")
    assert _messages(excinfo) == {"email": ["Enter a valid email address."]}


def test_contact_person_opt_out_keeps_time_and_source(guide_a: Any) -> None:
    person = contact_person_create(employer=EmployerFactory(), by=guide_a, name="Els", email="Els@Example.nl")
    assert person.email == "els@example.nl" and person.opted_out_at is None

    person = contact_person_update(contact_person=person, by=guide_a, opted_out=True, opt_out_source="phone call")

    assert person.opted_out_at is not None and person.opt_out_source == "phone call"
    assert AuditEntry.objects.filter(action="employers.contact_person.updated").count() == 1


def test_opening_rules(guide_a: Any) -> None:
    employer = EmployerFactory(postcode="1012 AB")
    with pytest.raises(ValidationError) as excinfo:
        opening_create(employer=employer, by=guide_a, title="Magazijn", hours_min=30, hours_max=20)
    assert _messages(excinfo) == {"hours_max": ["The maximum hours cannot be fewer than the minimum."]}

    with pytest.raises(ValidationError) as excinfo:
        opening_create(employer=employer, by=guide_a, title="Magazijn", hours_min=0)
    assert _messages(excinfo) == {"hours_min": ["Hours per week are between 1 and 60."]}

    with pytest.raises(ValidationError) as excinfo:
        opening_create(employer=employer, by=guide_a, title="")
    assert _messages(excinfo) == {"title": ["Give the opening a title."]}

    with pytest.raises(ValidationError) as excinfo:
        opening_create(employer=employer, by=guide_a, title="Magazijn", postcode="12")
    assert _messages(excinfo) == {"postcode": ["Give a Dutch postcode as 1234 AB."]}


def test_opening_takes_the_employer_postcode_and_audits(guide_a: Any) -> None:
    opening = opening_create(
        employer=EmployerFactory(postcode="1012 AB"), by=guide_a, title="Magazijn", accommodations=["buddy"]
    )
    assert opening.postcode == "1012 AB"
    assert list(opening.accommodations.values_list("code", flat=True)) == ["buddy"]

    opening_update(opening=OpeningFactory(), by=guide_a, state="filled")

    assert AuditEntry.objects.filter(action__startswith="employers.opening.").count() == 2


def test_messages_are_dutch_for_dutch_users(adviser_a: Any, adviser_b: Any, region_a: Any) -> None:
    from django.utils import translation

    EmployerFactory(kvk_number="87654321", region_id="AM13", owner=adviser_b)
    with translation.override("nl"):
        with pytest.raises(ValidationError) as bad_kvk:
            employer_create(by=adviser_a, legal_name="Zorg B.V.", kvk_number="123", region=region_a)
        with pytest.raises(ValidationError) as elsewhere:
            employer_create(by=adviser_a, legal_name="Zorg B.V.", kvk_number="87654321", region=region_a)

    assert _messages(bad_kvk) == {"kvk_number": ["Een KvK-nummer heeft precies 8 cijfers."]}
    assert _messages(elsewhere)["kvk_number"][0].startswith("Deze werkgever bestaat al in regio Midden-Utrecht")


def test_the_employer_row_keeps_its_accommodation_codes(adviser_a: Any, region_a: Any) -> None:
    employer = employer_create(by=adviser_a, legal_name="Zorg B.V.", region=region_a, accommodations=["buddy"])
    assert Employer.objects.get(pk=employer.pk).accommodation_codes == ["buddy"]

    employer_update(employer=employer, by=adviser_a, accommodations=["quiet_workplace", "flexible_hours"])
    assert Employer.objects.get(pk=employer.pk).accommodation_codes == ["flexible_hours", "quiet_workplace"]
    employer_update(employer=employer, by=adviser_a, accommodations=[])
    assert Employer.objects.get(pk=employer.pk).accommodation_codes == []


def test_the_employer_row_counts_its_open_openings(adviser_a: Any) -> None:
    employer = EmployerFactory()
    first = opening_create(employer=employer, by=adviser_a, title="Magazijn", hours_min=16, hours_max=24)
    opening_create(employer=employer, by=adviser_a, title="Kantine")
    assert Employer.objects.get(pk=employer.pk).open_openings == 2

    opening_update(opening=first, by=adviser_a, state="filled")
    assert Employer.objects.get(pk=employer.pk).open_openings == 1
