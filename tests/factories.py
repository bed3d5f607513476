from __future__ import annotations

from typing import Any

import factory
from django.contrib.auth import get_user_model

from crm.models import Membership, Region
from crm.roles import forget_roles

TEST_PASSWORD = "test-password-2026"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="nl_NL")
    last_name = factory.Faker("last_name", locale="nl_NL")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def saved(obj: Any, create: bool, extracted: Any, **kwargs: Any) -> None:  # noqa: N805 - factory_boy API
        if create:
            obj.save()


def membership(user: Any, role: str, region: Region | None) -> Any:
    Membership.objects.get_or_create(user=user, role=role, region=region)
    forget_roles(user)
    return user


class EmployerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "employers.Employer"
        skip_postgeneration_save = True

    legal_name = factory.Sequence(lambda n: f"Werkgever {n} B.V.")
    trade_name = ""
    kvk_number = factory.Sequence(lambda n: f"{10000000 + n:08d}")
    sbi_section = "Q"
    postcode = "1012 AB"
    place = "Amsterdam"
    region_id = "AM18"
    stage = "open"

    @factory.post_generation
    def accommodations(obj: Any, create: bool, extracted: Any, **kwargs: Any) -> None:  # noqa: N805 - factory_boy's post_generation signature
        if create and extracted:
            obj.set_accommodations(extracted)


class ContactPersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "employers.ContactPerson"

    employer = factory.SubFactory(EmployerFactory)
    name = factory.Faker("name", locale="nl_NL")
    function = "HR-adviseur"
    email = factory.Sequence(lambda n: f"contact{n}@werkgever.example")
    language = "nl"


class OpeningFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "employers.Opening"
        skip_postgeneration_save = True

    employer = factory.SubFactory(EmployerFactory)
    title = factory.Sequence(lambda n: f"Medewerker {n}")
    hours_min = 16
    hours_max = 24
    state = "open"

    @factory.post_generation
    def open_openings(obj: Any, create: bool, extracted: Any, **kwargs: Any) -> None:  # noqa: N805 - factory_boy's post_generation signature
        # What opening_create and opening_update do: the employer row counts its open openings.
        if create:
            from employers.services_parts import refresh_open_openings

            refresh_open_openings(employer_ids=[obj.employer_id])


class NetworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "employers.Network"

    region_id = "AM18"
    name = factory.Sequence(lambda n: f"Ondernemersclub {n}")
