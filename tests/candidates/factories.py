from __future__ import annotations

from typing import Any

import factory
from django.utils import timezone

from tests.factories import EmployerFactory, UserFactory


class CandidateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "candidates.Candidate"
        skip_postgeneration_save = True

    guide = factory.SubFactory(UserFactory)
    region_id = "AM18"
    reference_code = factory.Sequence(lambda n: f"AM18-T{n:05d}")
    pc4 = "1012"
    sbi_sections = factory.LazyFunction(lambda: ["Q"])
    hours_min = 16
    hours_max = 24
    max_travel_km = 15
    trajectory_start = factory.LazyFunction(lambda: timezone.localdate() - timezone.timedelta(days=60))

    @factory.post_generation
    def accommodations_needed(obj: Any, create: bool, extracted: Any, **kwargs: Any) -> None:  # noqa: N805 - factory_boy's post_generation signature
        if create and extracted:
            obj.accommodations_needed.set(extracted)


class MatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "candidates.Match"

    candidate = factory.SubFactory(CandidateFactory)
    employer = factory.SubFactory(EmployerFactory)
    state = "suggested"


class PlacementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "candidates.Placement"

    candidate = factory.SubFactory(CandidateFactory)
    employer = factory.SubFactory(EmployerFactory)
    start_date = factory.LazyFunction(timezone.localdate)
    hours_per_week = 20
    method = "ips"
