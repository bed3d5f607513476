from __future__ import annotations

import factory
from django.utils import timezone

from tests.factories import EmployerFactory, UserFactory


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "employers.Contact"
        skip_postgeneration_save = True

    employer = factory.SubFactory(EmployerFactory)
    by = factory.SubFactory(UserFactory)
    region = factory.SelfAttribute("employer.region")  # what contact_log copies
    when = factory.LazyFunction(timezone.now)
    channel = "visit"
    purpose = "relationship"
    in_person = factory.LazyAttribute(lambda c: c.channel == "visit")
    summary = "Kennismaking met HR"

    @factory.post_generation
    def last_contact(obj, create: bool, extracted: object, **kwargs: object) -> None:  # noqa: N805 - factory_boy's signature
        # What contact_log does: the employer row keeps its latest contact's moment.
        if create:
            from employers.contacts.services import refresh_last_contact

            refresh_last_contact(employer_ids=[obj.employer_id])


class FollowUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "employers.FollowUp"

    employer = factory.SubFactory(EmployerFactory)
    owner = factory.SubFactory(UserFactory)
    due_date = factory.LazyFunction(lambda: timezone.localdate())
    note = "Terugbellen"
