"""Demo contacts and follow-ups (``seed(users)``, called by seed_demo after employers/demo.py)."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from employers.contacts.services import contact_log
from employers.models import Channel, Contact, Employer, FollowUp, Purpose

SUMMARIES = [
    "Kennismaking met HR-manager; open voor een proefplaatsing.",
    "Werkplek bekeken: rustige ruimte beschikbaar, vaste begeleider.",
    "Terugkoppeling over de kandidaat; werkgever tevreden.",
    "Uitnodiging kennissessie besproken, komt met twee collega's.",
    "Vacature voor magazijnmedewerker doorgenomen, 20 uur per week.",
]


def _people(users: dict[str, AbstractBaseUser]) -> list[tuple[Any, str]]:
    wanted = [("adviseur", "AM18"), ("adviseur2", "AM18"), ("begeleider", "AM18"), ("adviseur-utrecht", "AM13")]
    return [(users[name], region) for name, region in wanted if name in users]


@transaction.atomic
def seed(users: dict[str, AbstractBaseUser]) -> str:
    rng = random.Random(4)  # noqa: S311 - demo data, not security
    now = timezone.now()
    logged = 0
    for user, region in _people(users):
        employers = list(Employer.objects.filter(region_id=region)[:12])
        if not employers:
            continue
        if user.username.startswith("adviseur"):
            Employer.objects.filter(pk__in=[e.pk for e in employers[:4]], owner__isnull=True).update(owner=user)
        for week in range(12):
            for _ in range(rng.randint(2, 8)):
                when = now - timedelta(weeks=week, days=rng.randint(0, 4), hours=rng.randint(0, 8))
                channel = rng.choice([Channel.VISIT, Channel.VISIT, Channel.PHONE, Channel.EMAIL, Channel.EVENT])
                purpose = Purpose.JOB_DEVELOPMENT if user.username == "begeleider" else rng.choice(Purpose.values)
                contact_log(
                    employer=rng.choice(employers[1:]),
                    by=user,
                    when=when,
                    channel=channel,
                    purpose=purpose,
                    summary=rng.choice(SUMMARIES),
                    event_in_person=channel == Channel.EVENT,
                )
                logged += 1
        for offset in (-3, 0, 2, 5):
            contact_log(
                employer=rng.choice(employers),
                by=user,
                when=now - timedelta(days=1),
                channel=Channel.PHONE,
                purpose=Purpose.RELATIONSHIP,
                summary=rng.choice(SUMMARIES),
                follow_up_on=timezone.localdate() + timedelta(days=offset),
                follow_up_note="Terugbellen over de proefplaatsing",
            )
            logged += 1
    return f"{logged} contacts, {FollowUp.objects.count()} follow-ups ({Contact.objects.count()} contacts in total)"
