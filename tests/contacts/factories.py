from __future__ import annotations

import factory
from django.utils import timezone

from tests.factories import EmployerFactory, UserFactory


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "employers.Contact"

    employer = factory.SubFactory(EmployerFactory)
    by = factory.SubFactory(UserFactory)
    when = factory.LazyFunction(timezone.now)
    channel = "visit"
    purpose = "relationship"
    in_person = factory.LazyAttribute(lambda c: c.channel == "visit")
    summary = "Kennismaking met HR"


class FollowUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "employers.FollowUp"

    employer = factory.SubFactory(EmployerFactory)
    owner = factory.SubFactory(UserFactory)
    due_date = factory.LazyFunction(lambda: timezone.localdate())
    note = "Terugbellen"
