from __future__ import annotations

import pytest

from crm.roles import has_role, region_codes, roles_by_region
from employers.models import ContactPerson, Employer
from tests.factories import ContactPersonFactory, EmployerFactory

pytestmark = pytest.mark.django_db


def test_roles_are_read_once_per_user_object(adviser_a, django_assert_num_queries):
    with django_assert_num_queries(1):  # memberships
        roles_by_region(adviser_a)
        roles_by_region(adviser_a)
        has_role(adviser_a, {"adviser"})


def test_region_codes_follow_the_roles_asked_for(adviser_a, guide_a, awvn):
    assert region_codes(adviser_a, {"adviser"}) == {"AM18"}
    assert region_codes(guide_a, {"adviser", "coordinator"}) == set()
    assert region_codes(awvn, {"adviser", "guide"}) == set()


def test_visible_to_keeps_each_region_to_its_own(cast):
    mine = EmployerFactory(region_id="AM18")
    theirs = EmployerFactory(region_id="AM13")

    assert list(Employer.objects.visible_to(cast["adviser_a"])) == [mine]
    assert list(Employer.objects.visible_to(cast["guide_a"])) == [mine]
    assert list(Employer.objects.visible_to(cast["adviser_b"])) == [theirs]
    assert list(Employer.objects.visible_to(cast["awvn"])) == []


def test_editable_by_leaves_guides_out_of_employers_but_not_contact_persons(cast):
    person = ContactPersonFactory(employer=EmployerFactory(region_id="AM18"))

    assert not Employer.objects.editable_by(cast["guide_a"]).exists()
    assert Employer.objects.editable_by(cast["adviser_a"]).exists()
    assert list(ContactPerson.objects.editable_by(cast["guide_a"])) == [person]
    assert not ContactPerson.objects.editable_by(cast["adviser_b"]).exists()


def test_anonymous_sees_nothing(db):
    from django.contrib.auth.models import AnonymousUser

    EmployerFactory()
    assert not Employer.objects.visible_to(AnonymousUser()).exists()
